// Shared helpers of the clinic area: error mapping and the objects that are
// not rows. Everything is namespaced under `ClinicKit` so the
// shared Resolvers module gets no loose helper names.
import ClinicDomain
import JSON
import Schema
import ClinicStore

enum ClinicKit {

    // MARK: errors

    /// Database errors a user can cause, as CONFLICT/BAD_USER_INPUT; anything else rethrown.
    /// The patient a request acts for: staff name one (`input.patientId`, required),
    /// a client acts for themselves only. `doing` completes the refusals
    /// ("book appointments", "join a waitlist").
    static func actingPatient(_ viewer: Viewer, requested: Int64?, doing: String, staffHint: String) throws -> Int64 {
        if viewer.isStaff {
            guard let requested else { throw ClinicError.badInput("\(staffHint) (patientId is required for staff)", field: "input.patientId") }
            return requested
        }
        guard let own = viewer.patientID else {
            throw ClinicError.forbidden("Only patients can \(doing): this account has no patient profile")
        }
        if let requested, requested != own { throw ClinicError.forbidden("You can only \(doing) for yourself") }
        return own
    }

    static func mapDatabaseError(_ error: Error) -> Error {
        guard let failure = StoreFailure(error) else { return error }
        switch failure.kind {
        case .exclusionViolation:
            switch failure.constraint {
            case "appointments_patient_no_overlap": return ClinicError.conflict("The patient already has an appointment at that time")
            case "working_hours_no_overlap": return ClinicError.badInput("Working hours overlap", field: "hours")
            default: return ClinicError.conflict("That slot was just taken")
            }
        case .deadlock:
            // Two racing bookings of one patient with different doctors: one loses.
            return ClinicError.conflict("That slot was just taken")
        case .uniqueViolation:
            switch failure.constraint {
            case "users_email_key": return ClinicError.conflict("An account with that email already exists")
            case "doctors_license_number_key": return ClinicError.conflict("Another doctor already has that license number")
            case "doctors_user_id_key": return ClinicError.conflict("That user is already a doctor")
            default: return ClinicError.conflict("That already exists")
            }
        case .serializationFailure:
            return ClinicError.conflict("Someone else changed this at the same time; please try again")
        default:
            return error
        }
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

/// A free slot as `TimeSlot`. Three words, so that `ResolvedValue.object` holds it inline (a
/// `SlotCalendar.Slot` is seven: every slot of a list would be a heap box of its own).
struct TimeSlotObject: FieldReadable {
    private let startsAt: Instant
    private let endsAt: Instant
    /// The clinic-local date (days since 1970-01-01) and time (minutes since midnight).
    private let day: Int32, minute: Int32

    init(_ slot: SlotCalendar.Slot) {
        startsAt = slot.startsAt
        endsAt = slot.endsAt
        day = Int32(truncatingIfNeeded: slot.date.daysSinceEpoch)
        minute = Int32(truncatingIfNeeded: slot.time.minutesSinceMidnight)
    }

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "date": return .string(LocalDate(daysSinceEpoch: Int(day)).iso)
        case "time": return LocalTime(minutesSinceMidnight: Int(minute)).map { .string($0.iso) } ?? .null
        case "startsAt": return .instant(startsAt)
        case "endsAt": return .instant(endsAt)
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
        case "state": return .string(Self.state(slot.status))
        default: return nil
        }
    }
}

extension ScheduleSlotObject {
    /// `SlotState` of the schema.
    static func state(_ s: SlotCalendar.SlotStatus) -> String {
        switch s {
        case .free: return "FREE"
        case .past: return "PAST"
        case .tooSoon: return "TOO_SOON"
        case .beyondHorizon: return "BEYOND_HORIZON"
        case .closed: return "CLOSED"
        case .timeOff: return "TIME_OFF"
        case .taken: return "BOOKED"
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
