// Counters of the outbox workers of this process, for /metrics.
import Synchronization

/// A snapshot the server renders (`prometheusText`) or inspects.
public struct NotificationMetrics: Sendable, Equatable {
    /// Rows waiting and due (PENDING, scheduled_at ≤ now), as of the last poll.
    public var queued: Int
    /// Rows claimed for delivery.
    public var claimed: Int
    public var sent: Int
    /// Marked FAILED (permanent refusal or the last retry).
    public var failed: Int
    /// Attempts that failed and were rescheduled.
    public var retried: Int
    /// Rows claimed again after another worker's lease expired (possible duplicates).
    public var reclaimed: Int
    /// Seconds from scheduled_at to sent, histogram: (upper bound, cumulative count).
    public var latencyBuckets: [(le: Double, count: Int)]
    public var latencySum: Double
    public var latencyCount: Int

    public static func == (a: NotificationMetrics, b: NotificationMetrics) -> Bool {
        a.queued == b.queued && a.claimed == b.claimed && a.sent == b.sent && a.failed == b.failed && a.retried == b.retried
            && a.reclaimed == b.reclaimed && a.latencyCount == b.latencyCount && a.latencySum == b.latencySum
            && a.latencyBuckets.map(\.count) == b.latencyBuckets.map(\.count)
    }

    /// Prometheus text exposition (metric names prefixed `clinic_notifications_`).
    public var prometheusText: String {
        var out = """
            # HELP clinic_notifications_queued Outbox rows due and waiting (last poll).
            # TYPE clinic_notifications_queued gauge
            clinic_notifications_queued \(queued)
            # HELP clinic_notifications_claimed_total Outbox rows claimed for delivery.
            # TYPE clinic_notifications_claimed_total counter
            clinic_notifications_claimed_total \(claimed)
            # HELP clinic_notifications_sent_total Notifications delivered.
            # TYPE clinic_notifications_sent_total counter
            clinic_notifications_sent_total \(sent)
            # HELP clinic_notifications_failed_total Notifications marked FAILED.
            # TYPE clinic_notifications_failed_total counter
            clinic_notifications_failed_total \(failed)
            # HELP clinic_notifications_retried_total Delivery attempts rescheduled after a temporary failure.
            # TYPE clinic_notifications_retried_total counter
            clinic_notifications_retried_total \(retried)
            # HELP clinic_notifications_reclaimed_total Rows taken over after an expired lease (possible duplicates).
            # TYPE clinic_notifications_reclaimed_total counter
            clinic_notifications_reclaimed_total \(reclaimed)
            # HELP clinic_notifications_delivery_latency_seconds From scheduled time to delivery.
            # TYPE clinic_notifications_delivery_latency_seconds histogram

            """
        for b in latencyBuckets {
            out += "clinic_notifications_delivery_latency_seconds_bucket{le=\"\(b.le)\"} \(b.count)\n"
        }
        out += "clinic_notifications_delivery_latency_seconds_bucket{le=\"+Inf\"} \(latencyCount)\n"
        out += "clinic_notifications_delivery_latency_seconds_sum \(latencySum)\n"
        out += "clinic_notifications_delivery_latency_seconds_count \(latencyCount)\n"
        return out
    }
}

/// Thread-safe counters behind `NotificationMetrics`.
public final class NotificationMetricsRecorder: Sendable {
    static let bounds: [Double] = [1, 2, 5, 10, 30, 60, 300, 900, 3600]
    private struct State {
        var m = NotificationMetrics(queued: 0, claimed: 0, sent: 0, failed: 0, retried: 0, reclaimed: 0,
                                    latencyBuckets: NotificationMetricsRecorder.bounds.map { ($0, 0) }, latencySum: 0, latencyCount: 0)
    }
    private let state = Mutex(State())

    public init() {}

    public var snapshot: NotificationMetrics { state.withLock { $0.m } }

    func update(_ body: (inout NotificationMetrics) -> Void) { state.withLock { body(&$0.m) } }

    func recordSent(latencySeconds: Double) {
        state.withLock { s in
            s.m.sent += 1
            s.m.latencySum += latencySeconds
            s.m.latencyCount += 1
            for i in s.m.latencyBuckets.indices where latencySeconds <= s.m.latencyBuckets[i].le {
                s.m.latencyBuckets[i].count += 1
            }
        }
    }
}
