// `Query.report`: a handful of aggregate statements over appointments whose
// clinic-local date is in [from, to], run on the read pool. Only the parts
// selected in the query are computed; utilization (the expensive part) has its
// own batch resolvers so it runs only when asked for, once per level.
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

    static func report(_ args: [String: JSON], ctx: RequestContext, selected: Set<String>) async throws -> ReportObject {
        let range = try await range(args, ctx: ctx)
        let now = ctx.now
        let wantsCounts = !selected.isDisjoint(with: ["totalAppointments", "byStatus", "noShowRate", "cancellationRate", "revenue"])
        return try await ctx.readReplica { conn in
            var report = ReportObject(range: range)
            let bounds: [PostgresValue?] = [.text(range.from.iso), .text(range.to.iso)]
            if wantsCounts {
                // One row per status plus the grand total (status NULL) for the revenue.
                let rows = try conn.query("""
                    SELECT a.status, count(*) AS n, count(*) FILTER (WHERE a.starts_at < $3) AS past,
                           coalesce(sum(d.consultation_fee) FILTER (WHERE a.status = 'COMPLETED'), 0)::text AS revenue
                      FROM appointments a JOIN doctors d ON d.id = a.doctor_id
                     WHERE a.local_date BETWEEN $1::date AND $2::date
                     GROUP BY GROUPING SETS ((a.status), ())
                    """, bounds + [ClinicKit.ts(now)])
                var counts: [String: (n: Int, past: Int)] = [:]
                for r in rows {
                    if let status = try r.optionalString("status") {
                        counts[status] = (try r.int("n"), try r.int("past"))
                    } else {
                        report.total = try r.int("n")
                        report.revenue = try r.string("revenue")
                    }
                }
                report.byStatus = AppointmentStatus.allCases.map {
                    StatusCountObject(status: $0.rawValue, count: counts[$0.rawValue]?.n ?? 0)
                }
                let pastNotCancelled = counts.filter { $0.key != "CANCELLED" }.reduce(0) { $0 + $1.value.past }
                let pastNoShows = counts["NO_SHOW"]?.past ?? 0
                report.noShowRate = pastNotCancelled == 0 ? 0 : Double(pastNoShows) / Double(pastNotCancelled)
                report.cancellationRate = report.total == 0 ? 0 : Double(counts["CANCELLED"]?.n ?? 0) / Double(report.total)
            }
            if selected.contains("daily") {
                report.daily = try conn.query("""
                    SELECT g.d::date::text AS date, count(a.id) AS booked,
                           count(a.id) FILTER (WHERE a.status = 'COMPLETED') AS completed,
                           count(a.id) FILTER (WHERE a.status = 'CANCELLED') AS cancelled,
                           count(a.id) FILTER (WHERE a.status = 'NO_SHOW') AS no_show
                      FROM generate_series($1::date, $2::date, interval '1 day') AS g(d)
                      LEFT JOIN appointments a ON a.local_date = g.d::date
                     GROUP BY g.d ORDER BY g.d
                    """, bounds).rows.map {
                    DailyCountObject(date: try $0.string("date"), booked: try $0.int("booked"), completed: try $0.int("completed"),
                                     cancelled: try $0.int("cancelled"), noShow: try $0.int("no_show"))
                }
            }
            if selected.contains("bySpecialization") {
                report.bySpecialization = try conn.query("""
                    SELECT d.specialization, count(*) AS n, count(*) FILTER (WHERE a.status = 'COMPLETED') AS completed
                      FROM appointments a JOIN doctors d ON d.id = a.doctor_id
                     WHERE a.local_date BETWEEN $1::date AND $2::date
                     GROUP BY d.specialization ORDER BY n DESC, d.specialization
                    """, bounds).rows.map {
                    SpecializationStatsObject(specialization: try $0.string("specialization"), appointments: try $0.int("n"),
                                              completed: try $0.int("completed"))
                }
            }
            if selected.contains("byDoctor") {
                // Every doctor, busiest first; revenue = completed × the doctor's fee, in numeric.
                report.byDoctor = try conn.query("""
                    SELECT \(DoctorRow.columns), coalesce(s.n, 0) AS n, coalesce(s.completed, 0) AS completed,
                           coalesce(s.no_shows, 0) AS no_shows, (coalesce(s.completed, 0) * d.consultation_fee)::text AS revenue
                      FROM doctors d LEFT JOIN (
                            SELECT a.doctor_id, count(*) AS n, count(*) FILTER (WHERE a.status = 'COMPLETED') AS completed,
                                   count(*) FILTER (WHERE a.status = 'NO_SHOW') AS no_shows
                              FROM appointments a WHERE a.local_date BETWEEN $1::date AND $2::date
                             GROUP BY a.doctor_id) s ON s.doctor_id = d.id
                     ORDER BY coalesce(s.n, 0) DESC, d.id
                    """, bounds).rows.map {
                    DoctorStatsObject(range: range, doctor: try DoctorRow($0), appointments: try $0.int("n"),
                                      completed: try $0.int("completed"), noShows: try $0.int("no_shows"),
                                      revenue: try $0.string("revenue"))
                }
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

    /// Offered slots (working hours minus time off, clinic-local dates of the
    /// range) and booked (non-cancelled) appointments per doctor; all doctors
    /// when `doctorIDs` is nil. Time off is expanded slot by slot only on the
    /// days it touches, so the statement stays bounded (days × hour ranges).
    static func slotUsage(_ conn: Connection, _ range: ReportRange, doctorIDs: [Int64]?) throws -> [Int64: (offered: Int, booked: Int)] {
        let sql = """
            WITH days AS (
                SELECT g::date AS d FROM generate_series($1::date, $2::date, interval '1 day') AS g
            ), blocks AS MATERIALIZED (
                SELECT w.doctor_id, days.d, w.start_time, w.slot_minutes,
                       (extract(epoch FROM w.end_time - w.start_time) / 60 / w.slot_minutes)::int AS n,
                       tstzrange((days.d + w.start_time) AT TIME ZONE $3, (days.d + w.end_time) AT TIME ZONE $3) AS span
                  FROM days JOIN working_hours w ON w.weekday = extract(isodow FROM days.d)::int
                 WHERE ($4::int8[] IS NULL OR w.doctor_id = ANY($4::int8[]))
            ), touched AS MATERIALIZED (
                SELECT b.* FROM blocks b
                 WHERE EXISTS (SELECT 1 FROM time_off t WHERE t.doctor_id = b.doctor_id AND t.during && b.span)
            ), blocked AS (
                SELECT b.doctor_id, count(*) AS n
                  FROM touched b CROSS JOIN LATERAL generate_series(0, b.n - 1) AS k
                 WHERE EXISTS (SELECT 1 FROM time_off t WHERE t.doctor_id = b.doctor_id AND t.during && tstzrange(
                           (b.d + b.start_time + make_interval(mins => k * b.slot_minutes)) AT TIME ZONE $3,
                           (b.d + b.start_time + make_interval(mins => (k + 1) * b.slot_minutes)) AT TIME ZONE $3))
                 GROUP BY b.doctor_id
            ), offered AS (
                SELECT doctor_id, sum(n)::int8 AS n FROM blocks GROUP BY doctor_id
            ), booked AS (
                SELECT a.doctor_id, count(*) AS n FROM appointments a
                 WHERE a.local_date BETWEEN $1::date AND $2::date AND a.status <> 'CANCELLED'
                   AND ($4::int8[] IS NULL OR a.doctor_id = ANY($4::int8[]))
                 GROUP BY a.doctor_id
            )
            SELECT coalesce(o.doctor_id, bk.doctor_id) AS doctor_id,
                   coalesce(o.n, 0) - coalesce(bl.n, 0) AS offered, coalesce(bk.n, 0) AS booked
              FROM offered o FULL JOIN booked bk ON bk.doctor_id = o.doctor_id
              LEFT JOIN blocked bl ON bl.doctor_id = o.doctor_id
            """
        var out: [Int64: (offered: Int, booked: Int)] = [:]
        for r in try conn.query(sql, [.text(range.from.iso), .text(range.to.iso), .text(range.timeZone),
                                      doctorIDs.map(ClinicKit.ids)]) {
            out[try r.id("doctor_id")] = (try r.int("offered"), try r.int("booked"))
        }
        return out
    }

    static func ratio(booked: Int, offered: Int) -> Double {
        offered <= 0 ? 0 : min(1, Double(booked) / Double(offered))
    }

    static func reportUtilization(_ batch: FieldBatch, ctx: RequestContext) async throws -> [ResolvedValue] {
        let reports = batch.parents.map { $0 as? ReportObject }
        let ranges = Array(Set(reports.compactMap { $0?.range }))
        let totals = try await ctx.readReplica { conn -> [ReportRange: Double] in
            var out: [ReportRange: Double] = [:]
            for range in ranges {
                let usage = try slotUsage(conn, range, doctorIDs: nil).values
                out[range] = ratio(booked: usage.reduce(0) { $0 + $1.booked }, offered: usage.reduce(0) { $0 + $1.offered })
            }
            return out
        }
        return reports.map { r in r.flatMap { totals[$0.range] }.map { .leaf(.double($0)) } ?? .null }
    }

    static func doctorUtilization(_ batch: FieldBatch, ctx: RequestContext) async throws -> [ResolvedValue] {
        let stats = batch.parents.map { $0 as? DoctorStatsObject }
        var idsByRange: [ReportRange: Set<Int64>] = [:]
        for s in stats.compactMap({ $0 }) { idsByRange[s.range, default: []].insert(s.doctor.id) }
        let requests = idsByRange
        let usage = try await ctx.readReplica { conn -> [ReportRange: [Int64: (offered: Int, booked: Int)]] in
            var out: [ReportRange: [Int64: (offered: Int, booked: Int)]] = [:]
            for (range, ids) in requests { out[range] = try slotUsage(conn, range, doctorIDs: Array(ids)) }
            return out
        }
        return stats.map { s in
            guard let s else { return .null }
            let u = usage[s.range]?[s.doctor.id]
            return .leaf(.double(ratio(booked: u?.booked ?? 0, offered: u?.offered ?? 0)))
        }
    }
}
