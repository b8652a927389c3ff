// Links in appointment messages (issue #17): each opens the web client on one
// appointment and works without signing in for exactly one action on it.
//
// Which links a message carries is decided here, from what the message is
// about and what the patient could still do with it:
// - cancellation messages: no appointment link (a cancelled appointment has
//   nothing to act on), only the public booking page to book again;
// - otherwise an email carries VIEW, CONFIRM (only while SCHEDULED: a
//   confirmed visit has nothing to confirm), and RESCHEDULE and CANCEL (only
//   while the cancellation window still lets the patient change it: inside it
//   the links could only answer FORBIDDEN);
// - an SMS carries one link, the most useful: CONFIRM while there is
//   something to confirm, else VIEW.
//
// Every link expires when the appointment starts: after that there is
// nothing left to confirm, move or cancel, and a message lying in a mailbox
// should not keep showing the visit forever.

public enum AppointmentLinkAction: String, Sendable, CaseIterable {
    case VIEW, CONFIRM, RESCHEDULE, CANCEL
}

/// The URLs one message carries (nil: not in this message).
public struct AppointmentMessageLinks: Sendable, Equatable {
    public var view: String?
    public var confirm: String?
    public var reschedule: String?
    public var cancel: String?
    /// The public booking page (no token), for cancellation messages.
    public var bookAgain: String?

    public init(view: String? = nil, confirm: String? = nil, reschedule: String? = nil, cancel: String? = nil, bookAgain: String? = nil) {
        self.view = view; self.confirm = confirm; self.reschedule = reschedule; self.cancel = cancel; self.bookAgain = bookAgain
    }

    public subscript(action: AppointmentLinkAction) -> String? {
        get {
            switch action {
            case .VIEW: return view
            case .CONFIRM: return confirm
            case .RESCHEDULE: return reschedule
            case .CANCEL: return cancel
            }
        }
        set {
            switch action {
            case .VIEW: view = newValue
            case .CONFIRM: confirm = newValue
            case .RESCHEDULE: reschedule = newValue
            case .CANCEL: cancel = newValue
            }
        }
    }

    /// What the outbox row keeps after sending: every token link replaced by
    /// `AppointmentLinks.placeholder` (a token is a bearer credential for its
    /// action; staff reading the message through the API must not get one).
    public var redacted: AppointmentMessageLinks {
        func hide(_ s: String?) -> String? { s.map { _ in AppointmentLinks.placeholder } }
        return AppointmentMessageLinks(view: hide(view), confirm: hide(confirm), reschedule: hide(reschedule), cancel: hide(cancel),
                                       bookAgain: bookAgain)
    }
}

public enum AppointmentLinks {
    /// What `Notification.body` shows where the message had a link.
    public static let placeholder = "[link hidden: it was sent only to the patient]"

    /// `<publicURL>/a/<token>`: short, because SMS carry it too.
    public static func url(publicURL: String, token: String) -> String { publicURL + "/a/" + token }

    /// The web client's booking page, where a patient books again after a cancellation.
    public static func bookingURL(publicURL: String) -> String { publicURL + "/book" }

    /// When a link minted now for an appointment starting at `startsAt` stops working.
    public static func expiry(startsAt: Instant) -> Instant { startsAt }

    /// The token links a message carries (see the file comment). `kind` is a
    /// NotificationKind name, `channel` EMAIL or SMS.
    public static func actions(kind: String, channel: String, status: AppointmentStatus, startsAt: Instant,
                               window: CancellationWindow, now: Instant) -> [AppointmentLinkAction] {
        guard NotificationTemplates.appointmentKinds.contains(kind), kind != "CANCELLED", status.isActive, now < startsAt else { return [] }
        let confirmable = status == .SCHEDULED
        if channel == "SMS" { return [confirmable ? .CONFIRM : .VIEW] }
        var actions: [AppointmentLinkAction] = [.VIEW]
        if confirmable { actions.append(.CONFIRM) }
        if window.allowsClientChange(startingAt: startsAt, now: now) { actions += [.RESCHEDULE, .CANCEL] }
        return actions
    }
}
