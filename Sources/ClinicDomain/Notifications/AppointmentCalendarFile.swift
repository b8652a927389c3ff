// The calendar side of an appointment: the `.ics` a patient's booking,
// reschedule and cancellation emails carry, and the events of a doctor's
// feed. Both name the same event (one UID per appointment) and never hold
// clinical text: no reason, no notes, no specialization.

public enum AppointmentCalendarFile {
    /// What an appointment's event is made of.
    public struct Facts: Sendable, Equatable {
        public var appointmentID: Int64
        public var start: Instant
        public var end: Instant
        public var status: AppointmentStatus
        /// `appointments.calendar_sequence`: a trigger raises it on every change of time, doctor or status.
        public var sequence: Int
        public var clinicName: String
        /// "Dr. Núñez".
        public var doctorName: String

        public init(appointmentID: Int64, start: Instant, end: Instant, status: AppointmentStatus, sequence: Int, clinicName: String,
                    doctorName: String) {
            self.appointmentID = appointmentID; self.start = start; self.end = end; self.status = status
            self.sequence = sequence; self.clinicName = clinicName; self.doctorName = doctorName
        }

        /// "A-2S", as in the message text.
        public var shortCode: String { "A-" + String(appointmentID, radix: 36).uppercased() }
    }

    /// The UID of an appointment's event in every file and feed: stable for
    /// its life, unique beyond this server through `domain` (the public host).
    public static func uid(appointmentID: Int64, domain: String) -> String { "appointment-\(appointmentID)@\(domain)" }

    /// The host of `publicURL` ("https://citas.example.mx:8443/x" → "citas.example.mx"), "localhost" without one.
    public static func domain(publicURL: String) -> String {
        var rest = Substring(publicURL)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }.split(separator: "@").last.map(String.init) ?? ""
        let clean = host.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        return clean.isEmpty ? "localhost" : clean
    }

    /// The kinds whose email carries a calendar file, and with which method.
    public static func method(forKind kind: String) -> ICalendar.Method? {
        switch kind {
        case "BOOKING_CONFIRMATION", "RESCHEDULED": return .request
        case "CANCELLED": return .cancel
        default: return nil
        }
    }

    /// The file for a patient's email of `kind`, or nil when that kind carries
    /// none, or when the appointment changed state since the message was
    /// decided (a booking email sent after the cancellation would otherwise
    /// re-add the event; the cancellation email that follows carries the CANCEL).
    public static func invitation(kind: String, facts f: Facts, zone: ClinicTimeZone, domain: String, organizer: ICalendar.Person,
                                  patient: ICalendar.Person, locale: String?, stamp: Instant) -> (method: ICalendar.Method, text: String)? {
        guard let method = method(forKind: kind) else { return nil }
        let cancelled = f.status == .CANCELLED
        guard (method == .cancel) == cancelled, method == .cancel || f.status.isActive else { return nil }
        let lang = NotificationTemplates.Language(locale: locale)
        let event = ICalendar.Event(
            uid: uid(appointmentID: f.appointmentID, domain: domain), sequence: f.sequence, start: f.start, end: f.end,
            summary: (lang == .es ? "Cita con " : "Appointment with ") + f.doctorName + " – " + f.clinicName,
            location: f.clinicName,
            description: (lang == .es ? "Código de cita: " : "Appointment code: ") + f.shortCode,
            status: cancelled ? .cancelled : .confirmed, organizer: organizer, attendees: [patient])
        return (method, ICalendar.document(method: method, events: [event], zone: zone, stamp: stamp))
    }

    // MARK: - The doctor's feed

    /// The feed covers this many days back (visits just held stay in the
    /// calendar) and ahead (as far as bookings usually go).
    public static let feedDaysBack = 30
    public static let feedDaysAhead = 180
    /// At most this many events per response, earliest first: bounds the
    /// answer whatever a doctor's schedule holds.
    public static let feedEventLimit = 2000

    /// One appointment of the feed: its facts, the patient's name as the
    /// treating doctor sees it, and when the row last changed (its DTSTAMP,
    /// so an unchanged feed is byte for byte the same and ETags work).
    public struct FeedEntry: Sendable, Equatable {
        public var facts: Facts
        public var patientName: String
        public var updatedAt: Instant
        public init(facts: Facts, patientName: String, updatedAt: Instant) {
            self.facts = facts; self.patientName = patientName; self.updatedAt = updatedAt
        }
    }

    /// The doctor's subscribed calendar: no METHOD (a plain published
    /// calendar), each appointment titled with the patient's name. Never the
    /// reason for the visit: patients type symptoms there ("dolor torácico"),
    /// which is clinical text a calendar app syncs to phones, watches and
    /// third-party servers. Nor notes, history or specialization.
    public static func feed(doctorName: String, clinicName: String, entries: [FeedEntry], zone: ClinicTimeZone, domain: String,
                            stamp: Instant, locale: String? = nil) -> String {
        let lang = NotificationTemplates.Language(locale: locale)
        let events = entries.map { e in
            ICalendar.Event(uid: uid(appointmentID: e.facts.appointmentID, domain: domain), sequence: e.facts.sequence,
                            start: e.facts.start, end: e.facts.end, summary: e.patientName, location: clinicName,
                            description: (lang == .es ? "Código de cita: " : "Appointment code: ") + e.facts.shortCode,
                            status: e.facts.status == .CANCELLED ? .cancelled : .confirmed, stamp: e.updatedAt)
        }
        return ICalendar.document(method: nil, events: events, zone: zone, stamp: stamp, calendarName: doctorName + " – " + clinicName)
    }

    /// The file name of the attachment.
    public static func fileName(locale: String?) -> String {
        NotificationTemplates.Language(locale: locale) == .es ? "cita.ics" : "appointment.ics"
    }
}
