// The status machine (INTERFACE.md "Statuses") and the visit rules built on
// it: SCHEDULED → CONFIRMED; SCHEDULED or CONFIRMED → CANCELLED, and →
// COMPLETED or NO_SHOW once the start has passed (most visits are never
// confirmed beforehand); COMPLETED, NO_SHOW and CANCELLED are final.

extension AppointmentStatus {
    /// Lower-case words for messages ("no-show").
    public var word: String {
        switch self {
        case .SCHEDULED: return "scheduled"
        case .CONFIRMED: return "confirmed"
        case .COMPLETED: return "completed"
        case .CANCELLED: return "cancelled"
        case .NO_SHOW: return "no-show"
        }
    }

    /// Statuses an appointment in this status may move to (none once final).
    public var successors: Set<AppointmentStatus> {
        switch self {
        case .SCHEDULED: return [.CONFIRMED, .CANCELLED, .COMPLETED, .NO_SHOW]
        case .CONFIRMED: return [.COMPLETED, .NO_SHOW, .CANCELLED]
        case .COMPLETED, .CANCELLED, .NO_SHOW: return []
        }
    }

    /// Why this appointment may not become `target` now (nil: it may; staying
    /// in the same status is always allowed). The message is for CONFLICT.
    public func transitionProblem(to target: AppointmentStatus, startsAt: Instant, now: Instant) -> String? {
        guard target != self else { return nil }
        guard successors.contains(target) else { return "A \(word) appointment cannot become \(target.word)" }
        if target == .COMPLETED || target == .NO_SHOW, now < startsAt {
            return "An appointment can be marked \(target.word) only once it has started"
        }
        return nil
    }
}

/// What a doctor may do on an appointment they attend.
public enum VisitRules {
    /// The outcomes a doctor records for their own visit.
    public static let outcomes: Set<AppointmentStatus> = [.COMPLETED, .NO_SHOW]

    /// Why clinical notes may not be written on an appointment in `status` (nil: they may).
    public static func notesProblem(status: AppointmentStatus) -> String? {
        status == .CANCELLED ? "A cancelled appointment takes no clinical notes" : nil
    }
}
