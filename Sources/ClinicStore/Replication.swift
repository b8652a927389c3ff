// Streaming replication as the read routing needs it: where the primary's WAL
// is, and how far a standby has replayed it and how long ago the last
// transaction it replayed committed.
import ClinicDomain
import Postgres

public enum ReplicationStore {
    /// The primary's current WAL position (`pg_lsn` text).
    public static func currentLSN(_ conn: Connection) throws -> String {
        try conn.query("SELECT pg_current_wal_lsn()::text AS l").first!.string("l")
    }

    /// On the read server: whether it has replayed everything up to `lsn`
    /// (a server not in recovery has, by definition), and the milliseconds
    /// since the last transaction it replayed committed on the primary (nil
    /// before it replayed any).
    public static func replayState(_ conn: Connection, upTo lsn: String) throws -> (caughtUp: Bool, sinceLastReplayMs: Double?) {
        let r = try conn.query("""
            SELECT NOT pg_is_in_recovery() OR coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS caught_up,
                   (extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS since_ms
            """, [.text(lsn)]).first!
        return (try r.bool("caught_up"), try r.optionalDouble("since_ms"))
    }
}
