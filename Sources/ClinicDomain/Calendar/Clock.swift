import Foundation
import Synchronization

/// Where "now" comes from: the wall clock, or a test's hand.
public final class Clock: Sendable {
    private let offsetMicros = Atomic<Int64>(0)
    public init() {}
    public var now: Instant {
        var tv = timeval()
        gettimeofday(&tv, nil)
        return Instant(microsecondsSinceEpoch: Int64(tv.tv_sec) * 1_000_000 + Int64(tv.tv_usec) + offsetMicros.load(ordering: .relaxed))
    }
    /// Moves this clock forward (tests of expiry and reminders).
    public func advance(seconds: Int64) { offsetMicros.add(seconds * 1_000_000, ordering: .relaxed) }
}
