// Rate-limit counters in PostgreSQL (migration 0013): one row per key and
// fixed window, shared by every server process. The counting statements
// commit without waiting for the WAL flush (`synchronous_commit` off for their
// own transaction, set inside the statement): a PostgreSQL crash may forget
// the last fraction of a second of counts, which a limit can afford, and a
// count costs ~0.03 ms instead of a disk flush (bench/scaling-nginx/RESULTS.md).
import ClinicDomain
import Postgres

public enum RateLimitStore {
    /// A one-row FROM item that turns off the WAL-flush wait of the statement's transaction.
    static let asyncCommit = "(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit"

    /// Counts one event only while the window holds fewer than `limit`; false
    /// when refused (nothing counted). One statement, atomic across servers.
    public static func acquire(_ conn: Connection, key: String, windowStart: Instant, limit: Int) throws -> Bool {
        try !conn.query("""
            INSERT INTO rate_limit_counters AS c (key, window_start, hits)
            SELECT $1, $2, 1 FROM \(asyncCommit)
            ON CONFLICT (key, window_start) DO UPDATE SET hits = c.hits + 1 WHERE c.hits < $3
            RETURNING c.hits
            """, [.text(key), windowStart.postgresValue, .int(limit)]).rows.isEmpty
    }

    /// Gives back one event of the window (an attempt that turned out not to count).
    public static func refund(_ conn: Connection, key: String, windowStart: Instant) throws {
        _ = try conn.query("""
            UPDATE rate_limit_counters SET hits = greatest(hits - 1, 0) FROM \(asyncCommit) WHERE key = $1 AND window_start = $2
            """, [.text(key), windowStart.postgresValue])
    }

    /// Forgets every window of `key`.
    public static func reset(_ conn: Connection, key: String) throws {
        _ = try conn.query("DELETE FROM rate_limit_counters WHERE key = $1", [.text(key)])
    }

    /// Adds events counted elsewhere (in memory) and returns each key's total
    /// for its window, as every server has counted it.
    public static func add(_ conn: Connection, _ deltas: [(key: String, windowStart: Instant, hits: Int)]) throws
        -> [(key: String, windowStart: Instant, hits: Int)] {
        guard !deltas.isEmpty else { return [] }
        let sorted = deltas.sorted { ($0.key, $0.windowStart.microsecondsSinceEpoch) < ($1.key, $1.windowStart.microsecondsSinceEpoch) }
        return try conn.query("""
            INSERT INTO rate_limit_counters AS c (key, window_start, hits)
            SELECT u.key, u.window_start, u.hits FROM unnest($1::text[], $2::timestamptz[], $3::int[]) AS u (key, window_start, hits),
                   \(asyncCommit)
            ON CONFLICT (key, window_start) DO UPDATE SET hits = c.hits + EXCLUDED.hits
            RETURNING c.key, c.window_start, c.hits
            """, [.textArray(sorted.map(\.key)), .textArray(sorted.map { $0.windowStart.rfc3339 }), .textArray(sorted.map { String($0.hits) })])
            .rows.map { (key: try $0.string("key"), windowStart: try $0.instant("window_start"), hits: try $0.int("hits")) }
    }

    /// Drops windows that ended before `before`.
    public static func prune(_ conn: Connection, before: Instant) throws {
        _ = try conn.query("DELETE FROM rate_limit_counters WHERE window_start < $1", [before.postgresValue])
    }
}
