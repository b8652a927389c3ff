// A blocking TCP connection with timeouts, optionally wrapped in TLS
// (OpenSSL). The SMTP and webhook clients run on their own threads, never on
// Swift concurrency's cooperative pool, so blocking here is fine.
import CCrypto
#if canImport(Glibc)
import Glibc
#endif

/// A network failure: connecting, reading, writing, or TLS. Always worth a retry.
public struct NetworkError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How a TLS peer is checked.
public enum TLSVerification: Sendable, Equatable {
    /// The system's CA store and the host name (the default).
    case verifyPeer
    /// Encryption without authentication (`?tls_verify=none`): local relays with self-signed certificates.
    case none
}

final class NetworkStream {
    private var fd: Int32
    private var ssl: OpaquePointer?
    private var ctx: OpaquePointer?
    let host: String
    private var buffer: [UInt8] = []
    private var bufferStart = 0

    /// Connects to `host:port` within `timeout` seconds; reads and writes time out after `timeout` too.
    init(host: String, port: Int, timeout: Double) throws {
        self.host = host
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw NetworkError("cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var node: UnsafeMutablePointer<addrinfo>? = first
        var connected: Int32 = -1
        while let ai = node {
            node = ai.pointee.ai_next
            let s = socket(ai.pointee.ai_family, ai.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), ai.pointee.ai_protocol)
            if s < 0 { lastError = String(cString: strerror(errno)); continue }
            if let error = NetworkStream.connect(s, ai.pointee.ai_addr, ai.pointee.ai_addrlen, timeout: timeout) {
                lastError = error
                Glibc.close(s)
                continue
            }
            connected = s
            break
        }
        guard connected >= 0 else { throw NetworkError("cannot connect to \(host):\(port): \(lastError)") }
        fd = connected
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Non-blocking connect + poll, so an unreachable host fails within the timeout.
    private static func connect(_ s: Int32, _ addr: UnsafeMutablePointer<sockaddr>?, _ len: socklen_t, timeout: Double) -> String? {
        let flags = fcntl(s, F_GETFL, 0)
        _ = fcntl(s, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(s, F_SETFL, flags) }
        if Glibc.connect(s, addr, len) == 0 { return nil }
        guard errno == EINPROGRESS else { return String(cString: strerror(errno)) }
        var p = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&p, 1, Int32(timeout * 1000))
        if ready == 0 { return "timed out after \(timeout) s" }
        if ready < 0 { return String(cString: strerror(errno)) }
        var err: Int32 = 0
        var errLen = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &errLen)
        return err == 0 ? nil : String(cString: strerror(err))
    }

    deinit { close() }

    func close() {
        if let ssl {
            SSL_shutdown(ssl)
            SSL_free(ssl)
            self.ssl = nil
        }
        if let ctx {
            SSL_CTX_free(ctx)
            self.ctx = nil
        }
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }

    var isTLS: Bool { ssl != nil }

    /// Starts TLS on the connected socket (implicit TLS, or after STARTTLS).
    func startTLS(verification: TLSVerification) throws {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw NetworkError("TLS: cannot create a context: \(Self.sslErrors())") }
        ctx = context
        if verification == .verifyPeer {
            SSL_CTX_set_default_verify_paths(context)
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
        guard let s = SSL_new(context) else { throw NetworkError("TLS: cannot create a session: \(Self.sslErrors())") }
        ssl = s
        SSL_set_fd(s, fd)
        // SNI (SSL_set_tlsext_host_name is a macro over SSL_ctrl).
        _ = host.withCString { name in
            SSL_ctrl(s, 55 /* SSL_CTRL_SET_TLSEXT_HOSTNAME */, 0 /* TLSEXT_NAMETYPE_host_name */, UnsafeMutableRawPointer(mutating: name))
        }
        if verification == .verifyPeer {
            SSL_set1_host(s, host)
        }
        ERR_clear_error()
        let rc = SSL_connect(s)
        if rc != 1 {
            let detail = Self.sslErrors()
            let verify = SSL_get_verify_result(s)
            if verify != X509_V_OK {
                throw NetworkError("TLS handshake with \(host) failed: certificate not trusted (\(String(cString: X509_verify_cert_error_string(verify))))")
            }
            throw NetworkError("TLS handshake with \(host) failed: \(detail.isEmpty ? "connection closed" : detail)")
        }
    }

    private static func sslErrors() -> String {
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buf = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buf, buf.count)
            parts.append(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return parts.joined(separator: "; ")
    }

    // MARK: - I/O

    func write(_ text: String) throws { try write(Array(text.utf8)) }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n: Int = bytes.withUnsafeBytes { raw in
                let p = raw.baseAddress!.advanced(by: offset)
                let len = bytes.count - offset
                if let ssl { return Int(SSL_write(ssl, p, Int32(min(len, Int(Int32.max))))) }
                return Glibc.send(fd, p, len, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 {
                if ssl == nil, n < 0, errno == EINTR { continue }
                throw NetworkError(ssl == nil && (errno == EAGAIN || errno == EWOULDBLOCK)
                    ? "write to \(host) timed out" : "write to \(host) failed: \(ssl == nil ? String(cString: strerror(errno)) : Self.sslErrors())")
            }
            offset += n
        }
    }

    /// Reads more bytes into the buffer; throws on timeout or EOF.
    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n: Int = chunk.withUnsafeMutableBytes { raw in
                if let ssl { return Int(SSL_read(ssl, raw.baseAddress, Int32(raw.count))) }
                return Glibc.recv(fd, raw.baseAddress, raw.count, 0)
            }
            if n > 0 {
                if bufferStart > 0 {
                    buffer.removeFirst(bufferStart)
                    bufferStart = 0
                }
                buffer.append(contentsOf: chunk[0..<n])
                return
            }
            if n == 0 { throw NetworkError("\(host) closed the connection") }
            if ssl == nil, errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw NetworkError("read from \(host) timed out") }
            throw NetworkError("read from \(host) failed: \(ssl == nil ? String(cString: strerror(errno)) : Self.sslErrors())")
        }
    }

    /// One line without its CRLF (or LF); at most `limit` bytes.
    func readLine(limit: Int = 64 * 1024) throws -> String {
        while true {
            if let nl = buffer[bufferStart...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = nl
                if end > bufferStart, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: buffer[bufferStart..<end], as: UTF8.self)
                bufferStart = nl + 1
                return line
            }
            if buffer.count - bufferStart > limit { throw NetworkError("line from \(host) longer than \(limit) bytes") }
            try fill()
        }
    }

    /// Everything until the peer closes (bounded).
    func readToEnd(limit: Int = 1 << 20) -> [UInt8] {
        while buffer.count - bufferStart < limit {
            do { try fill() } catch { break }
        }
        return Array(buffer[bufferStart...])
    }

    /// Whether bytes are already buffered (pipelining checks after STARTTLS).
    var hasBufferedInput: Bool { bufferStart < buffer.count }
}
