// Read replica for real: a primary and a streaming replica (pg_basebackup -R)
// on the same machine, each on its own Unix socket. Services read reports and
// exports through the replica pool and write through the primary pool; the
// test proves it by pausing the replica's WAL replay (reports stop seeing new
// rows while writes and primary reads do), and by stopping the replica
// (reports fail, writes still succeed).
import ClinicDomain
import ClinicStore
import Crypto
import Foundation
import JSON
import Postgres
@testable import Resolvers
import Schema
import TestSupport
import XCTest

/// A primary and a streaming replica (pg_basebackup -R) on the same machine,
/// each on its own Unix socket, stopped and removed when the test ends.
final class ReplicaPair: @unchecked Sendable {
    let base: String
    let primary: EmbeddedCluster
    let replica: EmbeddedCluster
    var leases: [EmbeddedCluster.Lease] = []
    var primaryPool: ConnectionPool?
    var replicaPool: ConnectionPool?

    init(base: String, primary: EmbeddedCluster, replica: EmbeddedCluster) {
        self.base = base; self.primary = primary; self.replica = replica
    }

    static func start(_ test: AdminReplicaTests) async throws -> ReplicaPair {
        let fm = FileManager.default
        let base = "/tmp/clinic-repl-\(getpid())-\(UInt32.random(in: 0...UInt32.max) % 100_000)"
        try fm.createDirectory(atPath: base, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        let primary = EmbeddedCluster(dataDirectory: base + "/p", database: "clinic", settings: [
            "fsync": "off", "wal_level": "replica", "max_wal_senders": "4", "hot_standby": "on", "shared_buffers": "'16MB'",
        ])
        let replica = EmbeddedCluster(dataDirectory: base + "/r", database: "clinic")
        let pair = ReplicaPair(base: base, primary: primary, replica: replica)
        test.addTeardownBlock { pair.close() }
        pair.leases.append(try primary.start())
        let primaryURI = primary.uri()
        pair.primaryPool = ConnectionPool(connectionString: primaryURI, size: 3, acquireTimeout: .seconds(5))
        try await Migrator(directory: adminMigrationsDirectory()).migrate(pool: pair.primaryPool!)

        // The replica: a base backup of the running primary, streaming from it, on its own socket.
        let major = try await Database(primary: pair.primaryPool!).read { try BackupTools.serverMajorVersion($0) }
        let basebackup = try BackupTools.locate("pg_basebackup", serverMajor: major)
        try fm.createDirectory(atPath: base + "/r", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        let pgdata = base + "/r/pgdata", runDir = base + "/r/run"
        try fm.createDirectory(atPath: runDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        if geteuid() == 0, let pw = getpwnam("postgres") {
            chown(runDir, pw.pointee.pw_uid, pw.pointee.pw_gid)
            // pg_basebackup creates pgdata itself (0700, owned by whoever runs it) inside a directory it can write.
            chown(base + "/r", pw.pointee.pw_uid, pw.pointee.pw_gid)
        }
        try test.run(basebackup, ["-D", pgdata, "-R", "-X", "stream", "-c", "fast", "-d", "host=\(primary.socketDirectory) user=postgres"],
                     asPostgres: true)
        let auto = try String(contentsOfFile: pgdata + "/postgresql.auto.conf", encoding: .utf8)
        XCTAssertTrue(auto.contains("primary_conninfo"), "pg_basebackup -R wrote the standby settings")
        XCTAssertTrue(fm.fileExists(atPath: pgdata + "/standby.signal"))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: pgdata + "/postgresql.auto.conf"))
        handle.seekToEndOfFile()
        handle.write(Data("unix_socket_directories = '\(runDir)'\n".utf8))
        handle.closeFile()
        if geteuid() == 0 { chmod(base + "/r", 0o711) }
        pair.leases.append(try replica.start())
        pair.replicaPool = ConnectionPool(connectionString: replica.uri(), size: 2, acquireTimeout: .seconds(5))
        return pair
    }

    /// Whether the replica has replayed everything the primary has written.
    @Sendable func caughtUp() async throws -> Bool {
        let target = try await primaryPool!.withConnection { try $0.query("SELECT pg_current_wal_lsn()::text AS l").first!.string("l") }
        return try await replicaPool!.withConnection {
            try $0.query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok", [.text(target)]).first!.bool("ok")
        }
    }

    func pauseReplay() async throws { _ = try await replicaPool!.withConnection { try $0.query("SELECT pg_wal_replay_pause()") } }
    func resumeReplay() async throws { _ = try await replicaPool!.withConnection { try $0.query("SELECT pg_wal_replay_resume()") } }

    func stopReplica() throws {
        try leases.removeLast().release()
        try replica.stop()
    }

    func close() {
        primaryPool?.close()
        replicaPool?.close()
        for l in leases.reversed() { try? l.release() }
        try? replica.stop()
        try? primary.stop()
        try? FileManager.default.removeItem(atPath: base)
    }
}

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
        let pair = try await ReplicaPair.start(self)
        let (primaryPool, replicaPool, primaryURI) = (pair.primaryPool!, pair.replicaPool!, pair.primary.uri())
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

        try await waitUntil("the replica to replay the fixture", pair.caughtUp)

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
        try await pair.pauseReplay()
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

        try await pair.resumeReplay()
        try await waitUntil("the replica to catch up after resuming", pair.caughtUp)
        let t2 = await reportTotal()
        XCTAssertEqual(t2, 8)

        // Replica down: reports fail, writes still succeed.
        try pair.stopReplica()
        let down = await api.request(reportQuery, variables: vars, as: superadmin.viewer)
        XCTAssertEqual(down.codes, ["SERVICE_UNAVAILABLE"], "a dedicated code, not an internal error: \(down.json)")
        XCTAssertTrue(down.json.at("errors.0.message")?.stringValue?.contains("read replica") == true, "\(down.json)")
        let write2 = await api.request("mutation { updateProfile(input: { firstName: \"Again\" }) { firstName } }", as: superadmin.viewer)
        XCTAssertEqual(write2.json.at("data.updateProfile.firstName")?.stringValue, "Again")
    }

    /// The public doctor list and free slots read on the replica while it is
    /// within REPLICA_MAX_LAG_MS and on the primary beyond it or when it is
    /// down; a booking on a slot the stale replica still shows free is
    /// refused (the booking checks on the primary).
    func testDoctorListAndSlotsReadTheReplicaWithinTheLagBound() async throws {
        let pair = try await ReplicaPair.start(self)
        func api(maxLag: Int) throws -> AdminAPI {
            let services = ClinicServices(pool: pair.primaryPool!, readPool: pair.replicaPool!,
                                          signer: try JWTSigner(secret: ClinicTestHarness.jwtSecret), hasher: PasswordHasher(cost: .low),
                                          replicaMaxLagMilliseconds: maxLag)
            return try AdminAPI(try ClinicTestHarness(services: services, databaseURI: pair.primary.uri()))
        }
        let loose = try api(maxLag: 3_600_000), strict = try api(maxLag: 300)
        let h = loose.h
        let data = AdminData(h: h)
        let doctor = try await data.doctor(lastName: "Lag", specialization: "Dermatology", fee: "10.00")
        try await data.hours(doctor, weekdays: 1...7, start: "08:00", end: "12:00")
        let first = try await h.createUser(patient: true), second = try await h.createUser(patient: true)
        let superadmin = try await h.createUser(role: .SUPERADMIN)
        let day = try await data.today().adding(days: 3)
        let doctorID = GlobalID.encode(type: "Doctor", id: doctor.doctorID!)
        let slotsQuery = "{ availableSlots(doctorId: \"\(doctorID)\", date: \"\(day.iso)\") { time } }"
        let listQuery = "{ doctors(first: 10) { nodes { specialization } } }"
        func slots(_ api: AdminAPI) async -> [String] {
            await api.request(slotsQuery, as: second.viewer).json.at("data.availableSlots")?.arrayValue?.compactMap { $0["time"]?.stringValue } ?? []
        }
        func specializations(_ api: AdminAPI) async -> [String] {
            await api.request(listQuery, as: nil).json.at("data.doctors.nodes")?.arrayValue?.compactMap { $0["specialization"]?.stringValue } ?? []
        }
        func book(_ who: HarnessUser) async -> HarnessResponse {
            await loose.request("""
                mutation { bookAppointment(input: { doctorId: "\(doctorID)", date: "\(day.iso)", time: "10:00", reason: "lag" }) { id } }
                """, as: who.viewer)
        }
        try await waitUntil("the replica to replay the fixture", pair.caughtUp)
        // Caught up: both read the replica.
        for (name, api) in [("loose", loose), ("strict", strict)] {
            try await waitUntil("\(name) to read the replica") {
                let before = api.h.services.replicaRouting.snapshot.replicaReads
                _ = await specializations(api)
                return api.h.services.replicaRouting.snapshot.replicaReads > before
            }
        }
        let slotsBefore = await slots(loose)
        XCTAssertTrue(slotsBefore.contains("10:00"), "\(slotsBefore)")

        // Replay paused: the replica falls behind the primary.
        try await pair.pauseReplay()
        try await Task.sleep(nanoseconds: 600_000_000)
        let booked = await book(first)
        XCTAssertEqual(booked.codes, [], "\(booked.json)")
        _ = try await h.sql("UPDATE doctors SET specialization = 'Neurology' WHERE id = $1", [.int(Int(doctor.doctorID!))])

        // Within a generous bound the stale replica answers: 10:00 still looks free …
        let staleSlots = await slots(loose)
        XCTAssertTrue(staleSlots.contains("10:00"), "read on the paused replica: \(staleSlots)")
        let staleList = await specializations(loose)
        XCTAssertEqual(staleList, ["Dermatology"])
        // … but booking it is refused: the booking checks the slot on the primary.
        let refused = await book(second)
        XCTAssertEqual(refused.codes, ["CONFLICT"], "\(refused.json)")
        let count = try await h.sql("SELECT count(*) AS n FROM appointments WHERE reason = 'lag'").first!.int("n")
        XCTAssertEqual(count, 1)

        // Beyond a 300 ms bound the primary answers.
        let primaryBefore = strict.h.services.replicaRouting.snapshot.primaryReads
        let freshSlots = await slots(strict)
        XCTAssertFalse(freshSlots.contains("10:00"), "read on the primary: \(freshSlots)")
        XCTAssertTrue(freshSlots.contains("10:30"), "\(freshSlots)")
        let freshList = await specializations(strict)
        XCTAssertEqual(freshList, ["Neurology"])
        XCTAssertEqual(strict.h.services.replicaRouting.snapshot.primaryReads, primaryBefore + 2)
        XCTAssertGreaterThan(strict.h.services.replicaRouting.snapshot.lagMilliseconds ?? 0, 300)

        // Caught up again: the strict one goes back to the replica.
        try await pair.resumeReplay()
        try await waitUntil("the replica to catch up", pair.caughtUp)
        try await waitUntil("strict to read the replica again") {
            let before = strict.h.services.replicaRouting.snapshot.replicaReads
            let list = await specializations(strict)
            return strict.h.services.replicaRouting.snapshot.replicaReads > before && list == ["Neurology"]
        }

        // Replica down: the list and slots come from the primary; reports fail clearly.
        try pair.stopReplica()
        for api in [loose, strict] {
            let list = await specializations(api)
            XCTAssertEqual(list, ["Neurology"])
            let free = await slots(api)
            XCTAssertFalse(free.contains("10:00"))
            XCTAssertTrue(free.contains("10:30"))
        }
        let report = await loose.request("{ report(from: \"\(day.iso)\", to: \"\(day.iso)\") { totalAppointments } }", as: superadmin.viewer)
        XCTAssertEqual(report.codes, ["SERVICE_UNAVAILABLE"], "\(report.json)")
    }
}
