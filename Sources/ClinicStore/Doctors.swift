// Doctors: profiles, working hours, time off (TimeOffStore).
import ClinicDomain
import Postgres

public enum DoctorStore {
    public static func specializations(_ conn: Connection) throws -> [String] {
        try conn.query("SELECT DISTINCT specialization FROM doctors ORDER BY specialization").rows.map { try $0.string("specialization") }
    }

    public enum LockMode: String, Sendable {
        /// Bookings, time off and availability changes of one doctor take turns.
        case exclusive = "UPDATE"
        /// A reschedule only keeps the doctor from changing meanwhile.
        case shared = "SHARE"
    }

    /// The doctor row locked `FOR UPDATE` or `FOR SHARE`.
    public static func lock(_ conn: Connection, _ id: Int64, mode: LockMode) throws -> DoctorRow? {
        try conn.query("SELECT \(DoctorRow.columns) FROM doctors d WHERE d.id = $1 FOR \(mode.rawValue)", [.int(Int(id))])
            .first.map(DoctorRow.init)
    }

    public static func workingHours(_ conn: Connection, doctorIDs ids: [Int64]) throws -> [WorkingHoursRow] {
        try conn.query("SELECT \(WorkingHoursRow.columns) FROM working_hours w WHERE w.doctor_id = ANY($1) ORDER BY w.weekday, w.start_time",
                       [.ids(ids)]).rows.map(WorkingHoursRow.init)
    }

    /// Every doctor (reports list them all, zeros included).
    public static func all(_ conn: Connection) throws -> [DoctorRow] {
        try conn.query("SELECT \(DoctorRow.columns) FROM doctors d").rows.map(DoctorRow.init)
    }

    /// The doctor (if the user is one) takes no new bookings.
    public static func stopBookings(userID: Int64, _ conn: Connection) throws {
        conn.changedCalendarConfig()
        _ = try conn.query("UPDATE doctors SET is_available = false WHERE user_id = $1", [.int(Int(userID))])
    }

    public static func isDoctor(userID: Int64, _ conn: Connection) throws -> Bool {
        try conn.query("SELECT 1 FROM doctors WHERE user_id = $1", [.int(Int(userID))]).first != nil
    }

    public static func insert(_ conn: Connection, userID: Int64, license: String, specialization: String, experienceYears: Int,
                              fee: String, bio: String) throws -> Int64 {
        try conn.query("""
            INSERT INTO doctors (user_id, license_number, specialization, experience_years, consultation_fee, bio)
            VALUES ($1, $2, $3, $4, $5::numeric, $6) RETURNING id
            """, [.int(Int(userID)), .text(license), .text(specialization), .int(experienceYears), .text(fee), .text(bio)]).first!.id("id")
    }

    /// Changes the given fields (nil keeps one); false when there is no such doctor.
    public static func update(_ conn: Connection, _ id: Int64, license: String? = nil, specialization: String?, experienceYears: Int?,
                              fee: String?, bio: String?, isAvailable: Bool?) throws -> Bool {
        if isAvailable != nil { conn.changedCalendarConfig() }
        return try conn.query("""
            UPDATE doctors SET license_number = COALESCE($7, license_number), specialization = COALESCE($2, specialization),
                   experience_years = COALESCE($3::int, experience_years),
                   consultation_fee = COALESCE($4::numeric, consultation_fee),
                   bio = COALESCE($5, bio), is_available = COALESCE($6::boolean, is_available)
             WHERE id = $1 RETURNING id
            """, [.int(Int(id)), specialization.map { .text($0) }, experienceYears.map { .int($0) }, fee.map { .text($0) },
                  bio.map { .text($0) }, isAvailable.map { .bool($0) }, license.map { .text($0) }]).first != nil
    }

    /// The doctor's buffers (nil keeps one); false when there is no such doctor.
    /// Appointments already booked keep the buffers they were booked with.
    @discardableResult
    public static func setBuffers(_ conn: Connection, _ id: Int64, before: Int?, after: Int?) throws -> Bool {
        conn.changedCalendarConfig()
        return try conn.query("""
            UPDATE doctors SET buffer_before_minutes = COALESCE($2::int, buffer_before_minutes),
                   buffer_after_minutes = COALESCE($3::int, buffer_after_minutes) WHERE id = $1 RETURNING id
            """, [.int(Int(id)), before.map { .int($0) }, after.map { .int($0) }]).first != nil
    }

    /// The doctor's week becomes `week` (one INSERT for all ranges).
    public static func replaceWorkingHours(_ conn: Connection, doctorID id: Int64, _ week: [SlotCalendar.WorkingRange]) throws {
        conn.changedCalendarConfig()
        _ = try conn.query("DELETE FROM working_hours WHERE doctor_id = $1", [.int(Int(id))])
        guard !week.isEmpty else { return }
        var p = SQLParams()
        let doctor = p.bind(.int(Int(id)))
        var values: [String] = []
        for w in week {
            values.append("(\(doctor), \(p.bind(.int(w.weekday)))::smallint, \(p.bind(.text(w.start.iso)))::time, "
                          + "\(p.bind(.text(w.end.iso)))::time, \(p.bind(.int(w.slotMinutes)))::int)")
        }
        _ = try conn.query("INSERT INTO working_hours (doctor_id, weekday, start_time, end_time, slot_minutes) VALUES "
                           + values.joined(separator: ", "), p.values)
    }

    /// The doctor's active appointments overlapping `during`, in start order, at most `limit`.
    public static func activeAppointments(_ conn: Connection, doctorID id: Int64, during: InstantRange, limit: Int) throws -> [AppointmentClash] {
        try conn.query("""
            SELECT a.local_date::text AS d, a.local_time::text AS t, u.first_name, u.last_name
              FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN users u ON u.id = p.user_id
             WHERE a.doctor_id = $1 AND a.status IN ('SCHEDULED', 'CONFIRMED') AND a.during && tstzrange($2, $3, '[)')
             ORDER BY a.starts_at LIMIT \(limit)
            """, [.int(Int(id)), during.start.postgresValue, during.end.postgresValue]).rows.map {
            AppointmentClash(date: try $0.localDate("d"), time: try $0.localTime("t"),
                             patientName: "\(try $0.string("first_name")) \(try $0.string("last_name"))")
        }
    }
}

// MARK: - Time off

public struct TimeOffRow: Sendable {
    public var id: Int64
    public var doctorID: Int64
    /// The doctor's user: SELF for the time off.
    public var doctorUserID: Int64
    public var from: Instant
    public var to: Instant
    public var reason: String?
    public var createdAt: Instant
    public var span: InstantRange { InstantRange(start: from, end: to) }

    public static let columns = """
        t.id, t.doctor_id, (SELECT d.user_id FROM doctors d WHERE d.id = t.doctor_id) AS doctor_user_id,
        lower(t.during) AS starts, upper(t.during) AS ends, t.reason, t.created_at
        """

    public init(_ r: Row) throws {
        id = try r.id("id"); doctorID = try r.id("doctor_id"); doctorUserID = try r.id("doctor_user_id")
        from = try r.instant("starts"); to = try r.instant("ends"); reason = try r.optionalString("reason")
        createdAt = try r.instant("created_at")
    }

    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == doctorUserID }
}

public enum TimeOffStore {
    @discardableResult
    public static func insert(_ conn: Connection, doctorID id: Int64, during: InstantRange, reason: String?, createdBy: Int64) throws -> Int64 {
        conn.changedBusyRanges()
        return try conn.query("""
            INSERT INTO time_off (doctor_id, during, reason, created_by) VALUES ($1, tstzrange($2, $3, '[)'), $4, $5) RETURNING id
            """, [.int(Int(id)), during.start.postgresValue, during.end.postgresValue, reason.map { .text($0) }, .int(Int(createdBy))])
            .first!.id("id")
    }

    public static func load(_ conn: Connection, _ id: Int64, forUpdate: Bool = false) throws -> TimeOffRow? {
        try conn.query("SELECT \(TimeOffRow.columns) FROM time_off t WHERE t.id = $1\(forUpdate ? " FOR UPDATE" : "")", [.int(Int(id))])
            .first.map(TimeOffRow.init)
    }

    /// The period becomes `during` with `reason` (nil clears it).
    public static func update(_ conn: Connection, _ id: Int64, during: InstantRange, reason: String?) throws {
        conn.changedBusyRanges()
        _ = try conn.query("UPDATE time_off SET during = tstzrange($2, $3, '[)'), reason = $4 WHERE id = $1",
                           [.int(Int(id)), during.start.postgresValue, during.end.postgresValue, reason.map { .text($0) }])
    }

    public static func delete(_ conn: Connection, _ id: Int64) throws {
        conn.changedBusyRanges()
        _ = try conn.query("DELETE FROM time_off WHERE id = $1", [.int(Int(id))])
    }

    /// Time off in start order (then id), of one doctor or all, ending after
    /// `endingAfter` when given; keyset after (start, id).
    public static func page(_ conn: Connection, doctorID: Int64?, endingAfter: Instant?, after: PageAfter<Instant>?, limit: Int,
                            countTotal: Bool) throws -> ([TimeOffRow], Int?) {
        var p = SQLParams()
        var conds = ["TRUE"]
        if let doctorID { conds.append("t.doctor_id = \(p.bind(.int(Int(doctorID))))") }
        if let endingAfter { conds.append("upper(t.during) > \(p.bind(endingAfter.postgresValue))") }
        let countConds = conds
        let countParams = p.values
        if let after {
            conds.append("(lower(t.during), t.id) > (\(p.bind(after.key.postgresValue)), \(p.bind(.int(Int(after.id)))))")
        }
        let rows = try conn.query("SELECT \(TimeOffRow.columns) FROM time_off t WHERE \(conds.joined(separator: " AND ")) "
                                  + "ORDER BY lower(t.during), t.id LIMIT \(limit)", p.values).rows.map(TimeOffRow.init)
        var total: Int?
        if countTotal {
            total = try conn.query("SELECT count(*) AS n FROM time_off t WHERE \(countConds.joined(separator: " AND "))", countParams)
                .first?.int("n")
        }
        return (rows, total)
    }
}
