import PostgresTesting
import Synchronization
import XCTest
@testable import Postgres

/// Runs on its own cluster so restarting it cannot disturb other tests.
final class ReconnectTests: XCTestCase {
    /// A cluster of the test's own and a pool of two on a fresh database, both closed at teardown.
    private func clusterAndPool(_ prefix: String) throws -> (TestCluster, ConnectionPool) {
        let cluster = try TestCluster()
        addTeardownBlock { cluster.stop() }
        let pool = ConnectionPool(connectionString: try cluster.createDatabase(prefix: prefix), size: 2)
        addTeardownBlock { pool.close() }
        return (cluster, pool)
    }

    func testPoolReconnectsAfterTheServerRestarts() async throws {
        let (cluster, pool) = try clusterAndPool("restart")
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

    /// Losses come in bursts (a restart, a failover, backends terminated by an operator): a closure
    /// whose connection goes before any of its statements succeeded runs again on a new one, up to
    /// three runs in all; one that got anything done (a transaction's BEGIN) never runs again.
    func testClosureLostBeforeAnythingSucceededRunsAgainUpToThreeTimes() async throws {
        let (_, pool) = try clusterAndPool("lost")
        func read(losing losses: Int) async throws -> (value: Int, runs: Int) {
            let runs = Atomic<Int>(0)
            let value = try await pool.withConnection { connection in
                if runs.add(1, ordering: .relaxed).newValue <= losses {
                    _ = try connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
                }
                return try connection.query("SELECT 7 AS v").first!.int("v")
            }
            return (value, runs.load(ordering: .relaxed))
        }
        let twice = try await read(losing: 2)
        XCTAssertEqual(twice.value, 7)
        XCTAssertEqual(twice.runs, 3)
        do {
            _ = try await read(losing: 3)
            XCTFail("a third loss in a row is the caller's")
        } catch let error as PostgresError {
            XCTAssertTrue(error.isConnectionError, "\(error)")
        }
        let after = try await read(losing: 0)
        XCTAssertEqual(after.runs, 1, "the pool works on after giving up")

        let transactionRuns = Atomic<Int>(0)
        do {
            try await pool.transaction { connection in
                transactionRuns.add(1, ordering: .relaxed)
                _ = try connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
            }
            XCTFail("the transaction's connection was lost")
        } catch let error as PostgresError {
            XCTAssertTrue(error.isConnectionError, "\(error)")
        }
        XCTAssertEqual(transactionRuns.load(ordering: .relaxed), 1, "BEGIN had succeeded: never run again")
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
