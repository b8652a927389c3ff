// Doctor administration and the clinic settings: createDoctor, updateDoctor,
// setWorkingHours, addTimeOff, updateSystemSettings.
import ClinicStore
import ClinicDomain
import Crypto
import JSON
import Schema

enum ClinicDoctorMutations {
    static func gid(_ type: String, _ id: Int64) -> String { GlobalID.encode(type: type, id: id) }

    static func reload(_ conn: Connection, _ id: Int64) throws -> DoctorRow {
        guard let d = try ClinicLoad.doctors(conn, [id])[id] else { throw ClinicError.notFound("No doctor with that ID") }
        return d
    }

    static func validSpecialization(_ s: String, field: String) throws -> String {
        let t = String(s.trimmingSpaces)
        guard !t.isEmpty else { throw ClinicError.badInput("The specialization must not be empty", field: field) }
        guard t.count <= 100 else { throw ClinicError.badInput("The specialization is too long (at most 100 characters)", field: field) }
        return t
    }

    static func validLicense(_ s: String, field: String) throws -> String {
        let t = String(s.trimmingSpaces)
        guard !t.isEmpty, t.count <= 50 else { throw ClinicError.badInput("The license number must be 1 to 50 characters", field: field) }
        return t
    }

    static func validExperience(_ n: Int, field: String) throws -> Int {
        guard (0...80).contains(n) else { throw ClinicError.badInput("Years of experience must be between 0 and 80", field: field) }
        return n
    }

    static func validFee(_ s: String, field: String) throws -> String {
        guard let m = Money(input: s), m.cents >= 0 else { throw ClinicError.badInput("The consultation fee must not be negative", field: field) }
        return m.formatted
    }

    /// `bufferBeforeMinutes` / `bufferAfterMinutes` of a doctor input, checked.
    static func buffers(_ input: [String: JSON]) throws -> (before: Int?, after: Int?) {
        func one(_ key: String, _ label: String) throws -> Int? {
            guard let v = Arguments.int(input, key) else { return nil }
            guard Buffers.allowed.contains(v) else {
                throw ClinicError.badInput("\(label) must be between \(Buffers.allowed.lowerBound) and \(Buffers.allowed.upperBound) minutes",
                                           field: "input.\(key)")
            }
            return v
        }
        return (try one("bufferBeforeMinutes", "The buffer before appointments"), try one("bufferAfterMinutes", "The buffer after appointments"))
    }

    // MARK: createDoctor

    static func create(_ args: [String: JSON], _ ctx: RequestContext) async throws -> DoctorRow {
        let viewer = try ctx.requireViewer()
        let input = Arguments.object(args, "input")
        let license = try validLicense(Arguments.string(input, "licenseNumber") ?? "", field: "input.licenseNumber")
        let specialization = try validSpecialization(Arguments.string(input, "specialization") ?? "", field: "input.specialization")
        let experience = try validExperience(Arguments.int(input, "experienceYears") ?? 0, field: "input.experienceYears")
        let fee = try validFee(Arguments.string(input, "consultationFee") ?? "0", field: "input.consultationFee")
        let bio = try Arguments.text(Arguments.string(input, "bio") ?? "", field: "input.bio", max: 10_000, label: "The bio")
        let buffers = try buffers(input)

        enum Who: Sendable { case existing(Int64), new(email: String, hash: String, first: String, last: String) }
        let who: Who
        if let userID = Arguments.string(input, "userId") {
            who = .existing(try Arguments.id(userID, "User", field: "input.userId"))
        } else {
            guard let raw = Arguments.string(input, "email"), let email = EmailAddress.normalize(raw) else {
                throw ClinicError.badInput("Enter a valid email address for the new doctor, or choose an existing user", field: "input.email")
            }
            guard let password = Arguments.string(input, "password") else {
                throw ClinicError.badInput("A password is required to create the doctor's account", field: "input.password")
            }
            if let violation = PasswordPolicy.check(password, email: email) {
                throw ClinicError.badInput(violation.message, field: "input.password")
            }
            let first = String((Arguments.string(input, "firstName") ?? "").trimmingSpaces)
            let last = String((Arguments.string(input, "lastName") ?? "").trimmingSpaces)
            guard !first.isEmpty, first.count <= 100 else { throw ClinicError.badInput("The first name must be 1 to 100 characters", field: "input.firstName") }
            guard !last.isEmpty, last.count <= 100 else { throw ClinicError.badInput("The last name must be 1 to 100 characters", field: "input.lastName") }
            let hash = try await ctx.services.passwordHashing.hash(password)
            who = .new(email: email, hash: hash, first: first, last: last)
        }
        let ip = ctx.ip
        let row = try await ctx.write { conn -> DoctorRow in
            let userID: Int64
            do {
                switch who {
                case .existing(let id):
                    guard try UserStore.lockLiveUser(conn, id) else { throw ClinicError.notFound("No user with that ID") }
                    if try DoctorStore.isDoctor(userID: id, conn) {
                        throw ClinicError.conflict("That user is already a doctor")
                    }
                    userID = id
                case .new(let email, let hash, let first, let last):
                    userID = try UserStore.insertUser(conn, email: email, passwordHash: hash, firstName: first, lastName: last,
                                                      phone: nil, role: .CLIENT)
                }
                let id = try DoctorStore.insert(conn, userID: userID, license: license, specialization: specialization,
                                                experienceYears: experience, fee: fee, bio: bio)
                if buffers.before != nil || buffers.after != nil {
                    try DoctorStore.setBuffers(conn, id, before: buffers.before, after: buffers.after)
                }
                try AuditLog.record(conn, actor: viewer.userID, action: "doctor.create", target: gid("Doctor", id),
                                 details: .object([("userId", .string(gid("User", userID))), ("specialization", .string(specialization))]), ip: ip)
                return try reload(conn, id)
            } catch {
                throw ClinicKit.mapDatabaseError(error)
            }
        }
        // The user's cached viewer state (doctorID) is stale now.
        ctx.services.viewerCache.invalidate(row.userID)
        return row
    }

    // MARK: updateDoctor

    static func update(_ args: [String: JSON], _ ctx: RequestContext) async throws -> DoctorRow {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "id"), "Doctor", field: "id")
        let input = Arguments.object(args, "input")
        let license = try Arguments.string(input, "licenseNumber").map { try validLicense($0, field: "input.licenseNumber") }
        let spec = try Arguments.string(input, "specialization").map { try validSpecialization($0, field: "input.specialization") }
        let exp = try Arguments.int(input, "experienceYears").map { try validExperience($0, field: "input.experienceYears") }
        let fee = try Arguments.string(input, "consultationFee").map { try validFee($0, field: "input.consultationFee") }
        let bio = try Arguments.string(input, "bio").map { try Arguments.text($0, field: "input.bio", max: 10_000, label: "The bio") }
        let avail = Arguments.bool(input, "isAvailable")
        let buffers = try buffers(input)
        var changed: [JSON] = []
        if license != nil { changed.append(.string("licenseNumber")) }
        if buffers.before != nil { changed.append(.string("bufferBeforeMinutes")) }
        if buffers.after != nil { changed.append(.string("bufferAfterMinutes")) }
        if spec != nil { changed.append(.string("specialization")) }
        if exp != nil { changed.append(.string("experienceYears")) }
        if fee != nil { changed.append(.string("consultationFee")) }
        if bio != nil { changed.append(.string("bio")) }
        if avail != nil { changed.append(.string("isAvailable")) }
        let fields = changed
        let ip = ctx.ip
        return try await ctx.write { conn in
            do {
                guard try DoctorStore.update(conn, id, license: license, specialization: spec, experienceYears: exp, fee: fee, bio: bio,
                                             isAvailable: avail) else { throw ClinicError.notFound("No doctor with that ID") }
                if buffers.before != nil || buffers.after != nil {
                    try DoctorStore.setBuffers(conn, id, before: buffers.before, after: buffers.after)
                }
            } catch {
                throw ClinicKit.mapDatabaseError(error)
            }
            try AuditLog.record(conn, actor: viewer.userID, action: "doctor.update", target: gid("Doctor", id),
                             details: .object([("fields", .array(fields))]), ip: ip)
            // Availability back on, or smaller buffers, may free slots for the waitlist.
            if avail == true || buffers.before != nil || buffers.after != nil {
                try WaitlistStore.noteFreed(conn, doctorID: id, reason: "doctor updated")
            }
            return try reload(conn, id)
        }
    }

    // MARK: setWorkingHours

    static func setHours(_ args: [String: JSON], _ ctx: RequestContext) async throws -> DoctorRow {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "doctorId"), "Doctor", field: "doctorId")
        var ranges: [SlotCalendar.WorkingRange] = []
        if case .array(let items)? = args["hours"] {
            for (i, item) in items.enumerated() {
                let o = Arguments.members(item)
                let start = try Arguments.time(Arguments.string(o, "start"), field: "hours.\(i).start")
                let end = try Arguments.time(Arguments.string(o, "end"), field: "hours.\(i).end")
                ranges.append(SlotCalendar.WorkingRange(weekday: Arguments.int(o, "weekday") ?? 0, start: start, end: end,
                                                        slotMinutes: Arguments.int(o, "slotMinutes") ?? 30))
            }
        }
        if let problem = SlotCalendar.WorkingRange.firstProblem(in: ranges) {
            throw ClinicError.badInput(problem.message, field: problem.path)
        }
        let week = ranges
        let ip = ctx.ip
        return try await ctx.write { conn in
            _ = try ClinicMutations.lockDoctor(conn, id, mode: .exclusive)
            do {
                try DoctorStore.replaceWorkingHours(conn, doctorID: id, week)
            } catch {
                throw ClinicKit.mapDatabaseError(error)
            }
            try AuditLog.record(conn, actor: viewer.userID, action: "doctor.hours_set", target: gid("Doctor", id),
                             details: .object([("hours", .array(week.map {
                                 .string("\($0.weekday) \($0.start.iso)-\($0.end.iso)/\($0.slotMinutes)")
                             }))]), ip: ip)
            try WaitlistStore.noteFreed(conn, doctorID: id, reason: "working hours changed")
            return try reload(conn, id)
        }
    }

    // MARK: addTimeOff

    static func addTimeOff(_ args: [String: JSON], _ ctx: RequestContext) async throws -> DoctorRow {
        let input = Arguments.object(args, "input")
        let id = try Arguments.id(Arguments.string(input, "doctorId"), "Doctor", field: "input.doctorId")
        let created = try await ClinicAbsences.createTimeOff(doctorID: id, input: input, ctx)
        return try await ctx.read { conn in try reload(conn, created.doctorID) }
    }

    // MARK: updateSystemSettings

    static func updateSettings(_ args: [String: JSON], _ ctx: RequestContext) async throws -> SettingsRow {
        let viewer = try ctx.requireViewer()
        let input = Arguments.object(args, "input")
        let name = try Arguments.string(input, "clinicName").map { s -> String in
            let t = String(s.trimmingSpaces)
            guard !t.isEmpty, t.count <= 100 else { throw ClinicError.badInput("The clinic name must be 1 to 100 characters", field: "input.clinicName") }
            return t
        }
        let zone = try Arguments.string(input, "timeZone").map { z -> String in
            guard ClinicTimeZone(identifier: z) != nil else {
                throw ClinicError.badInput("\"\(z.prefix(100))\" is not a time zone; use an IANA name such as America/Mexico_City",
                                           field: "input.timeZone")
            }
            return z
        }
        func bounded(_ key: String, _ range: ClosedRange<Int>, _ label: String) throws -> Int? {
            guard let v = Arguments.int(input, key) else { return nil }
            guard range.contains(v) else {
                throw ClinicError.badInput("\(label) must be between \(range.lowerBound) and \(range.upperBound)", field: "input.\(key)")
            }
            return v
        }
        let window = try bounded("cancellationWindowHours", 0...720, "The cancellation window (hours)")
        let reminder = try bounded("reminderHoursBefore", 1...720, "The reminder time (hours before)")
        let horizon = try bounded("bookingHorizonDays", 1...730, "The booking horizon (days)")
        let slot = try bounded("defaultSlotMinutes", 5...480, "The default slot length (minutes)")
        let notice = try bounded("minimumNoticeMinutes", BookingRules.minimumNoticeRange, "The minimum notice (minutes)")
        let maxActive = try bounded("maxActiveAppointmentsPerPatient", BookingRules.maxActiveRange, "The limit of upcoming appointments")
        let noShows = try bounded("noShowLimit", BookingRules.noShowLimitRange, "The no-show limit")
        let alertHours = try bounded("doctorAlertHours", DoctorAlertRule.allowed, "The doctor alert window (hours)")
        let holdMinutes = try bounded("waitlistHoldMinutes", WaitlistRules.holdMinutesRange, "The waitlist hold (minutes)")
        func offsets(_ key: String) throws -> [Int]? {
            guard case .array(let items)? = input[key] else { return nil }
            let list = items.compactMap { item -> Int? in if case .int(let i) = item { return i }; return nil }
            if let problem = ReminderPlan.problem(list) { throw ClinicError.badInput(problem, field: "input.\(key)") }
            return list
        }
        // "" removes the address; anything else must be one the accounts would accept.
        let frontDesk = try Arguments.string(input, "frontDeskEmail").map { raw -> String? in
            if raw.trimmingSpaces.isEmpty { return nil }
            guard let email = EmailAddress.normalize(raw) else {
                throw ClinicError.badInput("The front desk address is not a valid email address", field: "input.frontDeskEmail")
            }
            return email
        }
        let emailOffsets = try offsets("emailReminderOffsetsMinutes")
        let smsOffsets = try offsets("smsReminderOffsetsMinutes")
        let current = try await ctx.settings()
        var rules: BookingRules?
        let perDay = Arguments.bool(input, "onePerDoctorPerDay")
        if notice != nil || maxActive != nil || noShows != nil || perDay != nil {
            rules = BookingRules(minimumNoticeMinutes: notice ?? current.rules.minimumNoticeMinutes,
                                 maxActiveAppointments: maxActive ?? current.rules.maxActiveAppointments,
                                 noShowLimit: noShows ?? current.rules.noShowLimit,
                                 onePerDoctorPerDay: perDay ?? current.rules.onePerDoctorPerDay)
        }
        var plan: ReminderPlan?
        if emailOffsets != nil || smsOffsets != nil {
            plan = ReminderPlan(email: emailOffsets ?? current.reminders.email, sms: smsOffsets ?? current.reminders.sms)
        } else if let reminder {
            plan = current.reminders.replacingLongest(hours: reminder)
        }
        var changed: [(String, JSON)] = []
        if let name { changed.append(("clinicName", .string(name))) }
        if let zone { changed.append(("timeZone", .string(zone))) }
        if let window { changed.append(("cancellationWindowHours", .int(window))) }
        if let reminder { changed.append(("reminderHoursBefore", .int(reminder))) }
        if let horizon { changed.append(("bookingHorizonDays", .int(horizon))) }
        if let slot { changed.append(("defaultSlotMinutes", .int(slot))) }
        if let notice { changed.append(("minimumNoticeMinutes", .int(notice))) }
        if let maxActive { changed.append(("maxActiveAppointmentsPerPatient", .int(maxActive))) }
        if let noShows { changed.append(("noShowLimit", .int(noShows))) }
        if let perDay { changed.append(("onePerDoctorPerDay", .bool(perDay))) }
        if let alertHours { changed.append(("doctorAlertHours", .int(alertHours))) }
        if let holdMinutes { changed.append(("waitlistHoldMinutes", .int(holdMinutes))) }
        if let emailOffsets { changed.append(("emailReminderOffsetsMinutes", .array(emailOffsets.map { .int($0) }))) }
        if let smsOffsets { changed.append(("smsReminderOffsetsMinutes", .array(smsOffsets.map { .int($0) }))) }
        if let frontDesk { changed.append(("frontDeskEmail", frontDesk.map { .string($0) } ?? .null)) }
        let newRules = rules, newPlan = plan
        let now = ctx.now
        let details = JSON.object(changed)
        let ip = ctx.ip
        let row = try await ctx.write { conn -> SettingsRow in
            do {
                try SettingsStore.update(conn, clinicName: name, timeZone: zone, cancellationWindowHours: window,
                                         reminderHoursBefore: reminder, bookingHorizonDays: horizon, defaultSlotMinutes: slot)
            } catch let e where StoreFailure.is(e, .checkViolation) {
                throw ClinicError.badInput("The time zone is not known to the database", field: "input.timeZone")
            }
            try SettingsStore.updateBookingRules(conn, rules: newRules, reminders: newPlan, doctorAlertHours: alertHours)
            if let holdMinutes { try SettingsStore.setWaitlistHold(conn, minutes: holdMinutes) }
            if let frontDesk { try SettingsStore.setFrontDeskEmail(conn, frontDesk) }
            if newPlan != nil {
                // Pending reminders follow the new offsets.
                try ClinicOutbox.followReminderOffsets(conn, now: now)
            }
            try AuditLog.record(conn, actor: viewer.userID, action: "settings.update", target: nil, details: details, ip: ip)
            return try SettingsStore.load(conn)
        }
        ctx.services.settingsCache.put(row, now: ctx.now)
        return row
    }
}
