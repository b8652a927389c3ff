// The tests' one HTTP/1.1 client: a blocking TCP socket that sends exactly the
// bytes a test gives it (so malformed requests can be sent too) and reads
// Content-Length framed responses.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct RawResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

public enum RawHTTPClientError: Error, CustomStringConvertible {
    case resolve(String)
    case connect(Int32)
    case noResponse

    public var description: String {
        switch self {
        case .resolve(let host): "cannot resolve \(host)"
        case .connect(let code): "connect failed: \(String(cString: strerror(code)))"
        case .noResponse: "connection closed (or timed out) before a whole response"
        }
    }
}

public final class RawHTTPClient {
    public let fd: Int32
    private var buffer: [UInt8] = []
    private var closed = false

    public init(port: Int, host: String = "127.0.0.1", timeoutSeconds: Int = 5) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>? = nil
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else { throw RawHTTPClientError.resolve(host) }
        defer { freeaddrinfo(result) }
        fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let e = errno
            Glibc.close(fd)
            throw RawHTTPClientError.connect(e)
        }
    }

    deinit { closeConnection() }

    public func closeConnection() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }

    /// Sends everything; returns false if the peer reset the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends one request and reads its response, then closes the connection.
    public func request(_ raw: String) throws -> RawResponse {
        defer { closeConnection() }
        send(raw)
        guard let response = readResponse() else { throw RawHTTPClientError.noResponse }
        return response
    }

    /// Reads more bytes into the buffer; false on EOF, error or timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65_536, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Reads one response (an interim 1xx response counts as one). nil on EOF/timeout.
    public func readResponse(head: Bool = false) -> RawResponse? {
        var headEnd: Int? = nil
        while headEnd == nil {
            if let r = findCRLFCRLF() { headEnd = r; break }
            if !fill() { return nil }
        }
        let headText = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers: [(String, String)] = []
        for line in lines where !line.isEmpty {
            if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        buffer.removeFirst(headEnd! + 4)
        var response = RawResponse(status: status, headers: headers, body: [])
        if status < 200 || head || status == 204 || status == 304 { return response }
        let length = Int(response.header("content-length") ?? "0") ?? 0
        while buffer.count < length {
            if !fill() { return nil }
        }
        response.body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return response
    }

    private func findCRLFCRLF() -> Int? {
        if buffer.count < 4 { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// Everything (buffered or still to come) until the peer closes or the receive timeout.
    public func readAll() -> [UInt8] {
        while fill() {}
        defer { buffer = [] }
        return buffer
    }

    /// True if the server closes the connection (EOF or reset) within the receive timeout,
    /// ignoring any bytes it still sends.
    public func waitForClose() -> Bool {
        while true {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 4096, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    public func setReceiveTimeout(milliseconds: Int) {
        var tv = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    public var bufferedByteCount: Int { buffer.count }
}
