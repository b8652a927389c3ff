// Accounts end to end, in process against a real PostgreSQL: register, login,
// refresh rotation, reuse detection, grace window, logout, password reset and change.
import ClinicStore
import ClinicDomain
import Crypto
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class IdentityFlowTests: XCTestCase {
    // Only the user's public fields: the request that logs in is anonymous, so
    // SELF-only fields of AuthPayload.user answer UNAUTHENTICATED (read them with `me`).
    static let authFields = "accessToken refreshToken expiresAt user { id firstName role }"

    func registerInput(_ email: String, password: String = "a very long passphrase indeed") -> [String: JSON] {
        ["input": .object([
            ("email", .string(email)), ("password", .string(password)), ("firstName", .string("Ana")),
            ("lastName", .string("López")), ("phone", .string("+52 55 1234 5678")), ("dateOfBirth", .string("1991-02-03")),
            ("gender", .string("FEMALE")), ("address", .string("Av. Reforma 1")), ("emergencyContact", .string("Luis")),
            ("emergencyPhone", .string("+52 55 0000 0000")),
        ])]
    }

    func register(_ h: ClinicTestHarness, _ email: String) async throws -> JSON {
        let r = await h.graphql("mutation($input: RegisterInput!) { register(input: $input) { \(Self.authFields) } }",
                                variables: registerInput(email))
        XCTAssertNil(r["errors"], "\(r)")
        return try XCTUnwrap(r.at("data.register"))
    }

    func refresh(_ h: ClinicTestHarness, _ token: String) async -> JSON {
        await h.graphql("mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { id } } }",
                        variables: ["t": .string(token)])
    }

    func testRegisterCreatesClientWithPatientProfileAndAuditInOneTransaction() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let payload = try await register(h, "Ana.Register@Example.test")
        XCTAssertEqual(payload.at("user.role")?.stringValue, "CLIENT")
        XCTAssertEqual(payload.at("user.firstName")?.stringValue, "Ana")
        let access = try XCTUnwrap(payload["accessToken"]?.stringValue)
        let me = await h.graphql("{ me { id email phone patient { dateOfBirth gender address emergencyContact } } }", token: access)
        XCTAssertNil(me["errors"], "\(me)")
        XCTAssertEqual(me.at("data.me.id"), payload.at("user.id"))
        XCTAssertEqual(me.at("data.me.email")?.stringValue, "ana.register@example.test")
        XCTAssertEqual(me.at("data.me.phone")?.stringValue, "+52 55 1234 5678")
        XCTAssertEqual(me.at("data.me.patient.dateOfBirth")?.stringValue, "1991-02-03")
        XCTAssertEqual(me.at("data.me.patient.gender")?.stringValue, "FEMALE")
        XCTAssertEqual(me.at("data.me.patient.address")?.stringValue, "Av. Reforma 1")
        XCTAssertEqual(me.at("data.me.patient.emergencyContact")?.stringValue, "Luis")
        let audit = try await h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'user.register' AND target_id = $1",
                                    [.text(payload.at("user.id")!.stringValue!)])
        XCTAssertEqual(try audit.first!.int("n"), 1)
    }

    func testDuplicateEmailIsConflictWithoutCreatingAnything() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        _ = try await register(h, "dup@example.test")
        let before = try await h.sql("SELECT count(*) AS n FROM patients").first!.int("n")
        let r = await h.graphql("mutation($input: RegisterInput!) { register(input: $input) { accessToken } }",
                                variables: registerInput("DUP@example.test"))
        XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "CONFLICT")
        let after = try await h.sql("SELECT count(*) AS n FROM patients").first!.int("n")
        XCTAssertEqual(after, before)
    }

    func testRegisterRejectsBadInputNamingTheField() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        func check(_ key: String, _ value: JSON, field: String, file: StaticString = #filePath, line: UInt = #line) async {
            guard case .object(var members) = registerInput("field-\(key)@example.test")["input"]! else { return }
            members = members.map { $0.0 == key ? ($0.0, value) : $0 }
            let r = await h.graphql("mutation($input: RegisterInput!) { register(input: $input) { accessToken } }",
                                    variables: ["input": .object(members)])
            XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "BAD_USER_INPUT", "\(r)", file: file, line: line)
            XCTAssertEqual(r.at("errors.0.extensions.field")?.stringValue, field, "\(r)", file: file, line: line)
        }
        await check("email", .string("not-an-email"), field: "input.email")
        await check("password", .string("short"), field: "input.password")
        await check("password", .string(String(repeating: "long enough ", count: 11)), field: "input.password")
        await check("firstName", .string(String(repeating: "a", count: 101)), field: "input.firstName")
        await check("lastName", .string("   "), field: "input.lastName")
        await check("phone", .string(String(repeating: "1", count: 51)), field: "input.phone")
        await check("address", .string(String(repeating: "x", count: 501)), field: "input.address")
        await check("dateOfBirth", .string("1800-01-01"), field: "input.dateOfBirth")
        let users = try await h.sql("SELECT count(*) AS n FROM users WHERE email LIKE 'field-%'").first!.int("n")
        XCTAssertEqual(users, 0)
    }

    func testPasswordContainingEmailLocalPartIsRejectedWithPolicyMessage() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let r = await h.graphql("mutation($input: RegisterInput!) { register(input: $input) { accessToken } }",
                                variables: registerInput("mariposa@example.test", password: "my name is mariposa and more"))
        XCTAssertEqual(r.at("errors.0.extensions.field")?.stringValue, "input.password")
        XCTAssertEqual(r.at("errors.0.message")?.stringValue, PasswordPolicyViolation.containsEmailLocalPart.message)
    }

    func testLoginRotationAndReuseRevokesTheWholeFamily() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let registered = try await register(h, "rotate@example.test")
        let userGlobalID = try XCTUnwrap(registered.at("user.id")?.stringValue)
        let login = await h.graphql("mutation { login(email: \"Rotate@Example.test\", password: \"a very long passphrase indeed\") { accessToken refreshToken } }")
        let r0 = try XCTUnwrap(login.at("data.login.refreshToken")?.stringValue, "\(login)")

        let first = await refresh(h, r0)
        let r1 = try XCTUnwrap(first.at("data.refreshToken.refreshToken")?.stringValue, "\(first)")
        XCTAssertNotEqual(r1, r0)
        let second = await refresh(h, r1)
        let r2 = try XCTUnwrap(second.at("data.refreshToken.refreshToken")?.stringValue, "\(second)")
        let access2 = try XCTUnwrap(second.at("data.refreshToken.accessToken")?.stringValue)

        // r0 again, long after its rotation: reuse.
        h.services.clock.advance(seconds: 31)
        let reuse = await refresh(h, r0)
        XCTAssertEqual(reuse.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
        // The family is gone: the newest token fails too, and so does the access token.
        let after = await refresh(h, r2)
        XCTAssertEqual(after.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
        let me = await h.request("{ me { id } }", token: access2)
        XCTAssertEqual(me.status, 401)
        let refreshes = try await h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.refresh' AND target_id = $1",
                                       [.text(userGlobalID)]).first!.int("n")
        XCTAssertEqual(refreshes, 2, "each rotation is audited")
        let audit = try await h.sql("SELECT details::text AS d FROM audit_log WHERE action = 'auth.token_reuse' AND target_id = $1",
                                    [.text(userGlobalID)])
        XCTAssertEqual(audit.count, 1)
        XCTAssertFalse(try audit.first!.string("d").contains(r0), "no token in audit details")
    }

    func testWithinGraceWindowTheSameSuccessorIsReturnedAgain() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        _ = try await register(h, "grace@example.test")
        let login = await h.graphql("mutation { login(email: \"grace@example.test\", password: \"a very long passphrase indeed\") { refreshToken } }")
        let r0 = try XCTUnwrap(login.at("data.login.refreshToken")?.stringValue)
        let first = await refresh(h, r0)
        let r1 = try XCTUnwrap(first.at("data.refreshToken.refreshToken")?.stringValue)
        // The response was lost; the client retries with r0 a few seconds later.
        h.services.clock.advance(seconds: 5)
        let retry = await refresh(h, r0)
        XCTAssertEqual(retry.at("data.refreshToken.refreshToken")?.stringValue, r1, "\(retry)")
        XCTAssertNotNil(retry.at("data.refreshToken.accessToken")?.stringValue)
        // r1 still works and rotates normally.
        let next = await refresh(h, r1)
        XCTAssertNotNil(next.at("data.refreshToken.refreshToken")?.stringValue, "\(next)")
        // Once r1 is used, r0 within the window no longer has a live successor: reuse.
        let late = await refresh(h, r0)
        XCTAssertEqual(late.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
    }

    func testGarbageAndExpiredRefreshTokensAreUnauthenticated() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        for garbage in ["", "abc", String(repeating: "A", count: 43), OpaqueToken.generate().token] {
            let r = await refresh(h, garbage)
            XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED", garbage)
        }
        let user = try await h.createUser(email: "expire@example.test")
        let login = await h.graphql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }",
                                    variables: ["e": .string(user.email), "p": .string(user.password)])
        let token = try XCTUnwrap(login.at("data.login.refreshToken")?.stringValue)
        h.services.clock.advance(seconds: h.services.tokens.refreshTokenTTL + 1)
        let r = await refresh(h, token)
        XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
    }

    func testLogoutRevokesTheFamily() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let user = try await h.createUser(email: "logout@example.test")
        let login = await h.graphql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }",
                                    variables: ["e": .string(user.email), "p": .string(user.password)])
        let r0 = try XCTUnwrap(login.at("data.login.refreshToken")?.stringValue)
        let rotated = await refresh(h, r0)
        let r1 = try XCTUnwrap(rotated.at("data.refreshToken.refreshToken")?.stringValue)
        let out = await h.graphql("mutation($t: String!) { logout(refreshToken: $t) }", variables: ["t": .string(r1)])
        XCTAssertEqual(out.at("data.logout")?.boolValue, true, "\(out)")
        let afterR1 = await refresh(h, r1), afterR0 = await refresh(h, r0)
        XCTAssertEqual(afterR1.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
        XCTAssertEqual(afterR0.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
        let again = await h.graphql("mutation($t: String!) { logout(refreshToken: $t) }", variables: ["t": .string(r1)])
        XCTAssertEqual(again.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
        let audit = try await h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.logout' AND actor_id = $1", [.int(Int(user.id))])
        XCTAssertEqual(try audit.first!.int("n"), 1)
    }

    func testPasswordResetGoesThroughTheOutboxAndEndsEverySession() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let user = try await h.createUser(email: "reset@example.test")
        let login = await h.graphql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }",
                                    variables: ["e": .string(user.email), "p": .string(user.password)])
        let oldRefresh = try XCTUnwrap(login.at("data.login.refreshToken")?.stringValue)
        let oldAccess = try XCTUnwrap(login.at("data.login.accessToken")?.stringValue)

        // Unknown addresses answer the same.
        let unknown = await h.graphql("mutation { requestPasswordReset(email: \"nobody@example.test\") }")
        XCTAssertEqual(unknown.at("data.requestPasswordReset")?.boolValue, true)
        let ask = await h.graphql("mutation { requestPasswordReset(email: \"RESET@example.test\") }")
        XCTAssertEqual(ask.at("data.requestPasswordReset")?.boolValue, true, "\(ask)")

        let outbox = try await h.sql("SELECT recipient, channel, kind, body, status FROM notifications WHERE user_id = $1", [.int(Int(user.id))])
        XCTAssertEqual(outbox.count, 1)
        let row = try XCTUnwrap(outbox.first)
        XCTAssertEqual(try row.string("recipient"), "reset@example.test")
        XCTAssertEqual(try row.string("channel"), "EMAIL")
        XCTAssertEqual(try row.string("kind"), "PASSWORD_RESET")
        XCTAssertEqual(try row.string("status"), "PENDING")
        let token = try await h.pendingResetToken(for: user.id)
        XCTAssertEqual(token.count, 43)
        XCTAssertFalse(try row.string("body").contains(token), "the readable text never has the link")
        let stored = try await h.sql("SELECT count(*) AS n FROM password_reset_tokens WHERE token_hash = $1", [.bytea(OpaqueToken.hash(token)!)])
        XCTAssertEqual(try stored.first!.int("n"), 1, "only the hash is stored")

        let weak = await h.graphql("mutation($t: String!) { resetPassword(token: $t, newPassword: \"short\") }", variables: ["t": .string(token)])
        XCTAssertEqual(weak.at("errors.0.extensions.field")?.stringValue, "newPassword")
        let ok = await h.graphql("mutation($t: String!) { resetPassword(token: $t, newPassword: \"a brand new long passphrase\") }",
                                 variables: ["t": .string(token)])
        XCTAssertEqual(ok.at("data.resetPassword")?.boolValue, true, "\(ok)")
        let twice = await h.graphql("mutation($t: String!) { resetPassword(token: $t, newPassword: \"another brand new passphrase\") }",
                                    variables: ["t": .string(token)])
        XCTAssertEqual(twice.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")

        let oldMe = await h.request("{ me { id } }", token: oldAccess)
        XCTAssertEqual(oldMe.status, 401)
        let oldRotation = await refresh(h, oldRefresh)
        XCTAssertEqual(oldRotation.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
        let relogin = await h.graphql("mutation { login(email: \"reset@example.test\", password: \"a brand new long passphrase\") { accessToken } }")
        XCTAssertNotNil(relogin.at("data.login.accessToken")?.stringValue, "\(relogin)")
    }

    func testPasswordResetRequestsAreBoundedPerAddressAndValidated() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "resetflood")
        let user = try await h.createUser(email: "flood@example.test")
        for _ in 0..<5 {
            let r = await h.graphql("mutation { requestPasswordReset(email: \"flood@example.test\") }")
            XCTAssertEqual(r.at("data.requestPasswordReset")?.boolValue, true)
        }
        let sent = try await h.sql("SELECT count(*) AS n FROM notifications WHERE user_id = $1", [.int(Int(user.id))]).first!.int("n")
        XCTAssertEqual(sent, AccountMutations.resetEmailsPerHour)
        let malformed = await h.graphql("mutation { requestPasswordReset(email: \"not an address\") }")
        XCTAssertEqual(malformed.at("errors.0.extensions.code")?.stringValue, "BAD_USER_INPUT")
        XCTAssertEqual(malformed.at("errors.0.extensions.field")?.stringValue, "email")
    }

    func testResetTokenExpiresAfterThirtyMinutes() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "resetexpiry")
        let user = try await h.createUser(email: "late@example.test")
        _ = await h.graphql("mutation { requestPasswordReset(email: \"late@example.test\") }")
        let token = try await h.pendingResetToken(for: user.id)
        h.services.clock.advance(seconds: 30 * 60 + 1)
        let r = await h.graphql("mutation($t: String!) { resetPassword(token: $t, newPassword: \"a brand new long passphrase\") }",
                                variables: ["t": .string(token)])
        XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
    }

    func testChangePasswordChecksTheCurrentOneAndRevokesSessions() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let user = try await h.createUser(email: "change@example.test")
        let token = try await h.token(for: user)
        let wrong = await h.graphql("mutation { changePassword(currentPassword: \"not my password at all\", newPassword: \"a brand new long passphrase\") }",
                                    token: token)
        XCTAssertEqual(wrong.at("errors.0.extensions.code")?.stringValue, "BAD_USER_INPUT")
        XCTAssertEqual(wrong.at("errors.0.extensions.field")?.stringValue, "currentPassword")
        let ok = await h.graphql("mutation($c: String!) { changePassword(currentPassword: $c, newPassword: \"a brand new long passphrase\") }",
                                 variables: ["c": .string(user.password)], token: token)
        XCTAssertEqual(ok.at("data.changePassword")?.boolValue, true, "\(ok)")
        let stale = await h.request("{ me { id } }", token: token)
        XCTAssertEqual(stale.status, 401, "the old access token stops at once")
        let audit = try await h.sql("SELECT details::text AS d FROM audit_log WHERE action = 'auth.password_change' AND actor_id = $1", [.int(Int(user.id))])
        XCTAssertEqual(audit.count, 1)
        XCTAssertFalse(try audit.first!.string("d").contains("passphrase"))
    }

    func testLoginErrorsShareOneMessageAndDeactivatedAccountsSaySo() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "loginerrors")
        let user = try await h.createUser(email: "known@example.test")
        let inactive = try await h.createUser(email: "inactive@example.test", isActive: false)
        func login(_ email: String, _ password: String) async -> JSON {
            await h.graphql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
                            variables: ["e": .string(email), "p": .string(password)])
        }
        let wrongPassword = await login(user.email, "not the right password")
        let unknownEmail = await login("nobody@example.test", user.password)
        let malformed = await login("not an email", user.password)
        for r in [wrongPassword, unknownEmail, malformed] {
            XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED", "\(r)")
            XCTAssertEqual(r.at("errors.0.message")?.stringValue, AccountMutations.badCredentials)
            XCTAssertEqual(r["data"], .null)
        }
        let deactivated = await login(inactive.email, inactive.password)
        XCTAssertEqual(deactivated.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
        XCTAssertTrue(deactivated.at("errors.0.message")?.stringValue?.contains("account deactivated") == true)
        let failures = try await h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login_failed'").first!.int("n")
        XCTAssertEqual(failures, 4)
        let leaked = try await h.sql("SELECT count(*) AS n FROM audit_log WHERE details::text LIKE '%not the right%' OR details::text LIKE '%correct horse%'")
        XCTAssertEqual(try leaked.first!.int("n"), 0)
        let ok = await login(user.email, user.password)
        XCTAssertNotNil(ok.at("data.login.accessToken")?.stringValue)
        let logins = try await h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login'").first!.int("n")
        XCTAssertEqual(logins, 1)
    }
}
