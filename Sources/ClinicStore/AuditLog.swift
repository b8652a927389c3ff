// The one audit-log writer, for the API and the CLI alike. It writes on the
// caller's connection, so the entry commits or rolls back with the change it
// records (DESIGN.md: every mutation writes its audit entry in its own
// transaction).
import ClinicDomain
import JSON
import Postgres

public enum AuditLog {
    public static func record(_ conn: Connection, actor: Int64?, action: String, target: String?, details: JSON = .object([]),
                              ip: String?) throws {
        _ = try conn.query("INSERT INTO audit_log (actor_id, action, target_id, details, ip) VALUES ($1, $2, $3, $4, $5)",
                           [actor.map { .int(Int($0)) }, .text(action), target.map { .text($0) },
                            .jsonb(details.serializedString), ip.map { .text($0) }])
    }

    /// Newest first, optionally one action or one actor; the total when asked.
    public static func page(_ conn: Connection, action: String?, actorID: Int64?, after: PageAfter<Instant>?, limit: Int,
                            countTotal: Bool) throws -> ([AuditEntryRow], Int?) {
        var p = SQLParams()
        var conds: [String] = []
        if let action { conds.append("l.action = \(p.bind(.text(action)))") }
        if let actorID { conds.append("l.actor_id = \(p.bind(.int(Int(actorID))))") }
        let countWhere = conds.isEmpty ? "" : "WHERE " + conds.joined(separator: " AND ")
        let countParams = p.values
        if let after { conds.append("(l.at, l.id) < (\(p.bind(after.key.postgresValue)), \(p.bind(.int(Int(after.id)))))") }
        let whereSQL = conds.isEmpty ? "" : "WHERE " + conds.joined(separator: " AND ")
        let rows = try conn.query("SELECT \(AuditEntryRow.columns) FROM audit_log l \(whereSQL) ORDER BY l.at DESC, l.id DESC LIMIT \(limit)",
                                  p.values).rows.map(AuditEntryRow.init)
        let total = countTotal
            ? try conn.query("SELECT count(*) AS n FROM audit_log l \(countWhere)", countParams).first?.int("n") : nil
        return (rows, total)
    }

    public static func entry(_ conn: Connection, _ id: Int64) throws -> AuditEntryRow? {
        try conn.query("SELECT \(AuditEntryRow.columns) FROM audit_log l WHERE l.id = $1", [.int(Int(id))]).first.map(AuditEntryRow.init)
    }
}
