// Public value types of the HTTP module: requests, responses, headers,
// configuration, metrics and errors. Generic: nothing here knows GraphQL.

import Synchronization

/// An async request handler. It runs as a Swift Task; the event loop never
/// waits for it.
public typealias HTTPHandler = @Sendable (HTTPRequest) async -> HTTPResponse

/// What to do with a request, decided on its event-loop thread (see `HTTPServer.init(configuration:dispatcher:)`).
public enum HTTPDispatch: Sendable {
    /// The answer, already known: written by the loop, no task, no thread hop. Only for work that
    /// is short and cannot block (a cached answer, a refusal).
    case respond(HTTPResponse)
    /// A handler task runs this (see `HTTPHandlerExecution`).
    case run(@Sendable () async -> HTTPResponse)
}

/// Called on the event-loop thread for each complete request.
public typealias HTTPDispatcher = @Sendable (HTTPRequest) -> HTTPDispatch

/// Ordered header fields with case-insensitive lookup.
public struct HTTPHeaders: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// The first value of the field named `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        for field in fields where asciiCaseInsensitiveEquals(field.name, name) {
            return field.value
        }
        return nil
    }

    /// Every value of the field named `name` (case-insensitive), in order.
    public func values(for name: String) -> [String] {
        fields.filter { asciiCaseInsensitiveEquals($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public var count: Int { fields.count }

    public mutating func add(name: String, value: String) {
        fields.append((name, value))
    }

    /// Replaces every field named `name` with one field (or removes them when `value` is nil).
    public mutating func replace(name: String, value: String?) {
        fields.removeAll { asciiCaseInsensitiveEquals($0.name, name) }
        if let value { fields.append((name, value)) }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }
}

/// A complete HTTP request as handed to the handler.
public struct HTTPRequest: Sendable {
    /// The method exactly as sent (case-sensitive, e.g. "GET").
    public var method: String
    /// The raw request target (path and query, as sent, not decoded).
    public var target: String
    /// The path part of the target, not percent-decoded (e.g. "/graphql").
    public var path: String
    /// The raw query string after "?" (empty when absent), not decoded.
    public var rawQuery: String
    /// Query items, decoded like `application/x-www-form-urlencoded` (`+` is a space).
    public var queryItems: [(name: String, value: String)]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The peer's IP address only (no port), e.g. "127.0.0.1" or "::1".
    public var remoteAddress: String
    /// "HTTP/1.1" or "HTTP/1.0".
    public var version: String

    public init(method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
                remoteAddress: String = "127.0.0.1", version: String = "HTTP/1.1") {
        self.method = method
        self.target = target
        let (path, query) = splitTarget(target)
        self.path = path
        self.rawQuery = query
        self.queryItems = parseQueryItems(query)
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.version = version
    }

    /// The first query item named `name` (exact match), decoded.
    public func queryItem(_ name: String) -> String? {
        for item in queryItems where item.name == name { return item.value }
        return nil
    }

    /// The body as UTF-8 text (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A response produced by a handler. The server adds `Date`, `Content-Length`,
/// `Server` and `Connection`; any `Content-Length`/`Transfer-Encoding` set here is replaced.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int = 200, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int = 200, headers: [(String, String)] = [], body: String) {
        self.init(status: status, headers: headers, body: Array(body.utf8))
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + headers, body: Array(text.utf8))
    }

    /// A JSON response from already-serialized bytes.
    public static func json(_ body: [UInt8], status: Int = 200, contentType: String = "application/json",
                            headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)] + headers, body: body)
    }

    /// A JSON response from an already-serialized string.
    public static func json(_ body: String, status: Int = 200, contentType: String = "application/json",
                            headers: [(String, String)] = []) -> HTTPResponse {
        json(Array(body.utf8), status: status, contentType: contentType, headers: headers)
    }

    /// An `text/html; charset=utf-8` response.
    public static func html(_ html: String, status: Int = 200, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")] + headers, body: Array(html.utf8))
    }

    /// A small plain-text error/status response whose body is the reason phrase.
    public static func status(_ status: Int, headers: [(String, String)] = []) -> HTTPResponse {
        text(httpReasonPhrase(status) + "\n", status: status, headers: headers)
    }

    /// The first header value named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        for (n, v) in headers where asciiCaseInsensitiveEquals(n, name) { return v }
        return nil
    }
}

/// Server settings. Durations are wall-clock limits enforced by the event loops.
public struct HTTPServerConfiguration: Sendable {
    /// Numeric IPv4/IPv6 address or host name to listen on ("127.0.0.1", "::1", "[::1]", "0.0.0.0", "::").
    public var host: String = "127.0.0.1"
    /// TCP port; 0 picks a free one (see `HTTPServer.boundPort`).
    public var port: Int = 8080
    /// Number of event-loop threads (default: one per online CPU).
    public var threads: Int = HTTPServerConfiguration.defaultThreadCount
    /// Open connections beyond this are answered 503 and closed at once.
    public var maxConnections: Int = 10_000
    /// An idle keep-alive connection is closed after this long.
    public var idleTimeout: Duration = .seconds(30)
    /// A whole request (head and body) must arrive within this long, else 408.
    public var requestTimeout: Duration = .seconds(10)
    /// Request line plus header fields (and separately, chunked trailers) at most this many bytes, else 431.
    public var maxHeaderBytes: Int = 16_384
    /// Request body at most this many bytes, else 413.
    public var maxBodyBytes: Int = 1_048_576
    /// Value of the `Server` header (no version); nil sends none.
    public var serverName: String? = "http"
    /// Called on each event-loop thread before it starts serving (e.g. to give the thread its
    /// own database connection when handlers run on the loops, `.eventLoop`), with the loop's
    /// hooks for work of that thread's that waits on a descriptor of its own.
    public var loopThreadStarted: (@Sendable (EventLoopHooks) -> Void)? = nil
    /// Where handler tasks run (see `HTTPHandlerExecution`). Default: the global concurrent executor.
    public var handlerExecution: HTTPHandlerExecution = .globalExecutor
    /// Builds the response for errors the server itself detects (400, 408, 413, 417, 431, 501, 505),
    /// e.g. to give them a JSON body. nil: a small `text/plain` body with the reason phrase. The
    /// connection is closed after it in any case (`Connection: close` is added).
    public var errorResponse: (@Sendable (_ status: Int) -> HTTPResponse)? = nil
    /// listen(2) backlog.
    public var backlog: Int32 = 1024

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }

    public static var defaultThreadCount: Int {
        let n = Int(sysconfNProcessors())
        return max(1, min(n, 64))
    }
}

/// Where a request's handler task runs. In every mode the event loop keeps serving other
/// connections while a handler is suspended (awaiting a database, a timer, ...).
public enum HTTPHandlerExecution: Sendable {
    /// `Task { }` on the global concurrent executor: the safe default; a handler may block its
    /// thread (synchronous I/O, heavy CPU) without stalling any event loop. One thread hop per request.
    case globalExecutor
    /// `Task.immediate { }`: the handler starts on the event-loop thread and runs there until its
    /// first real suspension, then continues on the global executor. A handler that finishes without
    /// suspending costs no thread hop. Its synchronous prefix must be short (no blocking calls).
    case immediate
    /// The event loop is the handler's task executor: the handler, and its continuations after
    /// awaits, run on the connection's loop thread. Fastest; a handler that blocks its thread
    /// stalls every connection of that loop.
    case eventLoop
    /// The handler's task prefers this executor (e.g. a database pool's threads, so the handler's
    /// statements run where it runs): one hop there and one back per request.
    case executor(any TaskExecutor)
}

/// A point-in-time snapshot of connection metrics.
public struct HTTPServerMetrics: Sendable, Equatable {
    /// Connections currently open.
    public var openConnections: Int
    /// Connections accepted since start (including those refused by the connection cap).
    public var totalAccepted: Int
    /// Responses written for complete requests (handler responses and protocol-error responses).
    public var requestsServed: Int
    /// Connections refused because of `maxConnections` (no idle one could make room).
    public var connectionsRefused: Int
    /// Idle connections closed to make room for new ones at `maxConnections`.
    public var idleConnectionsEvicted: Int
    /// Requests rejected for protocol errors (4xx/5xx produced by the server itself).
    public var protocolErrors: Int
}

/// Errors thrown by `HTTPServer.start()`; `description` is one human line.
public enum HTTPServerError: Error, CustomStringConvertible, Sendable {
    case addressInUse(host: String, port: Int)
    case cannotResolve(host: String)
    case socketFailed(operation: String, errno: Int32)
    case alreadyStarted

    public var description: String {
        switch self {
        case let .addressInUse(host, port):
            return "cannot listen on \(formatHostPort(host, port)): address already in use"
        case let .cannotResolve(host):
            return "cannot listen on \(host): not a valid address"
        case let .socketFailed(operation, code):
            return "\(operation) failed: \(errnoDescription(code))"
        case .alreadyStarted:
            return "server already started"
        }
    }
}

/// Internal atomic counters behind `HTTPServerMetrics`.
final class MetricsCounters: Sendable {
    let open = Atomic<Int>(0)
    let accepted = Atomic<Int>(0)
    let served = Atomic<Int>(0)
    let refused = Atomic<Int>(0)
    let evictedIdle = Atomic<Int>(0)
    let protocolErrors = Atomic<Int>(0)

    var snapshot: HTTPServerMetrics {
        HTTPServerMetrics(openConnections: open.load(ordering: .relaxed),
                          totalAccepted: accepted.load(ordering: .relaxed),
                          requestsServed: served.load(ordering: .relaxed),
                          connectionsRefused: refused.load(ordering: .relaxed),
                          idleConnectionsEvicted: evictedIdle.load(ordering: .relaxed),
                          protocolErrors: protocolErrors.load(ordering: .relaxed))
    }
}

/// Reason phrases for the status codes this server and its handlers use.
public func httpReasonPhrase(_ status: Int) -> String {
    switch status {
    case 100: return "Continue"
    case 101: return "Switching Protocols"
    case 200: return "OK"
    case 201: return "Created"
    case 202: return "Accepted"
    case 204: return "No Content"
    case 206: return "Partial Content"
    case 301: return "Moved Permanently"
    case 302: return "Found"
    case 303: return "See Other"
    case 304: return "Not Modified"
    case 307: return "Temporary Redirect"
    case 308: return "Permanent Redirect"
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    case 406: return "Not Acceptable"
    case 408: return "Request Timeout"
    case 409: return "Conflict"
    case 410: return "Gone"
    case 411: return "Length Required"
    case 412: return "Precondition Failed"
    case 413: return "Content Too Large"
    case 414: return "URI Too Long"
    case 415: return "Unsupported Media Type"
    case 417: return "Expectation Failed"
    case 422: return "Unprocessable Content"
    case 426: return "Upgrade Required"
    case 429: return "Too Many Requests"
    case 431: return "Request Header Fields Too Large"
    case 500: return "Internal Server Error"
    case 501: return "Not Implemented"
    case 502: return "Bad Gateway"
    case 503: return "Service Unavailable"
    case 504: return "Gateway Timeout"
    case 505: return "HTTP Version Not Supported"
    default:
        switch status / 100 {
        case 1: return "Informational"
        case 2: return "Success"
        case 3: return "Redirection"
        case 4: return "Client Error"
        default: return "Server Error"
        }
    }
}

// MARK: - Small helpers

@inline(__always)
func asciiLower(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b | 0x20 : b }

func asciiCaseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
    var ia = a.utf8.makeIterator()
    var ib = b.utf8.makeIterator()
    while true {
        let ca = ia.next(), cb = ib.next()
        switch (ca, cb) {
        case (nil, nil): return true
        case let (x?, y?): if asciiLower(x) != asciiLower(y) { return false }
        default: return false
        }
    }
}

func formatHostPort(_ host: String, _ port: Int) -> String {
    host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
}

/// Splits a request target into (path, rawQuery). Absolute-form targets lose scheme and authority.
func splitTarget(_ target: String) -> (String, String) {
    var t = Substring(target)
    if !t.hasPrefix("/"), let colon = t.firstIndex(of: ":"), t[colon...].hasPrefix("://") {
        let afterScheme = t[t.index(colon, offsetBy: 3)...]
        if let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
            t = afterScheme[slash...]
        } else {
            t = "/"
        }
        if t.hasPrefix("?") { t = "/" + t }
    }
    if let q = t.firstIndex(of: "?") {
        return (String(t[..<q]), String(t[t.index(after: q)...]))
    }
    return (String(t), "")
}

/// Parses `a=1&b=two+words&c=%C3%A9` into decoded pairs (form-urlencoded rules).
public func parseQueryItems(_ query: String) -> [(name: String, value: String)] {
    if query.isEmpty { return [] }
    var items: [(name: String, value: String)] = []
    for part in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
        if let eq = part.firstIndex(of: UInt8(ascii: "=")) {
            items.append((formURLDecode(part[part.startIndex..<eq]), formURLDecode(part[part.index(after: eq)...])))
        } else {
            items.append((formURLDecode(part), ""))
        }
    }
    return items
}

/// Percent-decodes bytes with `+` as space; malformed `%` escapes are kept literally.
public func formURLDecode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = bytes.startIndex
    while i != bytes.endIndex {
        let b = bytes[i]
        if b == UInt8(ascii: "+") {
            out.append(0x20)
        } else if b == UInt8(ascii: "%") {
            let j = bytes.index(after: i)
            if j != bytes.endIndex, let hi = hexValue(bytes[j]) {
                let k = bytes.index(after: j)
                if k != bytes.endIndex, let lo = hexValue(bytes[k]) {
                    out.append(hi << 4 | lo)
                    i = bytes.index(after: k)
                    continue
                }
            }
            out.append(b)
        } else {
            out.append(b)
        }
        i = bytes.index(after: i)
    }
    return String(decoding: out, as: UTF8.self)
}

@inline(__always)
func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case 48...57: return b - 48
    case 65...70: return b - 55
    case 97...102: return b - 87
    default: return nil
    }
}
