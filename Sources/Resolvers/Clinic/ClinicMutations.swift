// The clinic's mutations. Each is ONE transaction (ctx.write) that also
// writes its audit entry and enqueues its notifications in the outbox. The
// double-booking guard is the database's exclusion constraint: a losing
// concurrent booking gets 23P01, answered as CONFLICT.
import ClinicStore
import ClinicDomain
import Crypto
import JSON
import Schema

enum ClinicMutations {
    /// The @auth rules of the mutations, read from the schema so they stay declared there.
    static let policy: AuthorizationPolicy = {
        guard let schema = try? ClinicAPI.buildSchema() else { fatalError("the embedded schema does not build") }
        return AuthorizationPolicy(schema: schema)
    }()

    static func rules(_ mutation: String) -> [AuthRule] { policy.fieldRules["Mutation.\(mutation)"] ?? [.ADMIN] }

    static func register(_ r: inout ResolverRegistry) {
        r.root("Mutation.bookAppointment") { args, ctx, _ in
            let a = try await book(args, ctx)
            ctx.services.events.count("booked")
            return .object(a, typeName: "Appointment")
        }
        r.root("Mutation.rescheduleAppointment") { args, ctx, _ in
            let a = try await reschedule(args, ctx)
            ctx.services.events.count("rescheduled")
            return .object(a, typeName: "Appointment")
        }
        r.root("Mutation.cancelAppointment") { args, ctx, _ in
            let a = try await cancel(args, ctx)
            ctx.services.events.count("cancelled")
            return .object(a, typeName: "Appointment")
        }
        r.root("Mutation.updateAppointmentReason") { args, ctx, _ in .object(try await updateReason(args, ctx), typeName: "Appointment") }
        r.root("Mutation.setAppointmentStatus") { args, ctx, _ in
            let a = try await setStatus(args, ctx)
            if let status = Arguments.string(args, "status") { ctx.services.events.count(status.lowercased()) }
            return .object(a, typeName: "Appointment")
        }
        r.root("Mutation.createDoctor") { args, ctx, _ in .object(try await ClinicDoctorMutations.create(args, ctx), typeName: "Doctor") }
        r.root("Mutation.updateDoctor") { args, ctx, _ in .object(try await ClinicDoctorMutations.update(args, ctx), typeName: "Doctor") }
        r.root("Mutation.setWorkingHours") { args, ctx, _ in .object(try await ClinicDoctorMutations.setHours(args, ctx), typeName: "Doctor") }
        r.root("Mutation.addTimeOff") { args, ctx, _ in .object(try await ClinicDoctorMutations.addTimeOff(args, ctx), typeName: "Doctor") }
        r.root("Mutation.updateSystemSettings") { args, ctx, _ in
            .object(try await ClinicDoctorMutations.updateSettings(args, ctx), typeName: "SystemSettings")
        }
    }

    // MARK: - helpers

    static func lockDoctor(_ conn: Connection, _ id: Int64, mode: DoctorStore.LockMode) throws -> DoctorRow {
        guard let d = try DoctorStore.lock(conn, id, mode: mode) else { throw ClinicError.notFound("No doctor with that ID") }
        return d
    }

    /// The appointment locked for change, after the row-level rules: unknown
    /// or invisible → NOT_FOUND; visible but not the caller's to change → FORBIDDEN.
    static func loadForChange(_ conn: Connection, _ id: Int64, viewer: Viewer, mutation: String) throws -> AppointmentRow {
        guard let a = try ClinicLoad.appointment(conn, id, forUpdate: true),
              viewer.isStaff || a.isSelf(viewer) || a.isTreatedBy(viewer)
        else { throw ClinicError.notFound("No appointment with that ID") }
        guard AuthorizationPolicy.allows(rules(mutation), viewer: viewer, subject: a) else {
            throw ClinicError.forbidden("You may not change this appointment.")
        }
        return a
    }

    static func validate(_ cal: SlotCalendar, date: LocalDate, time: LocalTime, doctor: DoctorRow, field: String) throws -> SlotCalendar.Slot {
        do throws(SlotCalendar.BookingRejection) {
            return try cal.validateBooking(date: date, time: time)
        } catch {
            let message = error.message(doctor: doctor.displayName)
            throw error.code == "BAD_USER_INPUT" ? ClinicError.badInput(message, field: field) : ClinicError.conflict(message)
        }
    }

    /// The per-patient rules (limits, the no-show stop) for a client; staff
    /// pass. Call with the patient's row locked (`PatientStandingStore.lock`).
    static func checkPatientRules(_ conn: Connection, settings: SettingsRow, viewer: Viewer, patientID: Int64, doctor: DoctorRow,
                                  date: LocalDate, now: Instant, moving: Int64?) throws {
        guard !viewer.isStaff else { return }
        let standing = try PatientStandingStore.standing(conn, patientID: patientID, doctorID: doctor.id, date: date, now: now,
                                                         excluding: moving)
        do throws(BookingRules.Refusal) {
            try settings.rules.check(standing, isStaff: false, isNewBooking: moving == nil, doctor: doctor.displayName, date: date)
        } catch {
            throw error.code == "FORBIDDEN" ? ClinicError.forbidden(error.message) : ClinicError.conflict(error.message)
        }
    }

    /// The doctor's message when the appointment (at either of `starts`) begins soon.
    static func alertDoctor(_ conn: Connection, _ row: AppointmentRow, _ event: DoctorAlert.Event, settings: SettingsRow,
                            starts: [Instant], previous: (date: LocalDate, time: LocalTime)? = nil, now: Instant) throws {
        guard settings.doctorAlert.applies(to: starts, now: now) else { return }
        try ClinicOutbox.enqueueDoctorAlert(conn, row, event: event, settings: settings, previous: previous, now: now)
    }

    static func statusWord(_ s: AppointmentStatus) -> String { s.word }

    static func gid(_ type: String, _ id: Int64) -> String { GlobalID.encode(type: type, id: id) }

    // MARK: - book

    static func book(_ args: [String: JSON], _ ctx: RequestContext) async throws -> AppointmentRow {
        let viewer = try ctx.requireViewer()
        let input = Arguments.object(args, "input")
        let doctorID = try Arguments.id(Arguments.string(input, "doctorId"), "Doctor", field: "input.doctorId")
        let date = try Arguments.date(Arguments.string(input, "date"), field: "input.date")
        let time = try Arguments.time(Arguments.string(input, "time"), field: "input.time")
        let reason = try Arguments.text(Arguments.string(input, "reason") ?? "", field: "input.reason", max: 1000, label: "The reason")
        let requested = try Arguments.string(input, "patientId").map { try Arguments.id($0, "Patient", field: "input.patientId") }
        let patientID = try ClinicKit.actingPatient(viewer, requested: requested, doing: "book appointments",
                                                    staffHint: "Choose the patient to book for")
        let settings = try await ctx.settings()
        let now = ctx.now
        let ip = ctx.ip
        return try await ctx.write { conn in
            try bookSlot(conn, viewer: viewer, patientID: patientID, doctorID: doctorID, date: date, time: time, reason: reason,
                         settings: settings, now: now, ip: ip)
        }
    }

    /// The one booking path (bookAppointment, and accepting a waitlist offer
    /// as its patient): locks, rules, slot check, insert, audit, outbox. A
    /// slot a waitlist offer holds is taken for everyone but the offer's
    /// patient; their booking of it settles the offer (ACCEPTED, entry BOOKED).
    static func bookSlot(_ conn: Connection, viewer: Viewer, patientID: Int64, doctorID: Int64, date: LocalDate, time: LocalTime,
                         reason: String, settings: SettingsRow, now: Instant, ip: String?) throws -> AppointmentRow {
        // FOR UPDATE: one doctor's bookings take turns (so racing inserts
        // never wait on each other's uncommitted rows in the exclusion
        // constraint, which PostgreSQL can only break as a deadlock after
        // deadlock_timeout), and time off and availability changes wait too.
        // The exclusion constraint stays the guarantee against overlaps.
        let doctor = try lockDoctor(conn, doctorID, mode: .exclusive)
        guard doctor.isAvailable else { throw ClinicError.conflict("\(doctor.displayName) is not taking appointments") }
        // The patient's row too: their bookings take turns, so the limits hold under concurrency.
        guard try PatientStandingStore.lock(conn, patientID) else {
            throw ClinicError.notFound("No patient with that ID")
        }
        try checkPatientRules(conn, settings: settings, viewer: viewer, patientID: patientID, doctor: doctor, date: date,
                              now: now, moving: nil)
        let window = SlotCalendar.queryWindow(from: date, through: date, timeZone: settings.zone)
        let data = try ClinicLoad.calendarData(conn, doctorIDs: [doctorID], window: window, holder: patientID)[doctorID]
        let cal = ClinicLoad.calendar(data, settings: settings, now: now, viewer: viewer, buffers: doctor.buffers)
        let slot = try validate(cal, date: date, time: time, doctor: doctor, field: "input.time")
        let id: Int64
        do {
            id = try AppointmentStore.insert(conn, patientID: patientID, doctorID: doctorID, date: date, time: time,
                                             startsAt: slot.startsAt, endsAt: slot.endsAt, buffers: doctor.buffers, reason: reason,
                                             createdBy: viewer.userID)
        } catch {
            throw ClinicKit.mapDatabaseError(error)
        }
        guard let row = try ClinicLoad.appointment(conn, id) else { throw ClinicError.internal() }
        try AuditLog.record(conn, actor: viewer.userID, action: "appointment.book", target: gid("Appointment", id),
                         details: .object([("doctorId", .string(gid("Doctor", doctorID))), ("patientId", .string(gid("Patient", patientID))),
                                           ("date", .string(date.iso)), ("time", .string(time.iso))]), ip: ip)
        try ClinicOutbox.enqueue(conn, row, kind: "BOOKING_CONFIRMATION", doctor: doctor, settings: settings, reminder: .schedule,
                                 now: now)
        try alertDoctor(conn, row, .booked, settings: settings, starts: [row.startsAt], now: now)
        try WaitlistStore.settleBooked(conn, patientID: patientID, doctorID: doctorID, range: doctor.buffers.blocked(slot.range),
                                       appointmentID: id, now: now)
        return row
    }

    // MARK: - reschedule

    static func reschedule(_ args: [String: JSON], _ ctx: RequestContext) async throws -> AppointmentRow {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "id"), "Appointment", field: "id")
        let date = try Arguments.date(Arguments.string(args, "date"), field: "date")
        let time = try Arguments.time(Arguments.string(args, "time"), field: "time")
        let settings = try await ctx.settings()
        let now = ctx.now
        let ip = ctx.ip
        return try await ctx.write { conn in
            let a = try loadForChange(conn, id, viewer: viewer, mutation: "rescheduleAppointment")
            return try move(conn, a, date: date, time: time, viewer: viewer, settings: settings, now: now, ip: ip,
                            auditAction: "appointment.reschedule")
        }
    }

    /// The reschedule itself, for `a` locked by the caller: rescheduleAppointment
    /// and rescheduleAppointmentByLink (whose viewer is the patient, as a client).
    static func move(_ conn: Connection, _ a: AppointmentRow, date: LocalDate, time: LocalTime, viewer: Viewer, settings: SettingsRow,
                     now: Instant, ip: String?, auditAction: String) throws -> AppointmentRow {
        let id = a.id
        guard a.status.isActive else {
            throw ClinicError.conflict("A \(statusWord(a.status)) appointment cannot be rescheduled")
        }
        if !viewer.isStaff, !settings.cancellationWindow.allowsClientChange(startingAt: a.startsAt, now: now) {
            throw ClinicError.forbidden(settings.cancellationWindow.refusal("rescheduled"))
        }
        let doctor = try lockDoctor(conn, a.doctorID, mode: .shared)
        guard doctor.isAvailable else { throw ClinicError.conflict("\(doctor.displayName) is not taking appointments") }
        _ = try PatientStandingStore.lock(conn, a.patientID)
        try checkPatientRules(conn, settings: settings, viewer: viewer, patientID: a.patientID, doctor: doctor, date: date,
                              now: now, moving: a.id)
        let window = SlotCalendar.queryWindow(from: date, through: date, timeZone: settings.zone)
        let data = try ClinicLoad.calendarData(conn, doctorIDs: [a.doctorID], window: window, excluding: a.id,
                                               holder: a.patientID)[a.doctorID]
        let cal = ClinicLoad.calendar(data, settings: settings, now: now, viewer: viewer, buffers: doctor.buffers)
        let slot = try validate(cal, date: date, time: time, doctor: doctor, field: "time")
        do {
            try AppointmentStore.move(conn, id, date: date, time: time, startsAt: slot.startsAt, endsAt: slot.endsAt,
                                      buffers: doctor.buffers)
        } catch {
            throw ClinicKit.mapDatabaseError(error)
        }
        guard let row = try ClinicLoad.appointment(conn, id) else { throw ClinicError.internal() }
        try AuditLog.record(conn, actor: viewer.userID, action: auditAction, target: gid("Appointment", id),
                         details: .object([("from", .string("\(a.date.iso) \(a.time.iso)")), ("to", .string("\(date.iso) \(time.iso)"))]),
                         ip: ip)
        try ClinicOutbox.enqueue(conn, row, kind: "RESCHEDULED", doctor: doctor, settings: settings, reminder: .schedule, now: now)
        try WaitlistStore.settleBooked(conn, patientID: a.patientID, doctorID: a.doctorID, range: doctor.buffers.blocked(slot.range),
                                       appointmentID: a.id, now: now)
        try WaitlistStore.noteFreed(conn, doctorID: a.doctorID, reason: "appointment rescheduled")
        try alertDoctor(conn, row, .rescheduled, settings: settings, starts: [a.startsAt, row.startsAt],
                        previous: (a.date, a.time), now: now)
        return row
    }

    // MARK: - cancel

    static func cancel(_ args: [String: JSON], _ ctx: RequestContext) async throws -> AppointmentRow {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "id"), "Appointment", field: "id")
        let reason = try Arguments.string(args, "reason").map { try Arguments.text($0, field: "reason", max: 1000, label: "The reason") }
        let settings = try await ctx.settings()
        let now = ctx.now
        let ip = ctx.ip
        return try await ctx.write { conn in
            let a = try loadForChange(conn, id, viewer: viewer, mutation: "cancelAppointment")
            return try cancel(conn, a, reason: reason, viewer: viewer, settings: settings, now: now, ip: ip,
                              auditAction: "appointment.cancel")
        }
    }

    /// The cancellation itself, for `a` locked by the caller: cancelAppointment
    /// and cancelAppointmentByLink (whose viewer is the patient, as a client).
    static func cancel(_ conn: Connection, _ a: AppointmentRow, reason: String?, viewer: Viewer, settings: SettingsRow, now: Instant,
                       ip: String?, auditAction: String) throws -> AppointmentRow {
        let id = a.id
        guard a.status.isActive else { throw ClinicError.conflict("A \(statusWord(a.status)) appointment cannot be cancelled") }
        if !viewer.isStaff, !settings.cancellationWindow.allowsClientChange(startingAt: a.startsAt, now: now) {
            throw ClinicError.forbidden(settings.cancellationWindow.refusal("cancelled"))
        }
        try AppointmentStore.cancel(conn, id, reason: reason)
        guard let row = try ClinicLoad.appointment(conn, id),
              let doctor = try ClinicLoad.doctors(conn, [a.doctorID])[a.doctorID] else { throw ClinicError.internal() }
        try AuditLog.record(conn, actor: viewer.userID, action: auditAction, target: gid("Appointment", id),
                         details: .object([("reason", reason.map { .string($0) } ?? .null), ("previousStatus", .string(a.status.rawValue))]),
                         ip: ip)
        try ClinicOutbox.enqueue(conn, row, kind: "CANCELLED", doctor: doctor, settings: settings, reminder: .delete, now: now)
        try alertDoctor(conn, row, .cancelled, settings: settings, starts: [a.startsAt], now: now)
        try WaitlistStore.noteFreed(conn, doctorID: a.doctorID, reason: "appointment cancelled")
        return row
    }

    // MARK: - reason

    static func updateReason(_ args: [String: JSON], _ ctx: RequestContext) async throws -> AppointmentRow {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "id"), "Appointment", field: "id")
        let reason = try Arguments.text(Arguments.string(args, "reason") ?? "", field: "reason", max: 1000, label: "The reason")
        let now = ctx.now
        let ip = ctx.ip
        return try await ctx.write { conn in
            let a = try loadForChange(conn, id, viewer: viewer, mutation: "updateAppointmentReason")
            guard a.status.isActive else { throw ClinicError.conflict("A \(statusWord(a.status)) appointment can no longer be changed") }
            if !viewer.isStaff, now >= a.startsAt {
                throw ClinicError.forbidden("The reason can be changed only until the appointment starts")
            }
            try AppointmentStore.setReason(conn, id, reason)
            guard let row = try ClinicLoad.appointment(conn, id) else { throw ClinicError.internal() }
            try AuditLog.record(conn, actor: viewer.userID, action: "appointment.update_reason", target: gid("Appointment", id), ip: ip)
            return row
        }
    }

    // MARK: - status

    static func setStatus(_ args: [String: JSON], _ ctx: RequestContext) async throws -> AppointmentRow {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "id"), "Appointment", field: "id")
        guard let target = Arguments.string(args, "status").flatMap(AppointmentStatus.init(rawValue:)) else {
            throw ClinicError.badInput("Unknown status", field: "status")
        }
        let notes = try Arguments.string(args, "notes").map { try Arguments.text($0, field: "notes", max: 10_000, label: "Notes") }
        let settings = try await ctx.settings()
        let now = ctx.now
        let ip = ctx.ip
        return try await ctx.write { conn in
            let a = try loadForChange(conn, id, viewer: viewer, mutation: "setAppointmentStatus")
            return try changeStatus(conn, a, to: target, notes: notes, viewer: viewer, settings: settings, now: now, ip: ip)
        }
    }

    /// The one status change (INTERFACE.md "Statuses", ClinicDomain's
    /// `transitionProblem`): staff's setAppointmentStatus and the doctor's
    /// recordVisitOutcome. Audited; a final status drops pending reminders, a
    /// cancellation tells the patient.
    static func changeStatus(_ conn: Connection, _ a: AppointmentRow, to target: AppointmentStatus, notes: String?, viewer: Viewer,
                             settings: SettingsRow, now: Instant, ip: String?) throws -> AppointmentRow {
        let id = a.id
        if let problem = a.status.transitionProblem(to: target, startsAt: a.startsAt, now: now) {
            throw ClinicError.conflict(problem)
        }
        try AppointmentStore.setStatus(conn, id, target, notes: notes)
        guard let row = try ClinicLoad.appointment(conn, id) else { throw ClinicError.internal() }
        try AuditLog.record(conn, actor: viewer.userID, action: "appointment.status_change", target: gid("Appointment", id),
                         details: .object([("from", .string(a.status.rawValue)), ("to", .string(target.rawValue)),
                                           ("notesChanged", .bool(notes != nil))]), ip: ip)
        if target != a.status, !target.isActive {
            if target == .CANCELLED {
                guard let doctor = try ClinicLoad.doctors(conn, [a.doctorID])[a.doctorID] else { throw ClinicError.internal() }
                try ClinicOutbox.enqueue(conn, row, kind: "CANCELLED", doctor: doctor, settings: settings, reminder: .delete, now: now)
                try alertDoctor(conn, row, .cancelled, settings: settings, starts: [a.startsAt], now: now)
                try WaitlistStore.noteFreed(conn, doctorID: a.doctorID, reason: "appointment cancelled")
            } else {
                try ClinicOutbox.deletePendingReminders(conn, appointmentID: id)
            }
        }
        return row
    }
}
