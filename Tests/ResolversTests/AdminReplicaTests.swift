// Read replica for real: a primary and a streaming replica (pg_basebackup -R)
// on the same machine, each on its own Unix socket. Services read reports and
// exports through the replica pool and write through the primary pool; the
// test proves it by pausing the replica's WAL replay (reports stop seeing new
// rows while writes and primary reads do), and by stopping the replica
// (reports fail, writes still succeed).
import ClinicStore
import Crypto
import Foundation
import JSON
import Postgres
@testable import Resolvers
import Schema
import TestSupport
import XCTest

final class AdminReplicaTests: XCTestCase {
    /// Runs a program (as `postgres` when we are root, like the clusters), failing the test on a bad exit.
    func run(_ program: String, _ args: [String], asPostgres: Bool) throws {
        let runuser = FileManager.default.fileExists(atPath: "/usr/sbin/runuser") ? "/usr/sbin/runuser" : "/sbin/runuser"
        let result = asPostgres && geteuid() == 0
            ? try ProcessRunner.run(runuser, ["-u", "postgres", "--", program] + args, mergingOutput: true)
            : try ProcessRunner.run(program, args, mergingOutput: true)
        XCTAssertEqual(result.status, 0, "\(program) \(args): \(result.output)")
        if result.status != 0 { throw BackupToolError("\(program) failed: \(result.output)") }
    }

    func waitUntil(_ what: String, timeout: TimeInterval = 30, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        XCTFail("timed out waiting for \(what)")
        throw BackupToolError("timeout: \(what)")
    }

    func testReportsAndExportsAreServedByTheReplicaWhileWritesGoToThePrimary() async throws {
        let fm = FileManager.default
        let base = "/tmp/clinic-repl-\(getpid())-\(UInt32.random(in: 0...UInt32.max) % 100_000)"
        try fm.createDirectory(atPath: base, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        let primary = EmbeddedCluster(dataDirectory: base + "/p", database: "clinic", settings: [
            "fsync": "off", "wal_level": "replica", "max_wal_senders": "4", "hot_standby": "on", "shared_buffers": "'16MB'",
        ])
        let replica = EmbeddedCluster(dataDirectory: base + "/r", database: "clinic")
        var leases: [EmbeddedCluster.Lease] = []
        defer {
            for l in leases.reversed() { try? l.release() }
            try? replica.stop()
            try? primary.stop()
            try? fm.removeItem(atPath: base)
        }
        leases.append(try primary.start())
        let primaryURI = primary.uri()
        let primaryPool = ConnectionPool(connectionString: primaryURI, size: 3, acquireTimeout: .seconds(5))
        try await Migrator(directory: adminMigrationsDirectory()).migrate(pool: primaryPool)

        // The replica: a base backup of the running primary, streaming from it, on its own socket.
        let major = try await primaryPool.withConnection { try BackupTools.serverMajorVersion($0) }
        let basebackup = try BackupTools.locate("pg_basebackup", serverMajor: major)
        try fm.createDirectory(atPath: base + "/r", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        let pgdata = base + "/r/pgdata", runDir = base + "/r/run"
        try fm.createDirectory(atPath: runDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        if geteuid() == 0, let pw = getpwnam("postgres") {
            chown(runDir, pw.pointee.pw_uid, pw.pointee.pw_gid)
            // pg_basebackup creates pgdata itself (0700, owned by whoever runs it) inside a directory it can write.
            chown(base + "/r", pw.pointee.pw_uid, pw.pointee.pw_gid)
        }
        try run(basebackup, ["-D", pgdata, "-R", "-X", "stream", "-c", "fast", "-d", "host=\(primary.socketDirectory) user=postgres"],
                asPostgres: true)
        let auto = try String(contentsOfFile: pgdata + "/postgresql.auto.conf", encoding: .utf8)
        XCTAssertTrue(auto.contains("primary_conninfo"), "pg_basebackup -R wrote the standby settings")
        XCTAssertTrue(fm.fileExists(atPath: pgdata + "/standby.signal"))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: pgdata + "/postgresql.auto.conf"))
        handle.seekToEndOfFile()
        handle.write(Data("unix_socket_directories = '\(runDir)'\n".utf8))
        handle.closeFile()
        if geteuid() == 0 { chmod(base + "/r", 0o711) }
        leases.append(try replica.start())
        let replicaPool = ConnectionPool(connectionString: replica.uri(), size: 2, acquireTimeout: .seconds(5))

        let services = ClinicServices(pool: primaryPool, readPool: replicaPool, signer: try JWTSigner(secret: ClinicTestHarness.jwtSecret),
                                      hasher: PasswordHasher(cost: .low))
        let h = try ClinicTestHarness(services: services, databaseURI: primaryURI)
        let api = try AdminAPI(h)

        // The two pools reach different servers.
        let replicaInRecovery = try await replicaPool.withConnection { try $0.query("SELECT pg_is_in_recovery() AS r").first!.bool("r") }
        let primaryInRecovery = try await primaryPool.withConnection { try $0.query("SELECT pg_is_in_recovery() AS r").first!.bool("r") }
        XCTAssertTrue(replicaInRecovery)
        XCTAssertFalse(primaryInRecovery)

        let data = AdminData(h: h)
        let superadmin = try await h.createUser(role: .SUPERADMIN)
        let doctor = try await data.doctor(lastName: "Replica", specialization: "Cardiology", fee: "10.00")
        let patient = try await h.createUser(patient: true)
        let today = try await data.today()
        for i in 0..<5 { try await data.appointment(doctor: doctor, patient: patient, date: today.adding(days: i), time: "10:00", status: "SCHEDULED") }

        func caughtUp() async throws -> Bool {
            let target = try await primaryPool.withConnection { try $0.query("SELECT pg_current_wal_lsn()::text AS l").first!.string("l") }
            return try await replicaPool.withConnection {
                try $0.query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok", [.text(target)]).first!.bool("ok")
            }
        }
        try await waitUntil("the replica to replay the fixture", caughtUp)

        let vars: [String: JSON] = ["from": .string(today.iso), "to": .string(today.adding(days: 30).iso)]
        let reportQuery = "query($from: Date!, $to: Date!) { report(from: $from, to: $to) { totalAppointments } }"
        let exportQuery = "query($from: Date!, $to: Date!) { exportAppointments(filter: { from: $from, to: $to }) }"
        func reportTotal() async -> Int? { await api.request(reportQuery, variables: vars, as: superadmin.viewer).json.at("data.report.totalAppointments")?.intValue }
        func exportRows() async -> Int? {
            await api.request(exportQuery, variables: vars, as: superadmin.viewer).json.at("data.exportAppointments")?.stringValue
                .map { $0.components(separatedBy: "\r\n").count - 2 }
        }
        let t0 = await reportTotal()
        XCTAssertEqual(t0, 5)
        let e0 = await exportRows()
        XCTAssertEqual(e0, 5)

        // Replay paused: the replica is frozen in time, the primary moves on.
        _ = try await replicaPool.withConnection { try $0.query("SELECT pg_wal_replay_pause()") }
        for i in 5..<8 { try await data.appointment(doctor: doctor, patient: patient, date: today.adding(days: i), time: "10:00", status: "SCHEDULED") }
        let write = await api.request("mutation { updateProfile(input: { firstName: \"Written\" }) { firstName } }", as: superadmin.viewer)
        XCTAssertEqual(write.codes, [], "\(write.json)")
        let onPrimary = try await h.sql("SELECT count(*) AS n FROM appointments").first!.int("n")
        XCTAssertEqual(onPrimary, 8)
        let t1 = await reportTotal()
        XCTAssertEqual(t1, 5, "the report was computed on the paused replica")
        let e1 = await exportRows()
        XCTAssertEqual(e1, 5, "the export was read from the paused replica")
        let list = await api.request("{ appointments(first: 50) { totalCount } }", as: superadmin.viewer)
        XCTAssertEqual(list.json.at("data.appointments.totalCount")?.intValue, 8, "ordinary reads use the primary")
        let writtenOnReplica = try await replicaPool.withConnection {
            try $0.query("SELECT first_name FROM users WHERE id = $1", [.int(Int(superadmin.id))]).first!.string("first_name")
        }
        XCTAssertNotEqual(writtenOnReplica, "Written")

        _ = try await replicaPool.withConnection { try $0.query("SELECT pg_wal_replay_resume()") }
        try await waitUntil("the replica to catch up after resuming", caughtUp)
        let t2 = await reportTotal()
        XCTAssertEqual(t2, 8)

        // Replica down: reports fail, writes still succeed.
        try leases.removeLast().release()
        try replica.stop()
        let down = await api.request(reportQuery, variables: vars, as: superadmin.viewer)
        XCTAssertEqual(down.codes, ["INTERNAL_SERVER_ERROR"], "\(down.json)")
        let write2 = await api.request("mutation { updateProfile(input: { firstName: \"Again\" }) { firstName } }", as: superadmin.viewer)
        XCTAssertEqual(write2.json.at("data.updateProfile.firstName")?.stringValue, "Again")
        primaryPool.close()
        replicaPool.close()
    }
}
