// Rate limits: the login limit per account and per IP (failures only, every
// alias counts, the right password refused while locked out, expiry), and the
// anonymous per-IP request limit.
import ClinicDomain
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class IdentityRateLimitTests: XCTestCase {
    let loginMutation = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"

    func login(_ h: ClinicTestHarness, _ email: String, _ password: String, ip: String) async -> JSON {
        await h.graphql(loginMutation, variables: ["e": .string(email), "p": .string(password)], ip: ip)
    }

    func testAccountLocksAfterTenFailuresEvenForTheRightPasswordAndUnlocksAfterTheWindow() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "lockaccount")
        let user = try await h.createUser(email: "target@example.test")
        for i in 0..<10 {
            // Spread over IPs so only the account counter fills.
            let r = await login(h, user.email, "wrong password number \(i)", ip: "192.0.2.\(i)")
            XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED", "attempt \(i)")
        }
        let locked = await login(h, user.email, user.password, ip: "198.51.100.7")
        XCTAssertEqual(locked.at("errors.0.extensions.code")?.stringValue, "RATE_LIMITED", "\(locked)")
        let retry = try XCTUnwrap(locked.at("errors.0.extensions.retryAfter")?.intValue)
        XCTAssertTrue((1...900).contains(retry), "\(retry)")
        let audit = try await h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login_failed' AND details->>'reason' = 'locked_out'")
        XCTAssertEqual(try audit.first!.int("n"), 1)

        h.services.clock.advance(seconds: Int64(retry))
        let open = await login(h, user.email, user.password, ip: "198.51.100.7")
        XCTAssertNotNil(open.at("data.login.accessToken")?.stringValue, "\(open)")
    }

    /// `login` is non-null, so the first failing alias nulls `data` and the
    /// mutation's later aliases never run: each alias that runs counts, and
    /// no alias runs without counting.
    func testEachAliasedLoginCountsAsOneAttempt() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "aliases")
        let user = try await h.createUser(email: "alias@example.test")
        let aliases = (0..<12).map { "a\($0): login(email: \"alias@example.test\", password: \"guess number \($0) here\") { accessToken }" }
        let document = "mutation { \(aliases.joined(separator: " ")) }"
        let first = await h.graphql(document, ip: "203.0.113.5")
        XCTAssertEqual(first["data"], .null)
        XCTAssertEqual(first["errors"]?.arrayValue?.count, 1, "later aliases do not run after the first failure")
        var attempts = try await h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login_failed'").first!.int("n")
        XCTAssertEqual(attempts, 1)
        for i in 1..<10 {
            let r = await h.graphql(document, ip: "203.0.113.\(5 + i)")
            XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED", "document \(i)")
        }
        attempts = try await h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login_failed'").first!.int("n")
        XCTAssertEqual(attempts, 10)
        let blocked = await h.graphql(document, ip: "203.0.113.99")
        XCTAssertEqual(blocked.at("errors.0.extensions.code")?.stringValue, "RATE_LIMITED")
        let right = await login(h, user.email, user.password, ip: "203.0.113.100")
        XCTAssertEqual(right.at("errors.0.extensions.code")?.stringValue, "RATE_LIMITED")
    }

    func testAnIPGuessingManyAccountsIsLockedOutButOthersAreNot() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "lockip")
        let user = try await h.createUser(email: "victim@example.test")
        for i in 0..<10 {
            _ = await login(h, "someone\(i)@example.test", "whatever password \(i)", ip: "192.0.2.66")
        }
        let fromAttacker = await login(h, user.email, user.password, ip: "192.0.2.66")
        XCTAssertEqual(fromAttacker.at("errors.0.extensions.code")?.stringValue, "RATE_LIMITED")
        let fromElsewhere = await login(h, user.email, user.password, ip: "192.0.2.67")
        XCTAssertNotNil(fromElsewhere.at("data.login.accessToken")?.stringValue, "\(fromElsewhere)")
    }

    /// Check and count happen under one lock: 40 parallel attempts against a
    /// fresh budget of 10 let exactly 10 through.
    func testParallelAttemptsCannotOvershootTheBudget() async {
        let limiter = RateLimiter()
        let throttle = LoginThrottle(limiter: limiter, settings: (10, 900))
        let now = Instant(secondsSinceEpoch: 1_800_000_000)
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<40 { group.addTask { throttle.begin(ip: "192.0.2.1", account: "login-account:x@example.test", now: now) == nil } }
            var n = 0
            for await ok in group where ok { n += 1 }
            return n
        }
        XCTAssertEqual(admitted, 10)
        // A success gives its slot back; the window's end clears the rest.
        throttle.succeeded(ip: "192.0.2.1", account: "login-account:x@example.test")
        XCTAssertNil(throttle.begin(ip: "192.0.2.1", account: "login-account:y@example.test", now: now))
        XCTAssertNotNil(throttle.begin(ip: "192.0.2.1", account: "login-account:z@example.test", now: now))
        XCTAssertNil(throttle.begin(ip: "192.0.2.1", account: "login-account:z@example.test", now: now.adding(seconds: 900)))
    }

    func testSuccessfulLoginsDoNotCount() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "successes")
        let user = try await h.createUser(email: "often@example.test")
        for _ in 0..<15 {
            let r = await login(h, user.email, user.password, ip: "192.0.2.1")
            XCTAssertNotNil(r.at("data.login.accessToken")?.stringValue, "\(r)")
        }
    }

    func testAnonymousRequestsAreLimitedPerIPWithRetryAfter() async throws {
        var limits = RateLimitSettings()
        limits.anonymous = (3, 60)
        let h = try await ClinicTestHarness.fresh(prefix: "anonlimit", rateLimits: limits)
        for _ in 0..<3 {
            let ok = await h.request("{ __typename }", ip: "192.0.2.10")
            XCTAssertEqual(ok.status, 200)
        }
        let limited = await h.request("{ __typename }", ip: "192.0.2.10")
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(limited.codes, ["RATE_LIMITED"])
        XCTAssertNotNil(limited.retryAfter)
        let other = await h.request("{ __typename }", ip: "192.0.2.11")
        XCTAssertEqual(other.status, 200)
        h.services.clock.advance(seconds: 60)
        let later = await h.request("{ __typename }", ip: "192.0.2.10")
        XCTAssertEqual(later.status, 200)
    }
}
