// Loading rows by ids: by ids (one statement per batch), with
// row-level visibility in the SQL, and the data slot calendars are cut from.
import ClinicDomain
import Postgres

public enum ClinicLoad {
    // MARK: visibility

    /// SQL condition on `appointments a` for what `viewer` may see: staff all,
    /// otherwise their own appointments and those they attend as a doctor.
    public static func appointmentVisibility(_ viewer: Viewer?, _ p: inout SQLParams) -> String {
        guard let viewer else { return "FALSE" }
        if viewer.isStaff { return "TRUE" }
        var parts: [String] = []
        if let pid = viewer.patientID { parts.append("a.patient_id = \(p.bind(.int(Int(pid))))") }
        if let did = viewer.doctorID { parts.append("a.doctor_id = \(p.bind(.int(Int(did))))") }
        return parts.isEmpty ? "FALSE" : "(" + parts.joined(separator: " OR ") + ")"
    }

    /// Whether `appointmentVisibility` limits `viewer` to their own patient profile's rows.
    public static func seesOnlyOwnAppointments(_ viewer: Viewer) -> Bool {
        !viewer.isStaff && viewer.doctorID == nil && viewer.patientID != nil
    }

    /// SQL condition on `patients p`: staff all, the patient themself, and the
    /// patients of a doctor's appointments.
    public static func patientVisibility(_ viewer: Viewer?, _ p: inout SQLParams) -> String {
        guard let viewer else { return "FALSE" }
        if viewer.isStaff { return "TRUE" }
        var parts = ["p.user_id = \(p.bind(.int(Int(viewer.userID))))"]
        if let did = viewer.doctorID {
            parts.append("EXISTS (SELECT 1 FROM appointments x WHERE x.patient_id = p.id AND x.doctor_id = \(p.bind(.int(Int(did)))))")
        }
        return "(" + parts.joined(separator: " OR ") + ")"
    }

    // MARK: by ids

    /// Rows of `table` (aliased `alias`, as `columns` expects) by id, in one statement; none for no ids.
    static func byIDs<R>(_ conn: Connection, _ ids: [Int64], from table: String, _ alias: String, columns: String,
                         _ decode: (Row) throws -> R, id: (R) -> Int64) throws -> [Int64: R] {
        guard !ids.isEmpty else { return [:] }
        let rows = try conn.query("SELECT \(columns) FROM \(table) \(alias) WHERE \(alias).id = ANY($1)", [.ids(ids)]).rows.map(decode)
        return Dictionary(rows.map { (id($0), $0) }, uniquingKeysWith: { a, _ in a })
    }

    public static func doctors(_ conn: Connection, _ ids: [Int64]) throws -> [Int64: DoctorRow] {
        try byIDs(conn, ids, from: "doctors", "d", columns: DoctorRow.columns, DoctorRow.init, id: \.id)
    }

    /// Doctors by id with their users (`DoctorRow.user`, those columns) in the same statement.
    public static func doctorsWithUsers(_ conn: Connection, _ ids: [Int64], user: UserColumns = .all) throws -> [Int64: DoctorRow] {
        guard !ids.isEmpty else { return [:] }
        let rows = try conn.query("""
            SELECT \(DoctorRow.columnsWithUser), ju.* FROM doctors d
             CROSS JOIN LATERAL (SELECT \(DoctorRow.userColumns(user)) FROM users du WHERE du.id = d.user_id OFFSET 0) ju
             WHERE d.id = ANY($1)
            """, [.ids(ids)]).rows.map(DoctorRow.withUser(user))
        return Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The patient profiles of users, by user id (users without one are absent).
    public static func patientsOfUsers(_ conn: Connection, _ userIDs: [Int64]) throws -> [Int64: PatientRow] {
        guard !userIDs.isEmpty else { return [:] }
        let rows = try conn.query("SELECT \(PatientRow.columns) FROM patients p WHERE p.user_id = ANY($1)", [.ids(userIDs)])
            .rows.map(PatientRow.init)
        return Dictionary(rows.map { ($0.userID, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The doctor profiles of users, by user id (users without one are absent).
    public static func doctorsOfUsers(_ conn: Connection, _ userIDs: [Int64]) throws -> [Int64: DoctorRow] {
        guard !userIDs.isEmpty else { return [:] }
        let rows = try conn.query("SELECT \(DoctorRow.columns) FROM doctors d WHERE d.user_id = ANY($1)", [.ids(userIDs)])
            .rows.map(DoctorRow.init)
        return Dictionary(rows.map { ($0.userID, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public static func users(_ conn: Connection, _ ids: [Int64]) throws -> [Int64: UserRow] {
        try byIDs(conn, ids, from: "users", "u", columns: UserRow.columns, UserRow.init, id: \.id)
    }

    public static func patients(_ conn: Connection, _ ids: [Int64]) throws -> [Int64: PatientRow] {
        try byIDs(conn, ids, from: "patients", "p", columns: PatientRow.columns, PatientRow.init, id: \.id)
    }

    public static func appointments(_ conn: Connection, _ ids: [Int64]) throws -> [Int64: AppointmentRow] {
        try byIDs(conn, ids, from: "appointments", "a", columns: AppointmentRow.columns, AppointmentRow.init, id: \.id)
    }

    public static func appointment(_ conn: Connection, _ id: Int64, forUpdate: Bool = false) throws -> AppointmentRow? {
        try conn.query("SELECT \(AppointmentRow.columns) FROM appointments a WHERE a.id = $1\(forUpdate ? " FOR UPDATE" : "")",
                       [.int(Int(id))]).first.map(AppointmentRow.init)
    }

    public static func visibleAppointment(_ conn: Connection, _ id: Int64, viewer: Viewer?) throws -> AppointmentRow? {
        var p = SQLParams()
        let idParam = p.bind(.int(Int(id)))
        let vis = appointmentVisibility(viewer, &p)
        return try conn.query("SELECT \(AppointmentRow.columns) FROM appointments a WHERE a.id = \(idParam) AND \(vis)", p.values)
            .first.map(AppointmentRow.init)
    }

    public static func visiblePatient(_ conn: Connection, _ id: Int64, viewer: Viewer?) throws -> PatientRow? {
        var p = SQLParams()
        let idParam = p.bind(.int(Int(id)))
        let vis = patientVisibility(viewer, &p)
        return try conn.query("SELECT \(PatientRow.columns) FROM patients p WHERE p.id = \(idParam) AND \(vis)", p.values)
            .first.map(PatientRow.init)
    }

    // MARK: calendars

    public struct CalendarData: Sendable {
        public var hours: [SlotCalendar.WorkingRange] = []
        public var timeOff: [InstantRange] = []
        public var busy: [InstantRange] = []
        /// The clinic's closures near the window (the same for every doctor), as clinic-local dates.
        public var closures: [ClosedDays] = []
        /// Whether the doctor takes bookings and their buffers, when read (`slotCalendarRead`);
        /// nil then means no such doctor.
        public var doctor: DoctorBooking?
        public init(hours: [SlotCalendar.WorkingRange] = [], timeOff: [InstantRange] = [], busy: [InstantRange] = [],
                    closures: [ClosedDays] = []) {
            self.hours = hours; self.timeOff = timeOff; self.busy = busy; self.closures = closures
        }
    }

    /// What a slot list needs of the doctor's own row.
    public struct DoctorBooking: Sendable {
        public var isAvailable: Bool
        public var buffers: Buffers
    }

    /// Clinic-local dates `first...last`, both included.
    public struct ClosedDays: Sendable, Hashable {
        public var first: LocalDate
        public var last: LocalDate
        public init(first: LocalDate, last: LocalDate) { self.first = first; self.last = last }
    }

    /// Working hours, time off and active appointments (their buffered ranges,
    /// what the exclusion constraint compares) of `doctorIDs` within `window`,
    /// and the clinic's closures around it, in ONE statement. `excluding` leaves out one appointment (the
    /// one being rescheduled).
    /// Busy ranges include the slots waitlist offers hold (migration 0018),
    /// except those held for `holder` (the patient booking: accepting their offer).
    public static func calendarData(_ conn: Connection, doctorIDs: [Int64], window: InstantRange,
                                    excluding: Int64? = nil, holder: Int64? = nil) throws -> [Int64: CalendarData] {
        guard !doctorIDs.isEmpty else { return [:] }
        return try conn.run(calendarRead(doctorIDs: doctorIDs, window: window, excluding: excluding, holder: holder))
    }

    /// `calendarData`'s statement (for `Database.fetch`); `doctorIDs` not empty.
    public static func calendarRead(doctorIDs: [Int64], window: InstantRange, excluding: Int64? = nil,
                                    holder: Int64? = nil) -> Read<[Int64: CalendarData]> {
        Read(calendarSQL,
             [PostgresValue.ids(doctorIDs), window.start.postgresValue, window.end.postgresValue, .int(Int(excluding ?? -1)), .int(Int(holder ?? -1))]) { result in
            try calendar(result, doctorIDs: doctorIDs)
        }
    }

    /// Built once (lists of doctors' free slots run it on every request): the busy ranges, the
    /// working hours, and the closures near the window.
    private static let calendarSQL = busySQL + hoursSQL + """

        UNION ALL
        -- Closures by their dates; the window is a day wider each side
        -- than the dates asked for, so UTC dates suffice to find them.
        SELECT 'c', 0, NULL, c.first_day::text, c.last_day::text, NULL, NULL, NULL
          FROM clinic_closures c WHERE c.last_day >= ($2::timestamptz AT TIME ZONE 'UTC')::date - 1
           AND c.first_day <= ($3::timestamptz AT TIME ZONE 'UTC')::date + 1
        """

    /// Appointments, time off and offers (the busy ranges) of `$1` meeting `[$2, $3)`; its first
    /// SELECT names and types the columns every calendar statement decodes (`calendar`).
    static let busySQL = """
        SELECT 'o' AS kind, t.doctor_id, NULL::int AS weekday, NULL::text AS start_time, NULL::text AS end_time,
               NULL::int AS slot_minutes, lower(t.during) AS s, upper(t.during) AS e
          FROM time_off t WHERE t.doctor_id = ANY($1) AND t.during && tstzrange($2, $3, '[)')
        UNION ALL
        SELECT 'b', a.doctor_id, NULL, NULL, NULL, NULL, lower(a.blocked), upper(a.blocked)
          FROM appointments a WHERE a.doctor_id = ANY($1) AND a.status IN ('SCHEDULED', 'CONFIRMED')
           AND a.blocked && tstzrange($2, $3, '[)') AND a.id <> $4
        UNION ALL
        SELECT 'b', o.doctor_id, NULL, NULL, NULL, NULL, lower(o.held), upper(o.held)
          FROM waitlist_offers o WHERE o.doctor_id = ANY($1) AND o.status = 'OFFERED'
           AND o.held && tstzrange($2, $3, '[)') AND o.patient_id <> $5
        """

    /// The working hours of `$1`, to follow `busySQL`.
    static let hoursSQL = """

        UNION ALL
        SELECT 'h', w.doctor_id, w.weekday::int, w.start_time::text, w.end_time::text, w.slot_minutes, NULL, NULL
          FROM working_hours w WHERE w.doctor_id = ANY($1)
        """

    /// The rows of `calendarSQL` and of `slotCalendarRead`'s statements, by doctor.
    static func calendar(_ result: QueryResult, doctorIDs: [Int64]) throws -> [Int64: CalendarData] {
        var out: [Int64: CalendarData] = [:]
        for id in doctorIDs { out[id] = CalendarData() }
        var closures: [ClosedDays] = []
        // By position, the first SELECT's columns: kind, doctor_id, weekday, start_time, end_time, slot_minutes, s, e.
        for r in result {
            let kind = r.withBytes(at: 0) { $0?.first ?? 0 }
            let doctor = try r.id(at: 1)
            switch kind {
            case UInt8(ascii: "c"):
                closures.append(ClosedDays(first: try r.localDate(at: 3), last: try r.localDate(at: 4)))
            case UInt8(ascii: "h"):
                out[doctor, default: CalendarData()].hours.append(SlotCalendar.WorkingRange(
                    weekday: try r.int(at: 2), start: try r.localTime(at: 3), end: try r.localTime(at: 4),
                    slotMinutes: try r.int(at: 5)))
            case UInt8(ascii: "d"):
                out[doctor, default: CalendarData()].doctor = DoctorBooking(
                    isAvailable: try r.string(at: 3) == "true",
                    buffers: Buffers(before: try r.int(at: 2), after: try r.int(at: 5)))
            case UInt8(ascii: "o"):
                out[doctor, default: CalendarData()].timeOff.append(InstantRange(start: try r.instant(at: 6), end: try r.instant(at: 7)))
            default:
                out[doctor, default: CalendarData()].busy.append(InstantRange(start: try r.instant(at: 6), end: try r.instant(at: 7)))
            }
        }
        if !closures.isEmpty { for id in doctorIDs { out[id]?.closures = closures } }
        return out
    }

    /// The doctor's calendar as `viewer` may book it: clients within the
    /// horizon and the minimum notice, staff without either; `buffers` the doctor's.
    public static func calendar(_ data: CalendarData?, settings: SettingsRow, now: Instant, viewer: Viewer?,
                                buffers: Buffers) -> SlotCalendar {
        let staff = viewer?.isStaff == true
        return SlotCalendar(workingHours: data?.hours ?? [], timeZone: settings.zone, timeOff: data?.timeOff ?? [],
                            closures: (data?.closures ?? []).map { settings.zone.range(from: $0.first, through: $0.last) },
                            busy: data?.busy ?? [], now: now, horizonDays: staff ? nil : settings.bookingHorizonDays,
                            minimumNoticeMinutes: settings.rules.noticeMinutes(isStaff: staff), buffers: buffers)
    }
}
