import PostgresTesting
import XCTest
@testable import Postgres

/// Runs on its own cluster so restarting it cannot disturb other tests.
final class ReconnectTests: XCTestCase {
    func testPoolReconnectsAfterTheServerRestarts() async throws {
        let cluster = try TestCluster()
        defer { cluster.stop() }
        let uri = try cluster.createDatabase(prefix: "restart")
        let pool = ConnectionPool(connectionString: uri, size: 2)
        defer { pool.close() }
        let before = try await pool.withConnection { try $0.query("SELECT pg_backend_pid() AS pid").first!.int("pid") }
        try cluster.restart()
        // The pooled connection is dead now; the pool must notice and reconnect transparently.
        let after = try await pool.withConnection { try $0.query("SELECT pg_backend_pid() AS pid").first!.int("pid") }
        XCTAssertNotEqual(before, after)
        try cluster.restart()
        let inTransaction = try await pool.transaction { try $0.query("SELECT 41 + 1 AS v").first!.int("v") }
        XCTAssertEqual(inTransaction, 42)
        for _ in 0..<10 {
            _ = try await pool.withConnection { try $0.query("SELECT 1") }
        }
    }

    func testConnectionReportsLossAsConnectionError() throws {
        let cluster = try TestCluster()
        defer { cluster.stop() }
        let connection = try Connection(cluster.uri)
        defer { connection.close() }
        try cluster.restart()
        XCTAssertThrowsError(try connection.query("SELECT 1")) { error in
            XCTAssertTrue((error as? PostgresError)?.isConnectionError ?? false, "\(error)")
        }
        try connection.reconnect()
        XCTAssertEqual(try connection.query("SELECT 5 AS v").first?.int("v"), 5)
    }
}
