import Foundation
import XCTest
@testable import Postgres
@testable import PostgresTesting

final class TestClusterTests: XCTestCase {
    func testDatabasesAreFreshAndSeparate() throws {
        let cluster = try TestCluster.shared()
        let first = try cluster.createDatabase()
        let second = try cluster.createDatabase()
        XCTAssertNotEqual(first, second)
        let a = try Connection(first)
        defer { a.close() }
        try a.execute("CREATE TABLE only_here (x int)")
        let b = try Connection(second)
        defer { b.close() }
        XCTAssertEqual(try b.query("SELECT to_regclass('only_here') IS NULL AS missing").first?.bool("missing"), true)
        XCTAssertTrue(try TestCluster.shared() === cluster, "one cluster per test process")
    }

    func testStopRemovesEverythingAndAbandonedClustersAreCleanedUp() throws {
        let cluster = try TestCluster()
        let directory = cluster.cluster.dataDirectory
        XCTAssertTrue(try cluster.cluster.isRunning())
        cluster.stop()
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory))

        // A cluster whose test process died: its registry names only a dead pid.
        let abandoned = try TestCluster()
        let abandonedDirectory = abandoned.cluster.dataDirectory
        try "999999999 crashed\n".write(toFile: abandonedDirectory + "/cluster.users", atomically: true, encoding: .utf8)
        TestCluster.removeAbandonedClusters()
        XCTAssertFalse(FileManager.default.fileExists(atPath: abandonedDirectory))
        abandoned.stop()
        // The shared cluster (alive, ours) is left alone.
        XCTAssertTrue(try TestCluster.shared().cluster.isRunning())
    }
}
