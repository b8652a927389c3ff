// Links in appointment messages (issue #17; ClinicDomain's AppointmentLinks
// says which message carries which). A link is a bearer credential for one
// action on one appointment: whoever holds it acts as the appointment's
// patient, with a client's rules (never staff powers, even when the patient's
// account is a staff one), for that action only, once. The answer shows only
// what the message itself showed (LinkedAppointment).
import ClinicDomain
import ClinicStore
import Crypto
import JSON
import Schema

enum AppointmentLinkResolvers {
    static func register(_ r: inout ResolverRegistry) {
        r.root("Query.appointmentLink") { args, ctx, _ in
            let token = Arguments.string(args, "token") ?? ""
            let settings = try await ctx.settings()
            let now = ctx.now
            return .object(try await ctx.read { conn in
                let (link, a) = try open(conn, token: token, expecting: nil, now: now, forChange: false)
                return try view(conn, link, a, settings: settings, now: now)
            }, typeName: "AppointmentLink")
        }
        r.root("Mutation.confirmAppointmentByLink") { args, ctx, _ in
            try await act(args, ctx, .CONFIRM) { conn, a, settings, now, ip in
                guard a.status == .SCHEDULED else { throw ClinicError.conflict(problem(.CONFIRM, a, settings: settings, now: now) ?? "") }
                try AppointmentStore.setStatus(conn, a.id, .CONFIRMED, notes: nil)
                try AuditLog.record(conn, actor: a.patientUserID, action: "appointment.confirm_by_link",
                                    target: GlobalID.encode(type: "Appointment", id: a.id),
                                    details: .object([("from", .string(a.status.rawValue)), ("to", .string(AppointmentStatus.CONFIRMED.rawValue))]),
                                    ip: ip)
            }
        }
        r.root("Mutation.rescheduleAppointmentByLink") { args, ctx, _ in
            let date = try Arguments.date(Arguments.string(args, "date"), field: "date")
            let time = try Arguments.time(Arguments.string(args, "time"), field: "time")
            let view = try await act(args, ctx, .RESCHEDULE) { conn, a, settings, now, ip in
                _ = try ClinicMutations.move(conn, a, date: date, time: time, viewer: patient(a), settings: settings, now: now, ip: ip,
                                             auditAction: "appointment.reschedule_by_link")
            }
            ctx.services.events.count("rescheduled")
            return view
        }
        r.root("Mutation.cancelAppointmentByLink") { args, ctx, _ in
            let reason = try Arguments.string(args, "reason").map { try Arguments.text($0, field: "reason", max: 1000, label: "The reason") }
            let view = try await act(args, ctx, .CANCEL) { conn, a, settings, now, ip in
                _ = try ClinicMutations.cancel(conn, a, reason: reason, viewer: patient(a), settings: settings, now: now, ip: ip,
                                               auditAction: "appointment.cancel_by_link")
            }
            ctx.services.events.count("cancelled")
            return view
        }
    }

    /// Who a link acts as: the appointment's patient, as a client.
    static func patient(_ a: AppointmentRow) -> Viewer {
        Viewer(userID: a.patientUserID, role: .CLIENT, patientID: a.patientID, doctorID: nil)
    }

    /// One link mutation in one transaction: open the link for `action`,
    /// use it up, then `body` (which audits and enqueues like the signed-in
    /// mutation). Marking it used comes first, because moving or cancelling
    /// the appointment revokes its live links (migration 0019's trigger); a
    /// refusal in `body` rolls the mark back with everything else.
    static func act(_ args: [String: JSON], _ ctx: RequestContext, _ action: AppointmentLinkAction,
                    _ body: @escaping @Sendable (Connection, AppointmentRow, SettingsRow, Instant, String?) throws -> Void)
        async throws -> ResolvedValue {
        let token = Arguments.string(args, "token") ?? ""
        let settings = try await ctx.settings()
        let now = ctx.now, ip = ctx.ip
        return .object(try await ctx.write { conn in
            let (link, a) = try open(conn, token: token, expecting: action, now: now, forChange: true)
            guard try AppointmentLinkStore.markUsed(conn, link.id, at: now) else { throw Refusal.used() }
            try body(conn, a, settings, now, ip)
            guard let after = try ClinicLoad.appointment(conn, a.id) else { throw ClinicError.internal() }
            var used = link
            used.usedAt = now
            return try view(conn, used, after, settings: settings, now: now)
        }, typeName: "AppointmentLink")
    }

    /// The link and its appointment, or the refusal that says why not.
    /// `forChange`: the appointment's row is locked, then the link's — the
    /// order every change of the appointment takes (its trigger updates the
    /// links), so a link use never deadlocks with a staff change, and two uses
    /// of one link queue on the appointment: the second finds the link used.
    static func open(_ conn: Connection, token: String, expecting: AppointmentLinkAction?, now: Instant,
                     forChange: Bool) throws -> (AppointmentLinkRow, AppointmentRow) {
        guard let hash = OpaqueToken.hash(token), let first = try AppointmentLinkStore.find(conn, hash: hash) else { throw Refusal.invalid() }
        if let expecting, first.action != expecting { throw Refusal.wrongAction(first.action, tried: expecting) }
        guard let a = try ClinicLoad.appointment(conn, first.appointmentID, forUpdate: forChange),
              let link = forChange ? try AppointmentLinkStore.find(conn, hash: hash, forUpdate: true) : first
        else { throw Refusal.invalid() }
        if link.usedAt != nil { throw Refusal.used() }
        if !(now < link.expiresAt) { throw Refusal.expired() }
        if !a.status.isActive { throw Refusal.notActive(a.status) }
        if link.revokedAt != nil { throw Refusal.superseded() }
        return (link, a)
    }

    /// Why the link's action cannot be done now although the link is live
    /// (nil: it can; VIEW has no action).
    static func problem(_ action: AppointmentLinkAction, _ a: AppointmentRow, settings: SettingsRow, now: Instant) -> String? {
        switch action {
        case .VIEW: return nil
        case .CONFIRM: return a.status == .SCHEDULED ? nil : "This appointment is already \(a.status.word)."
        case .RESCHEDULE, .CANCEL:
            guard !settings.cancellationWindow.allowsClientChange(startingAt: a.startsAt, now: now) else { return nil }
            return settings.cancellationWindow.refusal(action == .CANCEL ? "cancelled" : "rescheduled") + "."
        }
    }

    static func view(_ conn: Connection, _ link: AppointmentLinkRow, _ a: AppointmentRow, settings: SettingsRow, now: Instant) throws
        -> LinkView {
        guard let doctor = try ClinicLoad.doctors(conn, [a.doctorID])[a.doctorID] else { throw ClinicError.internal() }
        let problem = link.usedAt != nil ? nil : problem(link.action, a, settings: settings, now: now)
        return LinkView(link: link, canAct: link.action != .VIEW && link.usedAt == nil && problem == nil, problem: problem,
                        appointment: LinkedAppointmentView(row: a, doctorName: doctor.displayName, clinicName: settings.clinicName))
    }

    /// The refusals, each with a code of INTERFACE.md and a precise extensions.reason.
    enum Refusal {
        static func error(_ message: String, _ code: String, _ reason: String) -> GraphQLError {
            GraphQLError(message, code: code, extra: [("reason", .string(reason))])
        }
        static func invalid() -> GraphQLError { error("This link is not valid. Check that it was copied whole.", "UNAUTHENTICATED", "LINK_INVALID") }
        static func used() -> GraphQLError { error("This link has already been used.", "UNAUTHENTICATED", "LINK_USED") }
        static func expired() -> GraphQLError { error("This link has expired.", "UNAUTHENTICATED", "LINK_EXPIRED") }
        static func superseded() -> GraphQLError {
            error("This appointment was moved after the link was sent; use the links in the newest message.", "CONFLICT", "LINK_SUPERSEDED")
        }
        static func notActive(_ status: AppointmentStatus) -> GraphQLError {
            error("This appointment is \(status.word); the link no longer works.", "CONFLICT", "APPOINTMENT_NOT_ACTIVE")
        }
        static func wrongAction(_ action: AppointmentLinkAction, tried: AppointmentLinkAction) -> GraphQLError {
            error("This link is for \(action.rawValue.lowercased()) only; it cannot \(tried.rawValue.lowercased()) the appointment.",
                  "FORBIDDEN", "LINK_WRONG_ACTION")
        }
    }
}

/// AppointmentLink.
struct LinkView: FieldReadable {
    var link: AppointmentLinkRow
    var canAct: Bool
    var problem: String?
    var appointment: LinkedAppointmentView

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "action": return .string(link.action.rawValue)
        case "expiresAt": return .instant(link.expiresAt)
        case "canAct": return .bool(canAct)
        case "problem": return .optionalString(problem)
        case "appointment": return .object(appointment, typeName: "LinkedAppointment")
        default: return nil
        }
    }
}

/// LinkedAppointment: what the message showed, nothing of the patient.
struct LinkedAppointmentView: FieldReadable {
    var row: AppointmentRow
    var doctorName: String
    var clinicName: String

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "code": return .string(NotificationTemplates.AppointmentDetails.shortCode(appointmentID: row.id))
        case "date": return .string(row.date.iso)
        case "time": return .string(row.time.iso)
        case "startsAt": return .instant(row.startsAt)
        case "endsAt": return .instant(row.endsAt)
        case "status": return .string(row.status.rawValue)
        case "doctorId": return .id("Doctor", row.doctorID)
        case "doctorName": return .string(doctorName)
        case "clinicName": return .string(clinicName)
        default: return nil
        }
    }
}
