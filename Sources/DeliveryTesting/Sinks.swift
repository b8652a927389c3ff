// Local sinks for tests and benchmarks: a small SMTP server and a small HTTP
// server on 127.0.0.1 (ephemeral ports) that record what they receive and
// answer as told. A thread per connection; not for production.
import CCrypto
import Delivery
import Foundation
import JSON
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket on 127.0.0.1 with an accept thread.
final class LoopbackListener: Sendable {
    let fd: Int32
    let port: Int
    private let stopped = Atomic<Bool>(false)

    init(handler: @escaping @Sendable (Int32) -> Void) throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw NetworkError("sink: socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(s, 512) == 0 else {
            Glibc.close(s)
            throw NetworkError("sink: bind/listen: \(String(cString: strerror(errno)))")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) }
        }
        fd = s
        port = Int(UInt16(bigEndian: addr.sin_port))
        let thread = Thread { [self] in
            while !self.stopped.load(ordering: .relaxed) {
                let c = accept(s, nil, nil)
                if c < 0 {
                    if errno == EINTR { continue }
                    break
                }
                var tv = timeval(tv_sec: 30, tv_usec: 0)
                setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                let conn = Thread { handler(c) }
                conn.stackSize = 256 * 1024
                conn.start()
            }
        }
        thread.start()
    }

    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
    }
}

/// A Mutex in a class, so connection threads can share it.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

/// Line-oriented reading on a raw socket (sinks only).
final class SinkConnection {
    let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var ssl: OpaquePointer?
    init(_ fd: Int32) { self.fd = fd }

    /// Server side of a TLS handshake on this socket.
    func acceptTLS(_ context: SinkTLS) -> Bool {
        guard let s = SSL_new(context.ctx) else { return false }
        SSL_set_fd(s, fd)
        guard SSL_accept(s) == 1 else { SSL_free(s); return false }
        ssl = s
        return true
    }

    func readLine() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                var end = nl
                if end > 0, buffer[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(nl + 1)
                return line
            }
            guard fill() else { return nil }
        }
    }

    func read(count: Int) -> [UInt8]? {
        while buffer.count < count { guard fill() else { return nil } }
        let out = Array(buffer[..<count])
        buffer.removeFirst(count)
        return out
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = ssl.map { Int(SSL_read($0, &chunk, Int32(chunk.count))) } ?? recv(fd, &chunk, chunk.count, 0)
        guard n > 0 else { return false }
        buffer += chunk[..<n]
        return true
    }

    func write(_ s: String) {
        let bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { raw -> Int in
                if let ssl { return Int(SSL_write(ssl, raw.baseAddress, Int32(raw.count))) }
                return send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return }
            off += n
        }
    }

    func close() {
        if let ssl { SSL_shutdown(ssl); SSL_free(ssl) }
        Glibc.close(fd)
    }
}

/// A server TLS context from PEM files (a test's self-signed certificate).
public final class SinkTLS: @unchecked Sendable {
    let ctx: OpaquePointer
    public init(certificateFile: String, keyFile: String) throws {
        guard let c = SSL_CTX_new(TLS_server_method()) else { throw NetworkError("sink: SSL_CTX_new failed") }
        guard SSL_CTX_use_certificate_file(c, certificateFile, 1 /* PEM */) == 1,
              SSL_CTX_use_PrivateKey_file(c, keyFile, 1 /* PEM */) == 1 else {
            SSL_CTX_free(c)
            throw NetworkError("sink: cannot load \(certificateFile) / \(keyFile)")
        }
        ctx = c
    }
    deinit { SSL_CTX_free(ctx) }
}

/// An SMTP server that accepts everything (or refuses as told) and keeps every message.
public final class SMTPSink: Sendable {
    public struct Received: Sendable {
        public var mailFrom: String
        public var recipients: [String]
        /// DATA as received on the wire, dot-stuffing included, without the final ".".
        public var wireData: String
        /// DATA with dot-stuffing undone: the message as the sender rendered it.
        public var data: String
        public var authPlain: String?
        /// Whether the message came over TLS (STARTTLS or implicit).
        public var overTLS: Bool

        /// Header `name` (first occurrence), unfolded, still encoded.
        public func header(_ name: String) -> String? {
            let (head, _) = split()
            var value: String?
            for line in head.split(separator: "\r\n", omittingEmptySubsequences: false) {
                if value != nil, line.first == " " || line.first == "\t" { value! += "\r\n" + line; continue }
                if value != nil { break }
                if line.lowercased().hasPrefix(name.lowercased() + ":") {
                    value = String(line.dropFirst(name.count + 1).drop { $0 == " " })
                }
            }
            return value
        }

        /// The text with quoted-printable undone: the body, or a multipart message's first part.
        public var decodedBody: String {
            guard let first = parts.first else { return MIME.decodeQuotedPrintable(split().1) }
            return MIME.decodeQuotedPrintable(first.body)
        }
        public var rawBody: String { split().1 }

        /// One body part of a multipart message: its headers (names lowercased) and its encoded body.
        public struct Part: Sendable {
            public var headers: [String: String]
            public var body: String
            /// The body with its transfer encoding (base64 or quoted-printable) undone.
            public var decoded: [UInt8] {
                switch headers["content-transfer-encoding"]?.lowercased() {
                case "base64": return Base64.decode(body, ignoringLineBreaks: true) ?? []
                case "quoted-printable": return Array(MIME.decodeQuotedPrintable(body).utf8)
                default: return Array(body.utf8)
                }
            }
        }

        /// The parts of a multipart message (RFC 2046 §5.1), in order; empty for a single-part one.
        public var parts: [Part] {
            guard let type = header("Content-Type"), type.lowercased().hasPrefix("multipart/"),
                  let b = type.range(of: "boundary=\"") else { return [] }
            let boundary = "--" + type[b.upperBound...].prefix { $0 != "\"" }
            var result: [Part] = []
            for chunk in ("\r\n" + split().1).components(separatedBy: "\r\n" + boundary).dropFirst() where !chunk.hasPrefix("--") {
                guard let end = chunk.range(of: "\r\n\r\n") else { continue }
                var headers: [String: String] = [:]
                for line in chunk[..<end.lowerBound].split(separator: "\r\n") {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                result.append(Part(headers: headers, body: String(chunk[end.upperBound...])))
            }
            return result
        }

        func split() -> (String, String) {
            guard let r = data.range(of: "\r\n\r\n") else { return (data, "") }
            return (String(data[..<r.lowerBound]), String(data[r.upperBound...]))
        }
    }

    /// What to answer at a stage: nil accepts; otherwise a full reply line such as "451 4.3.0 try later".
    public struct Behaviour: Sendable {
        public var rcpt: String?
        public var endOfData: String?
        public var offerAuth: Bool
        public init(rcpt: String? = nil, endOfData: String? = nil, offerAuth: Bool = false) {
            self.rcpt = rcpt; self.endOfData = endOfData; self.offerAuth = offerAuth
        }
    }

    private let listener: LoopbackListener
    typealias State = (messages: [Received], behaviour: Behaviour, sessions: Int, commands: [String])
    private let state: Locked<State>
    public var port: Int { listener.port }
    public var url: String { "smtp://127.0.0.1:\(listener.port)" }

    /// How the sink speaks TLS, when given a certificate.
    public enum TLSMode: Sendable { case startTLS, implicit }

    public init(behaviour: Behaviour = Behaviour(), tls: SinkTLS? = nil, tlsMode: TLSMode = .startTLS) throws {
        let state = Locked<State>(([], behaviour, 0, []))
        self.state = state
        listener = try LoopbackListener { fd in SMTPSink.serve(fd, state: state, tls: tls, mode: tlsMode) }
    }

    public func stop() { listener.stop() }
    public var messages: [Received] { state.withLock { $0.messages } }
    public var sessions: Int { state.withLock { $0.sessions } }
    /// Every command line received (AUTH payloads included), for protocol assertions.
    public var commands: [String] { state.withLock { $0.commands } }
    public func setBehaviour(_ b: Behaviour) { state.withLock { $0.behaviour = b } }
    public func clear() { state.withLock { $0.messages = []; $0.commands = [] } }

    private static func serve(_ fd: Int32, state: Locked<State>, tls: SinkTLS?, mode: TLSMode) {
        let c = SinkConnection(fd)
        defer { c.close() }
        state.withLock { $0.sessions += 1 }
        if let tls, mode == .implicit, !c.acceptTLS(tls) { return }
        c.write("220 sink.test ESMTP ready\r\n")
        var from = "", rcpts: [String] = [], auth: String?
        while let line = c.readLine() {
            state.withLock { $0.commands.append(line) }
            let upper = line.uppercased()
            let behaviour = state.withLock { $0.behaviour }
            if upper.hasPrefix("EHLO") {
                let startTLS = tls != nil && mode == .startTLS && c.ssl == nil ? "250-STARTTLS\r\n" : ""
                c.write("250-sink.test\r\n250-8BITMIME\r\n" + startTLS + (behaviour.offerAuth ? "250-AUTH PLAIN LOGIN\r\n" : "")
                        + "250 SIZE 10485760\r\n")
            } else if upper == "STARTTLS", let tls, c.ssl == nil {
                c.write("220 2.0.0 ready to start TLS\r\n")
                guard c.acceptTLS(tls) else { return }
                from = ""; rcpts = []; auth = nil
            } else if upper.hasPrefix("HELO") {
                c.write("250 sink.test\r\n")
            } else if upper.hasPrefix("AUTH PLAIN ") {
                auth = String(line.dropFirst(11))
                c.write("235 2.7.0 authenticated\r\n")
            } else if upper.hasPrefix("MAIL FROM:") {
                from = String(line.dropFirst(10)); rcpts = []
                c.write("250 2.1.0 ok\r\n")
            } else if upper.hasPrefix("RCPT TO:") {
                if let r = behaviour.rcpt { c.write(r + "\r\n"); continue }
                rcpts.append(String(line.dropFirst(8)))
                c.write("250 2.1.5 ok\r\n")
            } else if upper == "DATA" {
                guard !rcpts.isEmpty else { c.write("554 5.5.1 no valid recipients\r\n"); continue }
                c.write("354 go ahead\r\n")
                var wire: [String] = []
                while let l = c.readLine() {
                    if l == "." { break }
                    wire.append(l)
                }
                let wireData = wire.joined(separator: "\r\n") + "\r\n"
                let data = wire.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }.joined(separator: "\r\n") + "\r\n"
                if let r = behaviour.endOfData { c.write(r + "\r\n"); continue }
                let msg = Received(mailFrom: from, recipients: rcpts, wireData: wireData, data: data, authPlain: auth, overTLS: c.ssl != nil)
                state.withLock { $0.messages.append(msg) }
                c.write("250 2.0.0 queued\r\n")
            } else if upper == "RSET" {
                from = ""; rcpts = []
                c.write("250 2.0.0 ok\r\n")
            } else if upper == "NOOP" {
                c.write("250 ok\r\n")
            } else if upper == "QUIT" {
                c.write("221 bye\r\n")
                return
            } else {
                c.write("502 5.5.2 not implemented\r\n")
            }
        }
    }
}

/// An HTTP/1.1 server that records each request body and answers with a set status.
public final class HTTPSink: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var target: String
        public var headers: [(String, String)]
        public var body: String
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    private let listener: LoopbackListener
    /// (status to answer, seconds to wait before answering)
    typealias State = (requests: [Request], status: Int, delay: Double)
    private let state: Locked<State>
    public var port: Int { listener.port }
    public var url: String { "http://127.0.0.1:\(listener.port)/sms" }

    public init(status: Int = 200) throws {
        let state = Locked<State>(([], status, 0))
        self.state = state
        listener = try LoopbackListener { fd in HTTPSink.serve(fd, state: state) }
    }

    public func stop() { listener.stop() }
    public var requests: [Request] { state.withLock { $0.requests } }
    public func respond(status: Int, delay: Double = 0) { state.withLock { $0.status = status; $0.delay = delay } }

    private static func serve(_ fd: Int32, state: Locked<State>) {
        let c = SinkConnection(fd)
        defer { c.close() }
        guard let requestLine = c.readLine() else { return }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3 else { return }
        var headers: [(String, String)] = []
        while let line = c.readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " })))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        let body = length > 0 ? (c.read(count: length) ?? []) : []
        let (status, delay) = state.withLock { s -> (Int, Double) in
            s.requests.append(Request(method: String(parts[0]), target: String(parts[1]), headers: headers,
                                      body: String(decoding: body, as: UTF8.self)))
            return (s.status, s.delay)
        }
        if delay > 0 { usleep(UInt32(delay * 1_000_000)) }
        c.write("HTTP/1.1 \(status) \(status < 300 ? "OK" : "Error")\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    }
}
