// Which server answers the reads that may be a little stale (the public
// doctor list, free slots): the replica (DATABASE_READ_URL) while its
// staleness is within REPLICA_MAX_LAG_MS, else the primary. Staleness: zero
// when the replica has replayed the primary's current WAL position, else the
// time since the last transaction it replayed committed (an upper bound on
// how old what it shows is). Measured at most every 250 ms per process, by
// one request at a time (the others use the last measure); a replica that
// does not answer is skipped for a second. Bookings never read here: they
// check the slot on the primary, inside their transaction.
import ClinicDomain
import ClinicStore
import Foundation
import Schema
import Synchronization

public final class ReplicaRouting: Sendable {
    /// REPLICA_MAX_LAG_MS.
    public let maxLagMilliseconds: Int
    let recheckMicros: Int64 = 250_000
    let downMicros: Int64 = 1_000_000

    struct State {
        /// When the last check finished (µs since the epoch); nil: never.
        var checkedAt: Int64?
        var usable = false
        var checking = false
        var lagMilliseconds: Double?
        var replicaReads = 0
        var primaryReads = 0
    }
    private let state = Mutex(State())

    public init(maxLagMilliseconds: Int) { self.maxLagMilliseconds = maxLagMilliseconds }

    /// Whether the next bounded-staleness read may go to the replica.
    func useReplica(_ database: Database, now: Instant) async -> Bool {
        let t = now.microsecondsSinceEpoch
        let (usable, mine) = state.withLock { s -> (Bool, Bool) in
            // Someone is measuring: use the last measure meanwhile.
            if s.checking { return (s.usable, false) }
            if let at = s.checkedAt, t >= at, t - at < (s.usable ? recheckMicros : downMicros) { return (s.usable, false) }
            s.checking = true
            return (s.usable, true)
        }
        if !mine { return usable }
        var lag: Double?
        var ok = false
        do {
            let lsn = try await database.read { conn in try ReplicationStore.currentLSN(conn) }
            let replay = try await database.readReplica { conn in try ReplicationStore.replayState(conn, upTo: lsn) }
            lag = replay.caughtUp ? 0 : (replay.sinceLastReplayMs ?? .infinity)
            ok = (lag ?? .infinity) <= Double(maxLagMilliseconds)
        } catch {
            ok = false
        }
        state.withLock { s in
            s.checkedAt = t; s.usable = ok; s.checking = false; s.lagMilliseconds = lag
        }
        return ok
    }

    /// A replica read failed to connect: skip it for a while.
    func markDown(now: Instant) {
        state.withLock { s in s.checkedAt = now.microsecondsSinceEpoch; s.usable = false; s.lagMilliseconds = nil }
    }

    func count(replica: Bool) { state.withLock { s in if replica { s.replicaReads += 1 } else { s.primaryReads += 1 } } }

    /// Reads routed so far, and the last measured lag (nil: replica unreachable or never measured).
    public var snapshot: (replicaReads: Int, primaryReads: Int, lagMilliseconds: Double?) {
        state.withLock { ($0.replicaReads, $0.primaryReads, $0.lagMilliseconds) }
    }

    /// For /metrics.
    public var prometheusText: String {
        let s = snapshot
        var out = """
            # HELP clinic_bounded_reads_total Doctor-list and free-slot reads by the server that answered them.
            # TYPE clinic_bounded_reads_total counter
            clinic_bounded_reads_total{server="replica"} \(s.replicaReads)
            clinic_bounded_reads_total{server="primary"} \(s.primaryReads)

            """
        if let lag = s.lagMilliseconds, lag.isFinite {
            out += """
                # HELP clinic_replica_lag_seconds The replica's staleness at the last check.
                # TYPE clinic_replica_lag_seconds gauge
                clinic_replica_lag_seconds \(lag / 1000)

                """
        }
        return out
    }
}

extension ClinicError {
    static func replicaUnavailable() -> GraphQLError {
        GraphQLError("Reports are temporarily unavailable: the reporting database (read replica) does not answer. Try again later.",
                     code: "SERVICE_UNAVAILABLE")
    }
}
