// Starts the real `clinic` binary on a free port against a throwaway
// database, and talks to it over TCP: end-to-end, no fakes.
import Foundation
import JSON
import Postgres
import PostgresTesting
import Schema
import TestSupport
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
        let r = try ProcessRunner.run(binaryPath, arguments, directory: repositoryRoot, environment: environment, stdin: stdin)
        return (r.status, r.standardOutput, r.standardError)
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

    /// The server's JWT_SECRET (a worker beside it must share it: it seals and opens message secrets with it).
    static let jwtSecret = "e2e-test-secret-0123456789abcdef0123456789"

    /// Starts `clinic serve` on a new database, seeded with demo data when asked;
    /// `timeZone` is the clinic's (system_settings.time_zone), set before the seed.
    init(seedDemo: Bool = true, timeZone: String? = nil, environment: [String: String] = [:]) throws {
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
            "JWT_SECRET": Self.jwtSecret,
            "LOG_LEVEL": "warn",
            "RATE_LIMIT_ANON": "100000/hour",
            "RATE_LIMIT_USER": "100000/hour",
        ]
        for (k, v) in environment { env[k] = v }
        let (migrateStatus, _, migrateErr) = try Self.runCommand(["migrate"], environment: env)
        guard migrateStatus == 0 else { throw NSError(domain: "e2e", code: 1, userInfo: [NSLocalizedDescriptionKey: "migrate failed: \(migrateErr)"]) }
        if let timeZone {
            let conn = try Connection(databaseURL)
            _ = try conn.query("UPDATE system_settings SET time_zone = $1", [.text(timeZone)])
        }
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
            if let r = try? RawHTTPClient(port: port, timeoutSeconds: 15).request("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), r.status == 200 { return }
            guard process.isRunning else { break }
            usleep(100_000)
        }
        throw NSError(domain: "e2e", code: 1, userInfo: [NSLocalizedDescriptionKey: "server did not start: \(serverLog)"])
    }

    var serverLog: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to end by itself; returns the exit status.
    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

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

    func post(_ body: String, headers: [String: String] = ["Content-Type": "application/json"]) throws -> RawResponse {
        var head = "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        return try RawHTTPClient(port: port, timeoutSeconds: 15).request(head + "\r\n" + body)
    }

    func graphql(_ query: String, variables: [(String, JSON)] = [], token: String? = nil, accept: String? = nil) throws -> (status: Int, json: JSON) {
        var body: [(String, JSON)] = [("query", .string(query))]
        if !variables.isEmpty { body.append(("variables", .object(variables))) }
        var headers = ["Content-Type": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        if let accept { headers["Accept"] = accept }
        let r = try post(JSON.object(body).serializedString, headers: headers)
        return (r.status, try JSONParser.parse(r.body))
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
