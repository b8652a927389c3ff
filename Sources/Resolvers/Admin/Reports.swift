// `Query.report`: a handful of aggregate statements over appointments whose
// clinic-local date is in [from, to], run on the read pool. Only the parts
// selected in the query are computed; utilization (the expensive part) has its
// own batch resolvers so it runs only when asked for, once per level.
import ClinicDomain
import JSON
import Postgres
import Schema

/// What a report's parts need to know about their range.
struct ReportRange: Sendable, Hashable {
    var from: LocalDate
    var to: LocalDate
    var timeZone: String
}

struct StatusCountObject: FieldReadable {
    var status: String
    var count: Int
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "status": return .string(status)
        case "count": return .int(count)
        default: return nil
        }
    }
}

struct DailyCountObject: FieldReadable {
    var date: String
    var booked: Int
    var completed: Int
    var cancelled: Int
    var noShow: Int
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "date": return .string(date)
        case "booked": return .int(booked)
        case "completed": return .int(completed)
        case "cancelled": return .int(cancelled)
        case "noShow": return .int(noShow)
        default: return nil
        }
    }
}

struct SpecializationStatsObject: FieldReadable {
    var specialization: String
    var appointments: Int
    var completed: Int
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "specialization": return .string(specialization)
        case "appointments": return .int(appointments)
        case "completed": return .int(completed)
        default: return nil
        }
    }
}

struct DoctorStatsObject: FieldReadable {
    var range: ReportRange
    var doctor: DoctorRow
    var appointments: Int
    var completed: Int
    var noShows: Int
    /// Non-cancelled appointments (utilization's numerator).
    var booked: Int
    /// Exact decimal text from PostgreSQL (numeric).
    var revenue: String
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "doctor": return .object(doctor, typeName: "Doctor")
        case "appointments": return .int(appointments)
        case "completed": return .int(completed)
        case "noShows": return .int(noShows)
        case "revenue": return .string(revenue)
        default: return nil
        }
    }
}

struct ReportObject: FieldReadable {
    var range: ReportRange
    var total = 0
    /// Non-cancelled appointments (utilization's numerator).
    var booked = 0
    var byStatus: [StatusCountObject] = []
    var daily: [DailyCountObject] = []
    var bySpecialization: [SpecializationStatsObject] = []
    var byDoctor: [DoctorStatsObject] = []
    var newPatients = 0
    var noShowRate = 0.0
    var cancellationRate = 0.0
    var revenue = "0"

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "from": return .string(range.from.iso)
        case "to": return .string(range.to.iso)
        case "totalAppointments": return .int(total)
        case "byStatus": return .list(byStatus.map { .object($0, typeName: "StatusCount") })
        case "daily": return .list(daily.map { .object($0, typeName: "DailyCount") })
        case "bySpecialization": return .list(bySpecialization.map { .object($0, typeName: "SpecializationStats") })
        case "byDoctor": return .list(byDoctor.map { .object($0, typeName: "DoctorStats") })
        case "newPatients": return .int(newPatients)
        case "noShowRate": return .leaf(.double(noShowRate))
        case "cancellationRate": return .leaf(.double(cancellationRate))
        case "revenue": return .string(revenue)
        default: return nil
        }
    }
}

public enum Reports {
    /// The longest range a report (and its daily series) may cover.
    public static let maximumDays = 366

    static func range(_ args: [String: JSON], ctx: RequestContext) async throws -> ReportRange {
        let from = try ClinicKit.date(ClinicKit.string(args, "from"), field: "from")
        let to = try ClinicKit.date(ClinicKit.string(args, "to"), field: "to")
        guard from <= to else { throw ClinicError.badInput("`to` must not be before `from`", field: "to") }
        guard from.days(to: to) < maximumDays else {
            throw ClinicError.badInput("A report covers at most \(maximumDays) days; narrow the range", field: "to")
        }
        return ReportRange(from: from, to: to, timeZone: try await ctx.settings().timeZone)
    }

    /// Reads the counters of migration 0010 (kept by triggers in the same transaction as every
    /// change to appointments), so the work follows the days asked, not the appointments stored:
    /// per day and status for the daily series and the status totals; per doctor from whole
    /// months plus the days at the ends of the range; today's appointments alone are read in
    /// detail, to tell past from future by the hour. `bench/plans` has the before/after.
    static let factsSQL = """
        WITH range AS MATERIALIZED (
            -- Whole months inside [$1, $2]: [full_from, full_to); the days outside them are its ends.
            SELECT f.full_from, greatest(f.full_from, date_trunc('month', $2::date + 1)::date) AS full_to
              FROM (SELECT CASE WHEN extract(day FROM $1::date) = 1 THEN $1::date
                                ELSE (date_trunc('month', $1::date) + interval '1 month')::date END AS full_from) f
        ), days AS MATERIALIZED (
            SELECT c.local_date, c.status, c.n FROM appointment_date_counts c
             WHERE c.local_date BETWEEN $1::date AND $2::date AND c.n > 0
        ), today AS MATERIALIZED (
            SELECT ($3::timestamptz AT TIME ZONE s.time_zone)::date AS d FROM system_settings s
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
        SELECT 'status' AS kind, s.status AS key, sum(s.n)::int8 AS n1, sum(s.past)::int8 AS n2, 0::int8 AS n3, 0::int8 AS n4,
               NULL::text AS money
          FROM (SELECT dy.status, dy.n, CASE WHEN dy.local_date < (SELECT d FROM today) THEN dy.n ELSE 0 END AS past FROM days dy
                UNION ALL
                -- Today's appointments are past or not by the hour: the one day read in detail.
                SELECT a.status, 0, count(*) FROM appointments a
                 WHERE a.local_date = (SELECT d FROM today) AND a.local_date BETWEEN $1::date AND $2::date AND a.starts_at < $3
                 GROUP BY a.status) s
         GROUP BY s.status
        UNION ALL
        SELECT 'day', g.d::date::text, coalesce(sum(dy.n), 0)::int8,
               coalesce(sum(dy.n) FILTER (WHERE dy.status = 'COMPLETED'), 0)::int8,
               coalesce(sum(dy.n) FILTER (WHERE dy.status = 'CANCELLED'), 0)::int8,
               coalesce(sum(dy.n) FILTER (WHERE dy.status = 'NO_SHOW'), 0)::int8, NULL
          FROM generate_series($1::date, $2::date, interval '1 day') AS g(d)
          LEFT JOIN days dy ON dy.local_date = g.d::date
         GROUP BY g.d
        UNION ALL
        SELECT 'doctor', doc.doctor_id::text, doc.n, doc.completed, doc.no_shows, doc.booked, doc.revenue::text FROM doc
        UNION ALL
        SELECT 'specialization', doc.specialization, sum(doc.n)::int8, sum(doc.completed)::int8, 0, 0, NULL
          FROM doc GROUP BY doc.specialization
        UNION ALL
        SELECT 'revenue', NULL, 0, 0, 0, 0, coalesce(sum(doc.revenue), 0)::text FROM doc
        """

    static func report(_ args: [String: JSON], ctx: RequestContext, selected: Set<String>) async throws -> ReportObject {
        let range = try await range(args, ctx: ctx)
        let now = ctx.now
        return try await ctx.readReplica { conn in
            var report = ReportObject(range: range)
            let bounds: [PostgresValue?] = [.text(range.from.iso), .text(range.to.iso)]
            var statusCounts: [String: (n: Int, past: Int)] = [:]
            var perDoctor: [Int64: (n: Int, completed: Int, noShows: Int, booked: Int, revenue: String)] = [:]
            for r in try conn.query(factsSQL, bounds + [ClinicKit.ts(now)]) {
                let n1 = try r.int("n1"), n2 = try r.int("n2"), n3 = try r.int("n3"), n4 = try r.int("n4")
                switch try r.string("kind") {
                case "status": statusCounts[try r.string("key")] = (n1, n2)
                case "day":
                    report.daily.append(DailyCountObject(date: try r.string("key"), booked: n1, completed: n2, cancelled: n3, noShow: n4))
                case "doctor":
                    perDoctor[Int64(try r.int("key"))] = (n1, n2, n3, n4, try r.string("money"))
                case "specialization":
                    report.bySpecialization.append(SpecializationStatsObject(specialization: try r.string("key"), appointments: n1, completed: n2))
                case "revenue": report.revenue = try r.string("money")
                default: break
                }
            }
            // UNION ALL keeps no order: dates ascending, specializations busiest first.
            report.daily.sort { $0.date < $1.date }
            report.bySpecialization.sort { ($0.appointments, $1.specialization) > ($1.appointments, $0.specialization) }
            report.total = statusCounts.values.reduce(0) { $0 + $1.n }
            report.booked = statusCounts.filter { $0.key != "CANCELLED" }.reduce(0) { $0 + $1.value.n }
            report.byStatus = AppointmentStatus.allCases.map { StatusCountObject(status: $0.rawValue, count: statusCounts[$0.rawValue]?.n ?? 0) }
            let pastNotCancelled = statusCounts.filter { $0.key != "CANCELLED" }.reduce(0) { $0 + $1.value.past }
            let pastNoShows = statusCounts["NO_SHOW"]?.past ?? 0
            report.noShowRate = pastNotCancelled == 0 ? 0 : Double(pastNoShows) / Double(pastNotCancelled)
            report.cancellationRate = report.total == 0 ? 0 : Double(statusCounts["CANCELLED"]?.n ?? 0) / Double(report.total)
            if selected.contains("byDoctor") {
                // Every doctor, busiest first (zeros included).
                let doctors = try conn.query("SELECT \(DoctorRow.columns) FROM doctors d").rows
                report.byDoctor = try doctors.map { row in
                    let d = try DoctorRow(row)
                    let s = perDoctor[d.id]
                    return DoctorStatsObject(range: range, doctor: d, appointments: s?.n ?? 0, completed: s?.completed ?? 0,
                                             noShows: s?.noShows ?? 0, booked: s?.booked ?? 0, revenue: s?.revenue ?? "0")
                }.sorted { ($0.appointments, $1.doctor.id) > ($1.appointments, $0.doctor.id) }
            }
            if selected.contains("newPatients") {
                report.newPatients = try conn.query("""
                    SELECT count(*) AS n FROM patients p JOIN users u ON u.id = p.user_id
                     WHERE u.created_at >= ($1::date::timestamp AT TIME ZONE $3)
                       AND u.created_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
                    """, bounds + [.text(range.timeZone)]).first?.int("n") ?? 0
            }
            return report
        }
    }

    // MARK: utilization

    /// Offered slots per doctor: every slot of every working-hours range on
    /// every clinic-local date of the range, minus slots overlapping time off
    /// (all doctors when `doctorIDs` is nil). The base is arithmetic — slots
    /// per weekly range × how many dates of the range fall on its weekday — so
    /// it costs the same for a day or a year; only the dates near a period of
    /// time off are expanded slot by slot, and a slot covered by several
    /// overlapping periods is subtracted once.
    static func offeredSlots(_ conn: Connection, _ range: ReportRange, doctorIDs: [Int64]?) throws -> [Int64: Int] {
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
                                      doctorIDs.map(ClinicKit.ids)]) {
            out[try r.id("doctor_id")] = try r.int("offered")
        }
        return out
    }

    static func ratio(booked: Int, offered: Int) -> Double {
        offered <= 0 ? 0 : min(1, Double(booked) / Double(offered))
    }

    static func reportUtilization(_ batch: FieldBatch, ctx: RequestContext) async throws -> [ResolvedValue] {
        let reports = batch.parents.map { $0 as? ReportObject }
        let ranges = Array(Set(reports.compactMap { $0?.range }))
        let offered = try await ctx.readReplica { conn -> [ReportRange: Int] in
            var out: [ReportRange: Int] = [:]
            for range in ranges { out[range] = try offeredSlots(conn, range, doctorIDs: nil).values.reduce(0, +) }
            return out
        }
        return reports.map { r in
            guard let r else { return .null }
            return .leaf(.double(ratio(booked: r.booked, offered: offered[r.range] ?? 0)))
        }
    }

    static func doctorUtilization(_ batch: FieldBatch, ctx: RequestContext) async throws -> [ResolvedValue] {
        let stats = batch.parents.map { $0 as? DoctorStatsObject }
        var idsByRange: [ReportRange: Set<Int64>] = [:]
        for s in stats.compactMap({ $0 }) { idsByRange[s.range, default: []].insert(s.doctor.id) }
        let requests = idsByRange
        let offered = try await ctx.readReplica { conn -> [ReportRange: [Int64: Int]] in
            var out: [ReportRange: [Int64: Int]] = [:]
            for (range, ids) in requests { out[range] = try offeredSlots(conn, range, doctorIDs: Array(ids)) }
            return out
        }
        return stats.map { s in
            guard let s else { return .null }
            return .leaf(.double(ratio(booked: s.booked, offered: offered[s.range]?[s.doctor.id] ?? 0)))
        }
    }
}
