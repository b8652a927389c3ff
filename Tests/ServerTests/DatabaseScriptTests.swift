// The SQL-level suite in db/tests/run.sh (constraints, seeds' idempotence and
// determinism, dump/restore) against the test run's own cluster.
import Foundation
import Postgres
import XCTest

final class DatabaseScriptTests: XCTestCase {
    func testDatabaseScriptSuitePasses() throws {
        let cluster = try TestCluster.shared()
        let script = ClinicProcess.repositoryRoot + "/db/tests/run.sh"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script]
        var env = ProcessInfo.processInfo.environment
        env["PGHOST"] = cluster.cluster.socketDirectory
        env["PGUSER"] = "postgres"
        let bin = try PostgresToolsPath.binDirectory()
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertEqual(p.terminationStatus, 0, text)
        XCTAssertTrue(last.hasSuffix(" 0 failed"), last)
    }
}

/// Where pg_dump/psql of the installed server version live (Debian keeps them off PATH).
enum PostgresToolsPath {
    static func binDirectory() throws -> String {
        let fm = FileManager.default
        let versions = (try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        if let v = versions.compactMap(Int.init).max() { return "/usr/lib/postgresql/\(v)/bin" }
        return "/usr/bin"
    }
}
