// Rows as loaded from PostgreSQL, answering their plain fields themselves
// (FieldReadable: no resolver call, no query) and their relationship to the
// viewer (Owned: decided from columns loaded with the row).
import ClinicDomain
import Postgres
import Schema

extension Row {
    func id(_ column: String) throws -> Int64 { Int64(try int(column)) }
    func optionalID(_ column: String) throws -> Int64? { try optionalInt(column).map(Int64.init) }
    func instant(_ column: String) throws -> Instant { try decode(Instant.self, column) }
    func optionalInstant(_ column: String) throws -> Instant? { try decode(Instant.self, column) }
    func localDate(_ column: String) throws -> LocalDate {
        let text = try string(column)
        guard let d = LocalDate(iso: text) else { throw PostgresError.decoding("\(column): not a date: \(text)") }
        return d
    }
    func localTime(_ column: String) throws -> LocalTime {
        let text = try string(column)
        guard let t = LocalTime(iso: String(text.prefix(5))) else { throw PostgresError.decoding("\(column): not a time: \(text)") }
        return t
    }
}

extension ResolvedValue {
    static func string(_ s: String) -> ResolvedValue { .leaf(.string(s)) }
    static func optionalString(_ s: String?) -> ResolvedValue { s.map { .leaf(.string($0)) } ?? .null }
    static func bool(_ b: Bool) -> ResolvedValue { .leaf(.bool(b)) }
    static func int(_ i: Int) -> ResolvedValue { .leaf(.int(i)) }
    static func id(_ type: String, _ id: Int64) -> ResolvedValue { .leaf(.string(GlobalID.encode(type: type, id: id))) }
    static func instant(_ i: Instant) -> ResolvedValue { .leaf(.string(i.rfc3339)) }
    static func optionalInstant(_ i: Instant?) -> ResolvedValue { i.map { .instant($0) } ?? .null }
}

// MARK: - People

public struct UserRow: FieldReadable, Owned {
    public var id: Int64
    public var email: String
    public var firstName: String
    public var lastName: String
    public var phone: String?
    public var role: Role
    public var isActive: Bool
    public var notifyByEmail: Bool
    public var notifyBySms: Bool
    public var tokenVersion: Int
    public var locale: String
    public var createdAt: Instant
    public var updatedAt: Instant
    public var patientID: Int64?
    public var doctorID: Int64?

    public static let columns = """
        u.id, u.email, u.first_name, u.last_name, u.phone, u.role, u.is_active, u.notify_by_email, u.notify_by_sms,
        u.token_version, u.locale, u.created_at, u.updated_at,
        (SELECT p.id FROM patients p WHERE p.user_id = u.id) AS patient_id,
        (SELECT d.id FROM doctors d WHERE d.user_id = u.id) AS doctor_id
        """

    public init(_ r: Row) throws {
        id = try r.id("id"); email = try r.string("email"); firstName = try r.string("first_name")
        lastName = try r.string("last_name"); phone = try r.optionalString("phone")
        role = Role(rawValue: try r.string("role")) ?? .CLIENT
        isActive = try r.bool("is_active"); notifyByEmail = try r.bool("notify_by_email"); notifyBySms = try r.bool("notify_by_sms")
        tokenVersion = try r.int("token_version"); locale = try r.string("locale")
        createdAt = try r.instant("created_at"); updatedAt = try r.instant("updated_at")
        patientID = try r.optionalID("patient_id"); doctorID = try r.optionalID("doctor_id")
    }

    public var fullName: String { "\(firstName) \(lastName)" }

    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("User", id)
        case "firstName": return .string(firstName)
        case "lastName": return .string(lastName)
        case "fullName": return .string(fullName)
        case "email": return .string(email)
        case "phone": return .optionalString(phone)
        case "role": return .string(role.rawValue)
        case "isActive": return .bool(isActive)
        case "createdAt": return .instant(createdAt)
        case "updatedAt": return .instant(updatedAt)
        case "notifyByEmail": return .bool(notifyByEmail)
        case "notifyBySms": return .bool(notifyBySms)
        default: return nil
        }
    }

    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == id }
    public func isTreatedBy(_ viewer: Viewer) -> Bool { false }
}

public struct PatientRow: FieldReadable, Owned {
    public var id: Int64
    public var userID: Int64
    public var dateOfBirth: LocalDate
    public var gender: String
    public var address: String
    public var emergencyContact: String
    public var emergencyPhone: String
    public var medicalHistory: String
    public var allergies: String
    /// Doctors with any appointment of this patient: who counts as treating.
    public var treatingDoctorIDs: [Int64]

    public static let columns = """
        p.id, p.user_id, p.date_of_birth::text AS date_of_birth, p.gender, p.address, p.emergency_contact,
        p.emergency_phone, p.medical_history, p.allergies,
        ARRAY(SELECT DISTINCT a.doctor_id FROM appointments a WHERE a.patient_id = p.id) AS treating_doctor_ids
        """

    public init(_ r: Row) throws {
        id = try r.id("id"); userID = try r.id("user_id"); dateOfBirth = try r.localDate("date_of_birth")
        gender = try r.string("gender"); address = try r.string("address"); emergencyContact = try r.string("emergency_contact")
        emergencyPhone = try r.string("emergency_phone"); medicalHistory = try r.string("medical_history")
        allergies = try r.string("allergies"); treatingDoctorIDs = try r.intArray("treating_doctor_ids").map(Int64.init)
    }

    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("Patient", id)
        case "dateOfBirth": return .string(dateOfBirth.iso)
        case "gender": return .string(gender)
        case "address": return .string(address)
        case "emergencyContact": return .string(emergencyContact)
        case "emergencyPhone": return .string(emergencyPhone)
        case "medicalHistory": return .string(medicalHistory)
        case "allergies": return .string(allergies)
        default: return nil
        }
    }

    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == userID }
    public func isTreatedBy(_ viewer: Viewer) -> Bool {
        guard let d = viewer.doctorID else { return false }
        return treatingDoctorIDs.contains(d)
    }
}

public struct DoctorRow: FieldReadable {
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

    public static let columns = """
        d.id, d.user_id, d.license_number, d.specialization, d.experience_years, d.consultation_fee::text AS consultation_fee,
        d.bio, d.is_available, (SELECT u.last_name FROM users u WHERE u.id = d.user_id) AS doctor_last_name
        """

    public init(_ r: Row) throws {
        id = try r.id("id"); userID = try r.id("user_id"); licenseNumber = try r.string("license_number")
        specialization = try r.string("specialization"); experienceYears = try r.int("experience_years")
        consultationFee = try r.string("consultation_fee"); bio = try r.string("bio"); isAvailable = try r.bool("is_available")
        lastName = try r.optionalString("doctor_last_name") ?? ""
    }

    public var displayName: String { "Dr. \(lastName)" }

    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("Doctor", id)
        case "licenseNumber": return .string(licenseNumber)
        case "specialization": return .string(specialization)
        case "experienceYears": return .int(experienceYears)
        case "consultationFee": return .string(consultationFee)
        case "bio": return .string(bio)
        case "isAvailable": return .bool(isAvailable)
        default: return nil
        }
    }
}

public struct WorkingHoursRow: FieldReadable {
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

    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "weekday": return .int(weekday)
        case "start": return .string(start.iso)
        case "end": return .string(end.iso)
        case "slotMinutes": return .int(slotMinutes)
        default: return nil
        }
    }
}

// MARK: - Appointments

public struct AppointmentRow: FieldReadable, Owned {
    public var id: Int64
    public var patientID: Int64
    public var doctorID: Int64
    public var patientUserID: Int64
    public var doctorUserID: Int64
    public var date: LocalDate
    public var time: LocalTime
    public var startsAt: Instant
    public var endsAt: Instant
    public var status: AppointmentStatus
    public var reason: String
    public var notes: String?
    public var createdAt: Instant
    public var updatedAt: Instant

    public static let columns = """
        a.id, a.patient_id, a.doctor_id,
        (SELECT p.user_id FROM patients p WHERE p.id = a.patient_id) AS patient_user_id,
        (SELECT d.user_id FROM doctors d WHERE d.id = a.doctor_id) AS doctor_user_id,
        a.local_date::text AS local_date, a.local_time::text AS local_time, a.starts_at, a.ends_at, a.status,
        a.reason, a.notes, a.created_at, a.updated_at
        """

    public init(_ r: Row) throws {
        id = try r.id("id"); patientID = try r.id("patient_id"); doctorID = try r.id("doctor_id")
        patientUserID = try r.id("patient_user_id"); doctorUserID = try r.id("doctor_user_id")
        date = try r.localDate("local_date"); time = try r.localTime("local_time")
        startsAt = try r.instant("starts_at"); endsAt = try r.instant("ends_at")
        status = AppointmentStatus(rawValue: try r.string("status")) ?? .SCHEDULED
        reason = try r.string("reason"); notes = try r.optionalString("notes")
        createdAt = try r.instant("created_at"); updatedAt = try r.instant("updated_at")
    }

    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("Appointment", id)
        case "date": return .string(date.iso)
        case "time": return .string(time.iso)
        case "startsAt": return .instant(startsAt)
        case "endsAt": return .instant(endsAt)
        case "status": return .string(status.rawValue)
        case "reason": return .string(reason)
        case "notes": return .optionalString(notes)
        case "createdAt": return .instant(createdAt)
        case "updatedAt": return .instant(updatedAt)
        default: return nil
        }
    }

    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == patientUserID }
    public func isTreatedBy(_ viewer: Viewer) -> Bool { viewer.userID == doctorUserID }
}

// MARK: - Notifications, audit, settings, backups

public struct NotificationRow: FieldReadable, Owned {
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

    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("Notification", id)
        case "channel": return .string(channel)
        case "kind": return .string(kind)
        case "subject": return .string(subject)
        case "body": return .string(body)
        case "status": return .string(status)
        case "attempts": return .int(attempts)
        case "lastError": return .optionalString(lastError)
        case "scheduledAt": return .instant(scheduledAt)
        case "sentAt": return .optionalInstant(sentAt)
        default: return nil
        }
    }

    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == userID }
    public func isTreatedBy(_ viewer: Viewer) -> Bool { false }
}

public struct AuditEntryRow: FieldReadable {
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

    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("AuditEntry", id)
        case "at": return .instant(at)
        case "action": return .string(action)
        case "targetId": return .optionalString(targetID)
        case "details": return .string(details)
        case "ip": return .optionalString(ip)
        default: return nil
        }
    }
}

public struct SettingsRow: FieldReadable {
    public var clinicName: String
    public var timeZone: String
    public var cancellationWindowHours: Int
    public var reminderHoursBefore: Int
    public var bookingHorizonDays: Int
    public var defaultSlotMinutes: Int

    public static func load(_ conn: Connection) throws -> SettingsRow {
        let result = try conn.query("""
            SELECT clinic_name, time_zone, cancellation_window_hours, reminder_hours_before, booking_horizon_days,
                   default_slot_minutes FROM system_settings
            """)
        guard let r = result.first else { throw PostgresError.decoding("system_settings has no row; run clinic migrate") }
        return try SettingsRow(r)
    }

    public init(_ r: Row) throws {
        clinicName = try r.string("clinic_name"); timeZone = try r.string("time_zone")
        cancellationWindowHours = try r.int("cancellation_window_hours"); reminderHoursBefore = try r.int("reminder_hours_before")
        bookingHorizonDays = try r.int("booking_horizon_days"); defaultSlotMinutes = try r.int("default_slot_minutes")
    }

    public var cancellationWindow: CancellationWindow { CancellationWindow(hours: cancellationWindowHours) }

    public var zone: ClinicTimeZone { ClinicTimeZone(identifier: timeZone) ?? ClinicTimeZone(identifier: "UTC")! }

    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "clinicName": return .string(clinicName)
        case "timeZone": return .string(timeZone)
        case "cancellationWindowHours": return .int(cancellationWindowHours)
        case "reminderHoursBefore": return .int(reminderHoursBefore)
        case "bookingHorizonDays": return .int(bookingHorizonDays)
        case "defaultSlotMinutes": return .int(defaultSlotMinutes)
        default: return nil
        }
    }
}

public struct BackupRow: FieldReadable {
    public var id: Int64
    public var createdAt: Instant
    public var fileName: String
    public var sizeBytes: Int

    public static let columns = "b.id, b.created_at, b.file_name, b.size_bytes"

    public init(_ r: Row) throws {
        id = try r.id("id"); createdAt = try r.instant("created_at"); fileName = try r.string("file_name")
        sizeBytes = try r.int("size_bytes")
    }

    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("Backup", id)
        case "createdAt": return .instant(createdAt)
        case "fileName": return .string(fileName)
        case "sizeBytes": return .int(sizeBytes)
        default: return nil
        }
    }
}
