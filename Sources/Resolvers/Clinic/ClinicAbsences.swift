// Time off (one doctor's) and closures (the whole clinic's): lists, create,
// edit, remove. Both refuse to cover active appointments (CONFLICT naming
// them, AbsenceRules) and lock the doctor rows bookings lock, so no booking
// slips in meanwhile. Staff manage any time off and every closure; a doctor
// reads, requests, edits and removes their own time off.
import ClinicStore
import ClinicDomain
import JSON
import Schema

enum ClinicAbsences {
    static func gid(_ type: String, _ id: Int64) -> String { GlobalID.encode(type: type, id: id) }

    static func register(_ r: inout ResolverRegistry) {
        r.root("Query.timeOff") { args, ctx, batch in
            .object(try await timeOffPage(args, ctx, countTotal: batch.selectedFields.contains("totalCount")), typeName: "TimeOffConnection")
        }
        r.root("Query.closures") { args, ctx, batch in
            .object(try await closurePage(args, ctx, countTotal: batch.selectedFields.contains("totalCount")),
                    typeName: "ClinicClosureConnection")
        }
        r.batch("TimeOff.doctor") { batch, ctx in
            let ids = batch.parents.map { ($0 as? TimeOffRow)?.doctorID }
            let rows = try await ctx.read { conn in try ClinicLoad.doctors(conn, Array(Set(ids.compactMap { $0 }))) }
            return ids.map { id in id.flatMap { rows[$0] }.map { .object($0, typeName: "Doctor") } ?? .null }
        }
        r.root("Mutation.requestTimeOff") { args, ctx, _ in
            let viewer = try ctx.requireViewer()
            guard let own = viewer.doctorID else { throw ClinicError.forbidden("Only doctors can request time off for themselves") }
            return .object(try await createTimeOff(doctorID: own, input: Arguments.object(args, "input"), ctx), typeName: "TimeOff")
        }
        r.root("Mutation.updateTimeOff") { args, ctx, _ in .object(try await updateTimeOff(args, ctx), typeName: "TimeOff") }
        r.root("Mutation.removeTimeOff") { args, ctx, _ in .bool(try await removeTimeOff(args, ctx)) }
        r.root("Mutation.createClosure") { args, ctx, _ in .object(try await saveClosure(nil, args, ctx), typeName: "ClinicClosure") }
        r.root("Mutation.updateClosure") { args, ctx, _ in
            let id = try Arguments.id(Arguments.string(args, "id"), "ClinicClosure", field: "id")
            return .object(try await saveClosure(id, args, ctx), typeName: "ClinicClosure")
        }
        r.root("Mutation.removeClosure") { args, ctx, _ in .bool(try await removeClosure(args, ctx)) }
    }

    // MARK: - time off

    static func instant(_ input: [String: JSON], _ key: String) throws -> Instant? {
        guard let raw = input[key], raw != .null else { return nil }
        guard case .string(let s) = raw, let i = Instant(rfc3339: s) else {
            throw ClinicError.badInput("`\(key)` must be a date and time", field: "input.\(key)")
        }
        return i
    }

    static func reason(_ input: [String: JSON]) throws -> String? {
        try Arguments.string(input, "reason").map { try Arguments.text($0, field: "input.reason", max: 1000, label: "The reason") }
    }

    /// Audit details of a period, in the clinic's offsets.
    static func periodDetails(_ span: InstantRange, reason: String?, _ zone: ClinicTimeZone) -> JSON {
        .object([("from", .string(span.start.formatted(offsetSeconds: zone.offsetSeconds(at: span.start)))),
                 ("to", .string(span.end.formatted(offsetSeconds: zone.offsetSeconds(at: span.end)))),
                 ("reason", reason.map { .string($0) } ?? .null)])
    }

    /// CONFLICT when the doctor has active appointments in `span` (the doctor row locked first).
    static func refuseClashes(_ conn: Connection, doctorID: Int64, span: InstantRange) throws {
        let doctor = try ClinicMutations.lockDoctor(conn, doctorID, mode: .exclusive)
        let clashes = try DoctorStore.activeAppointments(conn, doctorID: doctorID, during: span, limit: AbsenceRules.listedClashes + 1)
        if let message = AbsenceRules.clashMessage("\(doctor.displayName) has", clashes) { throw ClinicError.conflict(message) }
    }

    /// addTimeOff (staff, any doctor) and requestTimeOff (a doctor, their own).
    static func createTimeOff(doctorID: Int64, input: [String: JSON], _ ctx: RequestContext) async throws -> TimeOffRow {
        let viewer = try ctx.requireViewer()
        guard let from = try instant(input, "from") else { throw ClinicError.badInput("`from` must be a date and time", field: "input.from") }
        guard let to = try instant(input, "to") else { throw ClinicError.badInput("`to` must be a date and time", field: "input.to") }
        let span = InstantRange(start: from, end: to)
        if let problem = AbsenceRules.timeOffProblem(span) { throw ClinicError.badInput(problem, field: "input.to") }
        if !viewer.isStaff, let problem = AbsenceRules.ownTimeOffProblem(span, now: ctx.now) {
            throw ClinicError.badInput(problem, field: "input.to")
        }
        let reason = try reason(input)
        let settings = try await ctx.settings()
        let ip = ctx.ip
        return try await ctx.write { conn in
            // FOR UPDATE waits for bookings in flight (they lock the row too) and
            // keeps new ones out until this commits.
            try refuseClashes(conn, doctorID: doctorID, span: span)
            let id = try TimeOffStore.insert(conn, doctorID: doctorID, during: span, reason: reason, createdBy: viewer.userID)
            try AuditLog.record(conn, actor: viewer.userID, action: "doctor.time_off", target: gid("Doctor", doctorID),
                                details: periodDetails(span, reason: reason, settings.zone), ip: ip)
            guard let row = try TimeOffStore.load(conn, id) else { throw ClinicError.internal() }
            return row
        }
    }

    /// The time off locked for change if the viewer may change it (staff, or its doctor); NOT_FOUND otherwise.
    static func loadOwnTimeOff(_ conn: Connection, _ id: Int64, viewer: Viewer) throws -> TimeOffRow {
        guard let row = try TimeOffStore.load(conn, id, forUpdate: true), viewer.isStaff || row.isSelf(viewer) else {
            throw ClinicError.notFound("No time off with that ID")
        }
        return row
    }

    static func updateTimeOff(_ args: [String: JSON], _ ctx: RequestContext) async throws -> TimeOffRow {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "id"), "TimeOff", field: "id")
        let input = Arguments.object(args, "input")
        let from = try instant(input, "from")
        let to = try instant(input, "to")
        let newReason = try reason(input)
        let reasonGiven = input["reason"] != nil
        let now = ctx.now
        let settings = try await ctx.settings()
        let ip = ctx.ip
        return try await ctx.write { conn in
            let old = try loadOwnTimeOff(conn, id, viewer: viewer)
            let span = InstantRange(start: from ?? old.from, end: to ?? old.to)
            if let problem = AbsenceRules.timeOffProblem(span) { throw ClinicError.badInput(problem, field: to != nil ? "input.to" : "input.from") }
            if !viewer.isStaff, let problem = AbsenceRules.ownTimeOffProblem(span, now: now) { throw ClinicError.badInput(problem, field: "input.to") }
            try refuseClashes(conn, doctorID: old.doctorID, span: span)
            let reason = reasonGiven ? newReason : old.reason
            try TimeOffStore.update(conn, id, during: span, reason: reason)
            try WaitlistStore.noteFreed(conn, doctorID: old.doctorID, reason: "time off changed")
            try AuditLog.record(conn, actor: viewer.userID, action: "doctor.time_off_update", target: gid("TimeOff", id),
                                details: periodDetails(span, reason: reason, settings.zone), ip: ip)
            guard let row = try TimeOffStore.load(conn, id) else { throw ClinicError.internal() }
            return row
        }
    }

    static func removeTimeOff(_ args: [String: JSON], _ ctx: RequestContext) async throws -> Bool {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "id"), "TimeOff", field: "id")
        let settings = try await ctx.settings()
        let ip = ctx.ip
        return try await ctx.write { conn in
            let old = try loadOwnTimeOff(conn, id, viewer: viewer)
            try TimeOffStore.delete(conn, id)
            try WaitlistStore.noteFreed(conn, doctorID: old.doctorID, reason: "time off removed")
            try AuditLog.record(conn, actor: viewer.userID, action: "doctor.time_off_remove", target: gid("TimeOff", id),
                                details: periodDetails(old.span, reason: old.reason, settings.zone), ip: ip)
            return true
        }
    }

    static func timeOffPage(_ args: [String: JSON], _ ctx: RequestContext, countTotal: Bool) async throws -> ConnectionObject {
        let viewer = try ctx.requireViewer()
        let page = try PageRequest.from(args, scope: "timeOff", keyKinds: [.instant])
        let requested = try Arguments.string(args, "doctorId").map { try Arguments.id($0, "Doctor", field: "doctorId") }
        let doctorID: Int64?
        if viewer.isStaff {
            doctorID = requested
        } else {
            guard let own = viewer.doctorID else { throw ClinicError.forbidden("Only staff and doctors can read time off") }
            if let requested, requested != own { throw ClinicError.forbidden("Doctors can read only their own time off") }
            doctorID = own
        }
        let from = try Arguments.string(args, "from").map { try Arguments.date($0, field: "from") }
        let settings = try await ctx.settings()
        let endingAfter = from.map { settings.zone.startOfDay($0) }
        let after = page.after.flatMap { a -> PageAfter<Instant>? in
            guard case .instant(let k)? = a.keys.first else { return nil }
            return PageAfter(key: k, id: a.id)
        }
        let (rows, total) = try await ctx.read { conn in
            try TimeOffStore.page(conn, doctorID: doctorID, endingAfter: endingAfter, after: after, limit: page.fetchLimit, countTotal: countTotal)
        }
        return ConnectionObject(rows: rows, page: page, totalCount: total) {
            Cursor(scope: "timeOff", keys: [.instant($0.from)], id: $0.id).encoded
        }
    }

    // MARK: - closures

    /// createClosure (id nil) and updateClosure: the days and reason checked,
    /// every doctor locked, CONFLICT over active appointments in the days.
    static func saveClosure(_ id: Int64?, _ args: [String: JSON], _ ctx: RequestContext) async throws -> ClosureRow {
        let viewer = try ctx.requireViewer()
        let input = Arguments.object(args, "input")
        let first = try Arguments.string(input, "firstDay").map { try Arguments.date($0, field: "input.firstDay") }
        let last = try Arguments.string(input, "lastDay").map { try Arguments.date($0, field: "input.lastDay") }
        let newReason = try Arguments.string(input, "reason").map {
            String(try Arguments.text($0, field: "input.reason", max: 1000, label: "The reason", allowEmpty: false).trimmingSpaces)
        }
        if id == nil, first == nil { throw ClinicError.badInput("`input.firstDay` is required", field: "input.firstDay") }
        if id == nil, newReason == nil { throw ClinicError.badInput("The reason must not be empty", field: "input.reason") }
        let ip = ctx.ip
        return try await ctx.write { conn in
            let old = try id.map { id -> ClosureRow in
                guard let row = try ClosureStore.load(conn, id, forUpdate: true) else { throw ClinicError.notFound("No closure with that ID") }
                return row
            }
            let firstDay = first ?? old!.firstDay
            let lastDay = last ?? (old?.lastDay ?? firstDay)
            let reason = newReason ?? old!.reason
            if let problem = AbsenceRules.closureProblem(first: firstDay, last: lastDay) {
                throw ClinicError.badInput(problem, field: last != nil ? "input.lastDay" : "input.firstDay")
            }
            try ClosureStore.lockAllDoctors(conn)
            let clashes = try ClosureStore.activeAppointments(conn, first: firstDay, last: lastDay, limit: AbsenceRules.listedClashes + 1)
            if let message = AbsenceRules.clashMessage("The clinic has", clashes) { throw ClinicError.conflict(message) }
            let saved: Int64
            if let id {
                try ClosureStore.update(conn, id, first: firstDay, last: lastDay, reason: reason)
                try WaitlistStore.noteFreed(conn, doctorID: nil, reason: "closure changed")
                saved = id
            } else {
                saved = try ClosureStore.insert(conn, first: firstDay, last: lastDay, reason: reason, createdBy: viewer.userID)
            }
            try AuditLog.record(conn, actor: viewer.userID, action: id == nil ? "closure.create" : "closure.update",
                                target: gid("ClinicClosure", saved),
                                details: .object([("firstDay", .string(firstDay.iso)), ("lastDay", .string(lastDay.iso)),
                                                  ("reason", .string(reason))]), ip: ip)
            guard let row = try ClosureStore.load(conn, saved) else { throw ClinicError.internal() }
            return row
        }
    }

    static func removeClosure(_ args: [String: JSON], _ ctx: RequestContext) async throws -> Bool {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "id"), "ClinicClosure", field: "id")
        let ip = ctx.ip
        return try await ctx.write { conn in
            guard let old = try ClosureStore.load(conn, id, forUpdate: true) else { throw ClinicError.notFound("No closure with that ID") }
            _ = try ClosureStore.delete(conn, id)
            try WaitlistStore.noteFreed(conn, doctorID: nil, reason: "closure removed")
            try AuditLog.record(conn, actor: viewer.userID, action: "closure.remove", target: gid("ClinicClosure", id),
                                details: .object([("firstDay", .string(old.firstDay.iso)), ("lastDay", .string(old.lastDay.iso)),
                                                  ("reason", .string(old.reason))]), ip: ip)
            return true
        }
    }

    static func closurePage(_ args: [String: JSON], _ ctx: RequestContext, countTotal: Bool) async throws -> ConnectionObject {
        let page = try PageRequest.from(args, scope: "closures", keyKinds: [.string])
        let from = try Arguments.string(args, "from").map { try Arguments.date($0, field: "from") }
        let after = page.after.flatMap { a -> PageAfter<LocalDate>? in
            guard case .string(let k)? = a.keys.first, let d = LocalDate(iso: k) else { return nil }
            return PageAfter(key: d, id: a.id)
        }
        let (rows, total) = try await ctx.read { conn in
            try ClosureStore.page(conn, endingFrom: from, after: after, limit: page.fetchLimit, countTotal: countTotal)
        }
        return ConnectionObject(rows: rows, page: page, totalCount: total) {
            Cursor(scope: "closures", keys: [.string($0.firstDay.iso)], id: $0.id).encoded
        }
    }

    /// `node(id:)` for the two types: nil when absent or not the viewer's to know.
    static func node(type: String, id: Int64, ctx: RequestContext) async throws -> ResolvedValue? {
        let viewer = ctx.viewer
        switch type {
        case "TimeOff":
            let row = try await ctx.read { conn in try TimeOffStore.load(conn, id) }
            guard let row, let viewer, viewer.isStaff || row.isSelf(viewer) else { return nil }
            return .object(row, typeName: "TimeOff")
        case "ClinicClosure":
            // The type rule (ADMIN) is applied by the guard on the returned object.
            let row = try await ctx.read { conn in try ClosureStore.load(conn, id) }
            return row.map { .object($0, typeName: "ClinicClosure") }
        default:
            return nil
        }
    }
}
