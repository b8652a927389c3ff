// The waitlist offer (email and SMS, Spanish and English): a freed slot held
// for the patient, with a link that accepts or declines exactly this offer.
//
// The link is a bearer credential for the offer (it books without signing
// in), so, as with password resets, the outbox row stores the text with
// `linkPlaceholder` and the token sealed beside it; the worker puts the real
// link into the message it sends (`deliverable`) and stores the placeholder text.

public enum WaitlistOfferMessage {
    /// What `Notification.body` shows where the message had the link.
    public static let linkPlaceholder = "[offer link hidden: it was sent only to the patient]"

    /// The web client's offer page (`web/src`, route `/waitlist-offer`).
    public static func link(publicURL: String, token: String) -> String {
        publicURL + "/waitlist-offer?token=" + token
    }

    public struct Details: Sendable, Equatable {
        public var clinicName: String
        public var doctorName: String
        public var patientFirstName: String
        public var date: LocalDate
        public var time: LocalTime
        /// Clinic-local wall time the hold ends.
        public var holdUntil: LocalTime
        public var holdMinutes: Int
        public init(clinicName: String, doctorName: String, patientFirstName: String, date: LocalDate, time: LocalTime,
                    holdUntil: LocalTime, holdMinutes: Int) {
            self.clinicName = clinicName; self.doctorName = doctorName; self.patientFirstName = patientFirstName
            self.date = date; self.time = time; self.holdUntil = holdUntil; self.holdMinutes = holdMinutes
        }
    }

    /// The text as stored (the link replaced by the placeholder).
    public static func redacted(channel: String, locale: String?, _ d: Details) -> (subject: String, body: String) {
        text(channel: channel, locale: locale, d, link: linkPlaceholder)
    }

    /// The text sent: the stored one with the real link where the placeholder is.
    public static func deliverable(stored: (subject: String, body: String), link: String) -> (subject: String, body: String) {
        (stored.subject, stored.body.replacingPlaceholder(linkPlaceholder, with: link))
    }

    static func text(channel: String, locale: String?, _ d: Details, link: String) -> (subject: String, body: String) {
        let lang = NotificationTemplates.Language(locale: locale)
        if channel == "SMS" {
            let when = NotificationTemplates.shortDate(d.date, lang) + " " + d.time.iso
            switch lang {
            case .es: return ("", "\(d.clinicName): se liberó una cita con \(d.doctorName) el \(when). Reservada para usted hasta las \(d.holdUntil.iso): \(link)")
            case .en: return ("", "\(d.clinicName): a slot with \(d.doctorName) opened on \(when). Held for you until \(d.holdUntil.iso): \(link)")
            }
        }
        let long = NotificationTemplates.longDate(d.date, lang)
        switch lang {
        case .es:
            return ("Se liberó una cita – \(d.doctorName)", """
                Hola \(d.patientFirstName):

                Estaba en la lista de espera y se liberó una cita con \(d.doctorName) en \(d.clinicName) el \(long) a las \(d.time.iso) (hora de la clínica).

                La guardamos para usted durante \(d.holdMinutes) minutos, hasta las \(d.holdUntil.iso). Para aceptarla o rechazarla, abra:

                \(link)

                Si no responde a tiempo, se ofrecerá a la siguiente persona de la lista.

                \(d.clinicName)
                """)
        case .en:
            return ("A slot opened up – \(d.doctorName)", """
                Hello \(d.patientFirstName),

                You were on the waitlist and a slot with \(d.doctorName) at \(d.clinicName) opened up on \(long) at \(d.time.iso) (clinic time).

                We are holding it for you for \(d.holdMinutes) minutes, until \(d.holdUntil.iso). To accept or decline it, open:

                \(link)

                If you do not answer in time, it goes to the next person on the list.

                \(d.clinicName)
                """)
        }
    }
}

extension String {
    /// Every occurrence of `placeholder` replaced (Foundation-free, for ClinicDomain).
    func replacingPlaceholder(_ placeholder: String, with replacement: String) -> String {
        guard !placeholder.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.firstRange(of: placeholder) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
