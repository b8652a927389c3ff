// SMS through a webhook: `POST {"to": …, "body": …}` as JSON to
// SMS_WEBHOOK_URL over HTTP/1.1 (https through OpenSSL). 2xx is sent, 4xx is
// a permanent refusal, 5xx and timeouts are worth another try.
import JSON

/// A configuration URL that does not parse; the message is one line.
public struct URLError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// `scheme://[user[:pass]@]host[:port][/path][?k=v&…]`, percent-decoded user, password and query.
struct ParsedURL: Sendable, Equatable {
    var scheme: String
    var user: String?
    var password: String?
    var host: String
    var port: Int?
    var path: String
    var query: [(String, String)]

    static func == (a: ParsedURL, b: ParsedURL) -> Bool {
        a.scheme == b.scheme && a.user == b.user && a.password == b.password && a.host == b.host && a.port == b.port
            && a.path == b.path && a.query.map { $0.0 + "=" + $0.1 } == b.query.map { $0.0 + "=" + $0.1 }
    }

    static func parse(_ text: String, name: String) throws(URLError) -> ParsedURL {
        guard let schemeEnd = text.firstRange(ofText: "://") else {
            throw URLError("\(name): not a URL (expected scheme://host:port), got \"\(text.prefix(80))\"")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        var rest = text[schemeEnd.upperBound...]
        var queryText: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var path = "/"
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        var user: String?, password: String?
        if let at = rest.lastIndex(of: "@") {
            let info = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = info.firstIndex(of: ":") {
                user = try decodePercent(info[..<colon], name: name)
                password = try decodePercent(info[info.index(after: colon)...], name: name)
            } else {
                user = try decodePercent(info, name: name)
            }
        }
        var host = rest
        var port: Int?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw URLError("\(name): unterminated [IPv6] host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = try parsePort(after.dropFirst(), name: name) } else if !after.isEmpty {
                throw URLError("\(name): unexpected text after the host")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            port = try parsePort(rest[rest.index(after: colon)...], name: name)
        }
        guard !host.isEmpty else { throw URLError("\(name): the host is missing") }
        var query: [(String, String)] = []
        for pair in queryText.split(separator: "&") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            query.append((try decodePercent(kv[0], name: name), kv.count > 1 ? try decodePercent(kv[1], name: name) : ""))
        }
        return ParsedURL(scheme: scheme, user: user, password: password, host: String(host), port: port, path: path, query: query)
    }

    private static func parsePort(_ text: Substring, name: String) throws(URLError) -> Int {
        guard let p = Int(text), (1...65535).contains(p) else { throw URLError("\(name): port must be 1…65535, got \"\(text)\"") }
        return p
    }

    private static func decodePercent(_ text: Substring, name: String) throws(URLError) -> String {
        var out: [UInt8] = []
        let b = Array(text.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%") {
                guard i + 2 < b.count, let h = MIME.hexValue(b[i + 1]), let l = MIME.hexValue(b[i + 2]) else {
                    throw URLError("\(name): bad percent-escape")
                }
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw URLError("\(name): percent-escapes are not UTF-8") }
        return s
    }
}

public struct SMSWebhookConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var path: String
    public var useTLS: Bool
    public var verification: TLSVerification
    public var timeout: Double
    /// Sent as HTTP Basic when the URL has user:pass@.
    public var basicAuth: String?

    /// `http://host[:port]/path[?query]` or `https://…`. The query stays part of the request target.
    public static func parse(_ url: String, timeout: Double = 10) throws(URLError) -> SMSWebhookConfiguration {
        let parsed = try ParsedURL.parse(url, name: "SMS_WEBHOOK_URL")
        guard parsed.scheme == "http" || parsed.scheme == "https" else {
            throw URLError("SMS_WEBHOOK_URL: scheme must be http or https, got \"\(parsed.scheme)\"")
        }
        let https = parsed.scheme == "https"
        var target = parsed.path
        if let q = url.firstIndex(of: "?") { target += String(url[q...]) }
        var auth: String?
        if let u = parsed.user { auth = Base64.encode(Array((u + ":" + (parsed.password ?? "")).utf8)) }
        return SMSWebhookConfiguration(host: parsed.host, port: parsed.port ?? (https ? 443 : 80), path: target, useTLS: https,
                                       verification: .verifyPeer, timeout: timeout, basicAuth: auth)
    }

    public var redacted: String { "\(useTLS ? "https" : "http")://\(host):\(port)\(path.prefix { $0 != "?" })" }
}

public struct SMSWebhookTransport: SMSTransport {
    public let configuration: SMSWebhookConfiguration
    public init(configuration: SMSWebhookConfiguration) { self.configuration = configuration }
    public var label: String { configuration.redacted }

    public func send(_ messages: [SMSMessage]) -> [DeliveryOutcome] {
        messages.map(sendOne)
    }

    func sendOne(_ m: SMSMessage) -> DeliveryOutcome {
        let body = JSON.object([("to", .string(m.to)), ("body", .string(m.body))]).serialized()
        let c = configuration
        var head = "POST \(c.path) HTTP/1.1\r\nHost: \(c.host)\(c.port == (c.useTLS ? 443 : 80) ? "" : ":\(c.port)")\r\n"
        head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body.count)\r\n"
        head += "Idempotency-Key: \(m.deliveryKey)\r\nUser-Agent: clinic-notifications\r\nConnection: close\r\n"
        if let auth = c.basicAuth { head += "Authorization: Basic \(auth)\r\n" }
        head += "\r\n"
        do {
            let stream = try NetworkStream(host: c.host, port: c.port, timeout: c.timeout)
            defer { stream.close() }
            if c.useTLS { try stream.startTLS(verification: c.verification) }
            try stream.write(Array(head.utf8) + body)
            let status = try stream.readLine(limit: 8192)
            let parts = status.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]) else {
                return .retry("SMS webhook: malformed status line \"\(status.prefix(100))\"")
            }
            let reason = parts.count > 2 ? String(parts[2]) : ""
            switch code {
            case 200..<300: return .sent
            case 400..<500: return .permanent("SMS webhook answered HTTP \(code) \(reason)")
            default: return .retry("SMS webhook answered HTTP \(code) \(reason)")
            }
        } catch {
            return .retry("SMS webhook: \(error)")
        }
    }
}
