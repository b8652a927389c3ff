// Small in-process caches, and the rate limiter whose counters every server
// process shares through PostgreSQL.
import ClinicStore
import ClinicDomain
import Synchronization

/// userID → state, kept for `ttlMicros` and dropped at once when this process
/// changes the user (deactivation, role change, password change, deletion).
public final class ViewerCache: Sendable {
    private let entries = Mutex<[Int64: (state: ViewerState, at: Int64)]>([:])
    public let ttlMicros: Int64

    public init(ttlMicros: Int64 = 1_000_000) { self.ttlMicros = ttlMicros }

    public func get(_ userID: Int64, now: Instant) -> ViewerState? {
        entries.withLock { e in
            guard let hit = e[userID], now.microsecondsSinceEpoch - hit.at < ttlMicros else { return nil }
            return hit.state
        }
    }
    public func put(_ userID: Int64, _ state: ViewerState, now: Instant) {
        entries.withLock { e in
            if e.count > 100_000 { e.removeAll(keepingCapacity: true) }
            e[userID] = (state, now.microsecondsSinceEpoch)
        }
    }
    public func invalidate(_ userID: Int64) { entries.withLock { _ = $0.removeValue(forKey: userID) } }
}

/// Fixed-window counters keyed by anything ("anon:1.2.3.4", "login-account:x@y"),
/// shared by every server process through PostgreSQL (migration 0013), so N
/// servers behind a balancer enforce the limits of one. Windows are aligned to
/// the epoch, so every server agrees where one starts.
///
/// - `acquire`, `refund`, `reset`: one statement each, exact across servers. For
///   login lockouts, password-hashing budgets and reset requests, which are rare
///   and cost a password hash or an email anyway.
/// - `hit`, on every request: decided in memory, against the last total read from
///   the database plus this process's events not yet added there. A flush adds
///   them in one statement, at most `flushInterval` after the first, and reads
///   back every server's totals. A key can therefore pass its limit by what the
///   other servers counted within one flush interval; the request path never
///   waits for the database.
public final class RateLimiter: Sendable {
    struct Window {
        var start: Int64, end: Int64
        /// Every server's total as last read back; our own pending events on top.
        var shared = 0, pending = 0, inFlight = 0
    }
    struct State {
        var windows: [String: Window] = [:]
        var flushScheduled = false
        var lastPrune: Int64 = 0
    }
    private let state = Mutex(State())
    private let database: Database
    private let flushInterval: Duration
    private let log: @Sendable (String) -> Void

    public init(database: Database, flushInterval: Duration = .milliseconds(200), log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.database = database; self.flushInterval = flushInterval; self.log = log
    }

    static func window(_ now: Instant, _ periodSeconds: Int) -> (start: Int64, end: Int64, t: Int64) {
        let t = now.secondsSinceEpoch, p = Int64(max(1, periodSeconds))
        let start = t - ((t % p) + p) % p
        return (start, start + p, t)
    }

    /// Counts one event; returns the seconds to wait when over `limit` per `period`, else nil.
    public func hit(_ key: String, limit: Int, periodSeconds: Int, now: Instant) -> Int? {
        let (start, end, t) = Self.window(now, periodSeconds)
        let (over, schedule) = state.withLock { s -> (Bool, Bool) in
            if s.windows.count > 200_000 { s.windows = s.windows.filter { $0.value.end > t } }
            var w = s.windows[key] ?? Window(start: start, end: end)
            if w.start != start { w = Window(start: start, end: end) }
            w.pending += 1
            s.windows[key] = w
            let schedule = !s.flushScheduled
            s.flushScheduled = true
            return (w.shared + w.inFlight + w.pending > limit, schedule)
        }
        if schedule {
            let interval = flushInterval
            Task.detached { [self] in
                try? await Task.sleep(for: interval)
                await flush(now: now)
            }
        }
        return over ? Int(end - t) : nil
    }

    /// Adds this process's pending events to the database and reads back every server's totals.
    func flush(now: Instant) async {
        let batch = state.withLock { s -> [(key: String, windowStart: Instant, hits: Int)] in
            s.flushScheduled = false
            var out: [(key: String, windowStart: Instant, hits: Int)] = []
            for (key, var w) in s.windows where w.pending > 0 {
                out.append((key, Instant(secondsSinceEpoch: w.start), w.pending))
                w.inFlight += w.pending
                w.pending = 0
                s.windows[key] = w
            }
            return out
        }
        guard !batch.isEmpty else { return }
        let prune = state.withLock { s -> Bool in
            let due = now.secondsSinceEpoch - s.lastPrune > 600
            if due { s.lastPrune = now.secondsSinceEpoch }
            return due
        }
        do {
            let totals = try await database.read { conn in
                // Windows older than 40 days are over for any configured period.
                if prune { try RateLimitStore.prune(conn, before: now.adding(seconds: -40 * 86_400)) }
                return try RateLimitStore.add(conn, batch)
            }
            var shared: [String: Int] = [:]
            for total in totals { shared["\(total.key)|\(total.windowStart.secondsSinceEpoch)"] = total.hits }
            state.withLock { s in
                for sent in batch {
                    guard var w = s.windows[sent.key], w.start == sent.windowStart.secondsSinceEpoch else { continue }
                    w.inFlight -= sent.hits
                    if let hits = shared["\(sent.key)|\(w.start)"] { w.shared = hits }
                    s.windows[sent.key] = w
                }
            }
        } catch {
            // Kept for the next flush; the in-memory decision goes on meanwhile.
            state.withLock { s in
                for sent in batch {
                    guard var w = s.windows[sent.key], w.start == sent.windowStart.secondsSinceEpoch else { continue }
                    w.inFlight -= sent.hits
                    w.pending += sent.hits
                    s.windows[sent.key] = w
                }
            }
            log("rate-limit counters not stored (kept for the next try): \(error)")
        }
    }

    /// Counts one event only if `key` is still under `limit` in its window (one
    /// atomic statement, so parallel callers on any server cannot all slip
    /// through at `limit - 1`); returns the seconds to wait when refused.
    public func acquire(_ key: String, limit: Int, periodSeconds: Int, now: Instant) async throws -> Int? {
        let (start, end, t) = Self.window(now, periodSeconds)
        let admitted = try await database.read { conn in
            try RateLimitStore.acquire(conn, key: key, windowStart: Instant(secondsSinceEpoch: start), limit: limit)
        }
        return admitted ? nil : max(1, Int(end - t))
    }

    /// Takes back one event counted by `acquire` in the window of `now` (e.g. an attempt that succeeded).
    public func refund(_ key: String, periodSeconds: Int, now: Instant) async throws {
        let start = Self.window(now, periodSeconds).start
        try await database.read { conn in try RateLimitStore.refund(conn, key: key, windowStart: Instant(secondsSinceEpoch: start)) }
    }

    /// Forgets every window of `key`.
    public func reset(_ key: String) async throws {
        try await database.read { conn in try RateLimitStore.reset(conn, key: key) }
    }
}

/// The login limit (RATE_LIMIT_LOGIN, 10 failures per 15 minutes by default),
/// counted per client IP and per account. Each attempt takes a slot from both
/// counters before the password is checked (atomically, so parallel requests
/// cannot all pass a counter at 9); a successful attempt gives its IP slot
/// back and clears the account counter, so only failures stay counted. Once
/// either counter is full every attempt, the right password included, answers
/// RATE_LIMITED until its window ends.
public struct LoginThrottle: Sendable {
    public let limiter: RateLimiter
    public let limit: Int
    public let periodSeconds: Int

    public init(limiter: RateLimiter, settings: (count: Int, periodSeconds: Int)) {
        self.limiter = limiter; self.limit = settings.count; self.periodSeconds = settings.periodSeconds
    }

    public static func accountKey(_ email: String) -> String { "login-account:\(email)" }
    public static func ipKey(_ ip: String?) -> String { "login-ip:\(ip ?? "?")" }

    /// Takes one attempt from the IP's and the account's budget; the seconds to
    /// wait when either is spent (then nothing is counted).
    public func begin(ip: String?, account: String, now: Instant) async throws -> Int? {
        if let wait = try await limiter.acquire(Self.ipKey(ip), limit: limit, periodSeconds: periodSeconds, now: now) { return wait }
        if let wait = try await limiter.acquire(account, limit: limit, periodSeconds: periodSeconds, now: now) {
            try await limiter.refund(Self.ipKey(ip), periodSeconds: periodSeconds, now: now)
            return wait
        }
        return nil
    }

    /// The attempt succeeded: it does not count.
    public func succeeded(ip: String?, account: String, now: Instant) async throws {
        try await limiter.refund(Self.ipKey(ip), periodSeconds: periodSeconds, now: now)
        try await limiter.reset(account)
    }

    /// The attempt ended without checking the password (e.g. the database
    /// failed): give the slots back.
    public func abandoned(ip: String?, account: String, now: Instant) async throws {
        try await limiter.refund(Self.ipKey(ip), periodSeconds: periodSeconds, now: now)
        try await limiter.refund(account, periodSeconds: periodSeconds, now: now)
    }
}
