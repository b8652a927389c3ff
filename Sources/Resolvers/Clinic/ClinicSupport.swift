// Shared helpers of the clinic area: argument reading, SQL building, row
// visibility, error mapping. Everything is namespaced under `ClinicKit` so the
// shared Resolvers module gets no loose helper names.
import ClinicDomain
import JSON
import Postgres
import Schema

enum ClinicKit {
    // MARK: arguments

    static func string(_ args: [String: JSON], _ name: String) -> String? {
        if case .string(let s)? = args[name] { return s }
        return nil
    }
    static func int(_ args: [String: JSON], _ name: String) -> Int? {
        if case .int(let i)? = args[name] { return i }
        return nil
    }
    static func bool(_ args: [String: JSON], _ name: String) -> Bool? {
        if case .bool(let b)? = args[name] { return b }
        return nil
    }
    static func object(_ args: [String: JSON], _ name: String) -> [String: JSON] {
        if case .object(let members)? = args[name] {
            var out: [String: JSON] = [:]
            for (k, v) in members { out[k] = v }
            return out
        }
        return [:]
    }

    /// Decodes an opaque ID argument of type `type`; BAD_USER_INPUT naming `field`.
    static func id(_ value: String?, _ type: String, field: String) throws -> Int64 {
        guard let value else { throw ClinicError.badInput("`\(field)` is required", field: field) }
        do throws(GlobalIDError) {
            return try GlobalID.decode(value, expecting: type)
        } catch {
            throw ClinicError.badInput(error.message, field: field)
        }
    }

    static func date(_ value: String?, field: String) throws -> LocalDate {
        guard let value, let d = LocalDate(iso: value) else { throw ClinicError.badInput("`\(field)` must be a date YYYY-MM-DD", field: field) }
        return d
    }
    static func time(_ value: String?, field: String) throws -> LocalTime {
        guard let value, let t = LocalTime(iso: value) else { throw ClinicError.badInput("`\(field)` must be a time HH:MM", field: field) }
        return t
    }

    /// Free text with a maximum length (INTERFACE.md "Policies").
    static func text(_ value: String, field: String, max: Int, label: String, allowEmpty: Bool = true) throws -> String {
        if !allowEmpty, value.trimmingSpaces.isEmpty { throw ClinicError.badInput("\(label) must not be empty", field: field) }
        if value.count > max { throw ClinicError.badInput("\(label) is too long (at most \(max) characters)", field: field) }
        return value
    }

    static func ts(_ i: Instant) -> PostgresValue { i.postgresValue }
    static func ids(_ xs: [Int64]) -> PostgresValue { .ids(xs) }

    // MARK: errors

    /// Database errors a user can cause, as CONFLICT/BAD_USER_INPUT; anything else rethrown.
    static func mapDatabaseError(_ error: Error) -> Error {
        guard let pg = error as? PostgresError else { return error }
        if pg.isExclusionViolation {
            if pg.constraint == "appointments_patient_no_overlap" {
                return ClinicError.conflict("The patient already has an appointment at that time")
            }
            if pg.constraint == "working_hours_no_overlap" {
                return ClinicError.badInput("Working hours overlap", field: "hours")
            }
            return ClinicError.conflict("That slot was just taken")
        }
        if pg.isDeadlock {
            // Two racing bookings of one patient with different doctors: one loses.
            return ClinicError.conflict("That slot was just taken")
        }
        if pg.isUniqueViolation {
            switch pg.constraint {
            case "users_email_key": return ClinicError.conflict("An account with that email already exists")
            case "doctors_license_number_key": return ClinicError.conflict("Another doctor already has that license number")
            case "doctors_user_id_key": return ClinicError.conflict("That user is already a doctor")
            default: return ClinicError.conflict("That already exists")
            }
        }
        if pg.isSerializationFailure || pg.isDeadlock {
            return ClinicError.conflict("Someone else changed this at the same time; please try again")
        }
        return error
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}

// MARK: - Objects that are not rows

struct TimeSlotObject: FieldReadable {
    var slot: SlotCalendar.Slot
    var offset: Int
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "date": return .string(slot.date.iso)
        case "time": return .string(slot.time.iso)
        case "startsAt": return .instant(slot.startsAt)
        case "endsAt": return .instant(slot.endsAt)
        default: return nil
        }
    }
}

struct ScheduleSlotObject: FieldReadable {
    var slot: SlotCalendar.ScheduledSlot
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "time": return .string(slot.slot.time.iso)
        case "available": return .bool(slot.available)
        default: return nil
        }
    }
}

struct ScheduleDayObject: FieldReadable {
    var day: SlotCalendar.ScheduleDay
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "date": return .string(day.date.iso)
        case "slots": return .list(day.slots.map { .object(ScheduleSlotObject(slot: $0), typeName: "ScheduleSlot") })
        default: return nil
        }
    }
}
