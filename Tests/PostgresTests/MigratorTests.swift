import Foundation
import PostgresTesting
import XCTest
@testable import Postgres

final class MigratorTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/migrations").path

    private var uri: String!
    private var pool: ConnectionPool!
    private var scratch: String?

    override func setUpWithError() throws {
        uri = try TestCluster.shared().createDatabase(prefix: "migrate")
        pool = ConnectionPool(connectionString: uri, size: 2)
    }

    override func tearDown() {
        pool?.close()
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// A writable copy of the fixtures.
    private func copyOfFixtures() throws -> String {
        let directory = NSTemporaryDirectory() + "clinic-migrations-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.copyItem(atPath: Self.fixtures, toPath: directory)
        scratch = directory
        return directory
    }

    func testAppliesEachMigrationOnceAndRecordsIt() async throws {
        let migrator = Migrator(directory: Self.fixtures)
        XCTAssertEqual(try migrator.migrations().map(\.version), [1, 2])
        let first = try await migrator.migrate(pool: pool)
        XCTAssertEqual(first, [1, 2])
        let second = try await migrator.migrate(pool: pool)
        XCTAssertEqual(second, [])
        let recorded = try await pool.withConnection { connection in
            try connection.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").rows.map {
                (try $0.int("version"), try $0.string("name"), try $0.string("checksum").count, try $0.string("applied_at"))
            }
        }
        XCTAssertEqual(recorded.map(\.0), [1, 2])
        XCTAssertEqual(recorded.map(\.1), ["0001_create_notes", "0002_note_tags"])
        XCTAssertEqual(recorded.map(\.2), [64, 64])
        let notes = try await pool.withConnection { try $0.query("SELECT count(*) AS n FROM notes").first!.int("n") }
        XCTAssertEqual(notes, 1, "the seed row of 0001 must be inserted once")
    }

    func testTwoMigratorsStartingTogetherApplyEachFileOnce() async throws {
        let other = ConnectionPool(connectionString: uri, size: 1)
        defer { other.close() }
        let migrator = Migrator(directory: Self.fixtures)
        let pool = self.pool!
        async let a = migrator.migrate(pool: pool)
        async let b = migrator.migrate(pool: other)
        let (first, second) = try await (a, b)
        XCTAssertEqual((first + second).sorted(), [1, 2])
        XCTAssertTrue(first.isEmpty || second.isEmpty, "one migrator applies everything, the other finds it done: \(first) \(second)")
        let notes = try await pool.withConnection { try $0.query("SELECT count(*) AS n FROM notes").first!.int("n") }
        XCTAssertEqual(notes, 1)
    }

    func testEditingAnAppliedMigrationIsAnError() async throws {
        let directory = try copyOfFixtures()
        let migrator = Migrator(directory: directory)
        try await migrator.migrate(pool: pool)
        try "CREATE TABLE notes (id int);\n".write(toFile: directory + "/0001_create_notes.sql", atomically: true, encoding: .utf8)
        do {
            try await migrator.migrate(pool: pool)
            XCTFail("expected a checksum mismatch")
        } catch PostgresError.migration(let message) {
            XCTAssertTrue(message.contains("0001_create_notes") && message.contains("checksum"), message)
        }
    }

    func testFailingMigrationRollsBackAndIsRetriedNextTime() async throws {
        let directory = try copyOfFixtures()
        let broken = "CREATE TABLE half_done (id int);\nINSERT INTO no_such_table VALUES (1);\n"
        try broken.write(toFile: directory + "/0003_broken.sql", atomically: true, encoding: .utf8)
        let migrator = Migrator(directory: directory)
        do {
            try await migrator.migrate(pool: pool)
            XCTFail("expected the broken migration to fail")
        } catch PostgresError.migration(let message) {
            XCTAssertTrue(message.contains("0003_broken") && message.contains("42P01"), message)
        }
        let state = try await pool.withConnection { connection in
            (try connection.query("SELECT version FROM schema_migrations ORDER BY version").rows.map { try $0.int("version") },
             try connection.query("SELECT to_regclass('half_done') IS NULL AS gone").first!.bool("gone"))
        }
        XCTAssertEqual(state.0, [1, 2])
        XCTAssertTrue(state.1, "a failed migration must leave nothing behind")
        try "CREATE TABLE half_done (id int);\n".write(toFile: directory + "/0003_broken.sql", atomically: true, encoding: .utf8)
        let applied = try await migrator.migrate(pool: pool)
        XCTAssertEqual(applied, [3])
    }

    func testMisnamedAndDuplicateFilesAreRejected() throws {
        let directory = try copyOfFixtures()
        try "SELECT 1;".write(toFile: directory + "/create_things.sql", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Migrator(directory: directory).migrations())
        try FileManager.default.removeItem(atPath: directory + "/create_things.sql")
        try "SELECT 1;".write(toFile: directory + "/02_again.sql", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Migrator(directory: directory).migrations())
        XCTAssertThrowsError(try Migrator(directory: "/nonexistent/migrations").migrations())
    }
}
