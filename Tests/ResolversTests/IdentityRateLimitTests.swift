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

    /// Check and count are one statement: 40 parallel attempts against a fresh
    /// budget of 10, on pooled connections, let exactly 10 through.
    func testParallelAttemptsCannotOvershootTheBudget() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "parallel_budget")
        let throttle = LoginThrottle(limiter: h.services.limiter, settings: (10, 900))
        let now = Instant(secondsSinceEpoch: 1_800_000_000)
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    do { return try await throttle.begin(ip: "192.0.2.1", account: "login-account:x@example.test", now: now) == nil } catch { return false }
                }
            }
            var n = 0
            for await ok in group where ok { n += 1 }
            return n
        }
        XCTAssertEqual(admitted, 10)
        // A success gives its slot back; the window's end clears the rest.
        try await throttle.succeeded(ip: "192.0.2.1", account: "login-account:x@example.test", now: now)
        let again = try await throttle.begin(ip: "192.0.2.1", account: "login-account:y@example.test", now: now)
        XCTAssertNil(again)
        let full = try await throttle.begin(ip: "192.0.2.1", account: "login-account:z@example.test", now: now)
        XCTAssertNotNil(full)
        let nextWindow = try await throttle.begin(ip: "192.0.2.1", account: "login-account:z@example.test", now: now.adding(seconds: 900))
        XCTAssertNil(nextWindow)
    }

    /// Two server processes (two limiters, as two `clinic serve` have) on one database enforce
    /// one budget: the 11th failed attempt on an account is refused whichever one it reaches.
    func testLockoutsHoldAcrossServers() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "shared_lockout")
        let servers = [RateLimiter(pool: h.services.pool), RateLimiter(pool: h.services.pool)]
        let now = Instant(secondsSinceEpoch: 1_800_000_000)
        for i in 0..<10 {
            let t = LoginThrottle(limiter: servers[i % 2], settings: (10, 900))
            let wait = try await t.begin(ip: "192.0.2.\(i)", account: "login-account:victim@example.test", now: now)
            XCTAssertNil(wait, "attempt \(i + 1)")
        }
        for server in servers {
            let t = LoginThrottle(limiter: server, settings: (10, 900))
            let wait = try await t.begin(ip: "192.0.2.99", account: "login-account:victim@example.test", now: now)
            XCTAssertNotNil(wait, "the 11th attempt is refused on every server")
        }
    }

    /// Per-request limits are decided in memory and shared through a batched flush: once
    /// flushed, what one server counted counts on the other.
    func testPerRequestCountsAreSharedAfterAFlush() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "shared_hits")
        let a = RateLimiter(pool: h.services.pool, flushInterval: .seconds(3600))
        let b = RateLimiter(pool: h.services.pool, flushInterval: .seconds(3600))
        let now = Instant(secondsSinceEpoch: 1_800_000_000)
        for _ in 0..<3 { XCTAssertNil(a.hit("anon:192.0.2.5", limit: 5, periodSeconds: 60, now: now)) }
        for _ in 0..<2 { XCTAssertNil(b.hit("anon:192.0.2.5", limit: 5, periodSeconds: 60, now: now)) }
        await a.flush(now: now)
        await b.flush(now: now)
        XCTAssertNotNil(b.hit("anon:192.0.2.5", limit: 5, periodSeconds: 60, now: now), "b has read a's 3 events back")
        // a has not flushed since: it decides on what it knew (the bounded overshoot), then learns.
        XCTAssertNil(a.hit("anon:192.0.2.5", limit: 5, periodSeconds: 60, now: now))
        await a.flush(now: now)
        XCTAssertNotNil(a.hit("anon:192.0.2.5", limit: 5, periodSeconds: 60, now: now), "and a has read b's")
        await b.flush(now: now)
        let stored = try await h.sql("SELECT hits FROM rate_limit_counters WHERE key = 'anon:192.0.2.5'").first!.int("hits")
        XCTAssertEqual(stored, 7, "every event counted once")
        XCTAssertNil(a.hit("anon:192.0.2.5", limit: 5, periodSeconds: 60, now: now.adding(seconds: 60)), "a new window")
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
