// What each stored row answers on its own (FieldReadable: no resolver call,
// no query) and how it relates to the viewer (Owned), from the columns
// ClinicStore loaded with it.
import ClinicDomain
import ClinicStore
import Schema

extension ResolvedValue {
    static func string(_ s: String) -> ResolvedValue { .leaf(.string(s)) }
    static func optionalString(_ s: String?) -> ResolvedValue { s.map { .leaf(.string($0)) } ?? .null }
    static func bool(_ b: Bool) -> ResolvedValue { .leaf(.bool(b)) }
    static func int(_ i: Int) -> ResolvedValue { .leaf(.int(i)) }
    static func id(_ type: String, _ id: Int64) -> ResolvedValue { .leaf(.string(GlobalID.encode(type: type, id: id))) }
    static func instant(_ i: Instant) -> ResolvedValue { .leaf(.string(i.rfc3339)) }
    static func optionalInstant(_ i: Instant?) -> ResolvedValue { i.map { .instant($0) } ?? .null }
}

extension UserRow: FieldReadable, Owned {
    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("User", id)
        case "firstName": return .string(firstName)
        case "lastName": return .string(lastName)
        case "fullName": return .string(fullName)
        // A row loaded without it is loaded only for selections that do not ask it.
        case "email": return emailKnown ? .optionalString(email) : .error(ClinicError.internal())
        case "role" where accessKnown: return .string(role.rawValue)
        case "isActive" where accessKnown: return .bool(isActive)
        default:
            // A row of names only is loaded for selections of names only (UserRow.namesFields);
            // should another field reach one, it fails rather than answer a placeholder.
            if onlyNames { return .error(ClinicError.internal()) }
            switch field {
            case "phone": return .optionalString(phone)
            case "role": return .string(role.rawValue)
            case "isActive": return .bool(isActive)
            case "createdAt": return .instant(createdAt)
            case "updatedAt": return .instant(updatedAt)
            case "notifyByEmail": return .bool(notifyByEmail)
            case "notifyBySms": return .bool(notifyBySms)
            case "locale": return .string(locale)
            case "hasLogin": return .bool(hasLogin)
            default: return nil
            }
        }
    }
}

extension PatientRow: FieldReadable, Owned {
    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("Patient", id)
        // A row of its identity only is loaded for selections that ask nothing else
        // (PatientRow.identityFields); should another field reach one, it fails rather than answer a placeholder.
        case _ where identityOnly: return .error(ClinicError.internal())
        case "dateOfBirth": return .optionalString(dateOfBirth?.iso)
        case "gender": return .string(gender)
        case "address": return .string(address)
        case "emergencyContact": return .string(emergencyContact)
        case "emergencyPhone": return .string(emergencyPhone)
        case "medicalHistory": return .string(medicalHistory)
        case "allergies": return .string(allergies)
        case "notes": return .string(notes)
        default: return nil
        }
    }
}

/// SELF on a doctor is the doctor's own user (their calendar feed URL).
extension DoctorRow: Owned {
    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == userID }
    public func isTreatedBy(_ viewer: Viewer) -> Bool { false }
}

extension DoctorRow: FieldReadable {
    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("Doctor", id)
        case "specialization": return .string(specialization)
        case "consultationFee": return .string(consultationFee)
        case "isAvailable": return .bool(isAvailable)
        default:
            // A row of a list's columns is loaded for selections of `DoctorRow.listFields` only;
            // should another field reach one, it fails rather than answer a placeholder.
            if onlyListColumns { return .error(ClinicError.internal()) }
            switch field {
            case "licenseNumber": return .string(licenseNumber)
            case "experienceYears": return .int(experienceYears)
            case "bio": return .string(bio)
            case "bufferBeforeMinutes": return .int(buffers.before)
            case "bufferAfterMinutes": return .int(buffers.after)
            default: return nil
            }
        }
    }
}

extension WorkingHoursRow: FieldReadable {
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

extension AppointmentRow: FieldReadable, Owned {
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
        case "clinicalNotes": return .optionalString(clinicalNotes)
        case "cancellationReason": return status == .CANCELLED ? .optionalString(cancellationReason) : .null
        case "createdAt": return .instant(createdAt)
        case "updatedAt": return .instant(updatedAt)
        default: return nil
        }
    }
}

extension TimeOffRow: FieldReadable, Owned {
    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("TimeOff", id)
        case "from": return .instant(from)
        case "to": return .instant(to)
        case "reason": return .optionalString(reason)
        case "createdAt": return .instant(createdAt)
        default: return nil
        }
    }
    public func isTreatedBy(_ viewer: Viewer) -> Bool { false }
}

extension ClosureRow: FieldReadable {
    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("ClinicClosure", id)
        case "firstDay": return .string(firstDay.iso)
        case "lastDay": return .string(lastDay.iso)
        case "reason": return .string(reason)
        case "createdAt": return .instant(createdAt)
        case "updatedAt": return .instant(updatedAt)
        default: return nil
        }
    }
}

extension NotificationRow: FieldReadable, Owned {
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
}

extension AuditEntryRow: FieldReadable {
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

extension SettingsRow: FieldReadable {
    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "clinicName": return .string(clinicName)
        case "timeZone": return .string(timeZone)
        case "cancellationWindowHours": return .int(cancellationWindowHours)
        case "reminderHoursBefore": return .int(reminderHoursBefore)
        case "bookingHorizonDays": return .int(bookingHorizonDays)
        case "defaultSlotMinutes": return .int(defaultSlotMinutes)
        case "minimumNoticeMinutes": return .int(rules.minimumNoticeMinutes)
        case "maxActiveAppointmentsPerPatient": return .int(rules.maxActiveAppointments)
        case "noShowLimit": return .int(rules.noShowLimit)
        case "onePerDoctorPerDay": return .bool(rules.onePerDoctorPerDay)
        case "emailReminderOffsetsMinutes": return .list(reminders.email.map { .int($0) })
        case "smsReminderOffsetsMinutes": return .list(reminders.sms.map { .int($0) })
        case "doctorAlertHours": return .int(doctorAlert.hours)
        case "waitlistHoldMinutes": return .int(waitlistHoldMinutes)
        case "frontDeskEmail": return frontDeskEmail.map { .string($0) } ?? .null
        default: return nil
        }
    }
}

extension BackupRow: FieldReadable {
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
