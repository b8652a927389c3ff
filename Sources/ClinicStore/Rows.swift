// Rows as loaded from PostgreSQL: each type's column list, its decoding, and
// its relationship to a viewer decided from columns loaded with the row (so
// authorization never needs a query per object). Resolvers reads their fields.
import ClinicDomain
import Postgres

extension Row {
    public func id(_ column: String) throws -> Int64 { Int64(try int(column)) }
    public func optionalID(_ column: String) throws -> Int64? { try optionalInt(column).map(Int64.init) }
    public func instant(_ column: String) throws -> Instant { try decode(Instant.self, column) }
    public func optionalInstant(_ column: String) throws -> Instant? { try decode(Instant.self, column) }
    public func localDate(_ column: String) throws -> LocalDate {
        let text = try string(column)
        guard let d = LocalDate(iso: text) else { throw PostgresError.decoding("\(column): not a date: \(text)") }
        return d
    }
    public func optionalLocalDate(_ column: String) throws -> LocalDate? {
        try optionalString(column) == nil ? nil : localDate(column)
    }

    public func localTime(_ column: String) throws -> LocalTime {
        let text = try string(column)
        guard let t = LocalTime(iso: String(text.prefix(5))) else { throw PostgresError.decoding("\(column): not a time: \(text)") }
        return t
    }

    // By position (`Row.positions(ColumnLayout)`), for the rows every page decodes.
    public func id(at p: Int) throws -> Int64 { Int64(try int(at: p)) }
    public func optionalID(at p: Int) throws -> Int64? { try optionalInt(at: p).map(Int64.init) }
    public func instant(at p: Int) throws -> Instant {
        try withBytes(at: p) { bytes in
            guard let bytes else { throw PostgresError.decoding("column \"\(columns[p])\" is NULL, expected Instant") }
            guard let value = Instant(postgresBytes: bytes) else {
                throw PostgresError.decoding("column \"\(columns[p])\": not a timestamptz: \(String(decoding: bytes.prefix(40), as: UTF8.self))")
            }
            return value
        }
    }
    public func localDate(at p: Int) throws -> LocalDate {
        let text = try string(at: p)
        guard let d = LocalDate(iso: text) else { throw PostgresError.decoding("\(columns[p]): not a date: \(text)") }
        return d
    }
    public func optionalLocalDate(at p: Int) throws -> LocalDate? {
        optionalString(at: p) == nil ? nil : try localDate(at: p)
    }
    public func localTime(at p: Int) throws -> LocalTime {
        let text = try string(at: p)
        guard let t = LocalTime(iso: String(text.prefix(5))) else { throw PostgresError.decoding("\(columns[p]): not a time: \(text)") }
        return t
    }
}

// MARK: - People

/// A to-one relation joined into its parent's statement: `columns` (a row type's column list,
/// written for the table alias `alias`) for the alias `joinAlias`, each column named
/// `<joinAlias>_<name>`, so `Row.prefixed("<joinAlias>_")` decodes it with the row type's own
/// decoder. `u.email` becomes `pu.email AS pu_email`; subselects keep their inner aliases.
/// `known` gives columns the statement already has by name (`doctor_id` of a doctor's user is
/// `d.id`), instead of a subselect per row.
public func joinedColumns(_ columns: String, alias: String, as joinAlias: String,
                          replacing known: [String: String] = [:]) -> String {
    var items: [String] = [], current = "", depth = 0
    for c in columns {
        if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
        if c == "," && depth == 0 { items.append(current); current = "" } else { current.append(c) }
    }
    items.append(current)
    return items.map { raw -> String in
        let item = raw.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        var expr = item, name = item
        if let r = item.ranges(of: " AS ").last {
            expr = String(item[..<r.lowerBound]); name = String(item[r.upperBound...])
        } else if let dot = item.lastIndex(of: ".") {
            name = String(item[item.index(after: dot)...])
        }
        return "\(known[name] ?? renameAlias(expr, alias, joinAlias)) AS \(joinAlias)_\(name)"
    }.joined(separator: ", ")
}

/// `expr` with every `alias.` that starts a name replaced by `newAlias.`.
private func renameAlias(_ expr: String, _ alias: String, _ newAlias: String) -> String {
    let chars = Array(expr), pattern = Array(alias + ".")
    var out = "", i = 0
    while i < chars.count {
        let startsName = i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_" || chars[i - 1] == ".")
        if startsName, i + pattern.count <= chars.count, Array(chars[i ..< i + pattern.count]) == pattern {
            out += newAlias + "."; i += pattern.count
        } else {
            out.append(chars[i]); i += 1
        }
    }
    return out
}

/// Which of a user's columns a statement reads: all, or what a list of people shows (a third of
/// the width; the doctors list's statement alone ran ~1.6x as fast with its users' names only).
public enum UserColumns: Sendable, Equatable {
    case all, names
    /// `names` without the email, when nobody asked for it (a public list of doctors): an email is
    /// longer than a name, a string made per row for nothing.
    case namesWithoutEmail
}

/// A class, not a struct: rows travel through the executor as `any Sendable` and are cast back
/// per parent and per guard; a reference is retained on such a copy, a struct with a dozen
/// strings was copied field by field (bench/graphql-http, issue 20). Set only while decoding.
public final class UserRow: @unchecked Sendable {
    public var id: Int64
    /// Nil for a patient registered by staff without one (no login until claimed).
    public var email: String?
    public var firstName: String
    public var lastName: String
    public var phone: String?
    public var role: Role
    public var isActive: Bool
    public var notifyByEmail: Bool
    public var notifyBySms: Bool
    public var tokenVersion: Int
    public var locale: String
    /// An email and a password hash that a password can match.
    public var hasLogin: Bool
    public var createdAt: Instant
    public var updatedAt: Instant
    /// The patient profile's id; meaningful only when `patientIDKnown`.
    public var patientID: Int64?
    /// The doctor profile's id; meaningful only when `doctorIDKnown`.
    public var doctorID: Int64?
    /// False for a user joined into a doctor's statement, which does not look up a patient profile
    /// per row (most such users have none, and most queries do not ask): `User.patient` looks it up
    /// by user id when asked (`ClinicLoad.patientsOfUsers`).
    public var patientIDKnown = true
    /// False for a user joined into a patient's statement (see `patientIDKnown`): `User.doctor`
    /// looks it up by user id (`ClinicLoad.doctorsOfUsers`).
    public var doctorIDKnown = true
    /// The patient profile, when the statement that loaded the row joined it (`User.patient` then
    /// reads no more).
    public var patient: PatientRow?
    /// Loaded with `UserColumns.names` only: id, email and names are the row's, everything else
    /// is a placeholder that `UserRow.namesFields` keeps from being answered.
    public private(set) var onlyNames = false
    /// With `onlyNames`: `role` and `isActive` are the row's too (`names(of:)`).
    public private(set) var accessKnown = false
    /// False for a row of `UserColumns.namesWithoutEmail`: `email` is not the user's.
    public private(set) var emailKnown = true

    public static let columns = """
        u.id, u.email, u.first_name, u.last_name, u.phone, u.role, u.is_active, u.notify_by_email, u.notify_by_sms,
        u.token_version, u.locale, (u.email IS NOT NULL AND u.password_hash LIKE '$%') AS has_login, u.created_at, u.updated_at,
        (SELECT p.id FROM patients p WHERE p.user_id = u.id) AS patient_id,
        (SELECT d.id FROM doctors d WHERE d.user_id = u.id) AS doctor_id
        """

    static let layout = ColumnLayout(["id", "email", "first_name", "last_name", "phone", "role", "is_active", "notify_by_email",
                                      "notify_by_sms", "token_version", "locale", "has_login", "created_at", "updated_at",
                                      "patient_id", "doctor_id"])

    public init(_ r: Row) throws {
        let c = try r.positions(Self.layout)
        id = try r.id(at: c[0]); email = r.optionalString(at: c[1]); firstName = try r.string(at: c[2])
        lastName = try r.string(at: c[3]); phone = r.optionalString(at: c[4])
        role = Role(rawValue: try r.string(at: c[5])) ?? .CLIENT
        isActive = try r.bool(at: c[6]); notifyByEmail = try r.bool(at: c[7]); notifyBySms = try r.bool(at: c[8])
        tokenVersion = try r.int(at: c[9]); locale = try r.string(at: c[10]); hasLogin = try r.bool(at: c[11])
        createdAt = try r.instant(at: c[12]); updatedAt = try r.instant(at: c[13])
        patientID = try r.optionalID(at: c[14]); doctorID = try r.optionalID(at: c[15])
    }

    /// `UserColumns.names`: what most lists show of a person.
    public static let nameColumns = "u.id, u.email, u.first_name, u.last_name"
    static let namesLayout = ColumnLayout(["id", "email", "first_name", "last_name"])
    /// `UserColumns.namesWithoutEmail`.
    public static let nameColumnsWithoutEmail = "u.id, u.first_name, u.last_name"
    static let namesWithoutEmailLayout = ColumnLayout(["id", "first_name", "last_name"])

    /// A row of `nameColumns`; the profiles are looked up by user id when asked.
    public static func namesOnly(_ r: Row) throws -> UserRow { try UserRow(namesOf: r) }

    fileprivate convenience init(namesOf r: Row) throws {
        let c = try r.positions(Self.namesLayout)
        self.init(names: try r.id(at: c[0]), email: r.optionalString(at: c[1]), firstName: try r.string(at: c[2]),
                  lastName: try r.string(at: c[3]))
    }

    fileprivate convenience init(namesWithoutEmailOf r: Row) throws {
        let c = try r.positions(Self.namesWithoutEmailLayout)
        self.init(names: try r.id(at: c[0]), email: nil, firstName: try r.string(at: c[1]), lastName: try r.string(at: c[2]))
        emailKnown = false
    }

    /// The viewer's own names and access as they were checked (`ViewerState`), with the ids of
    /// their profiles: `me` asked only `viewerStateFields` reads no statement.
    public static func names(of state: ViewerState, userID: Int64) -> UserRow {
        let user = UserRow(names: userID, email: state.email, firstName: state.firstName, lastName: state.lastName)
        user.patientID = state.patientID; user.doctorID = state.doctorID
        user.patientIDKnown = true; user.doctorIDKnown = true
        user.role = state.role; user.isActive = state.isActive
        user.accessKnown = true
        return user
    }

    /// The `User` fields a row of `names(of:)` answers.
    public static let viewerStateFields = namesFields.union(["role", "isActive"])

    private init(names id: Int64, email: String?, firstName: String, lastName: String) {
        self.id = id; self.email = email; self.firstName = firstName; self.lastName = lastName
        phone = nil; role = .CLIENT; isActive = false; notifyByEmail = false; notifyBySms = false; tokenVersion = 0
        locale = ""; hasLogin = false; createdAt = Instant(microsecondsSinceEpoch: 0); updatedAt = createdAt
        patientIDKnown = false; doctorIDKnown = false
        onlyNames = true
    }

    /// The `User` fields a row of `nameColumns` answers (relations look their rows up by user id).
    public static let namesFields: Set<String> = ["__typename", "id", "email", "firstName", "lastName", "fullName", "patient", "doctor"]

    /// Decodes a row of `columns` (`.all`), `nameColumns` (`.names`) or `nameColumnsWithoutEmail`.
    static func decoder(_ columns: UserColumns) -> @Sendable (Row) throws -> UserRow {
        switch columns {
        case .all: return { try UserRow($0) }
        case .names: return { try UserRow(namesOf: $0) }
        case .namesWithoutEmail: return { try UserRow(namesWithoutEmailOf: $0) }
        }
    }

    public var fullName: String { "\(firstName) \(lastName)" }

    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == id }
    public func isTreatedBy(_ viewer: Viewer) -> Bool { false }

    /// The patient profile's columns for a lookup `patients up` by `u.id`, in a subquery `jp`.
    static let patientColumns = joinedColumns(PatientRow.columns, alias: "p", as: "up")
    /// Its identity only, with and without (`PatientRow.treatingDoctorIDsKnown`) its treating doctors.
    static let patientIdentityColumns = joinedColumns(PatientRow.identityColumns, alias: "p", as: "up")
    static let patientIdentityColumnsUntreated = joinedColumns(PatientRow.identityColumns, alias: "p", as: "up",
                                                               replacing: ["treating_doctor_ids": "'{}'::int8[]"])
}

/// A class, not a struct: rows travel through the executor as `any Sendable` and are cast back
/// per parent and per guard; a reference is retained on such a copy, a struct with a dozen
/// strings was copied field by field (bench/graphql-http, issue 20). Set only while decoding.
public final class PatientRow: @unchecked Sendable {
    public var id: Int64
    public var userID: Int64
    /// Nil while unknown (a CLIENT created by staff without one, migration 0021).
    public var dateOfBirth: LocalDate?
    public var gender: String
    public var address: String
    public var emergencyContact: String
    public var emergencyPhone: String
    public var medicalHistory: String
    public var allergies: String
    /// Front-desk notes (ADMIN only).
    public var notes: String
    /// Doctors with any appointment of this patient: who counts as treating. Empty and not known
    /// (`treatingDoctorIDsKnown`) when the statement was made for a viewer who is not a doctor,
    /// the only viewers `isTreatedBy` asks it of.
    public var treatingDoctorIDs: [Int64]
    public var treatingDoctorIDsKnown = true
    /// The user, when the statement that loaded the row joined it (`Patient.user` then reads no more).
    public var user: UserRow?
    /// Loaded with `identityColumns` only (id, user and treating doctors): every other field is a
    /// placeholder that `PatientRow.identityFields` keeps from being answered.
    public private(set) var identityOnly = false

    public static let columns = """
        p.id, p.user_id, p.date_of_birth::text AS date_of_birth, p.gender, p.address, p.emergency_contact,
        p.emergency_phone, p.medical_history, p.allergies, p.notes,
        ARRAY(SELECT pd.doctor_id FROM patient_doctors pd WHERE pd.patient_id = p.id) AS treating_doctor_ids
        """

    static let layout = ColumnLayout(["id", "user_id", "date_of_birth", "gender", "address", "emergency_contact", "emergency_phone",
                                      "medical_history", "allergies", "notes", "treating_doctor_ids"])

    public init(_ r: Row) throws {
        let c = try r.positions(Self.layout)
        id = try r.id(at: c[0]); userID = try r.id(at: c[1]); dateOfBirth = try r.optionalLocalDate(at: c[2])
        gender = try r.string(at: c[3]); address = try r.string(at: c[4]); emergencyContact = try r.string(at: c[5])
        emergencyPhone = try r.string(at: c[6]); medicalHistory = try r.string(at: c[7])
        allergies = try r.string(at: c[8]); notes = try r.string(at: c[9])
        treatingDoctorIDs = try r.intArray(at: c[10]).map(Int64.init)
    }

    /// What a list that shows a patient's user (and relations) needs: who the patient is and who
    /// treats them, for the rules.
    public static let identityColumns = "p.id, p.user_id, ARRAY(SELECT pd.doctor_id FROM patient_doctors pd WHERE pd.patient_id = p.id) AS treating_doctor_ids"
    static let identityLayout = ColumnLayout(["id", "user_id", "treating_doctor_ids"])

    /// The `Patient` fields a row of `identityColumns` answers (the others are the patient's data).
    public static let identityFields: Set<String> = ["__typename", "id", "user", "noShowCount", "appointments"]

    /// A row of `identityColumns`.
    public static func identity(_ r: Row) throws -> PatientRow { try PatientRow(identityOf: r) }

    /// A patient's identity known without a statement (the viewer's own profile), its treating
    /// doctors not looked up (`treatingDoctorIDsKnown` false: only doctors' rules ask for them).
    public static func identity(id: Int64, userID: Int64) -> PatientRow {
        let row = PatientRow(identity: id, userID: userID, treatingDoctorIDs: [])
        row.treatingDoctorIDsKnown = false
        return row
    }

    private convenience init(identityOf r: Row) throws {
        let c = try r.positions(Self.identityLayout)
        self.init(identity: try r.id(at: c[0]), userID: try r.id(at: c[1]), treatingDoctorIDs: try r.intArray(at: c[2]).map(Int64.init))
    }

    private init(identity id: Int64, userID: Int64, treatingDoctorIDs: [Int64]) {
        self.id = id; self.userID = userID; self.treatingDoctorIDs = treatingDoctorIDs
        dateOfBirth = nil; gender = ""; address = ""; emergencyContact = ""; emergencyPhone = ""; medicalHistory = ""
        allergies = ""; notes = ""
        identityOnly = true
    }

    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == userID }
    public func isTreatedBy(_ viewer: Viewer) -> Bool {
        guard let d = viewer.doctorID else { return false }
        // Rows loaded without the list are loaded for viewers who are not doctors; should one reach
        // a doctor, it denies rather than guesses.
        return treatingDoctorIDsKnown && treatingDoctorIDs.contains(d)
    }
}

/// A class, not a struct: rows travel through the executor as `any Sendable` and are cast back
/// per parent and per guard; a reference is retained on such a copy, a struct with a dozen
/// strings was copied field by field (bench/graphql-http, issue 20). Set only while decoding.
public final class DoctorRow: @unchecked Sendable {
    public var id: Int64
    public var userID: Int64
    public var licenseNumber: String
    public var specialization: String
    public var experienceYears: Int
    public var consultationFee: String
    public var bio: String
    public var isAvailable: Bool
    /// For messages: "Dr. García".
    public var lastName: String
    /// The user, when the statement that loaded the row joined it (`Doctor.user` then reads no more).
    public var user: UserRow?
    /// Minutes kept free before and after each appointment (issue #17).
    public var buffers: Buffers
    /// Loaded with `listColumnsWithUser` only: the licence number, experience, bio and buffers
    /// were not read, and fields that need them fail rather than answer placeholders.
    public private(set) var onlyListColumns = false

    public static let columns = columns(lastName: "(SELECT u.last_name FROM users u WHERE u.id = d.user_id)")

    /// The `Doctor` fields a row of `listColumnsWithUser` answers: what a public doctor list shows.
    public static let listFields: Set<String> = ["__typename", "id", "specialization", "consultationFee", "isAvailable", "user"]
    /// What a page selects from `doctors d` when it asks only `listFields` (the inner page).
    static let listPageColumns = "d.id, d.user_id, d.specialization, d.consultation_fee, d.is_available"
    /// The columns of such a page with its user joined as `ju` (the `columnsWithUser` of a list).
    static let listColumnsWithUser = """
        d.id, d.user_id, d.specialization, d.consultation_fee::text AS consultation_fee, d.is_available,
        ju.du_last_name AS doctor_last_name
        """
    static let listLayout = ColumnLayout(["id", "user_id", "specialization", "consultation_fee", "is_available", "doctor_last_name"])

    /// `columns` for a statement that joins the user as `userColumns` in a subquery `ju`.
    public static let columnsWithUser = columns(lastName: "ju.du_last_name")

    private static func columns(lastName: String) -> String {
        """
        d.id, d.user_id, d.license_number, d.specialization, d.experience_years, d.consultation_fee::text AS consultation_fee,
        d.bio, d.is_available, \(lastName) AS doctor_last_name, d.buffer_before_minutes, d.buffer_after_minutes
        """
    }

    static let layout = ColumnLayout(["id", "user_id", "license_number", "specialization", "experience_years", "consultation_fee",
                                      "bio", "is_available", "doctor_last_name", "buffer_before_minutes", "buffer_after_minutes"])

    public init(_ r: Row) throws {
        let c = try r.positions(Self.layout)
        id = try r.id(at: c[0]); userID = try r.id(at: c[1]); licenseNumber = try r.string(at: c[2])
        specialization = try r.string(at: c[3]); experienceYears = try r.int(at: c[4])
        consultationFee = try r.string(at: c[5]); bio = try r.string(at: c[6]); isAvailable = try r.bool(at: c[7])
        lastName = r.optionalString(at: c[8]) ?? ""
        buffers = Buffers(before: try r.int(at: c[9]), after: try r.int(at: c[10]))
    }

    /// A row of `listColumnsWithUser`.
    static func list(_ r: Row) throws -> DoctorRow { try DoctorRow(list: r.positions(Self.listLayout), r) }

    private init(list c: [Int], _ r: Row) throws {
        id = try r.id(at: c[0]); userID = try r.id(at: c[1]); specialization = try r.string(at: c[2])
        consultationFee = try r.string(at: c[3]); isAvailable = try r.bool(at: c[4]); lastName = r.optionalString(at: c[5]) ?? ""
        licenseNumber = ""; experienceYears = 0; bio = ""; buffers = Buffers(before: 0, after: 0)
        onlyListColumns = true
    }

    public var displayName: String { "Dr. \(lastName)" }

    /// The user's columns for a lookup `users du` by `d.user_id`.
    /// Its `doctor_id` is the doctor's; its patient profile is not looked up (`UserRow.patientIDKnown`).
    public static let userColumns = joinedColumns(UserRow.columns, alias: "u", as: "du",
                                                  replacing: ["doctor_id": "d.id", "patient_id": "NULL::bigint"])
    static let userNameColumns = joinedColumns(UserRow.nameColumns, alias: "u", as: "du")
    static let userNameColumnsWithoutEmail = joinedColumns(UserRow.nameColumnsWithoutEmail, alias: "u", as: "du")

    /// The joined user's columns (for a lookup `users du` by `d.user_id`), as `columns` asks.
    public static func userColumns(_ columns: UserColumns) -> String {
        switch columns {
        case .all: return userColumns
        case .names: return userNameColumns
        case .namesWithoutEmail: return userNameColumnsWithoutEmail
        }
    }

    /// Decodes a row of `columnsWithUser` (`listColumnsWithUser` when `listOnly`) + `userColumns(columns)`.
    public static func withUser(_ columns: UserColumns, listOnly: Bool = false) -> (Row) throws -> DoctorRow {
        let decodeUser = UserRow.decoder(columns)
        if listOnly {
            return { r in
                let row = try DoctorRow.list(r)
                let user = try decodeUser(r.prefixed("du_"))
                user.patientIDKnown = false
                row.user = user
                return row
            }
        }
        return { r in try joined(r, user: r.prefixed("du_"), decodeUser) }
    }

    /// The doctor of `r` with, when `userRow` is given, its user joined from there (that user's
    /// patient profile is not looked up: `UserRow.patientIDKnown`).
    static func joined(_ r: Row, user userRow: Row?, _ decodeUser: (Row) throws -> UserRow) throws -> DoctorRow {
        let row = try DoctorRow(r)
        if let userRow {
            let user = try decodeUser(userRow)
            user.patientIDKnown = false
            row.user = user
        }
        return row
    }
}

public struct WorkingHoursRow: Sendable {
    public var doctorID: Int64
    public var weekday: Int
    public var start: LocalTime
    public var end: LocalTime
    public var slotMinutes: Int

    public static let columns = "w.doctor_id, w.weekday, w.start_time::text AS start_time, w.end_time::text AS end_time, w.slot_minutes"

    public init(_ r: Row) throws {
        doctorID = try r.id("doctor_id"); weekday = try r.int("weekday")
        start = try r.localTime("start_time"); end = try r.localTime("end_time"); slotMinutes = try r.int("slot_minutes")
    }
}

// MARK: - Appointments

/// A class, not a struct: rows travel through the executor as `any Sendable` and are cast back
/// per parent and per guard; a reference is retained on such a copy, a struct with a dozen
/// strings was copied field by field (bench/graphql-http, issue 20). Set only while decoding.
public final class AppointmentRow: @unchecked Sendable {
    public var id: Int64
    public var patientID: Int64
    public var doctorID: Int64
    public var patientUserID: Int64
    public var date: LocalDate
    public var time: LocalTime
    public var startsAt: Instant
    public var endsAt: Instant
    public var status: AppointmentStatus
    public var reason: String
    public var notes: String?
    /// The treating doctor's notes of the visit (never the patient's to read).
    public var clinicalNotes: String?
    public var cancellationReason: String?
    public var createdAt: Instant
    public var updatedAt: Instant
    /// The patient, when the statement that loaded the row joined it.
    public var patient: PatientRow?
    /// The doctor (with its user when asked), when the statement that loaded the row joined it:
    /// small pages only (`AppointmentJoins.doctor`).
    public var doctor: DoctorRow?

    public static let columns = columns(patientUserID: "(SELECT p.user_id FROM patients p WHERE p.id = a.patient_id)")

    private static func columns(patientUserID: String) -> String {
        """
        a.id, a.patient_id, a.doctor_id,
        \(patientUserID) AS patient_user_id,
        a.local_date::text AS local_date, a.local_time::text AS local_time, a.starts_at, a.ends_at, a.status,
        a.reason, a.notes, a.clinical_notes, a.cancellation_reason, a.created_at, a.updated_at
        """
    }

    /// `columns` for a statement that joins the patient as `jp`: its user id from there.
    static let columnsWithJoinedPatient = columns(patientUserID: "jp.pa_user_id")

    /// `columns` for a statement that shows `viewer` only rows of `viewer`'s own patient profile:
    /// a viewer who is a patient and neither staff nor a doctor (`ClinicLoad.appointmentVisibility`).
    /// Every row's patient user is then the viewer, bound once instead of looked up per row
    /// (~12 % of the patient dashboard's statement, bench/graphql-http/RESULTS.md).
    static func columns(for viewer: Viewer?, _ p: inout SQLParams) -> String {
        guard let viewer, ClinicLoad.seesOnlyOwnAppointments(viewer) else { return columns }
        return columns(patientUserID: "\(p.bind(.int(Int(viewer.userID))))::int8")
    }

    static let layout = ColumnLayout(["id", "patient_id", "doctor_id", "patient_user_id", "local_date", "local_time",
                                      "starts_at", "ends_at", "status", "reason", "notes", "clinical_notes", "cancellation_reason",
                                      "created_at", "updated_at"])

    public init(_ r: Row) throws {
        let c = try r.positions(Self.layout)
        id = try r.id(at: c[0]); patientID = try r.id(at: c[1]); doctorID = try r.id(at: c[2])
        patientUserID = try r.id(at: c[3])
        date = try r.localDate(at: c[4]); time = try r.localTime(at: c[5])
        startsAt = try r.instant(at: c[6]); endsAt = try r.instant(at: c[7])
        status = AppointmentStatus(rawValue: try r.string(at: c[8])) ?? .SCHEDULED
        reason = try r.string(at: c[9]); notes = r.optionalString(at: c[10])
        clinicalNotes = r.optionalString(at: c[11])
        cancellationReason = r.optionalString(at: c[12])
        createdAt = try r.instant(at: c[13]); updatedAt = try r.instant(at: c[14])
    }

    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == patientUserID }
    /// A doctor has one user and a user at most one doctor profile, so the viewer's doctor profile
    /// tells (no lookup of the doctor's user per row).
    public func isTreatedBy(_ viewer: Viewer) -> Bool { viewer.doctorID == doctorID }

    /// The joined patient's columns: whole or its identity only, with its treating doctors or (for a
    /// viewer who is not a doctor, a subselect per row fewer) without (`PatientRow.treatingDoctorIDsKnown`).
    static func patientColumns(identityOnly: Bool, treating: Bool) -> String {
        switch (identityOnly, treating) {
        case (false, true): return patientColumnsTreated
        case (false, false): return patientColumnsUntreated
        case (true, true): return patientIdentityColumnsTreated
        case (true, false): return patientIdentityColumnsUntreated
        }
    }
    static let patientColumnsTreated = joinedColumns(PatientRow.columns, alias: "p", as: "pa")
    static let patientColumnsUntreated = joinedColumns(PatientRow.columns, alias: "p", as: "pa",
                                                       replacing: ["treating_doctor_ids": "'{}'::int8[]"])
    static let patientIdentityColumnsTreated = joinedColumns(PatientRow.identityColumns, alias: "p", as: "pa")
    static let patientIdentityColumnsUntreated = joinedColumns(PatientRow.identityColumns, alias: "p", as: "pa",
                                                               replacing: ["treating_doctor_ids": "'{}'::int8[]"])
    /// Its `patient_id` is the patient's; its doctor profile is not looked up (`UserRow.doctorIDKnown`).
    static let patientUserColumns = joinedColumns(UserRow.columns, alias: "u", as: "pu",
                                                  replacing: ["patient_id": "pa.id", "doctor_id": "NULL::bigint"])
    static let patientUserNameColumns = joinedColumns(UserRow.nameColumns, alias: "u", as: "pu")

    /// The joined doctor's columns, its last name from its joined user when there is one.
    static let doctorColumns = joinedColumns(DoctorRow.columns, alias: "d", as: "da")
    static let doctorColumnsWithUser = joinedColumns(DoctorRow.columns, alias: "d", as: "da",
                                                     replacing: ["doctor_last_name": "du.last_name"])
    /// `DoctorRow.userColumns` for a doctor joined as `da`.
    static let doctorUserColumns = joinedColumns(UserRow.columns, alias: "u", as: "du",
                                                 replacing: ["doctor_id": "da.id", "patient_id": "NULL::bigint"])

    /// The columns (the row's own, then the joined ones) and joins of `joins`, for a statement over
    /// `appointments a`. Each relation is a LATERAL lookup by primary key kept from being flattened
    /// (OFFSET 0), so the planner reads one row per appointment of the page instead of hashing
    /// whole tables (bench/plans). A joined patient lists its treating doctors only when `viewer`
    /// is a doctor (the only viewer its rules ask that of).
    static func joinSQL(_ joins: AppointmentJoins, viewer: Viewer?, _ p: inout SQLParams) -> (columns: String, from: String) {
        var columns = joins.contains(.patient) ? columnsWithJoinedPatient : Self.columns(for: viewer, &p), from = ""
        if joins.contains(.patient) {
            let user = joins.contains(.patientUser)
            let patient = patientColumns(identityOnly: joins.contains(.patientIdentityOnly), treating: viewer?.doctorID != nil)
            let userColumns = joins.contains(.patientUserNamesOnly) ? patientUserNameColumns : patientUserColumns
            columns += ", jp.*"
            from += " CROSS JOIN LATERAL (SELECT \(patient)\(user ? ", " + userColumns : "") FROM patients pa"
                + (user ? " JOIN users pu ON pu.id = pa.user_id" : "") + " WHERE pa.id = a.patient_id OFFSET 0) jp"
        }
        if joins.contains(.doctor) {
            let user = joins.contains(.doctorUser)
            let userColumns = joins.contains(.doctorUserNamesOnly) ? DoctorRow.userNameColumns : doctorUserColumns
            columns += ", jd.*"
            from += " CROSS JOIN LATERAL (SELECT " + (user ? doctorColumnsWithUser + ", " + userColumns : doctorColumns)
                + " FROM doctors da" + (user ? " JOIN users du ON du.id = da.user_id" : "") + " WHERE da.id = a.doctor_id OFFSET 0) jd"
        }
        return (columns, from)
    }

    /// Decodes a row of `joinSQL(joins, viewer: viewer).columns`.
    static func decoder(_ joins: AppointmentJoins, viewer: Viewer?) -> @Sendable (Row) throws -> AppointmentRow {
        let treating = viewer?.doctorID != nil
        let decodeUser = UserRow.decoder(joins.contains(.patientUserNamesOnly) ? .names : .all)
        let identityOnly = joins.contains(.patientIdentityOnly)
        let decodeDoctorUser = UserRow.decoder(joins.contains(.doctorUserNamesOnly) ? .names : .all)
        return { r in
            let a = try AppointmentRow(r)
            if joins.contains(.patient) {
                let p = identityOnly ? try PatientRow.identity(r.prefixed("pa_")) : try PatientRow(r.prefixed("pa_"))
                p.treatingDoctorIDsKnown = treating
                if joins.contains(.patientUser) {
                    let user = try decodeUser(r.prefixed("pu_"))
                    user.doctorIDKnown = false
                    p.user = user
                }
                a.patient = p
            }
            if joins.contains(.doctor) {
                let user = joins.contains(.doctorUser) ? r.prefixed("du_") : nil
                a.doctor = try DoctorRow.joined(r.prefixed("da_"), user: user, decodeDoctorUser)
            }
            return a
        }
    }
}

/// To-one relations of appointments joined into the statement of their page (a user only with
/// its patient or doctor).
public struct AppointmentJoins: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let patient = AppointmentJoins(rawValue: 1)
    public static let patientUser = AppointmentJoins(rawValue: 2)
    /// With `patientUser`: the user's `UserColumns.names` only.
    public static let patientUserNamesOnly = AppointmentJoins(rawValue: 4)
    /// With `patient`: the patient's `PatientRow.identityColumns` only.
    public static let patientIdentityOnly = AppointmentJoins(rawValue: 8)
    /// The doctor: for statements of up to `doctorJoinLimit` rows (a page of 20 and the row that
    /// tells whether there is a next one). A larger page repeats few doctors across many rows, and
    /// loading each once by id (with its user) costs less than a copy per row: joined into the
    /// admin list of 100, PostgreSQL took ~400 -> ~600 us and our server ~950 -> ~1,100 us per
    /// request (bench/graphql-http/RESULTS.md).
    public static let doctor = AppointmentJoins(rawValue: 16)
    public static let doctorUser = AppointmentJoins(rawValue: 32)
    /// With `doctorUser`: the user's `UserColumns.names` only.
    public static let doctorUserNamesOnly = AppointmentJoins(rawValue: 64)
    public static let doctorJoinLimit = 21
}

// MARK: - Notifications, audit, settings, backups

public struct NotificationRow: Sendable {
    public var id: Int64
    public var userID: Int64
    public var appointmentID: Int64?
    public var channel: String
    public var kind: String
    public var subject: String
    public var body: String
    public var status: String
    public var attempts: Int
    public var lastError: String?
    public var scheduledAt: Instant
    public var sentAt: Instant?
    public var createdAt: Instant

    public static let columns = """
        n.id, n.user_id, n.appointment_id, n.channel, n.kind, n.subject, n.body, n.status, n.attempts, n.last_error,
        n.scheduled_at, n.sent_at, n.created_at
        """

    public init(_ r: Row) throws {
        id = try r.id("id"); userID = try r.id("user_id"); appointmentID = try r.optionalID("appointment_id")
        channel = try r.string("channel"); kind = try r.string("kind"); subject = try r.string("subject")
        body = try r.string("body"); status = try r.string("status"); attempts = try r.int("attempts")
        lastError = try r.optionalString("last_error"); scheduledAt = try r.instant("scheduled_at")
        sentAt = try r.optionalInstant("sent_at"); createdAt = try r.instant("created_at")
    }

    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == userID }
    public func isTreatedBy(_ viewer: Viewer) -> Bool { false }
}

public struct AuditEntryRow: Sendable {
    public var id: Int64
    public var at: Instant
    public var actorID: Int64?
    public var action: String
    public var targetID: String?
    public var details: String
    public var ip: String?

    public static let columns = "l.id, l.at, l.actor_id, l.action, l.target_id, l.details::text AS details, l.ip"

    public init(_ r: Row) throws {
        id = try r.id("id"); at = try r.instant("at"); actorID = try r.optionalID("actor_id")
        action = try r.string("action"); targetID = try r.optionalString("target_id")
        details = try r.string("details"); ip = try r.optionalString("ip")
    }
}

public struct SettingsRow: Sendable {
    public var clinicName: String
    public let timeZone: String
    /// `timeZone` as a zone (UTC when the name is unknown), looked up once per row read.
    public let zone: ClinicTimeZone
    public var cancellationWindowHours: Int
    public var reminderHoursBefore: Int
    public var bookingHorizonDays: Int
    public var defaultSlotMinutes: Int
    /// Notice, limits and the no-show stop (issue #17).
    public var rules: BookingRules
    public var reminders: ReminderPlan
    public var doctorAlert: DoctorAlertRule
    /// How long a waitlist offer holds its slot (minutes).
    public var waitlistHoldMinutes: Int
    /// Where a copy of each doctor alert goes (issue #17); nil: nowhere.
    public var frontDeskEmail: String?

    /// The columns `init` reads beyond the original six.
    static let ruleColumns = """
        minimum_notice_minutes, max_active_appointments_per_patient, no_show_limit, one_per_doctor_per_day,
        email_reminder_offsets_minutes::text AS email_reminder_offsets, sms_reminder_offsets_minutes::text AS sms_reminder_offsets,
        doctor_alert_hours, waitlist_hold_minutes, front_desk_email
        """

    public init(_ r: Row) throws {
        clinicName = try r.string("clinic_name"); timeZone = try r.string("time_zone")
        zone = ClinicTimeZone(identifier: timeZone) ?? ClinicTimeZone(identifier: "UTC")!
        cancellationWindowHours = try r.int("cancellation_window_hours"); reminderHoursBefore = try r.int("reminder_hours_before")
        bookingHorizonDays = try r.int("booking_horizon_days"); defaultSlotMinutes = try r.int("default_slot_minutes")
        rules = BookingRules(minimumNoticeMinutes: try r.int("minimum_notice_minutes"),
                             maxActiveAppointments: try r.int("max_active_appointments_per_patient"),
                             noShowLimit: try r.int("no_show_limit"), onePerDoctorPerDay: try r.bool("one_per_doctor_per_day"))
        /// `{1440,120}` as text: PostgreSQL's array literal.
        func offsets(_ column: String) throws -> [Int] {
            try r.string(column).split(whereSeparator: { $0 == "," || $0 == "{" || $0 == "}" }).compactMap { Int($0) }
        }
        reminders = ReminderPlan(email: try offsets("email_reminder_offsets"), sms: try offsets("sms_reminder_offsets"))
        doctorAlert = DoctorAlertRule(hours: try r.int("doctor_alert_hours"))
        waitlistHoldMinutes = try r.int("waitlist_hold_minutes")
        frontDeskEmail = try r.optionalString("front_desk_email")
    }

    public var cancellationWindow: CancellationWindow { CancellationWindow(hours: cancellationWindowHours) }
}

public struct BackupRow: Sendable {
    public var id: Int64
    public var createdAt: Instant
    public var fileName: String
    public var sizeBytes: Int

    public static let columns = "b.id, b.created_at, b.file_name, b.size_bytes"

    public init(_ r: Row) throws {
        id = try r.id("id"); createdAt = try r.instant("created_at"); fileName = try r.string("file_name")
        sizeBytes = try r.int("size_bytes")
    }
}
