// Clinic-wide closures (holidays): clinic-local date ranges in which no
// doctor's slot is offered.
import ClinicDomain
import Postgres

public struct ClosureRow: Sendable {
    public var id: Int64
    public var firstDay: LocalDate
    public var lastDay: LocalDate
    public var reason: String
    public var createdAt: Instant
    public var updatedAt: Instant

    public static let columns = """
        c.id, c.first_day::text AS first_day, c.last_day::text AS last_day, c.reason, c.created_at, c.updated_at
        """

    public init(_ r: Row) throws {
        id = try r.id("id"); firstDay = try r.localDate("first_day"); lastDay = try r.localDate("last_day")
        reason = try r.string("reason"); createdAt = try r.instant("created_at"); updatedAt = try r.instant("updated_at")
    }
}

public enum ClosureStore {
    public static func insert(_ conn: Connection, first: LocalDate, last: LocalDate, reason: String, createdBy: Int64) throws -> Int64 {
        conn.changedCalendarConfig()
        return try conn.query("""
            INSERT INTO clinic_closures (first_day, last_day, reason, created_by) VALUES ($1::date, $2::date, $3, $4) RETURNING id
            """, [first.postgresValue, last.postgresValue, .text(reason), .int(Int(createdBy))]).first!.id("id")
    }

    public static func load(_ conn: Connection, _ id: Int64, forUpdate: Bool = false) throws -> ClosureRow? {
        try conn.query("SELECT \(ClosureRow.columns) FROM clinic_closures c WHERE c.id = $1\(forUpdate ? " FOR UPDATE" : "")",
                       [.int(Int(id))]).first.map(ClosureRow.init)
    }

    public static func update(_ conn: Connection, _ id: Int64, first: LocalDate, last: LocalDate, reason: String) throws {
        conn.changedCalendarConfig()
        _ = try conn.query("UPDATE clinic_closures SET first_day = $2::date, last_day = $3::date, reason = $4 WHERE id = $1",
                           [.int(Int(id)), first.postgresValue, last.postgresValue, .text(reason)])
    }

    /// False when there was no such closure.
    public static func delete(_ conn: Connection, _ id: Int64) throws -> Bool {
        conn.changedCalendarConfig()
        return try conn.query("DELETE FROM clinic_closures WHERE id = $1 RETURNING id", [.int(Int(id))]).first != nil
    }

    /// Closures in first-day order (then id), ending on or after `endingFrom`
    /// when given; keyset after (first day, id).
    public static func page(_ conn: Connection, endingFrom: LocalDate?, after: PageAfter<LocalDate>?, limit: Int,
                            countTotal: Bool) throws -> ([ClosureRow], Int?) {
        var p = SQLParams()
        var conds = ["TRUE"]
        if let endingFrom { conds.append("c.last_day >= \(p.bind(endingFrom.postgresValue))::date") }
        let countConds = conds
        let countParams = p.values
        if let after {
            conds.append("(c.first_day, c.id) > (\(p.bind(after.key.postgresValue))::date, \(p.bind(.int(Int(after.id)))))")
        }
        let rows = try conn.query("SELECT \(ClosureRow.columns) FROM clinic_closures c WHERE \(conds.joined(separator: " AND ")) "
                                  + "ORDER BY c.first_day, c.id LIMIT \(limit)", p.values).rows.map(ClosureRow.init)
        var total: Int?
        if countTotal {
            total = try conn.query("SELECT count(*) AS n FROM clinic_closures c WHERE \(countConds.joined(separator: " AND "))",
                                   countParams).first?.int("n")
        }
        return (rows, total)
    }

    /// Every doctor row locked FOR UPDATE in id order: bookings in flight
    /// (they lock their doctor) finish first and new ones wait until the
    /// closure commits, so none can slip into the closed days unseen.
    public static func lockAllDoctors(_ conn: Connection) throws {
        _ = try conn.query("SELECT id FROM doctors ORDER BY id FOR UPDATE")
    }

    /// Active appointments of any doctor on the clinic-local dates `first...last`,
    /// in start order, at most `limit`.
    public static func activeAppointments(_ conn: Connection, first: LocalDate, last: LocalDate, limit: Int) throws -> [AppointmentClash] {
        try conn.query("""
            SELECT a.local_date::text AS d, a.local_time::text AS t, u.first_name, u.last_name, du.last_name AS doctor_last_name
              FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN users u ON u.id = p.user_id
              JOIN doctors d ON d.id = a.doctor_id JOIN users du ON du.id = d.user_id
             WHERE a.local_date BETWEEN $1::date AND $2::date AND a.status IN ('SCHEDULED', 'CONFIRMED')
             ORDER BY a.starts_at, a.id LIMIT \(limit)
            """, [first.postgresValue, last.postgresValue]).rows.map {
            AppointmentClash(date: try $0.localDate("d"), time: try $0.localTime("t"),
                             patientName: "\(try $0.string("first_name")) \(try $0.string("last_name"))",
                             doctorName: "Dr. \(try $0.string("doctor_last_name"))")
        }
    }
}
