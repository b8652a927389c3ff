// Starts the real `clinic` binary on a free port against a throwaway
// database, and talks to it over TCP: end-to-end, no fakes.
import Foundation
import JSON
import Postgres
import Schema
import XCTest

final class ClinicProcess: @unchecked Sendable {
    let port: Int
    let databaseURL: String
    let dataDir: String
    private let process: Process
    private let logFile: String

    /// The `clinic` executable next to the test bundle (swift build --build-tests builds both).
    static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["CLINIC_BIN"] { return path }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("clinic").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return exe.deletingLastPathComponent().appendingPathComponent("clinic").path
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Runs a clinic command to completion; returns (status, stdout, stderr).
    @discardableResult
    static func runCommand(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binaryPath)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                _ = bind(fd, sa, len)
                _ = getsockname(fd, sa, &len)
            }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Starts `clinic serve` on a new database, seeded with demo data when asked.
    init(seedDemo: Bool = true, environment: [String: String] = [:]) throws {
        let cluster = try TestCluster.shared()
        databaseURL = try cluster.createDatabase(prefix: "e2e")
        port = Self.freePort()
        dataDir = NSTemporaryDirectory() + "clinic-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        var env: [String: String] = [
            "DATABASE_URL": databaseURL,
            "CLINIC_PORT": String(port),
            "CLINIC_HOST": "127.0.0.1",
            "CLINIC_DATA_DIR": dataDir,
            "JWT_SECRET": "e2e-test-secret-0123456789abcdef0123456789",
            "LOG_LEVEL": "warn",
            "RATE_LIMIT_ANON": "100000/hour",
            "RATE_LIMIT_USER": "100000/hour",
        ]
        for (k, v) in environment { env[k] = v }
        let (migrateStatus, _, migrateErr) = try Self.runCommand(["migrate"], environment: env)
        guard migrateStatus == 0 else { throw NSError(domain: "e2e", code: 1, userInfo: [NSLocalizedDescriptionKey: "migrate failed: \(migrateErr)"]) }
        if seedDemo {
            let (s, _, e) = try Self.runCommand(["seed", "--demo"], environment: env)
            guard s == 0 else { throw NSError(domain: "e2e", code: 1, userInfo: [NSLocalizedDescriptionKey: "seed failed: \(e)"]) }
        }
        logFile = dataDir + "/server.log"
        FileManager.default.createFile(atPath: logFile, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = ["serve", "--no-worker"]
        process.currentDirectoryURL = URL(fileURLWithPath: Self.repositoryRoot)
        var full = ProcessInfo.processInfo.environment
        for (k, v) in env { full[k] = v }
        process.environment = full
        let log = FileHandle(forWritingAtPath: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let r = try? HTTPClient(port: port).request("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), r.status == 200 { return }
            guard process.isRunning else { break }
            usleep(100_000)
        }
        throw NSError(domain: "e2e", code: 1, userInfo: [NSLocalizedDescriptionKey: "server did not start: \(serverLog)"])
    }

    var serverLog: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: dataDir)
    }

    // MARK: GraphQL helpers

    func post(_ body: String, headers: [String: String] = ["Content-Type": "application/json"]) throws -> HTTPClient.Response {
        var head = "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        return try HTTPClient(port: port).request(head + "\r\n" + body)
    }

    func graphql(_ query: String, variables: [(String, JSON)] = [], token: String? = nil, accept: String? = nil) throws -> (status: Int, json: JSON) {
        var body: [(String, JSON)] = [("query", .string(query))]
        if !variables.isEmpty { body.append(("variables", .object(variables))) }
        var headers = ["Content-Type": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        if let accept { headers["Accept"] = accept }
        let r = try post(JSON.object(body).serializedString, headers: headers)
        return (r.status, try JSONParser.parse(Array(r.body.utf8)))
    }

    func login(_ email: String, _ password: String) throws -> String {
        let r = try graphql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
                            variables: [("e", .string(email)), ("p", .string(password))])
        guard case .string(let token)? = r.json["data"]?["login"]?["accessToken"] else {
            throw NSError(domain: "e2e", code: 1, userInfo: [NSLocalizedDescriptionKey: "login failed: \(r.json.serializedString)"])
        }
        return token
    }
}

/// A deliberately small HTTP/1.1 client over a raw socket: it sends exactly
/// the bytes a test gives it, so malformed requests can be sent too.
struct HTTPClient {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: String
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    let fd: Int32

    init(port: Int, timeoutSeconds: Int = 15) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw NSError(domain: "http", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "connect failed"])
        }
    }

    func send(_ text: String) { send(Array(text.utf8)) }
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Reads until the peer closes (or times out).
    func readAll() -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return out
    }

    /// Reads exactly one response (Content-Length framed).
    func readResponse() throws -> Response {
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        func headerEnd() -> Int? {
            guard data.count >= 4 else { return nil }
            for i in 0...(data.count - 4) where data[i] == 13 && data[i + 1] == 10 && data[i + 2] == 13 && data[i + 3] == 10 { return i }
            return nil
        }
        while headerEnd() == nil {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { throw NSError(domain: "http", code: 2, userInfo: [NSLocalizedDescriptionKey: "connection closed before a response"]) }
            data += buf[0..<n]
        }
        let end = headerEnd()!
        let head = String(decoding: data[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let status = Int(statusLine.split(separator: " ")[1]) ?? 0
        let headers: [(String, String)] = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        var body = Array(data[(end + 4)...])
        while body.count < length {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            body += buf[0..<n]
        }
        return Response(status: status, headers: headers, body: String(decoding: body.prefix(length), as: UTF8.self))
    }

    func request(_ raw: String) throws -> Response {
        defer { close(fd) }
        send(raw)
        return try readResponse()
    }

    func closeConnection() { close(fd) }
}
