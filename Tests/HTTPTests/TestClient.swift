// A tiny blocking TCP client for talking raw HTTP/1.1 to the server under test.

import Dispatch
import Foundation
import Glibc
import XCTest
@testable import HTTP

struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

enum ClientError: Error { case connect(Int32), resolve }

final class RawClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, host: String = "127.0.0.1", timeoutSeconds: Int = 5) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>? = nil
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else { throw ClientError.resolve }
        defer { freeaddrinfo(result) }
        fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let e = errno
            close(fd)
            throw ClientError.connect(e)
        }
    }

    deinit { close(fd) }

    /// Sends everything; returns false if the peer reset the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads more bytes into the buffer; false on EOF, error or timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65_536, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Reads one response (an interim 1xx response counts as one). nil on EOF/timeout.
    func readResponse(head: Bool = false) -> RawResponse? {
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

    /// True if the server closes the connection (EOF or reset) within the receive timeout,
    /// ignoring any bytes it still sends.
    func waitForClose() -> Bool {
        while true {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 4096, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    func setReceiveTimeout(milliseconds: Int) {
        var tv = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    var bufferedByteCount: Int { buffer.count }
}

/// Runs async work from a synchronous test and waits for it.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = ResultBox<T>()
    let semaphore = DispatchSemaphore(value: 0)
    Task {
        box.value = await body()
        semaphore.signal()
    }
    semaphore.wait()
    return box.value!
}

final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// A request handler echoing what it received; `/slow` sleeps 500 ms first.
let echoHandler: HTTPHandler = { request in
    if request.path == "/slow" {
        try? await Task.sleep(for: .milliseconds(500))
    }
    if request.path == "/status" {
        return .status(Int(request.queryItem("code") ?? "200") ?? 200)
    }
    let query = request.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    let text = "method=\(request.method) path=\(request.path) query=\(query) version=\(request.version) "
        + "remote=\(request.remoteAddress) ct=\(request.headers["content-type"] ?? "-") "
        + "bodylen=\(request.body.count) body=\(request.bodyText)"
    return .text(text)
}

extension XCTestCase {
    func startServer(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                     handler: @escaping HTTPHandler = echoHandler) throws -> HTTPServer {
        var config = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        config.threads = 2
        configure(&config)
        let server = HTTPServer(configuration: config, handler: handler)
        try server.start()
        addTeardownBlock {
            blocking { await server.shutdown(gracePeriod: .milliseconds(200)) }
        }
        return server
    }
}
