// The one rule for when a client may still reschedule or cancel online: until
// `hours` before the appointment starts (system_settings'
// cancellation_window_hours, 24 by default). Inside the window the client has
// to call the clinic; staff are not bound by it. The `canModify` field and the
// reschedule/cancel mutations both ask this type, so they cannot disagree.

public struct CancellationWindow: Sendable, Hashable {
    public var hours: Int
    public init(hours: Int) { self.hours = hours }

    /// The first instant inside the window: from here on a client can no
    /// longer change an appointment starting at `startsAt`.
    public func closes(forStartAt startsAt: Instant) -> Instant {
        startsAt.adding(seconds: -Int64(hours) * 3600)
    }

    /// True while a client may still change an appointment starting at `startsAt`.
    public func allowsClientChange(startingAt startsAt: Instant, now: Instant) -> Bool {
        now < closes(forStartAt: startsAt)
    }

    /// Why a client's change was refused; `verb` is "rescheduled" or "cancelled".
    public func refusal(_ verb: String) -> String {
        "Appointments can be \(verb) online only until \(hours) hours before they start; please call the clinic"
    }
}

extension AppointmentStatus {
    /// Whether a viewer may reschedule or cancel an appointment in this status:
    /// staff any active one; a client only their own (`isOwner`) and only
    /// while the cancellation window allows it.
    public func allowsChange(isStaff: Bool, isOwner: Bool, window: CancellationWindow, startsAt: Instant, now: Instant) -> Bool {
        guard isActive else { return false }
        if isStaff { return true }
        return isOwner && window.allowsClientChange(startingAt: startsAt, now: now)
    }
}
