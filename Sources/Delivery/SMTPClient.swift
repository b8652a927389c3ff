// An SMTP client of our own (RFC 5321): EHLO, STARTTLS (RFC 3207) through
// OpenSSL, AUTH PLAIN (RFC 4616), MAIL FROM / RCPT TO / DATA with
// dot-stuffing, several messages per session (RSET after a refused one).
import JSON

/// Where and how to reach the relay, from `SMTP_URL`.
public struct SMTPConfiguration: Sendable, Equatable {
    public enum Security: Sendable, Equatable {
        /// `smtp://` without credentials: STARTTLS when the server offers it,
        /// plain otherwise. (With credentials `smtp://` means `.startTLSRequired`.)
        case opportunistic
        /// `smtp+starttls://` or `?starttls=required`: refuse to send without STARTTLS.
        case startTLSRequired
        /// `smtps://`: TLS from the first byte.
        case implicitTLS
        /// `?starttls=never` (no credentials) or `smtp+insecure://`: plain even when offered.
        case plain
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var verification: TLSVerification
    /// Connect/read/write timeout, seconds (`?timeout=`).
    public var timeout: Double
    /// Our name in EHLO (`?helo=`).
    public var heloName: String
    /// Only `smtp+insecure://` sets it: the operator said in the URL that the
    /// relay password may cross the network in clear (e.g. a relay on a
    /// private link that cannot do TLS). Otherwise credentials go over TLS or not at all.
    public var allowsCleartextCredentials = false

    public init(host: String, port: Int, security: Security = .opportunistic, username: String? = nil, password: String? = nil,
                verification: TLSVerification = .verifyPeer, timeout: Double = 30, heloName: String = "localhost") {
        self.host = host; self.port = port; self.security = security; self.username = username; self.password = password
        self.verification = verification; self.timeout = timeout; self.heloName = heloName
    }

    /// Parses `smtp://[user:pass@]host[:port][?starttls=required|never&tls_verify=none&timeout=S&helo=NAME]`,
    /// `smtps://…`, `smtp+starttls://…` and `smtp+insecure://…`. The error message is one line, fit for a startup failure.
    ///
    /// Credentials never go in clear unless the URL says so: `smtp://user:pass@…`
    /// requires STARTTLS (a relay or a man in the middle that does not offer
    /// it gets no password and no mail), `?starttls=never` with credentials is
    /// refused, and only `smtp+insecure://user:pass@…` sends them without TLS.
    public static func parse(_ url: String) throws(URLError) -> SMTPConfiguration {
        let parsed = try ParsedURL.parse(url, name: "SMTP_URL")
        var config: SMTPConfiguration
        switch parsed.scheme {
        case "smtp": config = SMTPConfiguration(host: parsed.host, port: parsed.port ?? 25)
        case "smtps": config = SMTPConfiguration(host: parsed.host, port: parsed.port ?? 465, security: .implicitTLS)
        case "smtp+starttls": config = SMTPConfiguration(host: parsed.host, port: parsed.port ?? 587, security: .startTLSRequired)
        case "smtp+insecure":
            config = SMTPConfiguration(host: parsed.host, port: parsed.port ?? 25, security: .plain)
            config.allowsCleartextCredentials = true
        default: throw URLError("SMTP_URL: scheme must be smtp, smtps, smtp+starttls or smtp+insecure, got \"\(parsed.scheme)\"")
        }
        config.username = parsed.user
        config.password = parsed.password
        for (key, value) in parsed.query {
            switch (key, value) {
            case ("starttls", "required"):
                guard config.security != .implicitTLS else { throw URLError("SMTP_URL: smtps already uses TLS; drop starttls=") }
                config.security = .startTLSRequired
            case ("starttls", "never"):
                guard config.security == .opportunistic else { throw URLError("SMTP_URL: starttls=never contradicts the scheme") }
                guard config.username == nil else {
                    throw URLError("SMTP_URL: starttls=never would send the relay password in clear; "
                                   + "use smtp+insecure://user:pass@host if that is really meant")
                }
                config.security = .plain
            case ("starttls", "opportunistic"): break
            case ("tls_verify", "none"): config.verification = .none
            case ("tls_verify", "peer"): config.verification = .verifyPeer
            case ("timeout", _):
                guard let t = Double(value), t > 0, t <= 600 else { throw URLError("SMTP_URL: timeout must be 1…600 seconds") }
                config.timeout = t
            case ("helo", _) where !value.isEmpty && value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }):
                config.heloName = value
            default:
                throw URLError("SMTP_URL: unknown option \(key)=\(value) (known: starttls=required|never, tls_verify=none, timeout=S, helo=NAME)")
            }
        }
        if config.username != nil, config.password == nil {
            throw URLError("SMTP_URL: a user name needs a password (smtp://user:pass@host:port)")
        }
        if config.username != nil, config.security == .opportunistic { config.security = .startTLSRequired }
        return config
    }

    /// The URL without the password, for logs.
    public var redacted: String {
        let scheme = allowsCleartextCredentials ? "smtp+insecure"
            : security == .implicitTLS ? "smtps" : security == .startTLSRequired ? "smtp+starttls" : "smtp"
        let user = username.map { "\($0):***@" } ?? ""
        return "\(scheme)://\(user)\(host):\(port)"
    }
}

/// An SMTP reply that was not what the client expected.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public var code: Int
    public var message: String
    /// While doing what ("RCPT TO", "DATA", …).
    public var stage: String
    /// 5xx: the server refuses for good.
    public var isPermanent: Bool { code >= 500 && code < 600 }
    public var description: String { "SMTP \(code) after \(stage): \(message)" }
}

/// Sends email through one relay. Each `send` call opens one session for its batch.
public struct SMTPTransport: EmailTransport {
    public let configuration: SMTPConfiguration
    public init(configuration: SMTPConfiguration) { self.configuration = configuration }
    public var label: String { configuration.redacted }

    public func send(_ messages: [EmailMessage]) -> [DeliveryOutcome] {
        guard !messages.isEmpty else { return [] }
        var outcomes: [DeliveryOutcome] = []
        let session: SMTPSession
        do {
            session = try SMTPSession(configuration)
        } catch {
            return messages.map { _ in Self.outcome(error) }
        }
        defer { session.quit() }
        for (index, message) in messages.enumerated() {
            do {
                try session.send(message)
                outcomes.append(.sent)
            } catch let e as SMTPError {
                outcomes.append(Self.outcome(e))
                // The session is still usable after a refused command: reset and go on.
                do { try session.reset() } catch {
                    outcomes += messages[(index + 1)...].map { _ in Self.outcome(error) }
                    return outcomes
                }
            } catch {
                // Network trouble: this and the rest are worth another try later.
                outcomes += messages[index...].map { _ in Self.outcome(error) }
                return outcomes
            }
        }
        return outcomes
    }

    static func outcome(_ error: Error) -> DeliveryOutcome {
        if let e = error as? SMTPError { return e.isPermanent ? .permanent(e.description) : .retry(e.description) }
        return .retry("\(error)")
    }
}

/// One SMTP conversation.
final class SMTPSession {
    let stream: NetworkStream
    let config: SMTPConfiguration
    private(set) var extensions: [String: String] = [:]

    init(_ config: SMTPConfiguration) throws {
        self.config = config
        stream = try NetworkStream(host: config.host, port: config.port, timeout: config.timeout)
        do {
            if config.security == .implicitTLS { try stream.startTLS(verification: config.verification) }
            _ = try expect(220, stage: "greeting")
            try ehlo()
            if config.security != .implicitTLS, config.security != .plain {
                if extensions["STARTTLS"] != nil {
                    try command("STARTTLS", expect: 220)
                    try stream.startTLS(verification: config.verification)
                    try ehlo()
                } else if config.security == .startTLSRequired {
                    throw SMTPError(code: 530, message: "the server does not offer STARTTLS, which SMTP_URL requires", stage: "EHLO")
                }
            }
            if let user = config.username, let password = config.password {
                // Whatever the configuration path, the password never leaves in clear unasked.
                guard stream.isTLS || config.allowsCleartextCredentials else {
                    throw SMTPError(code: 530, message: "refusing to send the relay credentials without TLS "
                                    + "(smtp+insecure:// allows it)", stage: "EHLO")
                }
                guard let mechanisms = extensions["AUTH"], mechanisms.uppercased().split(separator: " ").contains("PLAIN") else {
                    throw SMTPError(code: 530, message: "the server does not offer AUTH PLAIN"
                                    + (stream.isTLS ? "" : " (many servers offer it only after STARTTLS)"), stage: "EHLO")
                }
                let token = Base64.encode([0] + Array(user.utf8) + [0] + Array(password.utf8))
                try command("AUTH PLAIN " + token, expect: 235, stage: "AUTH PLAIN")
            }
        } catch {
            stream.close()
            throw error
        }
    }

    private func ehlo() throws {
        let lines = try command("EHLO \(config.heloName)", expect: 250)
        extensions = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard let key = parts.first else { continue }
            extensions[key.uppercased()] = parts.count > 1 ? String(parts[1]) : ""
        }
    }

    func send(_ message: EmailMessage) throws {
        try command("MAIL FROM:<\(message.fromAddress)>", expect: 250, stage: "MAIL FROM")
        try command("RCPT TO:<\(message.toAddress)>", expect: 250, also: 251, stage: "RCPT TO")
        try command("DATA", expect: 354)
        try stream.write(Self.dotStuffed(message.rendered()) + ".\r\n")
        _ = try expect(250, stage: "end of DATA")
    }

    func reset() throws { try command("RSET", expect: 250) }

    func quit() {
        _ = try? command("QUIT", expect: 221)
        stream.close()
    }

    /// Lines starting with "." get another "." (RFC 5321 §4.5.2); the text ends in CRLF.
    static func dotStuffed(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        var atLineStart = true
        for ch in text.unicodeScalars {
            if atLineStart && ch == "." { out.unicodeScalars.append(".") }
            out.unicodeScalars.append(ch)
            atLineStart = ch == "\n"
        }
        if !out.hasSuffix("\r\n") { out += "\r\n" }
        return out
    }

    @discardableResult
    private func command(_ line: String, expect code: Int, also: Int? = nil, stage: String? = nil) throws -> [String] {
        try stream.write(line + "\r\n")
        let name = stage ?? String(line.prefix { $0 != " " })
        return try expect(code, also: also, stage: name)
    }

    /// Reads one (possibly multi-line) reply; throws SMTPError unless its code is `code` (or `also`).
    private func expect(_ code: Int, also: Int? = nil, stage: String) throws -> [String] {
        var lines: [String] = []
        var replyCode = 0
        while true {
            let line = try stream.readLine()
            guard line.utf8.count >= 3, let c = Int(line.prefix(3)) else {
                throw SMTPError(code: 0, message: "malformed reply \"\(line.prefix(100))\"", stage: stage)
            }
            replyCode = c
            lines.append(String(line.dropFirst(4)))
            if line.utf8.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] != "-" { break }
            if lines.count > 1000 { throw SMTPError(code: 0, message: "reply too long", stage: stage) }
        }
        guard replyCode == code || replyCode == also else {
            throw SMTPError(code: replyCode, message: lines.joined(separator: " ").trimmedForLog, stage: stage)
        }
        return lines
    }
}

extension String {
    var trimmedForLog: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s.prefix(300))
    }
}
