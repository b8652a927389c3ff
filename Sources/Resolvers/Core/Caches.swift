// Small in-process caches and limiters. One server instance keeps them in
// memory; several instances behind a balancer each keep their own (see the
// README's "Scaling out" for how limits are shared then).
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

/// Fixed-window counters keyed by anything ("ip:1.2.3.4", "login-account:x@y").
public final class RateLimiter: Sendable {
    private let windows = Mutex<[String: (start: Int64, count: Int)]>([:])

    public init() {}

    /// Counts one event; returns the seconds to wait when over `limit` per `period`, else nil.
    public func hit(_ key: String, limit: Int, periodSeconds: Int, now: Instant) -> Int? {
        let t = now.secondsSinceEpoch
        return windows.withLock { w in
            if w.count > 200_000 { w = w.filter { t - $0.value.start < Int64(periodSeconds) } }
            var entry = w[key] ?? (t, 0)
            if t - entry.start >= Int64(periodSeconds) { entry = (t, 0) }
            entry.count += 1
            w[key] = entry
            return entry.count > limit ? Int(entry.start + Int64(periodSeconds) - t) : nil
        }
    }

    /// Whether `key` is over its limit right now, without counting an event.
    public func retryAfter(_ key: String, limit: Int, periodSeconds: Int, now: Instant) -> Int? {
        let t = now.secondsSinceEpoch
        return windows.withLock { w in
            guard let entry = w[key], t - entry.start < Int64(periodSeconds), entry.count >= limit else { return nil }
            return max(1, Int(entry.start + Int64(periodSeconds) - t))
        }
    }

    public func reset(_ key: String) { windows.withLock { _ = $0.removeValue(forKey: key) } }

    /// Counts one event only if `key` is still under `limit` in its window
    /// (check and count under one lock, so concurrent callers cannot all slip
    /// through at `limit - 1`); returns the seconds to wait when refused.
    public func acquire(_ key: String, limit: Int, periodSeconds: Int, now: Instant) -> Int? {
        let t = now.secondsSinceEpoch
        return windows.withLock { w in
            if w.count > 200_000 { w = w.filter { t - $0.value.start < Int64(periodSeconds) } }
            var entry = w[key] ?? (t, 0)
            if t - entry.start >= Int64(periodSeconds) { entry = (t, 0) }
            if entry.count >= limit { return max(1, Int(entry.start + Int64(periodSeconds) - t)) }
            entry.count += 1
            w[key] = entry
            return nil
        }
    }

    /// Takes back one event counted by `acquire` (e.g. an attempt that succeeded).
    public func refund(_ key: String) {
        windows.withLock { w in
            guard var entry = w[key] else { return }
            entry.count = max(0, entry.count - 1)
            w[key] = entry
        }
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
    public func begin(ip: String?, account: String, now: Instant) -> Int? {
        if let wait = limiter.acquire(Self.ipKey(ip), limit: limit, periodSeconds: periodSeconds, now: now) { return wait }
        if let wait = limiter.acquire(account, limit: limit, periodSeconds: periodSeconds, now: now) {
            limiter.refund(Self.ipKey(ip))
            return wait
        }
        return nil
    }

    /// The attempt succeeded: it does not count.
    public func succeeded(ip: String?, account: String) {
        limiter.refund(Self.ipKey(ip))
        limiter.reset(account)
    }

    /// The attempt ended without checking the password (e.g. the database
    /// failed): give the slots back.
    public func abandoned(ip: String?, account: String) {
        limiter.refund(Self.ipKey(ip))
        limiter.refund(account)
    }
}
