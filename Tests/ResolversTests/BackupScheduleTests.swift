// The daily backup for real (pg_dump, files, the database), with the
// scheduler's "now" given by the test: nothing before the scheduled time,
// exactly one of two workers takes the day, the copy directory gets the same
// archive and restores, retention prunes both directories, a missing copy
// directory is a recorded failure; the schedule through the API.
import ClinicDomain
import ClinicStore
import Crypto
import Foundation
import JSON
import Jobs
import Postgres
import PostgresTesting
@testable import Resolvers
import XCTest

final class BackupScheduleTests: XCTestCase {
    struct Setup {
        let api: AdminAPI
        let uri: String
        let dir: String
        let copyDir: String
        func scheduler(_ worker: String, copy: String? = nil) -> BackupScheduler {
            BackupScheduler(inputs: BackupInputs(database: api.h.services.database, clock: Clock(), databaseURL: uri,
                                                 backupDirectory: dir, copyDirectory: copy ?? copyDir),
                            workerID: worker, log: { _ in })
        }
        func files(_ d: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: d)) ?? []).filter { $0.hasSuffix(".dump") }.sorted()
        }
    }

    func makeSetup() async throws -> Setup {
        let uri = try TestCluster.shared().createDatabase(prefix: "backup_schedule")
        let pool = ConnectionPool(connectionString: uri, size: 4)
        try await Migrator(directory: adminMigrationsDirectory()).migrate(pool: pool)
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-sched-\(UUID().uuidString)").path
        let copyDir = base + "/copy"
        try FileManager.default.createDirectory(atPath: copyDir, withIntermediateDirectories: true)
        let services = ClinicServices(pool: pool, signer: try JWTSigner(secret: ClinicTestHarness.jwtSecret),
                                      hasher: PasswordHasher(cost: .low), backupDirectory: base + "/main", databaseURL: uri)
        let api = try AdminAPI(try ClinicTestHarness(services: services, databaseURI: uri))
        // The clinic's zone is UTC here, so the instants below read as local times.
        _ = try await api.h.sql("UPDATE system_settings SET time_zone = 'UTC', backup_enabled = true, backup_time = '03:00', "
                                + "backup_retention_days = 0, backup_retention_count = 0")
        addTeardownBlock { try? FileManager.default.removeItem(atPath: base) }
        return Setup(api: api, uri: uri, dir: base + "/main", copyDir: copyDir)
    }

    func at(_ text: String) -> Instant { Instant(rfc3339: text)! }

    func testOneOfTwoWorkersTakesTheDayAndTheCopyRestores() async throws {
        let s = try await makeSetup()
        _ = try await s.api.h.sql("UPDATE system_settings SET clinic_name = 'Restored From The Copy'")
        let a = s.scheduler("worker-a"), b = s.scheduler("worker-b")

        let early = try await a.runIfDue(now: at("2031-03-04T02:59:59Z"))
        XCTAssertNil(early, "before the scheduled time nothing runs")
        let none = try await s.api.h.sql("SELECT count(*) AS n FROM backup_runs").first!.int("n")
        XCTAssertEqual(none, 0)

        // Both workers poll at the same moment: exactly one takes the day.
        let now = at("2031-03-04T03:00:30Z")
        async let ra = a.runIfDue(now: now)
        async let rb = b.runIfDue(now: now)
        let results = [try await ra, try await rb].compactMap { $0 }
        XCTAssertEqual(results.count, 1, "one worker took the day")
        let run = try XCTUnwrap(results.first)
        XCTAssertEqual(run.status, "SUCCEEDED", run.error ?? "")
        XCTAssertEqual(run.day, LocalDate(iso: "2031-03-04"))
        XCTAssertEqual(run.startedAt, now)
        XCTAssertNil(run.error)
        let name = try XCTUnwrap(run.fileName)
        XCTAssertEqual(BackupArchiveName.madeAt(name), at("2031-03-04T03:00:30Z"), "named after the scheduler's now")
        XCTAssertEqual(s.files(s.dir), [name])
        XCTAssertEqual(s.files(s.copyDir), [name])
        XCTAssertEqual(run.copyPath, s.copyDir + "/" + name)
        let size = try FileManager.default.attributesOfItem(atPath: s.copyDir + "/" + name)[.size] as? NSNumber
        XCTAssertEqual(run.sizeBytes, size?.intValue)
        XCTAssertGreaterThan(run.sizeBytes ?? 0, 1000)
        let registered = try await s.api.h.sql("SELECT file_name, size_bytes FROM backups")
        XCTAssertEqual(registered.count, 1)
        XCTAssertEqual(try registered.first!.string("file_name"), name)
        let audited = try await s.api.h.sql("SELECT details->>'via' AS via FROM audit_log WHERE action = 'backup.create'")
        XCTAssertEqual(try audited.first?.string("via"), "schedule")

        // Later the same day, either worker: nothing more.
        let again = try await b.runIfDue(now: at("2031-03-04T18:00:00Z"))
        XCTAssertNil(again)
        let againA = try await a.runIfDue(now: at("2031-03-04T23:59:00Z"))
        XCTAssertNil(againA)
        let one = try await s.api.h.sql("SELECT count(*) AS n FROM backup_runs").first!.int("n")
        XCTAssertEqual(one, 1)

        // The copy restores into an empty database, with the data of the moment.
        let target = try TestCluster.shared().createDatabase(prefix: "backup_restored")
        let major = try await s.api.h.services.database.read { try BackupTools.serverMajorVersion($0) }
        try await BackupTools.restore(archive: s.copyDir + "/" + name, databaseURL: target, serverMajor: major)
        let restored = try Connection(target)
        defer { restored.close() }
        XCTAssertEqual(try restored.query("SELECT clinic_name FROM system_settings").first?.string("clinic_name"), "Restored From The Copy")
        let migrations = try await s.api.h.sql("SELECT count(*) AS n FROM schema_migrations").first!.int("n")
        XCTAssertEqual(try restored.query("SELECT count(*) AS n FROM schema_migrations").first?.int("n"), migrations)
    }

    func testRetentionPrunesBothDirectoriesAndTheRegistry() async throws {
        let s = try await makeSetup()
        _ = try await s.api.h.sql("UPDATE system_settings SET backup_retention_count = 2, backup_retention_days = 0")
        let w = s.scheduler("worker-a")
        var names: [String] = []
        for day in 1...3 {
            let run = try await w.runIfDue(now: at("2031-03-0\(day)T03:10:00Z"))
            names.append(try XCTUnwrap(run?.fileName))
            XCTAssertEqual(run?.prunedCount, day == 3 ? 2 : 0, "day \(day)")
        }
        XCTAssertEqual(s.files(s.dir), Array(names.suffix(2)).sorted())
        XCTAssertEqual(s.files(s.copyDir), Array(names.suffix(2)).sorted())
        let registry = try await s.api.h.sql("SELECT file_name FROM backups ORDER BY file_name").rows.map { try $0.string("file_name") }
        XCTAssertEqual(registry, Array(names.suffix(2)).sorted(), "pruned archives leave the registry")

        // By age: 7 days keeps only the last week; other files are never touched.
        FileManager.default.createFile(atPath: s.copyDir + "/notes.txt", contents: Data("keep me".utf8))
        FileManager.default.createFile(atPath: s.copyDir + "/clinic-20310201-031000Z-old1.dump", contents: Data("x".utf8))
        _ = try await s.api.h.sql("UPDATE system_settings SET backup_retention_count = 0, backup_retention_days = 7")
        let run = try await w.runIfDue(now: at("2031-03-09T03:20:00Z"))
        XCTAssertEqual(run?.status, "SUCCEEDED")
        // Kept: day 3 (6 days old) and today's; gone: day 2 (7 days and 10 minutes old).
        let newest = try XCTUnwrap(run?.fileName)
        XCTAssertEqual(s.files(s.dir), [names[2], newest].sorted(), "day 2 is over 7 days old: gone; day 3 stays")
        XCTAssertEqual(s.files(s.copyDir), [names[2], newest].sorted(), "the stray old archive went too")
        XCTAssertTrue(FileManager.default.fileExists(atPath: s.copyDir + "/notes.txt"))
        XCTAssertEqual(run?.prunedCount, 3, "day 2 in both directories and the stray one")
    }

    func testAMissingCopyDirectoryIsARecordedFailureAndADeadWorkersDayIsTakenOver() async throws {
        let s = try await makeSetup()
        let w = s.scheduler("worker-a", copy: s.copyDir + "/not-mounted")
        let run = try await w.runIfDue(now: at("2031-03-04T03:00:00Z"))
        XCTAssertEqual(run?.status, "FAILED")
        XCTAssertTrue(run?.error?.contains("not-mounted does not exist (is the disk mounted?)") == true, run?.error ?? "")
        XCTAssertEqual(s.files(s.dir).count, 1, "the archive itself was made")
        XCTAssertNil(run?.copyPath)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.copyDir + "/not-mounted"), "no local directory in its place")

        // A worker that died mid-run leaves a RUNNING row: taken over once it is 6 hours old, not before.
        _ = try await s.api.h.sql("INSERT INTO backup_runs (day, started_at, worker) VALUES ('2031-03-05', '2031-03-05T03:00:00Z', 'dead')")
        let tooSoon = try await w.runIfDue(now: at("2031-03-05T08:59:00Z"))
        XCTAssertNil(tooSoon)
        let taken = try await w.runIfDue(now: at("2031-03-05T09:01:00Z"))
        XCTAssertEqual(taken?.worker, "worker-a")
        XCTAssertEqual(taken?.day, LocalDate(iso: "2031-03-05"))
        let two = try await s.api.h.sql("SELECT count(*) AS n FROM backup_runs").first!.int("n")
        XCTAssertEqual(two, 2)
    }

    func testTheScheduleThroughTheAPI() async throws {
        let s = try await makeSetup()
        _ = try await s.api.h.sql("UPDATE system_settings SET backup_enabled = false")
        let superadmin = try await s.api.h.createUser(role: .SUPERADMIN)
        let admin = try await s.api.h.createUser(role: .ADMIN)
        let query = "{ backupSchedule { enabled time retentionDays retentionCount nextRunAt lastRun { status } runs { day } } }"
        let initial = await s.api.request(query, as: superadmin.viewer)
        XCTAssertEqual(initial.codes, [], "\(initial.json)")
        XCTAssertEqual(initial.json.at("data.backupSchedule.enabled")?.boolValue, false)
        XCTAssertEqual(initial.json.at("data.backupSchedule.time")?.stringValue, "03:00")
        XCTAssertTrue(initial.json.at("data.backupSchedule.nextRunAt")?.isNull ?? false, "disabled: no next run")
        XCTAssertTrue(initial.json.at("data.backupSchedule.lastRun")?.isNull ?? false)

        let forbidden = await s.api.request(query, as: admin.viewer)
        XCTAssertEqual(forbidden.codes, ["FORBIDDEN"])
        let forbiddenChange = await s.api.request("mutation { updateBackupSchedule(input: { enabled: true }) { enabled } }", as: admin.viewer)
        XCTAssertEqual(forbiddenChange.codes, ["FORBIDDEN"])

        let bad = await s.api.request("mutation { updateBackupSchedule(input: { retentionDays: -1 }) { enabled } }", as: superadmin.viewer)
        XCTAssertEqual(bad.codes, ["BAD_USER_INPUT"])
        XCTAssertEqual(bad.json.at("errors.0.extensions.field")?.stringValue, "input.retentionDays")
        let badCount = await s.api.request("mutation { updateBackupSchedule(input: { retentionCount: 1001 }) { enabled } }", as: superadmin.viewer)
        XCTAssertEqual(badCount.json.at("errors.0.extensions.field")?.stringValue, "input.retentionCount")
        let badTime = await s.api.request("mutation { updateBackupSchedule(input: { time: \"25:00\" }) { enabled } }", as: superadmin.viewer)
        XCTAssertEqual(badTime.codes, ["GRAPHQL_VALIDATION_FAILED"])

        let changed = await s.api.request("""
            mutation { updateBackupSchedule(input: { enabled: true, time: "02:30", retentionDays: 30, retentionCount: 10 }) {
              enabled time retentionDays retentionCount nextRunAt } }
            """, as: superadmin.viewer)
        XCTAssertEqual(changed.codes, [], "\(changed.json)")
        XCTAssertEqual(changed.json.at("data.updateBackupSchedule.time")?.stringValue, "02:30")
        XCTAssertEqual(changed.json.at("data.updateBackupSchedule.retentionDays")?.intValue, 30)
        XCTAssertEqual(changed.json.at("data.updateBackupSchedule.retentionCount")?.intValue, 10)
        let next = try XCTUnwrap(changed.json.at("data.updateBackupSchedule.nextRunAt")?.stringValue.flatMap { Instant(rfc3339: $0) })
        XCTAssertTrue(next.rfc3339.contains("T02:30:00") || next.secondsSinceEpoch >= Clock().now.secondsSinceEpoch - 5, next.rfc3339)
        let audit = try await s.api.h.sql("SELECT details->>'time' AS t FROM audit_log WHERE action = 'backup.schedule'")
        XCTAssertEqual(try audit.first?.string("t"), "02:30")

        // A run shows up as the last result.
        let run = try await s.scheduler("worker-a").runIfDue(now: at("2031-03-04T02:31:00Z"))
        XCTAssertEqual(run?.status, "SUCCEEDED", run?.error ?? "")
        let after = await s.api.request("""
            { backupSchedule { lastRun { id day status startedAt finishedAt fileName sizeBytes copyPath prunedCount error worker }
                               runs(first: 5) { day status } } }
            """, as: superadmin.viewer)
        XCTAssertEqual(after.codes, [], "\(after.json)")
        XCTAssertEqual(after.json.at("data.backupSchedule.lastRun.status")?.stringValue, "SUCCEEDED")
        XCTAssertEqual(after.json.at("data.backupSchedule.lastRun.day")?.stringValue, "2031-03-04")
        XCTAssertEqual(after.json.at("data.backupSchedule.lastRun.fileName")?.stringValue, run?.fileName)
        XCTAssertEqual(after.json.at("data.backupSchedule.lastRun.sizeBytes")?.intValue, run?.sizeBytes)
        XCTAssertEqual(after.json.at("data.backupSchedule.lastRun.copyPath")?.stringValue, run?.copyPath)
        XCTAssertEqual(after.json.at("data.backupSchedule.lastRun.worker")?.stringValue, "worker-a")
        XCTAssertEqual(after.json.at("data.backupSchedule.runs")?.arrayValue?.count, 1)
        let tooMany = await s.api.request("{ backupSchedule { runs(first: 101) { day } } }", as: superadmin.viewer)
        XCTAssertEqual(tooMany.codes, ["BAD_USER_INPUT"])
    }
}
