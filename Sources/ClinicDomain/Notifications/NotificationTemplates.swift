// The words of every notification, in Spanish (default: the clinic's
// patients speak it) and English, per `users.locale`. Dates and times are the
// appointment's clinic-local ones. SMS carry no clinical data (no reason, no
// specialization): time, clinic name and a short code only; emails leave out
// the reason too.

public enum NotificationTemplates {
    public enum Language: String, Sendable {
        case es, en
        /// `users.locale`; anything unknown is Spanish.
        public init(locale: String?) { self = locale?.lowercased().hasPrefix("en") == true ? .en : .es }
    }

    /// What an appointment message says.
    public struct AppointmentDetails: Sendable, Equatable {
        public var clinicName: String
        /// "Dr. Núñez".
        public var doctorName: String
        public var patientFirstName: String
        /// Clinic-local date and time, as booked.
        public var date: LocalDate
        public var time: LocalTime
        public var appointmentID: Int64

        public init(clinicName: String, doctorName: String, patientFirstName: String, date: LocalDate, time: LocalTime,
                    appointmentID: Int64) {
            self.clinicName = clinicName; self.doctorName = doctorName; self.patientFirstName = patientFirstName
            self.date = date; self.time = time; self.appointmentID = appointmentID
        }

        /// A short reference the patient can quote ("A-2S"): base 36 of the appointment key.
        public var shortCode: String { Self.shortCode(appointmentID: appointmentID) }
        public static func shortCode(appointmentID: Int64) -> String { "A-" + String(appointmentID, radix: 36).uppercased() }
    }

    /// The kinds rendered from appointment data.
    public static let appointmentKinds: Set<String> = ["BOOKING_CONFIRMATION", "RESCHEDULED", "CANCELLED", "REMINDER"]

    /// Subject and body of an appointment notification. `kind` is a
    /// NotificationKind name (BOOKING_CONFIRMATION, RESCHEDULED, CANCELLED,
    /// REMINDER), `channel` EMAIL or SMS (SMS subjects are empty). `links`:
    /// the message's links (AppointmentLinks), written in after the text.
    public static func appointment(kind: String, channel: String, locale: String?, _ d: AppointmentDetails,
                                   links: AppointmentMessageLinks? = nil) -> (subject: String, body: String) {
        let lang = Language(locale: locale)
        if channel == "SMS" { return ("", sms(kind: kind, lang: lang, d, links: links)) }
        let when = longDate(d.date, lang) + (lang == .es ? " a las " : " at ") + d.time.iso
        switch lang {
        case .es:
            let (subject, line): (String, String)
            switch kind {
            case "BOOKING_CONFIRMATION":
                (subject, line) = ("Cita reservada – \(d.doctorName)", "Su cita con \(d.doctorName) en \(d.clinicName) quedó reservada para el \(when). La clínica se la confirmará.")
            case "RESCHEDULED":
                (subject, line) = ("Cita reprogramada – \(d.doctorName)", "Su cita con \(d.doctorName) en \(d.clinicName) se cambió al \(when).")
            case "CANCELLED":
                (subject, line) = ("Cita cancelada – \(d.doctorName)", "Su cita con \(d.doctorName) en \(d.clinicName) del \(when) fue cancelada.")
            default:
                (subject, line) = ("Recordatorio de cita – \(d.doctorName)", "Le recordamos su cita con \(d.doctorName) en \(d.clinicName) el \(when).")
            }
            let closing = kind == "CANCELLED" ? "Si desea otra cita, puede reservarla en línea." : "Si necesita cambiarla o cancelarla, hágalo desde su cuenta."
            return (subject, """
                Hola \(d.patientFirstName):

                \(line)
                Hora de la clínica. Código de cita: \(d.shortCode)

                \(links.map { linkLines($0, lang) } ?? "")\(closing)

                \(d.clinicName)
                """)
        case .en:
            let (subject, line): (String, String)
            switch kind {
            case "BOOKING_CONFIRMATION":
                (subject, line) = ("Appointment booked – \(d.doctorName)", "Your appointment with \(d.doctorName) at \(d.clinicName) is booked for \(when). The clinic will confirm it.")
            case "RESCHEDULED":
                (subject, line) = ("Appointment rescheduled – \(d.doctorName)", "Your appointment with \(d.doctorName) at \(d.clinicName) has moved to \(when).")
            case "CANCELLED":
                (subject, line) = ("Appointment cancelled – \(d.doctorName)", "Your appointment with \(d.doctorName) at \(d.clinicName) on \(when) has been cancelled.")
            default:
                (subject, line) = ("Appointment reminder – \(d.doctorName)", "This is a reminder of your appointment with \(d.doctorName) at \(d.clinicName) on \(when).")
            }
            let closing = kind == "CANCELLED" ? "You can book another appointment online." : "To change or cancel it, use your account."
            return (subject, """
                Hello \(d.patientFirstName),

                \(line)
                Clinic time. Appointment code: \(d.shortCode)

                \(links.map { linkLines($0, lang) } ?? "")\(closing)

                \(d.clinicName)
                """)
        }
    }

    public static func sms(kind: String, lang: Language, _ d: AppointmentDetails, links: AppointmentMessageLinks? = nil) -> String {
        smsText(kind: kind, lang: lang, d) + (links.flatMap { smsLink($0, lang) } ?? "")
    }

    /// The email's link lines, one per link, then a blank line; empty without links.
    static func linkLines(_ links: AppointmentMessageLinks, _ lang: Language) -> String {
        let labels: [(String?, String, String)] = [
            (links.view, "Ver la cita", "View the appointment"),
            (links.confirm, "Confirmar que asistirá", "Confirm you will attend"),
            (links.reschedule, "Elegir otra hora", "Choose another time"),
            (links.cancel, "Cancelar la cita", "Cancel the appointment"),
            (links.bookAgain, "Reservar otra cita", "Book another appointment"),
        ]
        let lines = labels.compactMap { url, es, en in url.map { (lang == .es ? es : en) + ": " + $0 } }
        guard !lines.isEmpty else { return "" }
        let tokenLinks = links.view != nil || links.confirm != nil || links.reschedule != nil || links.cancel != nil
        let note = !tokenLinks ? "" : lang == .es
            ? "Cada enlace sirve sin iniciar sesión, una sola vez, hasta la hora de la cita.\n"
            : "Each link works without signing in, once, until the appointment starts.\n"
        return lines.joined(separator: "\n") + "\n" + note + "\n"
    }

    /// An SMS carries one link (AppointmentLinks.actions picks it): " Confirmar: <url>".
    static func smsLink(_ links: AppointmentMessageLinks, _ lang: Language) -> String? {
        if let url = links.confirm { return (lang == .es ? " Confirmar: " : " Confirm: ") + url }
        if let url = links.view { return (lang == .es ? " Ver: " : " View: ") + url }
        if let url = links.bookAgain { return (lang == .es ? " Reservar: " : " Book: ") + url }
        return nil
    }

    static func smsText(kind: String, lang: Language, _ d: AppointmentDetails) -> String {
        let when = shortDate(d.date, lang) + " " + d.time.iso
        switch (lang, kind) {
        case (.es, "BOOKING_CONFIRMATION"): return "\(d.clinicName): cita reservada el \(when). Código \(d.shortCode)"
        case (.es, "RESCHEDULED"): return "\(d.clinicName): su cita se cambió al \(when). Código \(d.shortCode)"
        case (.es, "CANCELLED"): return "\(d.clinicName): su cita del \(when) fue cancelada. Código \(d.shortCode)"
        case (.es, _): return "\(d.clinicName): recordatorio de su cita el \(when). Código \(d.shortCode)"
        case (.en, "BOOKING_CONFIRMATION"): return "\(d.clinicName): appointment booked for \(when). Code \(d.shortCode)"
        case (.en, "RESCHEDULED"): return "\(d.clinicName): your appointment moved to \(when). Code \(d.shortCode)"
        case (.en, "CANCELLED"): return "\(d.clinicName): your appointment on \(when) was cancelled. Code \(d.shortCode)"
        case (.en, _): return "\(d.clinicName): reminder of your appointment on \(when). Code \(d.shortCode)"
        }
    }

    /// The password reset email: the link works once, for `minutes` minutes.
    public static func passwordReset(locale: String?, firstName: String, link: String, minutes: Int64, clinicName: String) -> (subject: String, body: String) {
        switch Language(locale: locale) {
        case .es:
            return ("Restablecer su contraseña – \(clinicName)", """
                Hola \(firstName):

                Alguien pidió restablecer la contraseña de su cuenta en \(clinicName). Para elegir una nueva, abra:

                \(link)

                El enlace sirve una sola vez, durante \(minutes) minutos. Si no lo pidió usted, ignore este mensaje.
                """)
        case .en:
            return ("Reset your password – \(clinicName)", """
                Hello \(firstName),

                Someone asked to reset the password of your \(clinicName) account. To choose a new password, open:

                \(link)

                The link works once, for \(minutes) minutes. If you did not ask for this, ignore this message.
                """)
        }
    }

    static let spanishWeekdays = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
    static let spanishMonths = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                                "octubre", "noviembre", "diciembre"]
    static let englishWeekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                                "October", "November", "December"]

    /// "martes 1 de diciembre de 2026" / "Tuesday, December 1, 2026".
    public static func longDate(_ d: LocalDate, _ lang: Language) -> String {
        switch lang {
        case .es: return "\(spanishWeekdays[d.isoWeekday - 1]) \(d.day) de \(spanishMonths[d.month - 1]) de \(d.year)"
        case .en: return "\(englishWeekdays[d.isoWeekday - 1]), \(englishMonths[d.month - 1]) \(d.day), \(d.year)"
        }
    }

    /// "01/12/2026" in Spanish, "2026-12-01" in English (short, and unambiguous for each reader).
    public static func shortDate(_ d: LocalDate, _ lang: Language) -> String {
        lang == .en ? d.iso : (d.day < 10 ? "0" : "") + "\(d.day)/" + (d.month < 10 ? "0" : "") + "\(d.month)/\(d.year)"
    }
}
