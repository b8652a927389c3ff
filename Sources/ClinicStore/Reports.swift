// Reports: aggregate statements over a range of clinic-local dates, run on
// the read pool by the caller.
import ClinicDomain
import Postgres

/// What a report's parts need to know about their range.
public struct ReportRange: Sendable, Hashable {
    public var from: LocalDate
    public var to: LocalDate
    /// The clinic's IANA zone: local dates become instants in it.
    public var timeZone: String
    public init(from: LocalDate, to: LocalDate, timeZone: String) { self.from = from; self.to = to; self.timeZone = timeZone }
}

/// The figures of one scan (`ReportStore.facts`).
public struct ReportFacts: Sendable {
    public struct Day: Sendable {
        public var date: String
        public var booked: Int, completed: Int, cancelled: Int, noShow: Int
    }
    public struct Specialization: Sendable {
        public var specialization: String
        public var appointments: Int, completed: Int
    }
    public struct Doctor: Sendable {
        public var n: Int, completed: Int, noShows: Int, booked: Int
        public var revenue: String
    }
    /// Appointments per status, and how many of them have started by `now`.
    public var statusCounts: [String: (n: Int, past: Int)] = [:]
    /// One per date of the range (zeros included), in no particular order.
    public var daily: [Day] = []
    public var perDoctor: [Int64: Doctor] = [:]
    public var bySpecialization: [Specialization] = []
    /// Completed appointments × fees, numeric text; nil when the scan had no revenue row.
    public var revenue: String?
}

/// The parts of `ReportStore.facts` a report needs; each one is a branch of the one statement,
/// and a branch nobody asked for is not computed.
public struct ReportParts: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Appointments per status (`ReportFacts.statusCounts`' `n`).
    public static let status = ReportParts(rawValue: 1)
    /// Also how many of them have started by `now` (`past`; implies `status`).
    public static let past = ReportParts(rawValue: 2)
    /// The daily series.
    public static let daily = ReportParts(rawValue: 4)
    /// Per doctor and per specialization, and revenue.
    public static let doctors = ReportParts(rawValue: 8)
    public static let all: ReportParts = [.status, .past, .daily, .doctors]
}

public enum ReportStore {
    // The counters of migration 0010 (kept by triggers in the same transaction as every
    // change to appointments), so the work follows the days asked, not the appointments stored:
    // per day and status for the daily series and the status totals; per doctor from whole
    // months plus the days at the ends of the range; today's appointments alone are read in
    // detail, to tell past from future by the hour. `bench/plans` has the before/after.
    // `facts` assembles one statement from the branches below, for the parts asked.

    /// Status totals alone: one `GROUP BY status` over the primary key range of the counters.
    static let statusOnlySQL = """
        SELECT 'status' AS kind, c.status AS key, sum(c.n)::int8 AS n1, 0::int8 AS n2, 0::int8 AS n3, 0::int8 AS n4,
               NULL::text AS money
          FROM appointment_date_counts c
         WHERE c.local_date BETWEEN $1::date AND $2::date
         GROUP BY c.status
        """

    static let daysCTE = """
        days AS MATERIALIZED (
            SELECT c.local_date, c.status, c.n FROM appointment_date_counts c
             WHERE c.local_date BETWEEN $1::date AND $2::date AND c.n > 0
        )
        """

    static let pastCTE = """
        today AS MATERIALIZED (
            SELECT ($3::timestamptz AT TIME ZONE s.time_zone)::date AS d FROM system_settings s
        )
        """

    static let doctorsCTE = """
        range AS MATERIALIZED (
            -- Whole months inside [$1, $2]: [full_from, full_to); the days outside them are its ends.
            SELECT f.full_from, greatest(f.full_from, date_trunc('month', $2::date + 1)::date) AS full_to
              FROM (SELECT CASE WHEN extract(day FROM $1::date) = 1 THEN $1::date
                                ELSE (date_trunc('month', $1::date) + interval '1 month')::date END AS full_from) f
        ), doc AS (
            SELECT x.doctor_id, d.specialization, sum(x.n)::int8 AS n,
                   coalesce(sum(x.n) FILTER (WHERE x.status = 'COMPLETED'), 0)::int8 AS completed,
                   coalesce(sum(x.n) FILTER (WHERE x.status = 'NO_SHOW'), 0)::int8 AS no_shows,
                   coalesce(sum(x.n) FILTER (WHERE x.status <> 'CANCELLED'), 0)::int8 AS booked,
                   coalesce(sum(x.n) FILTER (WHERE x.status = 'COMPLETED'), 0) * d.consultation_fee AS revenue
              FROM (SELECT m.doctor_id, m.status, m.n FROM appointment_month_counts m
                     WHERE m.month >= (SELECT full_from FROM range) AND m.month < (SELECT full_to FROM range) AND m.n > 0
                    UNION ALL
                    SELECT c.doctor_id, c.status, c.n FROM appointment_daily_counts c
                     WHERE c.local_date BETWEEN $1::date AND least($2::date, (SELECT full_from FROM range) - 1) AND c.n > 0
                    UNION ALL
                    SELECT c.doctor_id, c.status, c.n FROM appointment_daily_counts c
                     WHERE c.local_date BETWEEN greatest($1::date, (SELECT full_to FROM range)) AND $2::date AND c.n > 0) x
              JOIN doctors d ON d.id = x.doctor_id
             GROUP BY x.doctor_id, d.specialization, d.consultation_fee
        )
        """

    static let statusPastBranch = """
        SELECT 'status' AS kind, s.status AS key, sum(s.n)::int8 AS n1, sum(s.past)::int8 AS n2, 0::int8 AS n3, 0::int8 AS n4,
               NULL::text AS money
          FROM (SELECT dy.status, dy.n, CASE WHEN dy.local_date < (SELECT d FROM today) THEN dy.n ELSE 0 END AS past FROM days dy
                UNION ALL
                -- Today's appointments are past or not by the hour: the one day read in detail.
                SELECT a.status, 0, count(*) FROM appointments a
                 WHERE a.local_date = (SELECT d FROM today) AND a.local_date BETWEEN $1::date AND $2::date AND a.starts_at < $3
                 GROUP BY a.status) s
         GROUP BY s.status
        """

    static let statusBranch = """
        SELECT 'status' AS kind, dy.status AS key, sum(dy.n)::int8 AS n1, 0::int8 AS n2, 0::int8 AS n3, 0::int8 AS n4,
               NULL::text AS money
          FROM days dy GROUP BY dy.status
        """

    static let dailyBranch = """
        SELECT 'day' AS kind, g.d::date::text AS key, coalesce(sum(dy.n), 0)::int8 AS n1,
               coalesce(sum(dy.n) FILTER (WHERE dy.status = 'COMPLETED'), 0)::int8 AS n2,
               coalesce(sum(dy.n) FILTER (WHERE dy.status = 'CANCELLED'), 0)::int8 AS n3,
               coalesce(sum(dy.n) FILTER (WHERE dy.status = 'NO_SHOW'), 0)::int8 AS n4, NULL::text AS money
          FROM generate_series($1::date, $2::date, interval '1 day') AS g(d)
          LEFT JOIN days dy ON dy.local_date = g.d::date
         GROUP BY g.d
        """

    static let doctorsBranches = """
        SELECT 'doctor' AS kind, doc.doctor_id::text AS key, doc.n AS n1, doc.completed AS n2, doc.no_shows AS n3,
               doc.booked AS n4, doc.revenue::text AS money FROM doc
        UNION ALL
        SELECT 'specialization', doc.specialization, sum(doc.n)::int8, sum(doc.completed)::int8, 0, 0, NULL
          FROM doc GROUP BY doc.specialization
        UNION ALL
        SELECT 'revenue', NULL, 0, 0, 0, 0, coalesce(sum(doc.revenue), 0)::text FROM doc
        """

    /// The one statement for `parts` (nil when there is nothing to read), and whether it takes `now` ($3).
    static func factsSQL(_ parts: ReportParts) -> (sql: String, takesNow: Bool)? {
        if parts == .status { return (statusOnlySQL, false) }
        var ctes: [String] = [], branches: [String] = []
        let past = parts.contains(.past)
        if past || parts.contains(.status) || parts.contains(.daily) { ctes.append(daysCTE) }
        if past { ctes.append(pastCTE); branches.append(statusPastBranch) } else if parts.contains(.status) { branches.append(statusBranch) }
        if parts.contains(.daily) { branches.append(dailyBranch) }
        if parts.contains(.doctors) { ctes.append(doctorsCTE); branches.append(doctorsBranches) }
        if branches.isEmpty { return nil }
        return ("WITH " + ctes.joined(separator: ", ") + "\n" + branches.joined(separator: "\nUNION ALL\n"), past)
    }

    /// The figures of `parts` (the others stay empty), in one statement.
    public static func facts(_ conn: Connection, _ range: ReportRange, now: Instant, parts: ReportParts = .all) throws -> ReportFacts {
        var facts = ReportFacts()
        guard let (sql, takesNow) = factsSQL(parts) else { return facts }
        var parameters: [PostgresValue?] = [.text(range.from.iso), .text(range.to.iso)]
        if takesNow { parameters.append(now.postgresValue) }
        for r in try conn.query(sql, parameters) {
            let n1 = try r.int("n1"), n2 = try r.int("n2"), n3 = try r.int("n3"), n4 = try r.int("n4")
            switch try r.string("kind") {
            case "status": facts.statusCounts[try r.string("key")] = (n1, n2)
            case "day": facts.daily.append(ReportFacts.Day(date: try r.string("key"), booked: n1, completed: n2, cancelled: n3, noShow: n4))
            case "doctor":
                facts.perDoctor[Int64(try r.int("key"))] = ReportFacts.Doctor(n: n1, completed: n2, noShows: n3, booked: n4,
                                                                               revenue: try r.string("money"))
            case "specialization":
                facts.bySpecialization.append(ReportFacts.Specialization(specialization: try r.string("key"), appointments: n1, completed: n2))
            case "revenue": facts.revenue = try r.string("money")
            default: break
            }
        }
        return facts
    }

    /// Patients whose account was created on a clinic-local date of the range.
    public static func newPatients(_ conn: Connection, _ range: ReportRange) throws -> Int {
        try conn.query("""
            SELECT count(*) AS n FROM patients p JOIN users u ON u.id = p.user_id
             WHERE u.created_at >= ($1::date::timestamp AT TIME ZONE $3)
               AND u.created_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
            """, [.text(range.from.iso), .text(range.to.iso), .text(range.timeZone)]).first?.int("n") ?? 0
    }

    /// Offered slots per doctor: every slot of every working-hours range on
    /// every clinic-local date of the range, minus slots overlapping time off
    /// (all doctors when `doctorIDs` is nil). The base is arithmetic — slots
    /// per weekly range × how many dates of the range fall on its weekday — so
    /// it costs the same for a day or a year; only the dates near a period of
    /// time off are expanded slot by slot, and a slot covered by several
    /// overlapping periods is subtracted once.
    public static func offeredSlots(_ conn: Connection, _ range: ReportRange, doctorIDs: [Int64]?) throws -> [Int64: Int] {
        let sql = """
            WITH days AS (
                SELECT g::date AS d, extract(isodow FROM g)::int AS weekday
                  FROM generate_series($1::date, $2::date, interval '1 day') AS g
            ), weekdays AS (
                SELECT weekday, count(*) AS c FROM days GROUP BY weekday
            ), hours AS (
                SELECT w.doctor_id, w.weekday, w.start_time, w.slot_minutes,
                       (extract(epoch FROM w.end_time - w.start_time) / 60 / w.slot_minutes)::int AS n
                  FROM working_hours w
                 WHERE ($4::int8[] IS NULL OR w.doctor_id = ANY($4::int8[]))
            ), base AS (
                SELECT h.doctor_id, sum(h.n * wd.c)::int8 AS n
                  FROM hours h JOIN weekdays wd ON wd.weekday = h.weekday
                 GROUP BY h.doctor_id
            ), offs AS MATERIALIZED (
                SELECT t.doctor_id, t.during,
                       (lower(t.during) AT TIME ZONE $3)::date - 1 AS first_day, (upper(t.during) AT TIME ZONE $3)::date + 1 AS last_day
                  FROM time_off t
                 WHERE t.during && tstzrange(($1::date - 1)::timestamp AT TIME ZONE $3, ($2::date + 2)::timestamp AT TIME ZONE $3)
                   AND ($4::int8[] IS NULL OR t.doctor_id = ANY($4::int8[]))
            ), blocked AS (
                SELECT h.doctor_id, count(DISTINCT (days.d, h.start_time, k)) AS n
                  FROM offs o
                  JOIN hours h ON h.doctor_id = o.doctor_id
                  JOIN days ON days.weekday = h.weekday AND days.d BETWEEN o.first_day AND o.last_day
                 CROSS JOIN LATERAL generate_series(0, h.n - 1) AS k
                 WHERE o.during && tstzrange(
                           (days.d + h.start_time + make_interval(mins => k * h.slot_minutes)) AT TIME ZONE $3,
                           (days.d + h.start_time + make_interval(mins => (k + 1) * h.slot_minutes)) AT TIME ZONE $3)
                 GROUP BY h.doctor_id
            )
            SELECT b.doctor_id, b.n - coalesce(bl.n, 0) AS offered
              FROM base b LEFT JOIN blocked bl ON bl.doctor_id = b.doctor_id
            """
        var out: [Int64: Int] = [:]
        for r in try conn.query(sql, [.text(range.from.iso), .text(range.to.iso), .text(range.timeZone),
                                      doctorIDs.map(PostgresValue.ids)]) {
            out[try r.id("doctor_id")] = try r.int("offered")
        }
        return out
    }
}

extension ReportStore {
    /// The most frequent reasons this many at most (`Report.cancellationsByReason`).
    public static let cancellationReasonGroups = 100

    /// CANCELLED appointments of the range per trimmed cancellation reason ("" when none), most frequent first.
    public static func cancellationsByReason(_ conn: Connection, _ range: ReportRange) throws -> [(reason: String, count: Int)] {
        try conn.query("""
            SELECT btrim(coalesce(a.cancellation_reason, '')) AS reason, count(*)::int8 AS n
              FROM appointments a
             WHERE a.local_date BETWEEN $1::date AND $2::date AND a.status = 'CANCELLED'
             GROUP BY 1 ORDER BY n DESC, reason LIMIT \(cancellationReasonGroups)
            """, [.text(range.from.iso), .text(range.to.iso)]).rows.map { (try $0.string("reason"), try $0.int("n")) }
    }
}

extension ReportStore {
    /// Patients with NO_SHOW appointments in the range, most first, at most `limit`.
    public static func noShowsByPatient(_ conn: Connection, _ range: ReportRange, limit: Int) throws -> [(patientID: Int64, noShows: Int)] {
        try conn.query("""
            SELECT a.patient_id, count(*) AS n FROM appointments a
             WHERE a.status = 'NO_SHOW' AND a.local_date BETWEEN $1::date AND $2::date
             GROUP BY a.patient_id ORDER BY n DESC, a.patient_id LIMIT $3
            """, [.text(range.from.iso), .text(range.to.iso), .int(limit)]).rows.map { (try $0.id("patient_id"), try $0.int("n")) }
    }
}
