// Access tokens at the door: tampering, expiry, clock skew, revocation through
// the token version (deactivation, deletion, role change) on the very next
// request, and what authentication costs per request.
import ClinicDomain
import Crypto
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class IdentityTokenTests: XCTestCase {
    func claims(_ h: ClinicTestHarness, _ user: HarnessUser, version: Int = 0, now: Int64? = nil, role: String? = nil) -> AccessTokenClaims {
        AccessTokenClaims(issuer: h.services.tokens.issuer, audience: h.services.tokens.audience, subject: user.globalID,
                          role: role ?? user.role.rawValue, version: version, now: now ?? h.services.clock.now.secondsSinceEpoch,
                          lifetime: h.services.tokens.accessTokenTTL)
    }

    func status(_ h: ClinicTestHarness, _ token: String?) async -> Int {
        await h.request("{ me { id } }", token: token).status
    }

    func testValidTokenIdentifiesTheUser() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let user = try await h.createUser()
        let r = await h.request("{ me { id role } }", token: try await h.token(for: user))
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.data?.at("me.id")?.stringValue, user.globalID)
    }

    func testAValidTokenThatCannotBeCheckedIsUnavailableNotUnauthenticated() async throws {
        // The database is down (nothing listens on this socket): a 401 would make
        // clients sign the user out for the server's fault; the answer is 503.
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let user = try await h.createUser()
        let down = ClinicServices(pool: ConnectionPool(connectionString: "postgresql:///clinic?host=/nonexistent-socket-dir&connect_timeout=2", size: 1),
                                  signer: try JWTSigner(secret: ClinicTestHarness.jwtSecret), hasher: PasswordHasher(cost: .low))
        let token = try await h.token(for: user)
        let outcome = await Authentication.authenticate(services: down, bearer: token, ip: "127.0.0.1", requestID: "r1")
        guard case .failure(.unavailable) = outcome else { return XCTFail("\(outcome)") }
        // A bad token is still a 401 without asking the database.
        let forged = await Authentication.authenticate(services: down, bearer: token + "x", ip: "127.0.0.1", requestID: "r2")
        guard case .failure(.invalidToken) = forged else { return XCTFail("\(forged)") }
    }

    func testTamperedTokensAreRejectedForTheWholeRequest() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let user = try await h.createUser()
        let good = try await h.token(for: user)
        let parts = good.split(separator: ".").map(String.init)

        // Changed payload (role raised), original signature kept.
        var payload = String(decoding: Base64.urlDecode(parts[1])!, as: UTF8.self)
        payload = payload.replacingOccurrences(of: "\"CLIENT\"", with: "\"SUPERADMIN\"")
        let changed = parts[0] + "." + Base64.urlEncode(Array(payload.utf8)) + "." + parts[2]
        // Signed with another key.
        let otherKey = try JWTSigner(secret: Array("another-secret-another-secret-another-secret".utf8)).sign(claims(h, user))
        // alg: none, no signature.
        let noneHeader = Base64.urlEncode(Array(#"{"alg":"none","typ":"at+jwt"}"#.utf8))
        let algNone = noneHeader + "." + parts[1] + "."
        // HS512 claimed in the header.
        let hs512 = Base64.urlEncode(Array(#"{"alg":"HS512","typ":"at+jwt"}"#.utf8)) + "." + parts[1] + "." + parts[2]
        // Other subject type (a Patient ID in `sub`).
        var wrongSub = claims(h, user)
        wrongSub.sub = GlobalID.encode(type: "Patient", id: user.id)
        let patientSubject = try JWTSigner(secret: ClinicTestHarness.jwtSecret).sign(wrongSub)

        for (name, token) in [("changed payload", changed), ("other key", otherKey), ("alg none", algNone), ("alg HS512", hs512),
                              ("patient subject", patientSubject), ("garbage", "garbage"), ("empty", ""),
                              ("truncated", String(good.dropLast(3)))] {
            let r = await h.request("{ me { id } }", token: token)
            XCTAssertEqual(r.status, 401, name)
            XCTAssertEqual(r.codes, ["UNAUTHENTICATED"], name)
            XCTAssertNil(r.data, name)
        }
        let ok = await status(h, good)
        XCTAssertEqual(ok, 200, "the untouched token still works")
    }

    func testExpiredTokensFailAndSmallClockSkewIsTolerated() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "expiry")
        let user = try await h.createUser()
        let signer = try JWTSigner(secret: ClinicTestHarness.jwtSecret)
        let now = h.services.clock.now.secondsSinceEpoch
        // Issued by a server whose clock runs 5 s ahead: fine.
        let early = await status(h, signer.sign(claims(h, user, now: now + 5)))
        XCTAssertEqual(early, 200)
        // Issued 5 minutes in the future: refused.
        let future = await status(h, signer.sign(claims(h, user, now: now + 300)))
        XCTAssertEqual(future, 401)
        let token = try await h.token(for: user)
        h.services.clock.advance(seconds: h.services.tokens.accessTokenTTL + 61)
        let expired = await h.request("{ me { id } }", token: token)
        XCTAssertEqual(expired.status, 401)
        XCTAssertEqual(expired.errors.first?["message"]?.stringValue, "The access token has expired.")
    }

    func testDeactivationTakesEffectOnTheNextRequest() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let admin = try await h.createUser(role: .ADMIN)
        let user = try await h.createUser()
        let token = try await h.token(for: user)
        let before = await status(h, token)
        XCTAssertEqual(before, 200)  // also warms the viewer cache
        let r = await h.graphql("mutation($id: ID!) { updateUser(id: $id, input: { isActive: false }) { isActive } }",
                                variables: ["id": .string(user.globalID)], token: try await h.token(for: admin))
        XCTAssertEqual(r.at("data.updateUser.isActive")?.boolValue, false, "\(r)")
        let after = await status(h, token)
        XCTAssertEqual(after, 401)
        let audit = try await h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'user.deactivate' AND target_id = $1", [.text(user.globalID)])
        XCTAssertEqual(try audit.first!.int("n"), 1)
        let live = try await h.sql("SELECT count(*) AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL", [.int(Int(user.id))])
        XCTAssertEqual(try live.first!.int("n"), 0)
    }

    func testChangesMadeByAnotherInstanceApplyWithinTheCacheLifetime() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "cachettl")
        let user = try await h.createUser()
        let token = try await h.token(for: user)
        let warm = await status(h, token)
        XCTAssertEqual(warm, 200)
        // Another server instance deactivates the user: this process's cache does not know.
        try await h.sql("UPDATE users SET is_active = false, token_version = token_version + 1 WHERE id = $1", [.int(Int(user.id))])
        h.services.clock.advance(seconds: 2)  // past ViewerCache's 1 s lifetime
        let after = await status(h, token)
        XCTAssertEqual(after, 401)
    }

    func testRoleChangeAndDeletionRevokeExistingTokens() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let superadmin = try await h.createUser(role: .SUPERADMIN)
        let admin = try await h.createUser(role: .ADMIN)
        let client = try await h.createUser(patient: true)
        let adminToken = try await h.token(for: admin), clientToken = try await h.token(for: client)
        let superToken = try await h.token(for: superadmin)
        let warm1 = await status(h, adminToken), warm2 = await status(h, clientToken)
        XCTAssertEqual([warm1, warm2], [200, 200])

        let demote = await h.graphql("mutation($id: ID!) { updateUser(id: $id, input: { role: CLIENT }) { role } }",
                                     variables: ["id": .string(admin.globalID)], token: superToken)
        XCTAssertEqual(demote.at("data.updateUser.role")?.stringValue, "CLIENT", "\(demote)")
        let demoted = await status(h, adminToken)
        XCTAssertEqual(demoted, 401, "the ADMIN token of a demoted user stops at once")

        let delete = await h.graphql("mutation($id: ID!) { deleteUser(id: $id) }", variables: ["id": .string(client.globalID)], token: superToken)
        XCTAssertEqual(delete.at("data.deleteUser")?.boolValue, true, "\(delete)")
        let deleted = await status(h, clientToken)
        XCTAssertEqual(deleted, 401)
        let row = try await h.sql("SELECT email, first_name, phone, password_hash, is_active, deleted_at IS NOT NULL AS gone FROM users WHERE id = $1",
                                  [.int(Int(client.id))]).first!
        XCTAssertEqual(try row.string("email"), "deleted-\(client.id)@deleted.invalid")
        XCTAssertEqual(try row.string("first_name"), "Deleted")
        XCTAssertNil(try row.optionalString("phone"))
        XCTAssertEqual(try row.string("password_hash"), "!")
        XCTAssertFalse(try row.bool("is_active"))
        XCTAssertTrue(try row.bool("gone"))
        let login = await h.graphql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
                                    variables: ["e": .string(client.email), "p": .string(client.password)])
        XCTAssertEqual(login.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
        let actions = try await h.sql("SELECT action FROM audit_log WHERE actor_id = $1 ORDER BY id", [.int(Int(superadmin.id))]).map { try $0.string("action") }
        XCTAssertEqual(actions, ["user.role_change", "user.delete"])
    }

    /// Authentication costs one indexed lookup when the user's state is not
    /// cached, and none while it is (1 s); the verify itself is one HMAC.
    func testAuthenticationCostsAtMostOneStatementPerRequest() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "authcost")
        let user = try await h.createUser()
        let token = try await h.token(for: user)
        let cold = await h.request("{ __typename }", token: token)
        XCTAssertEqual(cold.status, 200)
        XCTAssertEqual(cold.statements, 1, "cache miss: one lookup")
        let warm = await h.request("{ __typename }", token: token)
        XCTAssertEqual(warm.statements, 0, "cache hit: no statement")
        let anonymous = await h.request("{ __typename }")
        XCTAssertEqual(anonymous.statements, 0)

        // Time per authenticated request (verify + cache hit), printed for the report.
        let rounds = 500  // under the per-user limit of 1000/hour
        let clock = ContinuousClock()
        let elapsed = await clock.measure {
            for i in 0..<rounds {
                _ = await Authentication.authenticate(services: h.services, bearer: token, ip: "10.0.0.\(i % 200)", requestID: "bench")
            }
        }
        let micros = Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
        let signer = try JWTSigner(secret: ClinicTestHarness.jwtSecret)
        let verifyOnly = clock.measure {
            for _ in 0..<rounds {
                _ = try? signer.verify(token, now: h.services.clock.now.secondsSinceEpoch, issuer: "clinic", audience: "clinic-api")
            }
        }
        let verifyMicros = Double(verifyOnly.components.attoseconds) / 1e12 + Double(verifyOnly.components.seconds) * 1e6
        print("authentication (cache hit): \(String(format: "%.1f", micros / Double(rounds))) µs per request over \(rounds) requests, "
              + "of which JWT verify \(String(format: "%.1f", verifyMicros / Double(rounds))) µs")
        XCTAssertLessThan(micros / Double(rounds), 5_000)
    }
}
