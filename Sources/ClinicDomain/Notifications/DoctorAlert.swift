// The message the treating doctor gets when one of their appointments starting
// soon is booked, moved or cancelled (DoctorAlertRule decides when). Staff
// text: the patient's name and the time, never the reason or clinical data.

public enum DoctorAlert {
    public enum Event: String, Sendable { case booked, rescheduled, cancelled }

    public struct Details: Sendable, Equatable {
        public var clinicName: String
        public var patientName: String
        public var date: LocalDate
        public var time: LocalTime
        /// Where a rescheduled appointment was before.
        public var previous: (date: LocalDate, time: LocalTime)?
        public var appointmentID: Int64

        public init(clinicName: String, patientName: String, date: LocalDate, time: LocalTime,
                    previous: (date: LocalDate, time: LocalTime)? = nil, appointmentID: Int64) {
            self.clinicName = clinicName; self.patientName = patientName; self.date = date; self.time = time
            self.previous = previous; self.appointmentID = appointmentID
        }

        public static func == (a: Details, b: Details) -> Bool {
            a.clinicName == b.clinicName && a.patientName == b.patientName && a.date == b.date && a.time == b.time
                && a.previous?.date == b.previous?.date && a.previous?.time == b.previous?.time && a.appointmentID == b.appointmentID
        }
    }

    /// Subject (empty for SMS) and body in the doctor's language.
    public static func text(_ event: Event, channel: String, locale: String?, _ d: Details) -> (subject: String, body: String) {
        let lang = NotificationTemplates.Language(locale: locale)
        let when = NotificationTemplates.shortDate(d.date, lang) + " " + d.time.iso
        let before = d.previous.map { NotificationTemplates.shortDate($0.date, lang) + " " + $0.time.iso }
        let line: String
        switch (lang, event) {
        case (.es, .booked): line = "Nueva cita: \(d.patientName), \(when)."
        case (.es, .rescheduled): line = "Cita reprogramada: \(d.patientName), de \(before ?? "?") a \(when)."
        case (.es, .cancelled): line = "Cita cancelada: \(d.patientName), \(when)."
        case (.en, .booked): line = "New appointment: \(d.patientName), \(when)."
        case (.en, .rescheduled): line = "Appointment moved: \(d.patientName), from \(before ?? "?") to \(when)."
        case (.en, .cancelled): line = "Appointment cancelled: \(d.patientName), \(when)."
        }
        if channel == "SMS" { return ("", "\(d.clinicName): \(line)") }
        let subject = line.split(separator: ":").first.map(String.init) ?? line
        return ("\(subject) – \(when)", "\(line)\n\n\(d.clinicName)")
    }
}
