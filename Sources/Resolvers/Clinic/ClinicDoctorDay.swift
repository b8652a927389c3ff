// What a doctor does on their own visits: close them (recordVisitOutcome) and
// write their clinical notes (setClinicalNotes). Both act only on an
// appointment the viewer attends: another doctor's is invisible (NOT_FOUND),
// the patient's own view of it is FORBIDDEN (the mutations' TREATING_DOCTOR rule).
import ClinicStore
import ClinicDomain
import JSON
import Schema

enum ClinicDoctorDay {
    static func register(_ r: inout ResolverRegistry) {
        r.root("Mutation.recordVisitOutcome") { args, ctx, _ in
            let a = try await recordOutcome(args, ctx)
            ctx.services.events.count(a.status.rawValue.lowercased())
            return .object(a, typeName: "Appointment")
        }
        r.root("Mutation.setClinicalNotes") { args, ctx, _ in .object(try await setNotes(args, ctx), typeName: "Appointment") }
    }

    static func recordOutcome(_ args: [String: JSON], _ ctx: RequestContext) async throws -> AppointmentRow {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "id"), "Appointment", field: "id")
        guard let outcome = Arguments.string(args, "outcome").flatMap(AppointmentStatus.init(rawValue:)),
              VisitRules.outcomes.contains(outcome) else {
            throw ClinicError.badInput("The outcome is COMPLETED or NO_SHOW", field: "outcome")
        }
        let settings = try await ctx.settings()
        let now = ctx.now
        let ip = ctx.ip
        return try await ctx.write { conn in
            let a = try ClinicMutations.loadForChange(conn, id, viewer: viewer, mutation: "recordVisitOutcome")
            return try ClinicMutations.changeStatus(conn, a, to: outcome, notes: nil, viewer: viewer, settings: settings, now: now, ip: ip)
        }
    }

    static func setNotes(_ args: [String: JSON], _ ctx: RequestContext) async throws -> AppointmentRow {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "id"), "Appointment", field: "id")
        let notes = try Arguments.text(Arguments.string(args, "notes") ?? "", field: "notes", max: 10_000, label: "The clinical notes")
        let ip = ctx.ip
        return try await ctx.write { conn in
            let a = try ClinicMutations.loadForChange(conn, id, viewer: viewer, mutation: "setClinicalNotes")
            if let problem = VisitRules.notesProblem(status: a.status) { throw ClinicError.conflict(problem) }
            try AppointmentStore.setClinicalNotes(conn, id, notes)
            guard let row = try ClinicLoad.appointment(conn, id) else { throw ClinicError.internal() }
            // The audit says that they changed, never what they say (clinical data).
            try AuditLog.record(conn, actor: viewer.userID, action: "appointment.clinical_notes",
                                target: GlobalID.encode(type: "Appointment", id: id),
                                details: .object([("length", .int(notes.count))]), ip: ip)
            return row
        }
    }
}
