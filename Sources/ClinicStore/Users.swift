// Users and patients: accounts, profiles, who may see whom.
import ClinicDomain
import Postgres

public enum UserStore {
    /// Locks the user row; false when there is no such user or it was deleted.
    public static func lockLiveUser(_ conn: Connection, _ id: Int64) throws -> Bool {
        guard let u = try conn.query("SELECT id, deleted_at IS NULL AS alive FROM users WHERE id = $1 FOR UPDATE", [.int(Int(id))]).first
        else { return false }
        return try u.bool("alive")
    }

    /// A user who can sign in: not deleted, active.
    public static func activeUser(_ conn: Connection, _ id: Int64) throws -> UserRow? {
        try conn.query("SELECT \(UserRow.columns) FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL AND u.is_active",
                       [.int(Int(id))]).first.map(UserRow.init)
    }

    /// Access tokens issued before this stop working.
    public static func bumpTokenVersion(_ conn: Connection, _ id: Int64) throws {
        _ = try conn.query("UPDATE users SET token_version = token_version + 1 WHERE id = $1", [.int(Int(id))])
    }

    /// A not-deleted user.
    public static func liveUser(_ conn: Connection, _ id: Int64) throws -> UserRow? {
        try conn.query("SELECT \(UserRow.columns) FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL", [.int(Int(id))])
            .first.map(UserRow.init)
    }

    /// `liveUser` with its patient profile, if any, in the same statement (`UserRow.patient`).
    /// With `names`, the user's `UserColumns.names` only; with `patientIdentity`, the profile's
    /// identity only (`PatientRow.identityColumns`), its treating doctors for a viewer who is a doctor.
    public static func liveUserWithPatient(_ conn: Connection, _ id: Int64, names: Bool = false, patientIdentity: Bool = false,
                                           viewer: Viewer? = nil) throws -> UserRow? {
        let patientColumns = patientIdentity ? (viewer?.doctorID == nil ? UserRow.patientIdentityColumnsUntreated : UserRow.patientIdentityColumns)
                                             : UserRow.patientColumns
        return try conn.query("""
            SELECT \(names ? UserRow.nameColumns : UserRow.columns), jp.* FROM users u
              LEFT JOIN LATERAL (SELECT \(patientColumns) FROM patients up WHERE up.user_id = u.id OFFSET 0) jp ON TRUE
             WHERE u.id = $1 AND u.deleted_at IS NULL
            """, [.int(Int(id))]).first.map { r in
                let user = names ? try UserRow.namesOnly(r) : try UserRow(r)
                if try r.optionalInt("up_id") != nil {
                    let patient = patientIdentity ? try PatientRow.identity(r.prefixed("up_")) : try PatientRow(r.prefixed("up_"))
                    patient.treatingDoctorIDsKnown = !patientIdentity || viewer?.doctorID != nil
                    user.patientID = patient.id
                    user.patient = patient
                } else {
                    user.patientID = nil
                }
                user.patientIDKnown = true
                return user
            }
    }

    /// `Query.user`: staff read any live user, others only themselves.
    public static func selfOrStaffUser(_ conn: Connection, _ id: Int64, viewer: Viewer) throws -> UserRow? {
        try conn.query("""
            SELECT \(UserRow.columns) FROM users u
            WHERE u.id = $1 AND u.deleted_at IS NULL AND ($2 OR u.id = $3)
            """, [.int(Int(id)), .bool(viewer.isStaff), .int(Int(viewer.userID))]).first.map(UserRow.init)
    }

    /// `Query.users`: live users by id, optionally of one role; `search` is a
    /// literal, case-insensitive substring of the full name or the email
    /// (strpos: % and _ match themselves).
    public static func page(_ conn: Connection, role: Role?, search: String?, afterID: Int64?, limit: Int,
                            countTotal: Bool) throws -> ([UserRow], Int?) {
        var p = SQLParams()
        var conditions = ["u.deleted_at IS NULL"]
        if let role { conditions.append("u.role = \(p.bind(.text(role.rawValue)))") }
        if let search {
            let s = p.bind(.text(search.lowercased()))
            conditions.append("(strpos(lower(u.first_name || ' ' || u.last_name), \(s)) > 0 OR strpos(u.email, \(s)) > 0)")
        }
        let filter = conditions.joined(separator: " AND ")
        let countParams = p.values
        if let afterID { conditions.append("u.id > \(p.bind(.int(Int(afterID))))") }
        let limitParam = p.bind(.int(limit))
        let rows = try conn.query("SELECT \(UserRow.columns) FROM users u WHERE \(conditions.joined(separator: " AND ")) ORDER BY u.id LIMIT \(limitParam)",
                                  p.values).map(UserRow.init)
        let total = countTotal ? try conn.query("SELECT count(*) AS n FROM users u WHERE \(filter)", countParams).first!.int("n") : nil
        return (rows, total)
    }

    public static func insertUser(_ conn: Connection, email: String, passwordHash: String, firstName: String, lastName: String,
                                  phone: String?, role: Role, locale: String = MessageLocale.fallback) throws -> Int64 {
        try conn.query("""
            INSERT INTO users (email, password_hash, first_name, last_name, phone, role, locale)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """, [.text(email), .text(passwordHash), .text(firstName), .text(lastName), phone.map { .text($0) },
                  .text(role.rawValue), .text(locale)]).first!.id("id")
    }

    /// The given columns of a live user (nothing when `update` is empty).
    public static func updateLiveUser(_ conn: Connection, _ id: Int64, _ update: UpdateBuilder) throws {
        guard !update.isEmpty else { return }
        _ = try conn.query("UPDATE users SET \(update.sql) WHERE id = $1 AND deleted_at IS NULL", [.int(Int(id))] + update.parameters)
    }

    /// The given columns of a user; `endSessions` also bumps the token version.
    public static func updateUser(_ conn: Connection, _ id: Int64, _ update: UpdateBuilder, endSessions: Bool) throws {
        guard !update.isEmpty else { return }
        let bump = endSessions ? ", token_version = token_version + 1" : ""
        _ = try conn.query("UPDATE users SET \(update.sql)\(bump) WHERE id = $1", [.int(Int(id))] + update.parameters)
    }

    /// Role and activity of a live user, the row locked for the change.
    public static func lockAccess(_ conn: Connection, _ id: Int64) throws -> (role: Role, isActive: Bool)? {
        guard let r = try conn.query("SELECT role, is_active FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE",
                                     [.int(Int(id))]).first else { return nil }
        return (Role(rawValue: try r.string("role")) ?? .CLIENT, try r.bool("is_active"))
    }

    /// Soft delete: nothing identifying remains, no password matches '!',
    /// tokens stop working. False when there is no live user `id`.
    public static func anonymize(_ conn: Connection, _ id: Int64, at now: Instant) throws -> Bool {
        try conn.query("""
            UPDATE users SET email = 'deleted-' || id || '@deleted.invalid', first_name = 'Deleted', last_name = 'User',
                   phone = NULL, password_hash = '!', is_active = false, notify_by_email = false, notify_by_sms = false,
                   deleted_at = $2, token_version = token_version + 1
            WHERE id = $1 AND deleted_at IS NULL
            """, [.int(Int(id)), now.postgresValue]).affectedRows == 1
    }

    /// The patient profile of a user, locked for a change.
    public static func lockPatient(ofUser userID: Int64, _ conn: Connection) throws -> Int64? {
        try conn.query("SELECT id FROM patients WHERE user_id = $1 FOR UPDATE", [.int(Int(userID))]).first?.id("id")
    }

    public static func updatePatient(_ conn: Connection, _ id: Int64, _ update: UpdateBuilder) throws {
        guard !update.isEmpty else { return }
        _ = try conn.query("UPDATE patients SET \(update.sql) WHERE id = $1", [.int(Int(id))] + update.parameters)
    }

    public static func user(_ conn: Connection, _ id: Int64) throws -> UserRow? {
        try conn.query("SELECT \(UserRow.columns) FROM users u WHERE u.id = $1", [.int(Int(id))]).first.map(UserRow.init)
    }

    /// A new CLIENT account with its patient profile.
    public static func registerPatient(_ conn: Connection, email: String, passwordHash: String, firstName: String, lastName: String,
                                       phone: String?, dateOfBirth: LocalDate, gender: String, address: String,
                                       emergencyContact: String, emergencyPhone: String,
                                       locale: String = MessageLocale.fallback) throws -> Int64 {
        let userID = try insertUser(conn, email: email, passwordHash: passwordHash, firstName: firstName, lastName: lastName,
                                    phone: phone, role: .CLIENT, locale: locale)
        try insertPatientProfile(conn, userID: userID, dateOfBirth: dateOfBirth, gender: gender, address: address,
                                 emergencyContact: emergencyContact, emergencyPhone: emergencyPhone)
        return userID
    }

    /// The patient profile of an existing user; returns its id. A nil date of
    /// birth is stored as unknown (a CLIENT created by staff without one).
    @discardableResult
    public static func insertPatientProfile(_ conn: Connection, userID: Int64, dateOfBirth: LocalDate?, gender: String = "UNDISCLOSED",
                                            address: String = "", emergencyContact: String = "", emergencyPhone: String = "",
                                            notes: String = "") throws -> Int64 {
        try conn.query("""
            INSERT INTO patients (user_id, date_of_birth, gender, address, emergency_contact, emergency_phone, notes)
            VALUES ($1, $2::date, $3, $4, $5, $6, $7) RETURNING id
            """, [.int(Int(userID)), dateOfBirth.map { .text($0.iso) }, .text(gender), .text(address), .text(emergencyContact),
                  .text(emergencyPhone), .text(notes)]).first!.id("id")
    }

    /// A patient profile (date of birth unknown) for a user who has none and
    /// is not a doctor: a user made CLIENT becomes someone staff can book for.
    public static func ensurePatientProfile(_ conn: Connection, userID: Int64) throws {
        _ = try conn.query("""
            INSERT INTO patients (user_id)
            SELECT $1::int8 WHERE NOT EXISTS (SELECT 1 FROM doctors WHERE user_id = $1::int8)
            ON CONFLICT (user_id) DO NOTHING
            """, [.int(Int(userID))])
    }

    /// Who a password-reset email goes to, with the clinic's name for its text.
    public struct ResetRecipient: Sendable {
        public var userID: Int64
        public var firstName: String
        public var locale: String?
        public var clinicName: String?
    }

    /// The active account of `email`, if any (the clinic's name in the same statement).
    public static func resetRecipient(_ conn: Connection, email: String) throws -> ResetRecipient? {
        try conn.query("""
            SELECT id, first_name, locale, (SELECT clinic_name FROM system_settings LIMIT 1) AS clinic_name
              FROM users WHERE email = $1 AND deleted_at IS NULL AND is_active
            """, [.text(email)]).first.map {
            ResetRecipient(userID: try $0.id("id"), firstName: try $0.string("first_name"), locale: try $0.optionalString("locale"),
                           clinicName: try $0.optionalString("clinic_name"))
        }
    }

    /// A new password hash; `endSessions` also bumps the token version.
    public static func setPasswordHash(_ conn: Connection, _ id: Int64, _ hash: String, endSessions: Bool) throws {
        if endSessions {
            _ = try conn.query("UPDATE users SET password_hash = $2, token_version = token_version + 1 WHERE id = $1",
                               [.int(Int(id)), .text(hash)])
        } else {
            _ = try conn.query("UPDATE users SET password_hash = $2 WHERE id = $1", [.int(Int(id)), .text(hash)])
        }
    }

    /// The not-deleted account of `email` with its password hash (login).
    public static func credentials(_ conn: Connection, email: String) throws -> (user: UserRow, passwordHash: String)? {
        try conn.query("SELECT \(UserRow.columns), u.password_hash FROM users u WHERE u.email = $1 AND u.deleted_at IS NULL",
                       [.text(email)]).first.map { (try UserRow($0), try $0.string("password_hash")) }
    }

    /// Email and password hash of a not-deleted account (changePassword).
    public static func passwordOf(_ conn: Connection, _ id: Int64) throws -> (email: String, hash: String)? {
        try conn.query("SELECT email, password_hash FROM users WHERE id = $1 AND deleted_at IS NULL AND email IS NOT NULL", [.int(Int(id))])
            .first.map { (email: try $0.string("email"), hash: try $0.string("password_hash")) }
    }

    public static func patientExists(_ conn: Connection, _ id: Int64) throws -> Bool {
        try conn.query("SELECT 1 FROM patients WHERE id = $1", [.int(Int(id))]).first != nil
    }

    /// A user by id if the viewer may know of them: staff see every user;
    /// others themselves, doctors (public), and the patients of the
    /// appointments they attend.
    public static func visibleUser(_ conn: Connection, _ id: Int64, viewer: Viewer?) throws -> UserRow? {
        var p = SQLParams()
        let idParam = p.bind(.int(Int(id)))
        var vis = "EXISTS (SELECT 1 FROM doctors xd WHERE xd.user_id = u.id)"
        if let viewer {
            if viewer.isStaff { vis = "TRUE" } else {
                vis += " OR u.id = \(p.bind(.int(Int(viewer.userID))))"
                if let did = viewer.doctorID {
                    vis += " OR EXISTS (SELECT 1 FROM patients xp JOIN appointments xa ON xa.patient_id = xp.id "
                        + "WHERE xp.user_id = u.id AND xa.doctor_id = \(p.bind(.int(Int(did)))))"
                }
            }
        }
        return try conn.query("SELECT \(UserRow.columns) FROM users u WHERE u.id = \(idParam) AND u.deleted_at IS NULL AND (\(vis))",
                              p.values).first.map(UserRow.init)
    }

    /// The state tokens are checked against; nil for an unknown or deleted user.
    public static func viewerState(_ conn: Connection, userID: Int64) throws -> ViewerState? {
        let r = try conn.query("""
            SELECT u.role, u.is_active, u.token_version, u.email, u.first_name, u.last_name,
                   (SELECT p.id FROM patients p WHERE p.user_id = u.id) AS patient_id,
                   (SELECT d.id FROM doctors d WHERE d.user_id = u.id) AS doctor_id
            FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL
            """, [.int(Int(userID))])
        guard let row = r.first else { return nil }
        return ViewerState(role: Role(rawValue: try row.string("role")) ?? .CLIENT, isActive: try row.bool("is_active"),
                           tokenVersion: try row.int("token_version"),
                           patientID: try row.optionalInt("patient_id").map(Int64.init),
                           doctorID: try row.optionalInt("doctor_id").map(Int64.init),
                           email: try row.optionalString("email"), firstName: try row.string("first_name"),
                           lastName: try row.string("last_name"))
    }
}

/// The user state an access token is checked against on every request.
public struct ViewerState: Sendable, Equatable {
    public var role: Role
    public var isActive: Bool
    public var tokenVersion: Int
    public var patientID: Int64?
    public var doctorID: Int64?
    /// The user's `UserColumns.names`, read in the same statement: `me` asked only those (a page
    /// header) is answered from here. Whoever changes them drops the cached state (`ViewerCache`).
    public var email: String?
    public var firstName: String
    public var lastName: String
    public init(role: Role, isActive: Bool, tokenVersion: Int, patientID: Int64?, doctorID: Int64?,
                email: String?, firstName: String, lastName: String) {
        self.role = role; self.isActive = isActive; self.tokenVersion = tokenVersion
        self.patientID = patientID; self.doctorID = doctorID
        self.email = email; self.firstName = firstName; self.lastName = lastName
    }
}

// MARK: - Patients at the front desk

/// A patient as staff register them (`registerPatient`).
public struct FrontDeskPatient: Sendable {
    public var email: String?
    public var firstName: String, lastName: String
    public var phone: String
    public var locale: String
    public var dateOfBirth: LocalDate
    public var gender: String, address: String, emergencyContact: String, emergencyPhone: String, notes: String
    public init(email: String?, firstName: String, lastName: String, phone: String, locale: String, dateOfBirth: LocalDate,
                gender: String, address: String, emergencyContact: String, emergencyPhone: String, notes: String) {
        self.email = email; self.firstName = firstName; self.lastName = lastName; self.phone = phone; self.locale = locale
        self.dateOfBirth = dateOfBirth; self.gender = gender; self.address = address; self.emergencyContact = emergencyContact
        self.emergencyPhone = emergencyPhone; self.notes = notes
    }
}

extension UserStore {
    /// Serializes the registrations and edits that could give two patients the
    /// same (phone digits, date of birth) until the transaction ends, so the
    /// duplicate check below holds under concurrency.
    public static func lockPatientIdentity(_ conn: Connection, phoneDigits: String, dateOfBirth: LocalDate) throws {
        _ = try conn.query("SELECT pg_advisory_xact_lock(hashtext('patient-identity:' || $1 || ':' || $2)::int8) AS locked",
                           [.text(phoneDigits), .text(dateOfBirth.iso)])
    }

    /// A live patient other than `except` whose phone has these digits and who was born that day.
    public static func duplicatePatient(_ conn: Connection, phoneDigits: String, dateOfBirth: LocalDate, except: Int64?) throws -> Int64? {
        try conn.query("""
            SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id
             WHERE p.date_of_birth = $1::date AND phone_digits(u.phone) = $2 AND u.deleted_at IS NULL AND p.id <> $3
             ORDER BY p.id LIMIT 1
            """, [.text(dateOfBirth.iso), .text(phoneDigits), .int(Int(except ?? 0))]).first?.id("id")
    }

    /// A CLIENT account with its patient profile; without email it has no
    /// login ('!' matches no password) until the account is claimed. Returns the patient id.
    public static func insertFrontDeskPatient(_ conn: Connection, _ p: FrontDeskPatient) throws -> Int64 {
        let userID = try conn.query("""
            INSERT INTO users (email, password_hash, first_name, last_name, phone, role, locale)
            VALUES ($1, '!', $2, $3, $4, 'CLIENT', $5) RETURNING id
            """, [p.email.map { .text($0) }, .text(p.firstName), .text(p.lastName), .text(p.phone), .text(p.locale)]).first!.id("id")
        return try insertPatientProfile(conn, userID: userID, dateOfBirth: p.dateOfBirth, gender: p.gender, address: p.address,
                                        emergencyContact: p.emergencyContact, emergencyPhone: p.emergencyPhone, notes: p.notes)
    }

    /// A patient of a live user, locked with its user for an edit: who the
    /// user is, and the phone and date of birth the duplicate check starts from.
    public struct PatientAccount: Sendable {
        public var userID: Int64
        public var role: Role
        public var phone: String?
        /// Nil while unknown.
        public var dateOfBirth: LocalDate?
    }

    public static func lockPatientAccount(_ conn: Connection, patientID: Int64) throws -> PatientAccount? {
        try conn.query("""
            SELECT u.id AS user_id, u.role, u.phone, p.date_of_birth::text AS date_of_birth
              FROM patients p JOIN users u ON u.id = p.user_id
             WHERE p.id = $1 AND u.deleted_at IS NULL
               FOR UPDATE
            """, [.int(Int(patientID))]).first.map {
            PatientAccount(userID: try $0.id("user_id"), role: Role(rawValue: try $0.string("role")) ?? .CLIENT,
                           phone: try $0.optionalString("phone"), dateOfBirth: try $0.optionalLocalDate("date_of_birth"))
        }
    }
}
