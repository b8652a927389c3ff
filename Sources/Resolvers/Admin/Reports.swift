// `Query.report`: a handful of aggregate statements over appointments whose
// clinic-local date is in [from, to], run on the read pool. Only the parts
// selected in the query are computed; utilization (the expensive part) has its
// own batch resolvers so it runs only when asked for, once per level.
import ClinicStore
import ClinicDomain
import JSON
import Schema

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

struct PatientNoShowsObject: FieldReadable {
    var patient: PatientRow
    var noShows: Int
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "patient": return .object(patient, typeName: "Patient")
        case "noShows": return .int(noShows)
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
    var noShowsByPatient: [PatientNoShowsObject] = []

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
        case "noShowsByPatient": return .list(noShowsByPatient.map { .object($0, typeName: "PatientNoShows") })
        default: return nil
        }
    }
}

enum Reports {
    /// The longest range a report (and its daily series) may cover.
    static let maximumDays = 366

    static func range(_ args: [String: JSON], ctx: RequestContext) async throws -> ReportRange {
        let from = try Arguments.date(Arguments.string(args, "from"), field: "from")
        let to = try Arguments.date(Arguments.string(args, "to"), field: "to")
        guard from <= to else { throw ClinicError.badInput("`to` must not be before `from`", field: "to") }
        guard from.days(to: to) < maximumDays else {
            throw ClinicError.badInput("A report covers at most \(maximumDays) days; narrow the range", field: "to")
        }
        return ReportRange(from: from, to: to, timeZone: try await ctx.settings().timeZone)
    }

    /// The parts of the facts statement the selected fields of `Report` read.
    static func parts(_ selected: Set<String>) -> ReportParts {
        var parts: ReportParts = []
        for field in selected {
            switch field {
            case "totalAppointments", "byStatus", "cancellationRate", "utilization": parts.insert(.status)
            case "noShowRate": parts.formUnion([.status, .past])
            case "daily": parts.insert(.daily)
            case "bySpecialization", "byDoctor", "revenue": parts.insert(.doctors)
            default: break
            }
        }
        return parts
    }

    static func report(_ args: [String: JSON], ctx: RequestContext, selected: Set<String>) async throws -> ReportObject {
        let range = try await range(args, ctx: ctx)
        let now = ctx.now
        let parts = parts(selected)
        return try await ctx.readReplica { conn in
            var report = ReportObject(range: range)
            let facts = try ReportStore.facts(conn, range, now: now, parts: parts)
            let statusCounts = facts.statusCounts
            let perDoctor = facts.perDoctor
            report.daily = facts.daily.map {
                DailyCountObject(date: $0.date, booked: $0.booked, completed: $0.completed, cancelled: $0.cancelled, noShow: $0.noShow)
            }
            report.bySpecialization = facts.bySpecialization.map {
                SpecializationStatsObject(specialization: $0.specialization, appointments: $0.appointments, completed: $0.completed)
            }
            report.revenue = facts.revenue ?? report.revenue
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
                report.byDoctor = try DoctorStore.all(conn).map { d in
                    let s = perDoctor[d.id]
                    return DoctorStatsObject(range: range, doctor: d, appointments: s?.n ?? 0, completed: s?.completed ?? 0,
                                             noShows: s?.noShows ?? 0, booked: s?.booked ?? 0, revenue: s?.revenue ?? "0")
                }.sorted { ($0.appointments, $1.doctor.id) > ($1.appointments, $0.doctor.id) }
            }
            if selected.contains("newPatients") {
                report.newPatients = try ReportStore.newPatients(conn, range)
            }
            if selected.contains("noShowsByPatient") {
                let counts = try ReportStore.noShowsByPatient(conn, range, limit: 100)
                let patients = try ClinicLoad.patients(conn, counts.map(\.patientID))
                report.noShowsByPatient = counts.compactMap { c in
                    patients[c.patientID].map { PatientNoShowsObject(patient: $0, noShows: c.noShows) }
                }
            }
            return report
        }
    }

    // MARK: utilization

    static func ratio(booked: Int, offered: Int) -> Double {
        offered <= 0 ? 0 : min(1, Double(booked) / Double(offered))
    }

    static func reportUtilization(_ batch: FieldBatch, ctx: RequestContext) async throws -> [ResolvedValue] {
        let reports = batch.parents.map { $0 as? ReportObject }
        let ranges = Array(Set(reports.compactMap { $0?.range }))
        let offered = try await ctx.readReplica { conn -> [ReportRange: Int] in
            var out: [ReportRange: Int] = [:]
            for range in ranges { out[range] = try ReportStore.offeredSlots(conn, range, doctorIDs: nil).values.reduce(0, +) }
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
            for (range, ids) in requests { out[range] = try ReportStore.offeredSlots(conn, range, doctorIDs: Array(ids)) }
            return out
        }
        return stats.map { s in
            guard let s else { return .null }
            return .leaf(.double(ratio(booked: s.booked, offered: offered[s.range]?[s.doctor.id] ?? 0)))
        }
    }
}

/// One `ReasonCount` of `Report.cancellationsByReason`.
struct ReasonCountObject: FieldReadable {
    var reason: String
    var count: Int

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "reason": return .string(reason)
        case "count": return .int(count)
        default: return nil
        }
    }
}
