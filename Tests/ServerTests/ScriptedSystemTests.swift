// The scripted system tests, run by `./clinic test` through XCTest: each script
// starts what it needs for real (PostgreSQL clusters, nginx, several `clinic`
// processes) in a temporary directory and exits 0 (pass), 1 (fail, with its
// report) or 77 (a program it needs is missing: skipped, with the reason).
import Foundation
import TestSupport
import XCTest

final class ScriptedSystemTests: XCTestCase {
    func runScript(_ path: String, _ arguments: [String] = [], timeout: TimeInterval) throws {
        let root = ClinicProcess.repositoryRoot
        let (status, output) = try ProcessRunner.run("/usr/bin/python3", [root + "/" + path, "--clinic", ClinicProcess.binaryPath] + arguments,
                                                     directory: root, mergingOutput: true, timeout: timeout).statusAndOutput
        print(output)
        if status == 77 { throw XCTSkip(output.split(separator: "\n").last.map(String.init) ?? "skipped") }
        XCTAssertEqual(status, 0, "\(path) failed:\n\(output)")
    }

    /// deploy/: PostgreSQL primary + streaming replica, three servers, two workers and nginx with
    /// TLS; rolling restarts under load, the replica down, the outbox shared by two workers.
    func testProductionClusterOfDeploy() throws {
        try runScript("deploy/test/cluster_test.py", timeout: 600)
    }

    /// Issue #21: what PostgreSQL reads for each hot operation on scale-10 data stays within a
    /// budget proportional to the page, never to the data kept.
    func testHotQueriesReadWithinTheirPlanBudgets() throws {
        try runScript("bench/plans/run.py", timeout: 900)
    }
}
