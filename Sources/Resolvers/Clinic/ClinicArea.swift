// Doctors, schedules, slots and appointments.
import ClinicStore
import ClinicDomain
import Schema

enum ClinicArea {
    static func register(_ r: inout ResolverRegistry) {
        registerQueries(&r)
        registerRelations(&r)
        ClinicMutations.register(&r)
        ClinicDoctorDay.register(&r)
        ClinicAbsences.register(&r)
        AppointmentLinkResolvers.register(&r)
        ClinicWaitlist.register(&r)
        ClinicCalendarFeeds.register(&r)
    }

    // MARK: - Query

    static func registerQueries(_ r: inout ResolverRegistry) {
        r.root("Query.doctors") { args, ctx, batch in
            .object(try await ClinicPages.doctors(args, ctx: ctx, countTotal: batch.selectedFields.contains("totalCount"),
                                                  joinUser: batch.nodesSelect("user") ? batch.userColumns("nodes.user", "edges.node.user") : nil,
                                                  listOnly: batch.selectsOnly(DoctorRow.listFields, under: "nodes", "edges.node")),
                    typeName: "DoctorConnection")
        }
        r.root("Query.doctor") { args, ctx, _ in
            let id = try Arguments.id(Arguments.string(args, "id"), "Doctor", field: "id")
            let row = try await ctx.read { conn in try ClinicLoad.doctors(conn, [id])[id] }
            return try found(row.map { .object($0, typeName: "Doctor") }, "Doctor")
        }
        r.root("Query.specializations") { _, ctx, _ in
            let names = try await ctx.read { conn in try DoctorStore.specializations(conn) }
            return .list(names.map { .string($0) })
        }
        r.root("Query.availableSlots") { args, ctx, _ in
            let id = try Arguments.id(Arguments.string(args, "doctorId"), "Doctor", field: "doctorId")
            let date = try Arguments.date(Arguments.string(args, "date"), field: "date")
            let settings = try await ctx.settings()
            let window = SlotCalendar.queryWindow(from: date, through: date, timeZone: settings.zone)
            // No statement when the calendar is kept (SlotCalendarCache); else one: the busy ranges, and
            // the doctor's row and hours unless kept (CalendarConfigCache), read on the primary to be
            // kept. That read runs inline on the loop's connection, not in pipeline mode: misses come
            // in bursts (every list of a day at once when it expires) after seconds without a
            // statement, and in pipeline mode a few answers of such a burst waited 1-2.5 s, most likely
            // for the connection's next statement (bench/graphql-http/RESULTS.md, thirteenth round).
            // When nothing is kept (not listening), free slots may be read on the replica (bounded staleness).
            // Booking checks the slot on the primary either way.
            let database = ctx.services.database, now = ctx.now
            var found = database.slotCalendars.lookup(id, window, now: now)
            if found == nil {
                let read = ClinicLoad.slotCalendarRead(doctorID: id, window: window, cache: database.calendarConfig, now: now)
                if let ticket = database.slotCalendars.ticket() {
                    found = try await ctx.read { conn in try conn.run(read) }
                    if let data = found { database.slotCalendars.store(id, window, data, ticket: ticket, now: now) }
                } else {
                    found = try await ctx.readBoundedStale(read)
                }
            }
            guard let data = found, let doctor = data.doctor else {
                throw ClinicError.notFound("No doctor with that ID")
            }
            guard doctor.isAvailable else { return .list([]) }
            return slotList(ClinicLoad.calendar(data, settings: settings, now: ctx.now, viewer: ctx.viewer, buffers: doctor.buffers), date, settings)
        }
        r.root("Query.appointments") { args, ctx, batch in
            .object(try await ClinicPages.rootAppointments(args, ctx: ctx, batch: batch), typeName: "AppointmentConnection")
        }
        r.root("Query.appointment") { args, ctx, _ in
            let id = try Arguments.id(Arguments.string(args, "id"), "Appointment", field: "id")
            let viewer = ctx.viewer
            let row = try await ctx.read { conn in try ClinicLoad.visibleAppointment(conn, id, viewer: viewer) }
            return try found(row.map { .object($0, typeName: "Appointment") }, "Appointment")
        }
        r.root("Query.patients") { args, ctx, batch in
            .object(try await ClinicPages.patients(args, ctx: ctx, countTotal: batch.selectedFields.contains("totalCount")),
                    typeName: "PatientConnection")
        }
        r.root("Query.patient") { args, ctx, _ in
            let id = try Arguments.id(Arguments.string(args, "id"), "Patient", field: "id")
            let viewer = ctx.viewer
            let row = try await ctx.read { conn in try ClinicLoad.visiblePatient(conn, id, viewer: viewer) }
            return try found(row.map { .object($0, typeName: "Patient") }, "Patient")
        }
        r.root("Query.node") { args, ctx, _ in
            guard let text = Arguments.string(args, "id"), let decoded = GlobalID.decode(text) else {
                throw ClinicError.badInput(GlobalIDError.malformed(Arguments.string(args, "id") ?? "").message, field: "id")
            }
            return try found(try await node(type: decoded.type, id: decoded.id, ctx: ctx), decoded.type)
        }
        r.root("Query.systemSettings") { _, ctx, _ in
            let row = try await ctx.read { conn in try SettingsStore.load(conn) }
            return .object(row, typeName: "SystemSettings")
        }
    }

    /// A lookup by ID answers the record or NOT_FOUND, never a silent null;
    /// "not there" and "not yours" read the same, so existence does not leak
    /// (INTERFACE.md "Errors": an ID the caller may not know exists).
    static func found(_ value: ResolvedValue?, _ typeName: String) throws -> ResolvedValue {
        guard let value else { throw ClinicError.notFound("No \(typeName) with that ID") }
        return value
    }

    /// The record of a global ID if it exists and the viewer may know it does; nil otherwise.
    static func node(type: String, id: Int64, ctx: RequestContext) async throws -> ResolvedValue? {
        let viewer = ctx.viewer
        switch type {
        case "Doctor":
            let row = try await ctx.read { conn in try ClinicLoad.doctors(conn, [id])[id] }
            return row.map { .object($0, typeName: "Doctor") }
        case "Patient":
            let row = try await ctx.read { conn in try ClinicLoad.visiblePatient(conn, id, viewer: viewer) }
            return row.map { .object($0, typeName: "Patient") }
        case "Appointment":
            let row = try await ctx.read { conn in try ClinicLoad.visibleAppointment(conn, id, viewer: viewer) }
            return row.map { .object($0, typeName: "Appointment") }
        case "User":
            // Staff see every user; others themselves, doctors (public), and
            // the patients of the appointments they attend.
            let row = try await ctx.read { conn in try UserStore.visibleUser(conn, id, viewer: viewer) }
            return row.map { .object($0, typeName: "User") }
        case "Notification":
            guard let viewer else { throw ClinicError.unauthenticated("You must be signed in to read this Notification.") }
            let row = try await ctx.read { conn in try NotificationStore.visibleNotification(conn, id, viewer: viewer) }
            return row.map { .object($0, typeName: "Notification") }
        case "AuditEntry":
            // The type rule (SUPERADMIN) is applied by the guard on the returned object.
            let row = try await ctx.read { conn in try AuditLog.entry(conn, id) }
            return row.map { .object($0, typeName: "AuditEntry") }
        case "WaitlistEntry":
            let row = try await ctx.read { conn in try WaitlistStore.entry(conn, id) }
            return row.flatMap { r in viewer.map { r.isSelf($0) || $0.isStaff } == true ? .object(r, typeName: "WaitlistEntry") : nil }
        case "TimeOff", "ClinicClosure":
            return try await ClinicAbsences.node(type: type, id: id, ctx: ctx)
        default:
            return nil
        }
    }

    static func slotList(_ calendar: SlotCalendar, _ date: LocalDate, _ settings: SettingsRow) -> ResolvedValue {
        .list(calendar.freeSlots(on: date).map { .object(TimeSlotObject($0), typeName: "TimeSlot") })
    }

    // MARK: - Relations (one statement per level)

    static func registerRelations(_ r: inout ResolverRegistry) {
        r.batch("Doctor.workingHours") { batch, ctx in
            let doctors = batch.parents.map { ($0 as? DoctorRow)?.id }
            let ids = Array(Set(doctors.compactMap { $0 }))
            let rows = try await ctx.read { conn in try DoctorStore.workingHours(conn, doctorIDs: ids) }
            var by: [Int64: [WorkingHoursRow]] = [:]
            for w in rows { by[w.doctorID, default: []].append(w) }
            return doctors.map { id in
                guard let id else { return .null }
                return .list((by[id] ?? []).map { .object($0, typeName: "WorkingHours") })
            }
        }
        r.batch("Doctor.availableSlots") { batch, ctx in
            let date = try Arguments.date(Arguments.string(batch.arguments, "date"), field: "date")
            let doctors = batch.parents.map { $0 as? DoctorRow }
            let ids = Array(Set(doctors.compactMap { $0?.isAvailable == true ? $0?.id : nil }))
            let settings = try await ctx.settings()
            let window = SlotCalendar.queryWindow(from: date, through: date, timeZone: settings.zone)
            let data = ids.isEmpty ? [:] : try await ctx.fetch(ClinicLoad.calendarRead(doctorIDs: ids, window: window))
            return doctors.map { d in
                guard let d else { return .null }
                guard !d.onlyListColumns else { return .error(ClinicError.internal()) }  // its buffers were not loaded
                guard d.isAvailable else { return .list([]) }
                return slotList(ClinicLoad.calendar(data[d.id], settings: settings, now: ctx.now, viewer: ctx.viewer, buffers: d.buffers), date, settings)
            }
        }
        r.batch("Doctor.schedule") { batch, ctx in
            let from = try Arguments.date(Arguments.string(batch.arguments, "from"), field: "from")
            let to = try Arguments.date(Arguments.string(batch.arguments, "to"), field: "to")
            let doctors = batch.parents.map { $0 as? DoctorRow }
            let settings = try await ctx.settings()
            // Validate the range before touching the database.
            do throws(SlotCalendar.ScheduleRangeError) {
                _ = try SlotCalendar(workingHours: [], timeZone: settings.zone, now: ctx.now, horizonDays: nil).schedule(from: from, to: to)
            } catch {
                throw ClinicError.badInput(error.message, field: "to")
            }
            let ids = Array(Set(doctors.compactMap { $0?.id }))
            let window = SlotCalendar.queryWindow(from: from, through: to, timeZone: settings.zone)
            let data = ids.isEmpty ? [:] : try await ctx.fetch(ClinicLoad.calendarRead(doctorIDs: ids, window: window))
            return doctors.map { d in
                guard let d else { return .null }
                guard !d.onlyListColumns else { return .error(ClinicError.internal()) }  // its buffers were not loaded
                let cal = ClinicLoad.calendar(d.isAvailable ? data[d.id] : ClinicLoad.CalendarData(
                    hours: data[d.id]?.hours ?? [], timeOff: [InstantRange(start: .earliest, end: .latest)], busy: []),
                    settings: settings, now: ctx.now, viewer: ctx.viewer, buffers: d.buffers)
                let days = (try? cal.schedule(from: from, to: to)) ?? []
                return .list(days.map { .object(ScheduleDayObject(day: $0), typeName: "ScheduleDay") })
            }
        }
        r.batch("Doctor.user") { batch, ctx in
            try await toOne(batch, "User", ctx: ctx, load: ClinicLoad.users) { ($0 as? DoctorRow).map { ($0.userID, $0.user) } }
        }
        r.batch("Patient.user") { batch, ctx in
            try await toOne(batch, "User", ctx: ctx, load: ClinicLoad.users) { ($0 as? PatientRow).map { ($0.userID, $0.user) } }
        }
        r.batch("Appointment.patient") { batch, ctx in
            try await toOne(batch, "Patient", ctx: ctx, load: ClinicLoad.patients) {
                ($0 as? AppointmentRow).map { ($0.patientID, $0.patient) }
            }
        }
        r.batch("Appointment.doctor") { batch, ctx in
            // Each doctor once, with its user when selected (a page repeats few doctors).
            let key: (any Sendable) -> (Int64, DoctorRow?)? = { ($0 as? AppointmentRow).map { ($0.doctorID, $0.doctor) } }
            guard batch.selectedFields.contains("user") else { return try await toOne(batch, "Doctor", ctx: ctx, load: ClinicLoad.doctors, key: key) }
            let user = batch.userColumns("user")
            return try await toOne(batch, "Doctor", ctx: ctx, load: { conn, ids in try ClinicLoad.doctorsWithUsers(conn, ids, user: user) },
                                   key: key)
        }
        r.batch("Appointment.canModify") { batch, ctx in
            let settings = try await ctx.settings()
            return batch.parents.map { p in
                guard let a = p as? AppointmentRow else { return .null }
                return .bool(ClinicRules.canModify(a, viewer: ctx.viewer, settings: settings, now: ctx.now))
            }
        }
        r.batch("Patient.appointments") { batch, ctx in
            try await ClinicPages.appointmentsPerParent(batch, ctx: ctx, parent: .patient,
                                                        parentIDs: batch.parents.map { ($0 as? PatientRow)?.id })
        }
        r.batch("Doctor.appointments") { batch, ctx in
            try await ClinicPages.appointmentsPerParent(batch, ctx: ctx, parent: .doctor,
                                                        parentIDs: batch.parents.map { ($0 as? DoctorRow)?.id })
        }
    }

    /// A to-one relation: the row joined into the parent's statement when it was (no statement
    /// here), otherwise the rest by id in one statement. `key` gives a parent's id and joined row.
    static func toOne<R: Sendable>(_ batch: FieldBatch, _ typeName: String, ctx: RequestContext,
                                   load: @escaping @Sendable (Connection, [Int64]) throws -> [Int64: R],
                                   key: (any Sendable) -> (Int64, R?)?) async throws -> [ResolvedValue] {
        let keys = batch.parents.map(key)
        let missing = Array(Set(keys.compactMap { k in k.flatMap { $0.1 == nil ? $0.0 : nil } }))
        let loaded = missing.isEmpty ? [:] : try await ctx.read { conn in try load(conn, missing) }
        return keys.map { k in
            guard let k, let row = k.1 ?? loaded[k.0] else { return .null }
            return .object(row, typeName: typeName)
        }
    }
}

extension FieldBatch {
    /// Whether the nodes of a connection field select `path` (through `nodes` or `edges.node`).
    func nodesSelect(_ path: String) -> Bool {
        selectedPaths.contains("nodes." + path) || selectedPaths.contains("edges.node." + path)
    }

    /// The to-one relations of appointments this connection field's selection reads.
    var appointmentJoins: AppointmentJoins {
        var joins: AppointmentJoins = []
        if nodesSelect("patient") {
            joins.insert(.patient)
            if !needsWholePatients("nodes.patient", "edges.node.patient") { joins.insert(.patientIdentityOnly) }
        }
        if nodesSelect("patient.user") {
            joins.insert(.patientUser)
            if userColumns("nodes.patient.user", "edges.node.patient.user") != .all { joins.insert(.patientUserNamesOnly) }
        }
        return joins
    }

    /// `appointmentJoins`, and the doctor (with its user as asked) when the statement reads at most
    /// `AppointmentJoins.doctorJoinLimit` rows: one statement fewer.
    func appointmentJoins(rows: Int) -> AppointmentJoins {
        var joins = appointmentJoins
        guard rows <= AppointmentJoins.doctorJoinLimit, nodesSelect("doctor") else { return joins }
        joins.insert(.doctor)
        if nodesSelect("doctor.user") {
            joins.insert(.doctorUser)
            if userColumns("nodes.doctor.user", "edges.node.doctor.user") != .all { joins.insert(.doctorUserNamesOnly) }
        }
        return joins
    }

    /// Whether every field selected directly under `first` and `second` (those that are selected;
    /// dotted paths below this field) is one of `allowed`: false when none is seen, or when the
    /// look-ahead does not reach that deep. Runs per request, so it allocates nothing for short names.
    func selectsOnly(_ allowed: Set<String>, under first: String, _ second: String? = nil) -> Bool {
        var seen = false
        // False when a field outside `allowed` is selected under `path`, or the look-ahead stops above its fields.
        func fieldsAllowed(under path: String) -> Bool {
            guard selectedPaths.contains(path) else { return true }
            // `path` has (dots + 1) levels; its fields are one deeper.
            guard path.utf8.count(where: { $0 == UInt8(ascii: ".") }) + 2 <= FieldBatch.lookaheadDepth else { return false }
            let n = path.utf8.count
            for p in selectedPaths where p.utf8.count > n + 1 && p.hasPrefix(path) {
                let rest = p.utf8.dropFirst(n)
                guard rest.first == UInt8(ascii: "."), !rest.dropFirst().contains(UInt8(ascii: ".")) else { continue }
                guard allowed.contains(String(Substring(rest.dropFirst()))) else { return false }
                seen = true
            }
            return true
        }
        guard fieldsAllowed(under: first), second.map(fieldsAllowed) ?? true else { return false }
        return seen
    }

    /// Whether the patients selected at `paths` are asked more than their identity (`PatientRow.identityFields`).
    func needsWholePatients(_ first: String, _ second: String) -> Bool {
        !selectsOnly(PatientRow.identityFields, under: first, second)
    }

    /// The columns a statement must load for the users selected at `first` and `second`: names only
    /// when every field asked of them is one a row of names answers (`UserRow.namesFields`), and
    /// without the email when it is not asked either.
    func userColumns(_ first: String, _ second: String? = nil) -> UserColumns {
        guard selectsOnly(UserRow.namesFields, under: first, second) else { return .all }
        let asksEmail = selectedPaths.contains(first + ".email") || second.map { selectedPaths.contains($0 + ".email") } == true
        return asksEmail ? .names : .namesWithoutEmail
    }
}

enum ClinicRules {
    /// Clients: their own active appointment until the cancellation window;
    /// staff: any active appointment.
    static func canModify(_ a: AppointmentRow, viewer: Viewer?, settings: SettingsRow, now: Instant) -> Bool {
        guard let viewer else { return false }
        return a.status.allowsChange(isStaff: viewer.isStaff, isOwner: a.isSelf(viewer), window: settings.cancellationWindow,
                                     startsAt: a.startsAt, now: now)
    }
}
