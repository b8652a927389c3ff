// What the outbox worker hands to a transport, and what it gets back.
// Transports block (sockets): call them from a thread of your own.
import Glibc

/// One email to send.
public struct EmailMessage: Sendable, Equatable {
    /// The outbox row's idempotency key; the Message-ID is built from it, so a
    /// message sent twice after a crash is recognisable as the same message.
    public var deliveryKey: String
    public var fromAddress: String
    public var fromName: String?
    public var toAddress: String
    public var toName: String?
    public var subject: String
    public var body: String
    /// Seconds since 1970 for the Date header.
    public var date: Int64
    /// The template it was made from ("PASSWORD_RESET", …), for logs that must not show the text.
    public var kind: String
    /// Files after the text (e.g. the appointment's `.ics`); none: a single-part message.
    public var attachments: [EmailAttachment]

    public init(deliveryKey: String, fromAddress: String, fromName: String?, toAddress: String, toName: String?,
                subject: String, body: String, date: Int64, kind: String = "", attachments: [EmailAttachment] = []) {
        self.deliveryKey = deliveryKey; self.fromAddress = fromAddress; self.fromName = fromName
        self.toAddress = toAddress; self.toName = toName; self.subject = subject; self.body = body; self.date = date
        self.kind = kind; self.attachments = attachments
    }

    /// `<key@domain-of-sender>`.
    public var messageID: String {
        let domain = fromAddress.split(separator: "@").last.map(String.init) ?? "localhost"
        return "<\(deliveryKey)@\(domain.isEmpty ? "localhost" : domain)>"
    }

    /// The RFC 5322 message: headers, blank line, quoted-printable body; CRLF line ends, not dot-stuffed.
    /// With attachments, a multipart/mixed (RFC 2046 §5.1.3) whose first part is that same text.
    public func rendered() -> String {
        var h: [String] = []
        h.append("From: " + MIME.mailbox(name: fromName, address: fromAddress))
        h.append("To: " + MIME.mailbox(name: toName, address: toAddress))
        h.append("Subject: " + MIME.encodedWords(subject))
        h.append("Date: " + RFC5322Date.format(secondsSinceEpoch: date))
        h.append("Message-ID: " + messageID)
        h.append("MIME-Version: 1.0")
        let text = "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + MIME.quotedPrintable(body) + "\r\n"
        guard !attachments.isEmpty else { return h.joined(separator: "\r\n") + "\r\n" + text }
        let boundary = MIME.boundary(deliveryKey)
        h.append("Content-Type: multipart/mixed;\r\n boundary=\"\(boundary)\"")
        var out = h.joined(separator: "\r\n") + "\r\n\r\n--" + boundary + "\r\n" + text
        for a in attachments { out += "--" + boundary + "\r\n" + a.renderedPart() }
        return out + "--" + boundary + "--\r\n"
    }
}

/// A file sent after an email's text: a MIME body part in base64.
public struct EmailAttachment: Sendable, Equatable {
    /// "text/calendar; charset=UTF-8; method=REQUEST": type and parameters as they go on the wire.
    public var contentType: String
    /// ASCII letters, digits, '.', '-' and '_' only (it is sent unencoded).
    public var fileName: String
    public var content: [UInt8]

    public init(contentType: String, fileName: String, content: [UInt8]) {
        self.contentType = contentType; self.fileName = fileName; self.content = content
    }

    func renderedPart() -> String {
        let name = String(fileName.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }.prefix(64))
        let type = contentType.filter { $0 != "\r" && $0 != "\n" }
        return "Content-Type: \(type); name=\"\(name)\"\r\n"
            + "Content-Disposition: attachment; filename=\"\(name)\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + MIME.base64Lines(content) + "\r\n"
    }
}

/// One SMS to send.
public struct SMSMessage: Sendable, Equatable {
    public var deliveryKey: String
    public var to: String
    public var body: String
    /// The template it was made from, for logs that must not show the text.
    public var kind: String
    public init(deliveryKey: String, to: String, body: String, kind: String = "") {
        self.deliveryKey = deliveryKey; self.to = to; self.body = body; self.kind = kind
    }
}

/// The result of one delivery attempt.
public enum DeliveryOutcome: Sendable, Equatable {
    case sent
    /// Temporary (SMTP 4xx, HTTP 5xx, timeouts, network): try again later.
    case retry(String)
    /// Permanent (SMTP 5xx, HTTP 4xx): do not try again.
    case permanent(String)
}

public protocol EmailTransport: Sendable {
    /// Sends the messages (one session where the transport can), one outcome each, in order.
    func send(_ messages: [EmailMessage]) -> [DeliveryOutcome]
    /// For logs: "smtp://relay:25", "log (not sent)".
    var label: String { get }
}

public protocol SMSTransport: Sendable {
    func send(_ messages: [SMSMessage]) -> [DeliveryOutcome]
    var label: String { get }
}

/// Without SMTP_URL: each email goes to the log, clearly marked as not sent,
/// and counts as delivered so the outbox drains. With `revealsContent`
/// (development: a developer needs the reset link) the log has the subject
/// and body; without it (production) only that a message of this kind to a
/// masked recipient was not sent: bodies carry reset links and appointment
/// details, which have no place in logs.
public struct LogEmailTransport: EmailTransport {
    let log: @Sendable (String) -> Void
    let revealsContent: Bool
    public init(log: @escaping @Sendable (String) -> Void, revealsContent: Bool = true) {
        self.log = log; self.revealsContent = revealsContent
    }
    public var label: String { "log (emails NOT SENT: no SMTP_URL)" }
    public func send(_ messages: [EmailMessage]) -> [DeliveryOutcome] {
        messages.map { m in
            if revealsContent {
                log("EMAIL NOT SENT (no SMTP_URL configured) to=\(m.toAddress) subject=\(m.subject) message-id=\(m.messageID)\n\(m.body)")
            } else {
                log("EMAIL NOT SENT (no SMTP_URL configured) to=\(RecipientMask.email(m.toAddress)) kind=\(m.kind.isEmpty ? "?" : m.kind) "
                    + "message-id=\(m.messageID)")
            }
            return .sent
        }
    }
}

/// Without SMS_WEBHOOK_URL: each SMS goes to the log, marked as not sent
/// (the text only with `revealsContent`, as for emails).
public struct LogSMSTransport: SMSTransport {
    let log: @Sendable (String) -> Void
    let revealsContent: Bool
    public init(log: @escaping @Sendable (String) -> Void, revealsContent: Bool = true) {
        self.log = log; self.revealsContent = revealsContent
    }
    public var label: String { "log (SMS NOT SENT: no SMS_WEBHOOK_URL)" }
    public func send(_ messages: [SMSMessage]) -> [DeliveryOutcome] {
        messages.map { m in
            if revealsContent {
                log("SMS NOT SENT (no SMS_WEBHOOK_URL configured) to=\(m.to) key=\(m.deliveryKey): \(m.body)")
            } else {
                log("SMS NOT SENT (no SMS_WEBHOOK_URL configured) to=\(RecipientMask.phone(m.to)) kind=\(m.kind.isEmpty ? "?" : m.kind) "
                    + "key=\(m.deliveryKey)")
            }
            return .sent
        }
    }
}

/// Recipients as logs may show them: enough to tell messages apart, not to
/// learn who the clinic's patients are.
public enum RecipientMask {
    /// "lucia.pena@example.test" → "l***@example.test".
    public static func email(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@"), at != address.startIndex else { return "***" }
        return String(address[address.startIndex]) + "***" + String(address[at...])
    }

    /// "+52 55 1234 5678" → "***78".
    public static func phone(_ number: String) -> String {
        "***" + String(number.filter(\.isNumber).suffix(2))
    }
}

/// `Date:` values: "Fri, 27 Nov 2026 01:30:00 +0000".
public enum RFC5322Date {
    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func format(secondsSinceEpoch t: Int64) -> String {
        // The C library's calendar (UTC), rather than a second copy of the date arithmetic.
        var seconds = time_t(t)
        var c = tm()
        gmtime_r(&seconds, &c)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[Int(c.tm_wday)]), \(two(c.tm_mday)) \(months[Int(c.tm_mon)]) \(c.tm_year + 1900) "
            + "\(two(c.tm_hour)):\(two(c.tm_min)):\(two(c.tm_sec)) +0000"
    }
}
