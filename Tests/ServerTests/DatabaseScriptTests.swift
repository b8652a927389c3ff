// The SQL-level suite in db/tests/run.sh (constraints, seeds' idempotence and
// determinism, dump/restore) against the test run's own cluster.
import Foundation
import Postgres
import PostgresTesting
import TestSupport
import XCTest

final class DatabaseScriptTests: XCTestCase {
    func testDatabaseScriptSuitePasses() throws {
        let cluster = try TestCluster.shared()
        let script = ClinicProcess.repositoryRoot + "/db/tests/run.sh"
        let bin = try PostgresToolsPath.binDirectory()
        let run = try ProcessRunner.run("/bin/bash", [script], environment: [
            "PGHOST": cluster.cluster.socketDirectory,
            "PGUSER": "postgres",
            "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
        ], mergingOutput: true)
        let text = run.output
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertEqual(run.status, 0, text)
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
