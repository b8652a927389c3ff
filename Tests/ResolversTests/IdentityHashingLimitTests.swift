// Password hashing cannot be turned into a CPU sink (issue #15 items 3, 4):
// every hashing attempt, successful logins included, takes a slot of the
// IP's hashing budget before any hash runs; the hashing pool is bounded;
// `changePassword` guesses count against the login limits.
import Crypto
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class IdentityHashingLimitTests: XCTestCase {
    func testAliasedSuccessfulLoginsStopAtTheHashingBudgetWithoutHashing() async throws {
        var limits = RateLimitSettings()
        limits.passwordHashing = (10, 900)
        let h = try await ClinicTestHarness.fresh(prefix: "hashbudget", rateLimits: limits)
        let user = try await h.createUser(email: "many@example.test")
        let aliases = (0..<25).map { "a\($0): login(email: \"many@example.test\", password: \"\(user.password)\") { accessToken }" }
        let before = h.services.passwordHashing.hashesRun
        let response = await h.graphql("mutation { \(aliases.joined(separator: " ")) }", ip: "203.0.113.20")
        let hashes = h.services.passwordHashing.hashesRun - before
        XCTAssertEqual(hashes, 10, "only the budget's worth of hashes ran")
        XCTAssertEqual(response.at("errors.0.extensions.code")?.stringValue, "RATE_LIMITED", "\(response)")
        XCTAssertEqual(response.at("errors.0.path.0")?.stringValue, "a10")
        let retry = try XCTUnwrap(response.at("errors.0.extensions.retryAfter")?.intValue)
        XCTAssertTrue((1...900).contains(retry), "\(retry)")

        // The budget is the IP's: another client signs in; this one waits out the window.
        let elsewhere = await h.graphql("mutation { login(email: \"many@example.test\", password: \"\(user.password)\") { accessToken } }",
                                        ip: "203.0.113.21")
        XCTAssertNotNil(elsewhere.at("data.login.accessToken")?.stringValue, "\(elsewhere)")
        let registers = await h.graphql("""
            mutation { register(input: { email: "new@example.test", password: "a long enough passphrase", firstName: "N", lastName: "M",
              dateOfBirth: "1990-01-01", gender: FEMALE, address: "x", emergencyContact: "y", emergencyPhone: "+34 600 000 000" }) { accessToken } }
            """, ip: "203.0.113.20")
        XCTAssertEqual(registers.at("errors.0.extensions.code")?.stringValue, "RATE_LIMITED", "register hashes too: \(registers)")
        h.services.clock.advance(seconds: Int64(retry))
        let later = await h.graphql("mutation { login(email: \"many@example.test\", password: \"\(user.password)\") { accessToken } }",
                                    ip: "203.0.113.20")
        XCTAssertNotNil(later.at("data.login.accessToken")?.stringValue, "\(later)")
    }

    func testChangePasswordGuessesAreLimitedLikeLogins() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "changeguess")
        let user = try await h.createUser(email: "guessed@example.test")
        let token = try await h.token(for: user)
        let change = "mutation($c: String!) { changePassword(currentPassword: $c, newPassword: \"a brand new long passphrase\") }"
        for i in 0..<10 {
            let r = await h.graphql(change, variables: ["c": .string("guess number \(i) of ten")], token: token, ip: "192.0.2.\(i + 1)")
            XCTAssertEqual(r.at("errors.0.extensions.field")?.stringValue, "currentPassword", "guess \(i): \(r)")
        }
        let right = await h.graphql(change, variables: ["c": .string(user.password)], token: token, ip: "198.51.100.1")
        XCTAssertEqual(right.at("errors.0.extensions.code")?.stringValue, "RATE_LIMITED", "the account is locked: \(right)")
        XCTAssertNotNil(right.at("errors.0.extensions.retryAfter")?.intValue)
        let login = await h.graphql("mutation { login(email: \"guessed@example.test\", password: \"\(user.password)\") { accessToken } }",
                                    ip: "198.51.100.2")
        XCTAssertEqual(login.at("errors.0.extensions.code")?.stringValue, "RATE_LIMITED", "guesses add up across login and changePassword")
        let failures = try await h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.password_change_failed'").first!.int("n")
        XCTAssertEqual(failures, 10)

        h.services.clock.advance(seconds: 900)
        let open = await h.graphql(change, variables: ["c": .string(user.password)], token: token, ip: "198.51.100.1")
        XCTAssertEqual(open.at("data.changePassword")?.boolValue, true, "\(open)")
    }

    func testAnIPGuessingCurrentPasswordsIsLockedOut() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "changeip")
        let users = try await (0..<3).asyncMap { i in try await h.createUser(email: "ipguess\(i)@example.test") }
        for i in 0..<10 {
            let u = users[i % 3]
            let r = await h.graphql("mutation { changePassword(currentPassword: \"wrong guess \(i)\", newPassword: \"a brand new long passphrase\") }",
                                    token: try await h.token(for: u), ip: "192.0.2.99")
            XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "BAD_USER_INPUT", "\(r)")
        }
        let r = await h.graphql("mutation { changePassword(currentPassword: \"\(users[0].password)\", newPassword: \"a brand new long passphrase\") }",
                                token: try await h.token(for: users[0]), ip: "192.0.2.99")
        XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "RATE_LIMITED", "\(r)")
    }

    /// Two hashing threads, two waiting places: of 12 simultaneous hashes at
    /// most 4 are admitted at once; the rest are refused at once as busy.
    func testThePoolRefusesBeyondItsQueueInsteadOfQueueingWithoutBound() async throws {
        let pool = PasswordHashingPool(hasher: PasswordHasher(cost: .standard), maxConcurrent: 2, maxWaiting: 2)
        let outcomes = await withTaskGroup(of: String.self) { group in
            for i in 0..<12 {
                group.addTask {
                    do { _ = try await pool.hash("password number \(i) here"); return "hashed" } catch let e as GraphQLError {
                        return e.extensions.first { $0.0 == "code" }.map { "\($0.1)" } ?? "?"
                    } catch { return "\(error)" }
                }
            }
            var all: [String] = []
            for await o in group { all.append(o) }
            return all
        }
        let hashed = outcomes.filter { $0 == "hashed" }.count
        XCTAssertGreaterThanOrEqual(hashed, 4, "\(outcomes)")
        XCTAssertLessThan(hashed, 12, "\(outcomes)")
        XCTAssertEqual(outcomes.count - hashed, outcomes.filter { $0.contains("RATE_LIMITED") }.count, "\(outcomes)")
        XCTAssertEqual(pool.hashesRun, hashed)
        // Once drained, it hashes again.
        _ = try await pool.hash("after the burst")
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
