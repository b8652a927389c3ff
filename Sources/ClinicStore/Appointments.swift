// Appointments: who may see which, filtered keyset pages (root and per
// patient / per doctor in one statement per level), and changes.
import ClinicDomain
import Postgres

/// `AppointmentFilter` as plain values (ids and dates already decoded).
public struct AppointmentFilter: Sendable {
    public var statuses: [String]?
    public var doctorID: Int64?
    public var patientID: Int64?
    public var from: LocalDate?
    public var to: LocalDate?
    public var specialization: String?
    public init(statuses: [String]? = nil, doctorID: Int64? = nil, patientID: Int64? = nil, from: LocalDate? = nil,
                to: LocalDate? = nil, specialization: String? = nil) {
        self.statuses = statuses; self.doctorID = doctorID; self.patientID = patientID
        self.from = from; self.to = to; self.specialization = specialization
    }
}

/// The order of an appointment page: by start or by creation, then id.
public struct AppointmentOrder: Sendable {
    public var byCreation: Bool
    public var descending: Bool
    public init(byCreation: Bool, descending: Bool) { self.byCreation = byCreation; self.descending = descending }
    var column: String { byCreation ? "created_at" : "starts_at" }
    public func key(_ r: AppointmentRow) -> Instant { byCreation ? r.createdAt : r.startsAt }
}

/// A keyset position: the sort key and id of the last row already seen.
public struct PageAfter<Key: Sendable>: Sendable {
    public var key: Key
    public var id: Int64
    public init(key: Key, id: Int64) { self.key = key; self.id = id }
}

public enum AppointmentStore {
    /// The parent a nested appointment list hangs from.
    public enum Parent: String, Sendable {
        case patient = "patient_id", doctor = "doctor_id"
    }

    static func filterConditions(_ f: AppointmentFilter, _ p: inout SQLParams) -> [String] {
        var conds: [String] = []
        if let names = f.statuses {
            // One status as an equality: the planner can then walk (status, starts_at, id) in order.
            conds.append(names.count == 1 ? "a.status = \(p.bind(.text(names[0])))"
                                          : "a.status = ANY(\(p.bind(.textArray(names)))::text[])")
        }
        if let id = f.doctorID { conds.append("a.doctor_id = \(p.bind(.int(Int(id))))") }
        if let id = f.patientID { conds.append("a.patient_id = \(p.bind(.int(Int(id))))") }
        // The window of local dates as instants: local_date is starts_at's day in the clinic's time
        // zone (migration 0011 keeps it so), and lists ordered by starts_at then start their index
        // scan at the window instead of walking every earlier appointment (bench/plans).
        let zone = "(SELECT zs.time_zone FROM system_settings zs)"
        if let from = f.from {
            conds.append("a.starts_at >= (\(p.bind(.text(from.iso)))::date::timestamp AT TIME ZONE \(zone))")
        }
        if let to = f.to {
            conds.append("a.starts_at < ((\(p.bind(.text(to.iso)))::date + 1)::timestamp AT TIME ZONE \(zone))")
        }
        if let spec = f.specialization {
            conds.append("a.doctor_id IN (SELECT sd.id FROM doctors sd WHERE lower(sd.specialization) = lower(\(p.bind(.text(spec)))))")
        }
        return conds
    }

    static func keyset(_ order: AppointmentOrder, _ after: PageAfter<Instant>?, _ p: inout SQLParams) -> String? {
        guard let after else { return nil }
        let op = order.descending ? "<" : ">"
        return "(a.\(order.column), a.id) \(op) (\(p.bind(after.key.postgresValue)), \(p.bind(.int(Int(after.id)))))"
    }

    static func orderSQL(_ order: AppointmentOrder) -> String {
        let d = order.descending ? " DESC" : ""
        return "a.\(order.column)\(d), a.id\(d)"
    }

    /// `Query.appointments`: the visible rows of one page, and the total when asked. `joins` come
    /// in the same statement, looked up for each row of the page once it is cut (the page's plan stays the same).
    public static func pageReads(filter: AppointmentFilter, viewer: Viewer?, order: AppointmentOrder, after: PageAfter<Instant>?,
                                 limit: Int, countTotal: Bool, joins: AppointmentJoins = []) -> (rows: Read<[AppointmentRow]>, total: Read<Int?>?) {
        var p = SQLParams()
        var conds = filterConditions(filter, &p)
        conds.append(ClinicLoad.appointmentVisibility(viewer, &p))
        let countConds = conds
        let countParams = p.values
        if let k = keyset(order, after, &p) { conds.append(k) }
        let pageSQL = "FROM appointments a WHERE \(conds.joined(separator: " AND ")) ORDER BY \(orderSQL(order)) LIMIT \(limit)"
        let rows: Read<[AppointmentRow]>
        if joins.isEmpty {
            let columns = AppointmentRow.columns(for: viewer, &p)
            rows = Read("SELECT \(columns) \(pageSQL)", p.values) { try $0.rows.map(AppointmentRow.init) }
        } else {
            let j = AppointmentRow.joinSQL(joins, viewer: viewer, &p)
            let decode = AppointmentRow.decoder(joins, viewer: viewer)
            rows = Read("SELECT \(j.columns) FROM (SELECT a.* \(pageSQL)) a\(j.from) ORDER BY \(orderSQL(order))", p.values) {
                try $0.rows.map(decode)
            }
        }
        let total = !countTotal ? nil : Read("SELECT count(*) AS n FROM appointments a WHERE \(countConds.joined(separator: " AND "))",
                                             countParams) { try $0.first?.int("n") }
        return (rows, total)
    }

    /// `Patient.appointments` / `Doctor.appointments` for every parent of a
    /// level in one statement (plus one for the totals when asked).
    public static func pagePerParentReads(parent: Parent, ids: [Int64], filter: AppointmentFilter, viewer: Viewer?,
                                          order: AppointmentOrder, after: PageAfter<Instant>?, limit: Int, countTotal: Bool,
                                          joins: AppointmentJoins = []) -> (rows: Read<[AppointmentRow]>, counts: Read<[Int64: Int]>?)? {
        guard !ids.isEmpty else { return nil }
        let column = parent.rawValue
        var p = SQLParams()
        // One parent (a patient's own dashboard, a doctor's day) is the common case: its page is
        // a plain index walk, without the unnest and LATERAL that several parents need (~20 % of
        // the dashboard's statement, bench/graphql-http/RESULTS.md).
        let single = ids.count == 1
        let idsParam = single ? p.bind(.int(Int(ids[0]))) : p.bind(.ids(ids))
        var conds = filterConditions(filter, &p)
        conds.append(ClinicLoad.appointmentVisibility(viewer, &p))
        let parentCond = single ? "a.\(column) = \(idsParam)" : "a.\(column) = ANY(\(idsParam))"
        let countConds = [parentCond] + conds
        let countParams = p.values
        if let k = keyset(order, after, &p) { conds.append(k) }
        let limitParam = p.bind(.int(limit))
        let j = AppointmentRow.joinSQL(joins, viewer: viewer, &p)
        let sql = single
            ? """
              SELECT \(j.columns) FROM (SELECT a.* FROM appointments a WHERE \(parentCond) AND \(conds.joined(separator: " AND "))
                                        ORDER BY \(orderSQL(order)) LIMIT \(limitParam)) a\(j.from)
               ORDER BY \(orderSQL(order))
              """
            // Each parent's first rows by its own index walk (LATERAL ... LIMIT): a parent with
            // thousands of appointments reads no more than one with ten.
            : """
              SELECT \(j.columns) FROM unnest(\(idsParam)::int8[]) WITH ORDINALITY AS parent(id, position)
               CROSS JOIN LATERAL (SELECT a.* FROM appointments a WHERE a.\(column) = parent.id AND \(conds.joined(separator: " AND "))
                                    ORDER BY \(orderSQL(order)) LIMIT \(limitParam)) a\(j.from)
               ORDER BY parent.position, \(orderSQL(order))
              """
        let decode = AppointmentRow.decoder(joins, viewer: viewer)
        let rows = Read(sql, p.values) { try $0.rows.map(decode) }
        let counts = !countTotal ? nil : Read("""
            SELECT a.\(column) AS parent, count(*) AS n FROM appointments a
             WHERE \(countConds.joined(separator: " AND ")) GROUP BY 1
            """, countParams) { result in
            var counts: [Int64: Int] = [:]
            for r in result { counts[try r.id("parent")] = try r.int("n") }
            return counts
        }
        return (rows, counts)
    }
}

extension AppointmentStore {
    /// `buffers`: the doctor's, kept on the row (the exclusion constraint compares the widened ranges).
    public static func insert(_ conn: Connection, patientID: Int64, doctorID: Int64, date: LocalDate, time: LocalTime, startsAt: Instant,
                              endsAt: Instant, buffers: Buffers, reason: String, createdBy: Int64) throws -> Int64 {
        conn.changedBusyRanges()
        return try conn.query("""
            INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status, reason, created_by,
                                      buffer_before_minutes, buffer_after_minutes)
            VALUES ($1, $2, $3::date, $4::time, $5, $6, 'SCHEDULED', $7, $8, $9, $10) RETURNING id
            """, [.int(Int(patientID)), .int(Int(doctorID)), .text(date.iso), .text(time.iso), startsAt.postgresValue,
                  endsAt.postgresValue, .text(reason), .int(Int(createdBy)), .int(buffers.before), .int(buffers.after)]).first!.id("id")
    }

    /// A reschedule takes the doctor's buffers of now.
    public static func move(_ conn: Connection, _ id: Int64, date: LocalDate, time: LocalTime, startsAt: Instant, endsAt: Instant,
                            buffers: Buffers) throws {
        conn.changedBusyRanges()
        _ = try conn.query("""
            UPDATE appointments SET local_date = $2::date, local_time = $3::time, starts_at = $4, ends_at = $5,
                   buffer_before_minutes = $6, buffer_after_minutes = $7 WHERE id = $1
            """, [.int(Int(id)), .text(date.iso), .text(time.iso), startsAt.postgresValue, endsAt.postgresValue,
                  .int(buffers.before), .int(buffers.after)])
    }

    public static func cancel(_ conn: Connection, _ id: Int64, reason: String?) throws {
        conn.changedBusyRanges()
        _ = try conn.query("UPDATE appointments SET status = 'CANCELLED', cancellation_reason = $2 WHERE id = $1",
                           [.int(Int(id)), reason.map { .text($0) }])
    }

    public static func setReason(_ conn: Connection, _ id: Int64, _ reason: String) throws {
        _ = try conn.query("UPDATE appointments SET reason = $2 WHERE id = $1", [.int(Int(id)), .text(reason)])
    }

    /// The new status, and the notes when given (nil keeps them).
    public static func setStatus(_ conn: Connection, _ id: Int64, _ status: AppointmentStatus, notes: String?) throws {
        conn.changedBusyRanges()
        _ = try conn.query("UPDATE appointments SET status = $2, notes = COALESCE($3, notes) WHERE id = $1",
                           [.int(Int(id)), .text(status.rawValue), notes.map { .text($0) }])
    }

    /// The treating doctor's notes; an empty text clears them.
    public static func setClinicalNotes(_ conn: Connection, _ id: Int64, _ notes: String) throws {
        _ = try conn.query("UPDATE appointments SET clinical_notes = NULLIF($2, '') WHERE id = $1", [.int(Int(id)), .text(notes)])
    }
}

/// One line of the appointments export, names joined in.
public struct AppointmentExportRow: Sendable {
    public var id: Int64
    /// `YYYY-MM-DD` and `HH:MM`, clinic-local, as booked.
    public var date: String
    public var time: String
    public var startsAt: Instant
    public var status: String
    public var doctor: String
    public var specialization: String
    public var patient: String
    public var patientEmail: String
    public var reason: String
    public var createdAt: Instant
    public var cancellationReason: String
}

extension AppointmentStore {
    /// The export's rows in start order, at most `limit`, with the filter of `Query.appointments`.
    public static func exportRows(_ conn: Connection, filter: AppointmentFilter, limit: Int) throws -> [AppointmentExportRow] {
        var p = SQLParams()
        let conds = filterConditions(filter, &p)
        let whereSQL = conds.isEmpty ? "" : "WHERE " + conds.joined(separator: " AND ")
        return try conn.query("""
            SELECT a.id, a.local_date::text AS local_date, to_char(a.local_time, 'HH24:MI') AS local_time, a.starts_at, a.status,
                   du.first_name || ' ' || du.last_name AS doctor, d.specialization,
                   pu.first_name || ' ' || pu.last_name AS patient, coalesce(pu.email, '') AS patient_email, a.reason, a.created_at,
                   CASE WHEN a.status = 'CANCELLED' THEN coalesce(a.cancellation_reason, '') ELSE '' END AS cancellation_reason
              FROM appointments a
              JOIN doctors d ON d.id = a.doctor_id JOIN users du ON du.id = d.user_id
              JOIN patients pt ON pt.id = a.patient_id JOIN users pu ON pu.id = pt.user_id
              \(whereSQL)
             ORDER BY a.starts_at, a.id
             LIMIT \(limit)
            """, p.values).rows.map { r in
            AppointmentExportRow(id: try r.id("id"), date: try r.string("local_date"), time: try r.string("local_time"),
                                 startsAt: try r.instant("starts_at"), status: try r.string("status"), doctor: try r.string("doctor"),
                                 specialization: try r.string("specialization"), patient: try r.string("patient"),
                                 patientEmail: try r.string("patient_email"), reason: try r.string("reason"),
                                 createdAt: try r.instant("created_at"), cancellationReason: try r.string("cancellation_reason"))
        }
    }
}

extension DoctorStore {
    /// `Query.doctors`: one page by id, and the total when asked. `search`
    /// matches first name, last name or specialization, case-insensitively.
    /// With `joinUser`, each row's user (those columns) comes in the same statement (`DoctorRow.user`),
    /// looked up by primary key for each row of the page once it is cut, so the page's plan stays the same.
    public static func pageReads(specialization: String?, search: String?, isAvailable: Bool?, afterID: Int64?,
                                 limit: Int, countTotal: Bool, joinUser: UserColumns? = nil,
                                 listOnly: Bool = false) -> (rows: Read<[DoctorRow]>, total: Read<Int?>?) {
        var p = SQLParams()
        var conds: [String] = []
        if let specialization { conds.append("lower(d.specialization) = lower(\(p.bind(.text(specialization))))") }
        if let search {
            let pat = p.bind(.text(likeContains(search)))
            // Names through a per-doctor lookup, not a join: a join lets the planner walk the whole
            // users index to meet the doctors' users (bench/plans: a doctor hired last).
            conds.append("(d.specialization ILIKE \(pat) OR EXISTS (SELECT 1 FROM users u WHERE u.id = d.user_id "
                         + "AND (u.first_name ILIKE \(pat) OR u.last_name ILIKE \(pat))))")
        }
        if let isAvailable { conds.append("d.is_available = \(p.bind(.bool(isAvailable)))") }
        let countConds = conds.isEmpty ? ["TRUE"] : conds
        let countParams = p.values
        if let afterID { conds.append("d.id > \(p.bind(.int(Int(afterID))))") }
        let whereSQL = conds.isEmpty ? "TRUE" : conds.joined(separator: " AND ")
        let pageSQL = "FROM doctors d WHERE \(whereSQL) ORDER BY d.id LIMIT \(limit)"
        let rows: Read<[DoctorRow]>
        if let joinUser {
            // A list asking only `DoctorRow.listFields` reads five of the doctor's columns, not the bio and the rest.
            let (outer, inner) = listOnly ? (DoctorRow.listColumnsWithUser, DoctorRow.listPageColumns) : (DoctorRow.columnsWithUser, "d.*")
            rows = Read("SELECT \(outer), ju.* FROM (SELECT \(inner) \(pageSQL)) d CROSS JOIN LATERAL "
                        + "(SELECT \(DoctorRow.userColumns(joinUser)) FROM users du WHERE du.id = d.user_id OFFSET 0) ju ORDER BY d.id",
                        p.values) { try $0.rows.map(DoctorRow.withUser(joinUser, listOnly: listOnly)) }
        } else {
            rows = Read("SELECT \(DoctorRow.columns) \(pageSQL)", p.values) { try $0.rows.map(DoctorRow.init) }
        }
        let total = !countTotal ? nil : Read("SELECT count(*) AS n FROM doctors d WHERE \(countConds.joined(separator: " AND "))",
                                             countParams) { try $0.first?.int("n") }
        return (rows, total)
    }
}

extension UserStore {
    /// `Query.patients`: the visible patients of one page by id, and the total
    /// when asked. `search` matches names (also "first last") and email; a
    /// search that looks like a phone number (PhoneNumber.looksLikePhoneSearch)
    /// also matches its digits anywhere in the phone's digits.
    public static func patientPage(_ conn: Connection, viewer: Viewer?, search: String?, afterID: Int64?, limit: Int,
                                   countTotal: Bool) throws -> ([PatientRow], Int?) {
        var p = SQLParams()
        var conds: [String] = [ClinicLoad.patientVisibility(viewer, &p)]
        if let search {
            let pat = p.bind(.text(likeContains(search)))
            // The trigram indexes of migration 0014 (name/email, phone digits) find the matching users;
            // the page is cut from them.
            var match = "(su.first_name || ' ' || su.last_name || E'\\x1f' || coalesce(su.email, '')) ILIKE \(pat)"
            if PhoneNumber.looksLikePhoneSearch(search) {
                match += " OR phone_digits(su.phone) LIKE \(p.bind(.text(likeContains(PhoneNumber.digits(search)))))"
            }
            conds.append("p.user_id = ANY(ARRAY(SELECT su.id FROM users su WHERE \(match)))")
        }
        let countConds = conds
        let countParams = p.values
        if let afterID { conds.append("p.id > \(p.bind(.int(Int(afterID))))") }
        let rows = try conn.query("SELECT \(PatientRow.columns) FROM patients p JOIN users u ON u.id = p.user_id WHERE \(conds.joined(separator: " AND ")) "
                                  + "ORDER BY p.id LIMIT \(limit)", p.values).rows.map(PatientRow.init)
        var total: Int?
        if countTotal {
            total = try conn.query("SELECT count(*) AS n FROM patients p JOIN users u ON u.id = p.user_id WHERE \(countConds.joined(separator: " AND "))",
                                   countParams).first?.int("n")
        }
        return (rows, total)
    }
}

extension AppointmentStore {
    /// NO_SHOW appointments per patient (`Patient.noShowCount`), zeros absent.
    public static func noShowCounts(_ conn: Connection, patientIDs: [Int64]) throws -> [Int64: Int] {
        var out: [Int64: Int] = [:]
        for r in try conn.query("""
            SELECT a.patient_id, count(*)::int8 AS n FROM appointments a
             WHERE a.patient_id = ANY($1) AND a.status = 'NO_SHOW' GROUP BY a.patient_id
            """, [.ids(patientIDs)]) {
            out[try r.id("patient_id")] = try r.int("n")
        }
        return out
    }
}
