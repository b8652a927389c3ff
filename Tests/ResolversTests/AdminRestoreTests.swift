// `restoreBackup`: the SUPERADMIN restores a listed archive from the API, on a
// database of its own (the restore replaces everything in it): typed
// confirmation, a safety backup that undoes it, all or nothing, migrations
// after an older archive, the registry and the audit in the restored data.
import ClinicDomain
import ClinicStore
import Crypto
import Foundation
import JSON
import Postgres
@testable import Resolvers
import PostgresTesting
import Schema
import XCTest

final class AdminRestoreTests: XCTestCase {
    struct Setup {
        let api: AdminAPI
        let uri: String
        let dir: String
        func clinicName() async throws -> String {
            try await api.h.sql("SELECT clinic_name FROM system_settings").first!.string("clinic_name")
        }
        func rename(_ name: String) async throws {
            _ = try await api.h.sql("UPDATE system_settings SET clinic_name = $1", [.text(name)])
        }
    }

    func makeSetup(migrations: String = adminMigrationsDirectory()) async throws -> Setup {
        let uri = try TestCluster.shared().createDatabase(prefix: "admin_restore")
        let pool = ConnectionPool(connectionString: uri, size: 3)
        let migrator = Migrator(directory: migrations)
        try await migrator.migrate(pool: pool)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-restore-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let services = ClinicServices(database: Database(primary: pool), signer: try JWTSigner(secret: ClinicTestHarness.jwtSecret),
                                      hasher: PasswordHasher(cost: .low), backupDirectory: dir, databaseURL: uri,
                                      migrateDatabase: { try await migrator.migrate(pool: pool).count })
        return Setup(api: try AdminAPI(try ClinicTestHarness(services: services, databaseURI: uri)), uri: uri, dir: dir)
    }

    func backup(_ s: Setup, as viewer: Viewer) async throws -> (id: String, fileName: String) {
        let r = await s.api.request("mutation { createBackup { id fileName } }", as: viewer)
        XCTAssertEqual(r.codes, [], "\(r.json)")
        return (try XCTUnwrap(r.json.at("data.createBackup.id")?.stringValue), try XCTUnwrap(r.json.at("data.createBackup.fileName")?.stringValue))
    }

    func restore(_ s: Setup, _ id: String, _ confirmation: String, as viewer: Viewer) async -> HarnessResponse {
        await s.api.request("""
            mutation R($id: ID!, $c: String!) { restoreBackup(id: $id, confirmation: $c) {
              restored { id fileName } safetyBackup { id fileName sizeBytes } migrationsApplied } }
            """, variables: ["id": .string(id), "c": .string(confirmation)], as: viewer)
    }

    func testTheSuperadminRestoresAListedBackupAndItsSafetyBackupUndoesIt() async throws {
        let s = try await makeSetup()
        let superadmin = try await s.api.h.createUser(role: .SUPERADMIN)
        try await s.rename("Clinic Before")
        let before = try await backup(s, as: superadmin.viewer)
        try await s.rename("Clinic After")
        let lateUser = try await s.api.h.createUser(role: .ADMIN)

        // Refused without the exact name, for anyone but the SUPERADMIN, for an unknown ID: nothing changes.
        let unconfirmed = await restore(s, before.id, "yes", as: superadmin.viewer)
        XCTAssertEqual(unconfirmed.codes, ["BAD_USER_INPUT"])
        XCTAssertEqual(unconfirmed.json.at("errors")?.arrayValue?.first?["extensions"]?["field"]?.stringValue, "confirmation")
        XCTAssertTrue(unconfirmed.json.at("errors")?.arrayValue?.first?["message"]?.stringValue?.contains(before.fileName) == true)
        let v1 = await restore(s, before.id, before.fileName, as: lateUser.viewer).codes
        XCTAssertEqual(v1, ["FORBIDDEN"])
        let v2 = await restore(s, GlobalID.encode(type: "Backup", id: 999_999), before.fileName, as: superadmin.viewer).codes
        XCTAssertEqual(v2,
                       ["NOT_FOUND"])
        let v3 = try await s.clinicName()
        XCTAssertEqual(v3, "Clinic After")
        let v4 = try await s.api.h.sql("SELECT count(*) AS n FROM backups").first!.int("n")
        XCTAssertEqual(v4, 1, "no safety backup for refusals")

        let done = await restore(s, before.id, "  \(before.fileName) ", as: superadmin.viewer)
        XCTAssertEqual(done.codes, [], "\(done.json)")
        let v5 = try await s.clinicName()
        XCTAssertEqual(v5, "Clinic Before")
        let v6 = try await s.api.h.sql("SELECT count(*) AS n FROM users WHERE id = $1", [.int(Int(lateUser.id))]).first!.int("n")
        XCTAssertEqual(v6, 0,
                       "accounts are the archive's")
        XCTAssertEqual(done.json.at("data.restoreBackup.restored.fileName")?.stringValue, before.fileName)
        XCTAssertEqual(done.json.at("data.restoreBackup.migrationsApplied")?.intValue, 0)
        let safety = try XCTUnwrap(done.json.at("data.restoreBackup.safetyBackup.fileName")?.stringValue)
        XCTAssertTrue(FileManager.default.fileExists(atPath: s.dir + "/" + safety))
        // Both archives are listed in the restored data, and the restore is audited there.
        let listed = await s.api.request("{ backups { id fileName } }", as: superadmin.viewer)
        XCTAssertEqual(Set(listed.json.at("data.backups")?.arrayValue?.compactMap { $0["fileName"]?.stringValue } ?? []),
                       [before.fileName, safety], "\(listed.json)")
        let audit = try await s.api.h.sql("SELECT actor_id, details->>'safetyBackup' AS safety FROM audit_log WHERE action = 'backup.restore'")
        XCTAssertEqual(audit.count, 1)
        XCTAssertEqual(try audit.first!.int("actor_id"), Int(superadmin.id))
        XCTAssertEqual(try audit.first!.string("safety"), safety)

        // Restoring the safety backup undoes the restore.
        let safetyID = try XCTUnwrap(done.json.at("data.restoreBackup.safetyBackup.id")?.stringValue)
        let undo = await restore(s, safetyID, safety, as: superadmin.viewer)
        XCTAssertEqual(undo.codes, [], "\(undo.json)")
        let v7 = try await s.clinicName()
        XCTAssertEqual(v7, "Clinic After")
        let v8 = try await s.api.h.sql("SELECT count(*) AS n FROM users WHERE id = $1", [.int(Int(lateUser.id))]).first!.int("n")
        XCTAssertEqual(v8, 1)
    }

    func testAnArchiveThatCannotBeRestoredChangesNothing() async throws {
        let s = try await makeSetup()
        let superadmin = try await s.api.h.createUser(role: .SUPERADMIN)
        try await s.rename("Clinic Intact")
        let made = try await backup(s, as: superadmin.viewer)
        // A damaged archive is refused before anything is touched.
        let path = s.dir + "/" + made.fileName
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try Data("PGDMP garbage".utf8).write(to: URL(fileURLWithPath: path))
        let damaged = await restore(s, made.id, made.fileName, as: superadmin.viewer)
        XCTAssertEqual(damaged.codes, ["BAD_USER_INPUT"], "\(damaged.json)")
        let v9 = try await s.clinicName()
        XCTAssertEqual(v9, "Clinic Intact")
        // An archive whose script fails halfway (a table the schema reset cannot drop while
        // another session holds it) rolls back whole: the data stays and the safety backup is listed.
        try whole.write(to: URL(fileURLWithPath: path))
        let blocker = try Postgres.Connection(s.uri)
        defer { blocker.close() }
        _ = try blocker.execute("BEGIN")
        _ = try blocker.execute("LOCK TABLE system_settings IN ACCESS SHARE MODE")
        let major = try await s.api.h.services.database.read { try BackupTools.serverMajorVersion($0) }
        do {
            try await BackupTools.replaceDatabase(archive: path, databaseURL: s.uri, serverMajor: major, scratch: s.dir + "/.restore",
                                                  lockTimeoutSeconds: 1)
            XCTFail("the reset cannot take its locks while another session holds one")
        } catch {
            XCTAssertTrue("\(error)".contains("rolled back"), "\(error)")
        }
        _ = try blocker.execute("ROLLBACK")
        let v10 = try await s.clinicName()
        XCTAssertEqual(v10, "Clinic Intact")
        let v11 = try await s.api.h.sql("SELECT count(*) AS n FROM schema_migrations").first!.int("n")
        XCTAssertEqual(v11,
                       try Migrator(directory: adminMigrationsDirectory()).migrations().count)
    }

    func testAnOlderArchiveIsMigratedAfterTheRestore() async throws {
        // The server is one migration newer than the archive: the archive is taken, then
        // the newer migration (a marker table) is applied; after the restore it runs again.
        let newer = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-migrations-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: newer, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: newer) }
        for name in try FileManager.default.contentsOfDirectory(atPath: adminMigrationsDirectory()) where name.hasSuffix(".sql") {
            try FileManager.default.copyItem(atPath: adminMigrationsDirectory() + "/" + name, toPath: newer + "/" + name)
        }
        let s = try await makeSetup(migrations: newer)
        let superadmin = try await s.api.h.createUser(role: .SUPERADMIN)
        let old = try await backup(s, as: superadmin.viewer)
        try "CREATE TABLE restore_marker (x int); INSERT INTO restore_marker VALUES (1);"
            .write(toFile: newer + "/9999_restore_marker.sql", atomically: true, encoding: .utf8)
        let v12 = try await s.api.h.services.migrateDatabase()
        XCTAssertEqual(v12, 1)
        let r = await restore(s, old.id, old.fileName, as: superadmin.viewer)
        XCTAssertEqual(r.codes, [], "\(r.json)")
        XCTAssertEqual(r.json.at("data.restoreBackup.migrationsApplied")?.intValue, 1, "\(r.json)")
        let v13 = try await s.api.h.sql("SELECT count(*) AS n FROM restore_marker").first!.int("n")
        XCTAssertEqual(v13, 1)
    }
}
