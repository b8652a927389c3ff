// Patients at the front desk: staff register a caller or a walk-in (no email
// needed: no login until the account is claimed through a reset link), edit a
// patient's profile and contact data, read their no-show count; and the
// public clinic facts every screen needs to show times right.
import ClinicDomain
import ClinicStore
import JSON
import Schema

enum FrontDesk {
    static func register(_ r: inout ResolverRegistry) {
        r.root("Mutation.registerPatient") { args, ctx, _ in
            .object(try await registerPatient(args, ctx), typeName: "Patient")
        }
        r.root("Mutation.updatePatient") { args, ctx, _ in
            .object(try await updatePatient(args, ctx), typeName: "Patient")
        }
        r.batch("Patient.noShowCount") { batch, ctx in
            let ids = batch.parents.map { ($0 as? PatientRow)?.id }
            let wanted = Array(Set(ids.compactMap { $0 }))
            let counts = wanted.isEmpty ? [:] : try await ctx.read { conn in try AppointmentStore.noShowCounts(conn, patientIDs: wanted) }
            return ids.map { id in id.map { .int(counts[$0] ?? 0) } ?? .null }
        }
        r.root("Query.clinic") { _, ctx, _ in
            .object(try await ctx.settings(), typeName: "ClinicInfo")
        }
    }

    static let duplicateMessage = "A patient with this phone number and date of birth is already registered."
    static let emailTakenMessage = "An account with this email address already exists."

    static func today(_ ctx: RequestContext) -> LocalDate {
        LocalDate(daysSinceEpoch: Int(ctx.now.secondsSinceEpoch / 86_400)).adding(days: 1)
    }

    // MARK: - registerPatient

    static func registerPatient(_ args: [String: JSON], _ ctx: RequestContext) async throws -> PatientRow {
        let viewer = try ctx.requireViewer()
        let input = try Arguments(arguments: args, object: "input")
        let firstName = try input.string("firstName", max: IdentityLimits.name, required: true, allowEmpty: false)!
        let lastName = try input.string("lastName", max: IdentityLimits.name, required: true, allowEmpty: false)!
        let phone = try input.phone("phone", required: true, kind: .international)!
        guard let dateOfBirth = try input.dateOfBirth("dateOfBirth", today: today(ctx)) else {
            throw ClinicError.badInput("dateOfBirth is required.", field: input.path("dateOfBirth"))
        }
        let email: String? = switch input.values["email"] {
        case nil, .null?: nil
        case .string(let s)? where s.allSatisfy(\.isWhitespace): nil
        default: try input.email("email")
        }
        let emergencyPhone = try input.phone("emergencyPhone", kind: .dialable) ?? ""
        let patient = FrontDeskPatient(
            email: email, firstName: firstName, lastName: lastName, phone: phone,
            locale: try input.locale("locale") ?? MessageLocale.fallback, dateOfBirth: dateOfBirth,
            gender: try input.gender("gender") ?? "UNDISCLOSED",
            address: try input.string("address", max: IdentityLimits.address) ?? "",
            emergencyContact: try input.string("emergencyContact", max: IdentityLimits.emergencyContact) ?? "",
            emergencyPhone: emergencyPhone, notes: try input.string("notes", max: IdentityLimits.medicalText) ?? "")
        let ip = ctx.ip
        do {
            return try await ctx.write { conn in
                let digits = PhoneNumber.digits(phone)
                try UserStore.lockPatientIdentity(conn, phoneDigits: digits, dateOfBirth: dateOfBirth)
                if try UserStore.duplicatePatient(conn, phoneDigits: digits, dateOfBirth: dateOfBirth, except: nil) != nil {
                    throw ClinicError.conflict(duplicateMessage)
                }
                let id = try UserStore.insertFrontDeskPatient(conn, patient)
                guard let row = try ClinicLoad.patients(conn, [id])[id] else { throw ClinicError.internal() }
                try AuditLog.record(conn, actor: viewer.userID, action: "patient.register", target: GlobalID.encode(type: "Patient", id: id),
                                    details: .object([("user", .string(GlobalID.encode(type: "User", id: row.userID))),
                                                      ("withEmail", .bool(email != nil))]), ip: ip)
                return row
            }
        } catch let e where StoreFailure.is(e, .uniqueViolation) {
            throw ClinicError.conflict(emailTakenMessage)
        }
    }

    // MARK: - updatePatient

    static func updatePatient(_ args: [String: JSON], _ ctx: RequestContext) async throws -> PatientRow {
        let viewer = try ctx.requireViewer()
        let id = try Arguments(args).globalID("id", type: "Patient")
        let input = try Arguments(arguments: args, object: "input")
        var user = UpdateBuilder(firstIndex: 2)
        try UserManagement.nameAndPhone(input, into: &user)
        var newEmail: String?
        if input.has("email") {
            if case .null? = input.values["email"] { throw ClinicError.badInput("An email address cannot be removed.", field: input.path("email")) }
            newEmail = try input.email("email")
            user.set("email", .text(newEmail!))
        }
        if let l = try input.locale("locale") { user.set("locale", .text(l)) }
        var profile = UpdateBuilder(firstIndex: 2)
        let newBirth = try input.dateOfBirth("dateOfBirth", today: today(ctx))
        if let newBirth { profile.set("date_of_birth", .text(newBirth.iso)) }
        if let g = try input.gender("gender") { profile.set("gender", .text(g)) }
        let texts: [(String, String, Int)] = [
            ("address", "address", IdentityLimits.address),
            ("emergencyContact", "emergency_contact", IdentityLimits.emergencyContact),
            ("medicalHistory", "medical_history", IdentityLimits.medicalText),
            ("allergies", "allergies", IdentityLimits.medicalText),
            ("notes", "notes", IdentityLimits.medicalText),
        ]
        for (key, column, max) in texts {
            if let s = try input.string(key, max: max) { profile.set(column, .text(s)) }
        }
        if let p = try input.phone("emergencyPhone", kind: .dialable) { profile.set("emergency_phone", .text(p)) }
        let newPhone: String?? = switch try input.nullablePhone("phone", kind: .international) {
        case .absent: .none
        case .null: .some(nil)
        case .value(let p): .some(p.isEmpty ? nil : p)
        }
        let ip = ctx.ip, userUpdate = user, profileUpdate = profile
        let fields = JSON.array(input.values.keys.sorted().map { .string($0) })
        do {
            let row = try await ctx.write { conn in
                guard let account = try UserStore.lockPatientAccount(conn, patientID: id) else {
                    throw ClinicError.notFound("No Patient with that ID")
                }
                // Staff accounts are the superadmin's to manage (as in updateUser).
                if account.role.isStaff && !viewer.isSuperadmin {
                    throw ClinicError.forbidden("Only a superadmin may modify staff accounts.")
                }
                let phone = newPhone ?? account.phone
                // An unknown date of birth (0021) matches nobody's: no duplicate to check yet.
                if let phone, let birth = newBirth ?? account.dateOfBirth, newPhone != nil || newBirth != nil {
                    let digits = PhoneNumber.digits(phone)
                    try UserStore.lockPatientIdentity(conn, phoneDigits: digits, dateOfBirth: birth)
                    if try UserStore.duplicatePatient(conn, phoneDigits: digits, dateOfBirth: birth, except: id) != nil {
                        throw ClinicError.conflict(duplicateMessage)
                    }
                }
                try UserStore.updateLiveUser(conn, account.userID, userUpdate)
                try UserStore.updatePatient(conn, id, profileUpdate)
                try AuditLog.record(conn, actor: viewer.userID, action: "patient.update", target: GlobalID.encode(type: "Patient", id: id),
                                    details: .object([("fields", fields), ("by", .string("staff"))]), ip: ip)
                guard let row = try ClinicLoad.patients(conn, [id])[id] else { throw ClinicError.internal() }
                return row
            }
            ctx.services.viewerCache.invalidate(row.userID)  // its names (ViewerState)
            return row
        } catch let e where StoreFailure.is(e, .uniqueViolation) {
            throw ClinicError.conflict(emailTakenMessage)
        }
    }
}

extension Arguments {
    /// A message language: "es" or "en"; nil when absent.
    func locale(_ key: String) throws -> String? {
        switch values[key] {
        case nil, .null?: return nil
        case .string(let s)? where MessageLocale.supported.contains(s): return s
        default:
            throw ClinicError.badInput("\(key) must be one of \(MessageLocale.supported.joined(separator: ", ")).", field: path(key))
        }
    }
}
