// Profiles, the admin user operations, the user queries, and the User →
// patient/doctor relations (one statement per level).
import ClinicStore
import ClinicDomain
import Crypto
import Schema

enum UserManagement {
    static func register(_ r: inout ResolverRegistry) {
        queries(&r)
        relations(&r)
        profile(&r)
        admin(&r)
    }

    static func loadUser(_ conn: Connection, id: Int64) throws -> UserRow? { try UserStore.liveUser(conn, id) }

    // MARK: - Queries

    static func queries(_ r: inout ResolverRegistry) {
        // SELF or ADMIN: who may reach which row is decided in the SQL; a user
        // the caller may not see answers NOT_FOUND, like one that does not exist.
        r.root("Query.user") { args, ctx, _ in
            let viewer = try ctx.requireViewer()
            let id = try Arguments(args).globalID("id", type: "User")
            let row = try await ctx.read { conn in try UserStore.selfOrStaffUser(conn, id, viewer: viewer) }
            guard let row else { throw ClinicError.notFound("No user with this ID.") }
            return .object(row, typeName: "User")
        }

        // Keyset pages by id; search is a literal, case-insensitive substring of
        // the full name or the email (strpos: % and _ match themselves).
        r.root("Query.users") { args, ctx, batch in
            let page = try PageRequest.from(args, scope: "users.id")
            let reader = Arguments(args)
            let role = try reader.role("role")
            let search: String? = switch args["search"] {
            case .string?: try reader.string("search", max: IdentityLimits.search)
            default: nil
            }
            let wantsTotal = batch.selectedFields.contains("totalCount")
            let (rows, total) = try await ctx.read { conn in
                try UserStore.page(conn, role: role, search: search.flatMap { $0.isEmpty ? nil : $0 }, afterID: page.after?.id,
                                   limit: page.fetchLimit, countTotal: wantsTotal)
            }
            return .object(ConnectionObject(rows: rows, page: page, totalCount: total) {
                Cursor(scope: "users.id", keys: [], id: $0.id).encoded
            }, typeName: "UserConnection")
        }
    }

    // MARK: - User.patient, User.doctor

    static func relations(_ r: inout ResolverRegistry) {
        r.batch("User.patient") { batch, ctx in
            let users = batch.parents.map { $0 as? UserRow }
            // Users joined into a doctor's statement did not look their patient profile up.
            let unknown = Array(Set(users.compactMap { $0.flatMap { $0.patientIDKnown ? nil : $0.id } }))
            let byUser = unknown.isEmpty ? [:] : try await ctx.read { conn in try ClinicLoad.patientsOfUsers(conn, unknown) }
            return try await ClinicArea.toOne(batch, "Patient", ctx: ctx, load: ClinicLoad.patients) { parent in
                guard let u = parent as? UserRow else { return nil }
                if !u.patientIDKnown { return byUser[u.id].map { ($0.id, $0) } }
                return u.patientID.map { ($0, u.patient) }
            }
        }
        r.batch("User.doctor") { batch, ctx in
            let users = batch.parents.map { $0 as? UserRow }
            let ids = Array(Set(users.compactMap { $0.flatMap { $0.doctorIDKnown ? $0.doctorID : nil } }))
            // Users joined into a patient's statement did not look their doctor profile up.
            let unknown = Array(Set(users.compactMap { $0.flatMap { $0.doctorIDKnown ? nil : $0.id } }))
            guard !ids.isEmpty || !unknown.isEmpty else { return users.map { _ in .null } }
            let (byID, byUser) = try await ctx.read { conn in
                (try ClinicLoad.doctors(conn, ids), try ClinicLoad.doctorsOfUsers(conn, unknown))
            }
            return users.map { u -> ResolvedValue in
                guard let u else { return .null }
                let doctor = u.doctorIDKnown ? u.doctorID.flatMap { byID[$0] } : byUser[u.id]
                return doctor.map { .object($0, typeName: "Doctor") } ?? .null
            }
        }
    }

    // MARK: - Own profile

    static func profile(_ r: inout ResolverRegistry) {
        r.root("Mutation.updateProfile") { args, ctx, _ in
            let viewer = try ctx.requireViewer()
            let input = try Arguments(arguments: args, object: "input")
            var builder = UpdateBuilder(firstIndex: 2)
            try nameAndPhone(input, into: &builder)
            if let b = try input.bool("notifyByEmail") { builder.set("notify_by_email", .bool(b)) }
            if let b = try input.bool("notifyBySms") { builder.set("notify_by_sms", .bool(b)) }
            if let l = try input.locale("locale") { builder.set("locale", .text(l)) }
            let ip = ctx.ip, update = builder
            let user = try await ctx.write { conn -> UserRow? in
                try UserStore.updateLiveUser(conn, viewer.userID, update)
                try AuditLog.record(conn, actor: viewer.userID, action: "user.update", target: GlobalID.encode(type: "User", id: viewer.userID),
                                 details: .object([("fields", .array(input.values.keys.sorted().map { .string($0) }))]), ip: ip)
                return try loadUser(conn, id: viewer.userID)
            }
            ctx.services.viewerCache.invalidate(viewer.userID)  // its names (ViewerState)
            guard let user else { throw ClinicError.notFound("Your account no longer exists.") }
            return .object(user, typeName: "User")
        }

        r.root("Mutation.updatePatientProfile") { args, ctx, _ in
            let viewer = try ctx.requireViewer()
            let input = try Arguments(arguments: args, object: "input")
            var builder = UpdateBuilder(firstIndex: 2)
            let today = LocalDate(daysSinceEpoch: Int(ctx.now.secondsSinceEpoch / 86_400)).adding(days: 1)
            if let d = try input.dateOfBirth("dateOfBirth", today: today) { builder.set("date_of_birth", .text(d.iso)) }
            if let g = try input.gender("gender") { builder.set("gender", .text(g)) }
            let texts: [(String, String, Int)] = [
                ("address", "address", IdentityLimits.address),
                ("emergencyContact", "emergency_contact", IdentityLimits.emergencyContact),
                ("medicalHistory", "medical_history", IdentityLimits.medicalText),
                ("allergies", "allergies", IdentityLimits.medicalText),
            ]
            for (key, column, max) in texts {
                if let s = try input.string(key, max: max) { builder.set(column, .text(s)) }
            }
            if let p = try input.phone("emergencyPhone", kind: .dialable) { builder.set("emergency_phone", .text(p)) }
            let ip = ctx.ip, update = builder
            let patient = try await ctx.write { conn -> PatientRow? in
                guard let id = try UserStore.lockPatient(ofUser: viewer.userID, conn) else { return nil }
                try UserStore.updatePatient(conn, id, update)
                try AuditLog.record(conn, actor: viewer.userID, action: "patient.update", target: GlobalID.encode(type: "Patient", id: id),
                                 details: .object([("fields", .array(input.values.keys.sorted().map { .string($0) }))]), ip: ip)
                return try ClinicLoad.patients(conn, [id])[id]
            }
            guard let patient else { throw ClinicError.notFound("You have no patient profile.") }
            return .object(patient, typeName: "Patient")
        }
    }

    static func nameAndPhone(_ input: Arguments, into update: inout UpdateBuilder) throws {
        if let s = try input.string("firstName", max: IdentityLimits.name, allowEmpty: false) { update.set("first_name", .text(s)) }
        if let s = try input.string("lastName", max: IdentityLimits.name, allowEmpty: false) { update.set("last_name", .text(s)) }
        switch try input.nullablePhone("phone", kind: .international) {
        case .absent: break
        case .null: update.set("phone", nil)
        case .value(let p): update.set("phone", p.isEmpty ? nil : .text(p))
        }
    }

    // MARK: - Administration

    static func admin(_ r: inout ResolverRegistry) {
        r.root("Mutation.createUser") { args, ctx, _ in
            let viewer = try ctx.requireViewer()
            let input = try Arguments(arguments: args, object: "input")
            let role = try input.role("role") ?? .CLIENT
            if role != .CLIENT && !viewer.isSuperadmin {
                throw ClinicError.forbidden("Only a superadmin may create \(role.rawValue) users.")
            }
            let email = try input.email("email")
            let password = try input.password("password", email: email)
            let firstName = try input.string("firstName", max: IdentityLimits.name, required: true, allowEmpty: false)!
            let lastName = try input.string("lastName", max: IdentityLimits.name, required: true, allowEmpty: false)!
            let phone: String? = if case .value(let p) = try input.nullablePhone("phone", kind: .international), !p.isEmpty { p } else { nil }
            // Every CLIENT is a patient, the profile staff book for (issue #16); the
            // date of birth may be unknown yet (0021).
            let birth = try input.dateOfBirth("dateOfBirth", today: FrontDesk.today(ctx))
            if birth != nil && role != .CLIENT {
                throw ClinicError.badInput("Only CLIENT users get a patient profile (dateOfBirth).", field: input.path("dateOfBirth"))
            }
            let hash = try await ctx.services.passwordHashing.hash(password)
            let ip = ctx.ip
            do {
                let user = try await ctx.write { conn in
                    let id = try UserStore.insertUser(conn, email: email, passwordHash: hash, firstName: firstName, lastName: lastName,
                                                      phone: phone, role: role)
                    if role == .CLIENT { try UserStore.insertPatientProfile(conn, userID: id, dateOfBirth: birth) }
                    try AuditLog.record(conn, actor: viewer.userID, action: "user.create", target: GlobalID.encode(type: "User", id: id),
                                     details: .object([("role", .string(role.rawValue)), ("patient", .bool(role == .CLIENT))]), ip: ip)
                    return try loadUser(conn, id: id)!
                }
                return .object(user, typeName: "User")
            } catch let e where StoreFailure.is(e, .uniqueViolation) {
                throw ClinicError.conflict("An account with this email address already exists.")
            }
        }

        r.root("Mutation.updateUser") { args, ctx, _ in
            let viewer = try ctx.requireViewer()
            let reader = Arguments(args)
            let id = try reader.globalID("id", type: "User")
            let input = try Arguments(arguments: args, object: "input")
            let newRole = try input.role("role")
            let active = try input.bool("isActive")
            var builder = UpdateBuilder(firstIndex: 2)
            try nameAndPhone(input, into: &builder)
            let ip = ctx.ip, now = ctx.now, update = builder
            enum Outcome: Sendable { case notFound, forbidden(String), done(UserRow) }
            let outcome = try await ctx.write { conn -> Outcome in
                guard let target = try UserStore.lockAccess(conn, id) else { return .notFound }
                let oldRole = target.role
                let wasActive = target.isActive
                let roleChange = newRole.flatMap { $0 == oldRole ? nil : $0 }
                let activeChange = active.flatMap { $0 == wasActive ? nil : $0 }
                // Staff accounts and roles are the superadmin's to manage.
                if (roleChange != nil || oldRole.isStaff) && !viewer.isSuperadmin {
                    return .forbidden(roleChange != nil ? "Only a superadmin may change roles." : "Only a superadmin may modify staff accounts.")
                }
                if id == viewer.userID && (roleChange != nil || activeChange == false) {
                    return .forbidden("You cannot change your own role or deactivate yourself.")
                }
                var u = update
                if let roleChange { u.set("role", .text(roleChange.rawValue)) }
                if let activeChange { u.set("is_active", .bool(activeChange)) }
                let revoke = roleChange != nil || activeChange == false
                try UserStore.updateUser(conn, id, u, endSessions: revoke)
                if roleChange == .CLIENT { try UserStore.ensurePatientProfile(conn, userID: id) }
                if revoke { try RefreshTokens.revokeAll(conn, userID: id, now: now) }
                let targetID = GlobalID.encode(type: "User", id: id)
                if let roleChange {
                    try AuditLog.record(conn, actor: viewer.userID, action: "user.role_change", target: targetID,
                                     details: .object([("from", .string(oldRole.rawValue)), ("to", .string(roleChange.rawValue))]), ip: ip)
                }
                if let activeChange {
                    try AuditLog.record(conn, actor: viewer.userID, action: activeChange ? "user.activate" : "user.deactivate", target: targetID, ip: ip)
                }
                if !update.isEmpty || (roleChange == nil && activeChange == nil) {
                    try AuditLog.record(conn, actor: viewer.userID, action: "user.update", target: targetID,
                                     details: .object([("fields", .array(input.values.keys.sorted().map { .string($0) }))]), ip: ip)
                }
                return .done(try loadUser(conn, id: id)!)
            }
            switch outcome {
            case .notFound: throw ClinicError.notFound("No user with this ID.")
            case .forbidden(let message): throw ClinicError.forbidden(message)
            case .done(let user):
                ctx.services.viewerCache.invalidate(id)  // its role, activity or names (ViewerState)
                return .object(user, typeName: "User")
            }
        }

        // Soft delete and anonymize (see the users table comment): the row stays
        // for appointment history and audit, nothing identifying remains, and
        // no password matches '!'.
        r.root("Mutation.deleteUser") { args, ctx, _ in
            let viewer = try ctx.requireViewer()
            let id = try Arguments(args).globalID("id", type: "User")
            if id == viewer.userID { throw ClinicError.forbidden("You cannot delete your own account.") }
            let ip = ctx.ip, now = ctx.now
            let deleted = try await ctx.write { conn -> Bool in
                guard try UserStore.anonymize(conn, id, at: now) else { return false }
                try RefreshTokens.revokeAll(conn, userID: id, now: now)
                // A deleted doctor takes no new bookings; past appointments keep their rows.
                try DoctorStore.stopBookings(userID: id, conn)
                try TokenStore.expireResetTokens(conn, userID: id, now: now)
                try AuditLog.record(conn, actor: viewer.userID, action: "user.delete", target: GlobalID.encode(type: "User", id: id), ip: ip)
                return true
            }
            guard deleted else { throw ClinicError.notFound("No user with this ID.") }
            ctx.services.viewerCache.invalidate(id)
            return .bool(true)
        }
    }
}
