// `createBackup` / `backups`: a real pg_dump archive in BACKUP_DIR, registered
// with its size, audited; SUPERADMIN only.
import ClinicStore
import Crypto
import Foundation
import Postgres
@testable import Resolvers
import PostgresTesting
import Schema
import XCTest

final class AdminBackupTests: XCTestCase {
    func makeAPI() async throws -> (AdminAPI, String) {
        let uri = try TestCluster.shared().createDatabase(prefix: "admin_backup")
        let pool = ConnectionPool(connectionString: uri, size: 3)
        try await Migrator(directory: adminMigrationsDirectory()).migrate(pool: pool)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-backups-\(UUID().uuidString)").path
        let services = ClinicServices(pool: pool, signer: try JWTSigner(secret: ClinicTestHarness.jwtSecret),
                                      hasher: PasswordHasher(cost: .low), backupDirectory: dir, databaseURL: uri)
        return (try AdminAPI(try ClinicTestHarness(services: services, databaseURI: uri)), dir)
    }

    func testCreateBackupWritesARegisteredAuditedArchive() async throws {
        let (api, dir) = try await makeAPI()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let superadmin = try await api.h.createUser(role: .SUPERADMIN)
        let r = await api.request("mutation { createBackup { id createdAt fileName sizeBytes } }", as: superadmin.viewer)
        XCTAssertEqual(r.codes, [], "\(r.json)")
        let name = try XCTUnwrap(r.json.at("data.createBackup.fileName")?.stringValue)
        XCTAssertTrue(name.hasPrefix("clinic-") && name.hasSuffix(".dump"), name)
        let path = dir + "/" + name
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        XCTAssertEqual(r.json.at("data.createBackup.sizeBytes")?.intValue, size)
        XCTAssertGreaterThan(size, 1000)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(5)), Array("PGDMP".utf8), "custom-format archive")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".partial"))
        // pg_restore can read it and it holds the clinic's tables.
        let major = try await api.h.services.database.read { try BackupTools.serverMajorVersion($0) }
        let list = try await BackupTools.run(try BackupTools.locate("pg_restore", serverMajor: major), ["--list", path])
        XCTAssertEqual(list.status, 0)
        XCTAssertTrue(list.output.contains("TABLE public appointments"), list.output)
        // Listed, newest first, and audited.
        let second = await api.request("mutation { createBackup { id } }", as: superadmin.viewer)
        XCTAssertEqual(second.codes, [])
        let listed = await api.request("{ backups { id fileName sizeBytes createdAt } }", as: superadmin.viewer)
        let backups = listed.json.at("data.backups")?.arrayValue ?? []
        XCTAssertEqual(backups.map { $0["id"]?.stringValue }, [second.json.at("data.createBackup.id")?.stringValue,
                                                               r.json.at("data.createBackup.id")?.stringValue])
        XCTAssertEqual(backups.last?["fileName"]?.stringValue, name)
        let audits = try await api.h.sql("SELECT actor_id, target_id, details->>'fileName' AS f FROM audit_log WHERE action = 'backup.create' ORDER BY id")
        XCTAssertEqual(audits.count, 2)
        XCTAssertEqual(try audits.first!.int("actor_id"), Int(superadmin.id))
        XCTAssertEqual(try audits.first!.string("f"), name)
        XCTAssertEqual(try audits.first!.optionalString("target_id"), r.json.at("data.createBackup.id")?.stringValue)
    }

    func testOnlyTheSuperadminBacksUp() async throws {
        let (api, dir) = try await makeAPI()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let admin = try await api.h.createUser(role: .ADMIN)
        let r = await api.request("mutation { createBackup { id } }", as: admin.viewer)
        XCTAssertEqual(r.codes, ["FORBIDDEN"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir), "nothing was dumped")
        let list = await api.request("{ backups { id } }", as: admin.viewer)
        XCTAssertEqual(list.codes, ["FORBIDDEN"])
    }

    func testRestoreRefusalSeesRowsInAnyTable() async throws {
        let (api, _) = try await makeAPI()
        let table = try await api.h.services.database.read { try BackupTools.firstNonEmptyTable($0) }
        XCTAssertNotNil(table, "a migrated database has its settings row")
        let empty = try TestCluster.shared().createDatabase(prefix: "admin_empty")
        let pg = try Postgres.Connection(empty)
        defer { pg.close() }
        let conn = ClinicStore.Connection(pg)
        XCTAssertNil(try BackupTools.firstNonEmptyTable(conn))
        XCTAssertFalse(try BackupTools.hasUserTables(conn))
        _ = try pg.execute("CREATE SCHEMA other; CREATE TABLE other.t (x int)")
        XCTAssertTrue(try BackupTools.hasUserTables(conn))
        XCTAssertNil(try BackupTools.firstNonEmptyTable(conn))
        _ = try pg.execute("INSERT INTO other.t VALUES (1)")
        XCTAssertEqual(try BackupTools.firstNonEmptyTable(conn), "other.t")
    }

    func testPasswordsLeaveTheCommandLine() {
        let uri = BackupTools.splitPassword("postgresql://clinic:s%40cret:x@db.example:5432/clinic?sslmode=require")
        XCTAssertEqual(uri.url, "postgresql://clinic@db.example:5432/clinic?sslmode=require")
        XCTAssertEqual(uri.password, "s@cret:x")
        let kv = BackupTools.splitPassword("host=db user=clinic password=hunter2 dbname=clinic")
        XCTAssertEqual(kv.url, "host=db user=clinic dbname=clinic")
        XCTAssertEqual(kv.password, "hunter2")
        let none = BackupTools.splitPassword("postgresql:///clinic?host=/tmp/x%20y&user=postgres")
        XCTAssertEqual(none.url, "postgresql:///clinic?host=/tmp/x%20y&user=postgres")
        XCTAssertNil(none.password)
        XCTAssertNil(BackupTools.splitPassword("postgres://u@h/db").password)
    }
}
