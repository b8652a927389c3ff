// Notifications: the outbox rows the worker sends, as the API reads them.
import ClinicDomain
import Postgres

public enum NotificationStore {
    /// Staff read any notification; others only their own.
    public static func visibleNotification(_ conn: Connection, _ id: Int64, viewer: Viewer) throws -> NotificationRow? {
        try conn.query("SELECT \(NotificationRow.columns) FROM notifications n WHERE n.id = $1 AND ($2 OR n.user_id = $3)",
                       [.int(Int(id)), .bool(viewer.isStaff), .int(Int(viewer.userID))]).first.map(NotificationRow.init)
    }

    /// `Query.notifications`: newest first, optionally one user's or one status; the total when asked.
    public static func page(_ conn: Connection, userID: Int64?, status: String?, after: PageAfter<Instant>?, limit: Int,
                            countTotal: Bool) throws -> ([NotificationRow], Int?) {
        var p = SQLParams()
        var conds: [String] = []
        if let userID { conds.append("n.user_id = \(p.bind(.int(Int(userID))))") }
        if let status { conds.append("n.status = \(p.bind(.text(status)))") }
        let countConds = conds, countParams = p.values
        if let after { conds.append("(n.created_at, n.id) < (\(p.bind(after.key.postgresValue)), \(p.bind(.int(Int(after.id)))))") }
        let whereSQL = conds.isEmpty ? "" : "WHERE " + conds.joined(separator: " AND ")
        let rows = try conn.query("SELECT \(NotificationRow.columns) FROM notifications n \(whereSQL) ORDER BY n.created_at DESC, n.id DESC LIMIT \(limit)",
                                  p.values).rows.map(NotificationRow.init)
        let countSQL = "SELECT count(*) AS n FROM notifications n" + (countConds.isEmpty ? "" : " WHERE " + countConds.joined(separator: " AND "))
        let total = countTotal ? try conn.query(countSQL, countParams).first?.int("n") : nil
        return (rows, total)
    }

    /// Where a message to a person can go.
    public struct Contact: Sendable {
        /// Nil when the person has none (registered by staff without one).
        public var email: String?
        public var phone: String?
    }

    /// Live users among `userIDs`, by id.
    public static func contacts(_ conn: Connection, userIDs: [Int64]) throws -> [Int64: Contact] {
        var out: [Int64: Contact] = [:]
        for r in try conn.query("SELECT id, email, phone FROM users WHERE id = ANY($1) AND deleted_at IS NULL", [.ids(userIDs)]) {
            out[try r.id("id")] = Contact(email: try r.optionalString("email"), phone: try r.optionalString("phone"))
        }
        return out
    }

    /// The live patients with an active appointment on a clinic-local date, by user id.
    public static func patientContacts(_ conn: Connection, appointmentsOn date: LocalDate) throws -> [Int64: Contact] {
        var out: [Int64: Contact] = [:]
        for r in try conn.query("""
            SELECT DISTINCT u.id, u.email, u.phone
              FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN users u ON u.id = p.user_id
             WHERE a.local_date = $1::date AND a.status IN ('SCHEDULED', 'CONFIRMED') AND u.deleted_at IS NULL
            """, [.text(date.iso)]) {
            out[try r.id("id")] = Contact(email: try r.optionalString("email"), phone: try r.optionalString("phone"))
        }
        return out
    }
}
