// Small in-process caches and limiters. One server instance keeps them in
// memory; several instances behind a balancer each keep their own (see the
// README's "Scaling out" for how limits are shared then).
import Synchronization

/// The user state an access token is checked against on every request.
public struct ViewerState: Sendable, Equatable {
    public var role: Role
    public var isActive: Bool
    public var tokenVersion: Int
    public var patientID: Int64?
    public var doctorID: Int64?
    public init(role: Role, isActive: Bool, tokenVersion: Int, patientID: Int64?, doctorID: Int64?) {
        self.role = role; self.isActive = isActive; self.tokenVersion = tokenVersion
        self.patientID = patientID; self.doctorID = doctorID
    }
}

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
}
