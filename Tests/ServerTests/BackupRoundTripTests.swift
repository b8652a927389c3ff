// `clinic backup` / `clinic restore` with the real binary: seed, back up,
// restore into a fresh embedded cluster, and compare the row count and a
// checksum of every table; refuse a non-empty database without --force.
import Foundation
import Postgres
import PostgresTesting
import XCTest

final class BackupRoundTripTests: XCTestCase {
    /// table → "rows:md5 of every row's text, sorted".
    func fingerprint(_ uri: String) throws -> [String: String] {
        let conn = try Connection(uri)
        defer { conn.close() }
        var out: [String: String] = [:]
        for t in try conn.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").rows.map({ try $0.string("tablename") }) {
            let r = try conn.query("""
                SELECT count(*) AS n, coalesce(md5(string_agg(x.t, '|' ORDER BY x.t)), '') AS h
                  FROM (SELECT s::text AS t FROM public."\(t)" s) x
                """).first!
            out[t] = "\(try r.int("n")):\(try r.string("h"))"
        }
        return out
    }

    func testBackupRestoresIntoAFreshClusterWithIdenticalTables() throws {
        let fm = FileManager.default
        let tmp = "/tmp/clinic-bk-\(getpid())-\(UInt32.random(in: 0...UInt32.max) % 100_000)"
        try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        let fresh = EmbeddedCluster(dataDirectory: tmp + "/fresh", database: "clinic")
        var lease: EmbeddedCluster.Lease?
        defer {
            try? lease?.release()
            try? fresh.stop()
            try? fm.removeItem(atPath: tmp)
        }
        let source = try TestCluster.shared().createDatabase(prefix: "backup_src")
        let env = ["DATABASE_URL": source, "CLINIC_DATA_DIR": tmp + "/src", "BACKUP_DIR": tmp + "/registered", "LOG_LEVEL": "warn"]
        for args in [["migrate"], ["seed", "--demo"]] {
            let (status, _, err) = try ClinicProcess.runCommand(args, environment: env)
            XCTAssertEqual(status, 0, "\(args): \(err)")
        }
        let conn = try Connection(source)
        _ = try conn.execute("UPDATE appointments SET reason = 'dolor, \"agudo\"\nñandú ☕' WHERE id = (SELECT min(id) FROM appointments)")
        conn.close()
        let before = try fingerprint(source)
        XCTAssertGreaterThan(before.count, 10)
        XCTAssertTrue(before["appointments"]?.hasPrefix("0:") == false, "seeded")

        let (status, out, err) = try ClinicProcess.runCommand(["backup", "--out", tmp + "/out"], environment: env)
        XCTAssertEqual(status, 0, err)
        let archive = out.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(archive.hasPrefix(tmp + "/out/clinic-") && archive.hasSuffix(".dump"), archive)
        XCTAssertTrue(fm.isReadableFile(atPath: archive))
        XCTAssertEqual(try fingerprint(source), before, "backing up to another directory changes nothing")

        // A fresh embedded cluster (no DATABASE_URL): initdb, restore, stop.
        let freshEnv = ["DATABASE_URL": "", "DATABASE_READ_URL": "", "CLINIC_DATA_DIR": tmp + "/fresh", "LOG_LEVEL": "warn"]
        let (rs, _, re) = try ClinicProcess.runCommand(["restore", archive], environment: freshEnv)
        XCTAssertEqual(rs, 0, re)
        lease = try fresh.start()
        XCTAssertEqual(try fingerprint(fresh.uri()), before)

        // Not empty now: refused without --force, replaced with it.
        let (refused, _, why) = try ClinicProcess.runCommand(["restore", archive], environment: freshEnv)
        XCTAssertEqual(refused, 1)
        XCTAssertTrue(why.contains("not empty") && why.contains("--force"), why)
        XCTAssertEqual(why.split(separator: "\n").count, 1, "one line: \(why)")
        let c2 = try Connection(fresh.uri())
        _ = try c2.execute("DELETE FROM notifications; UPDATE users SET first_name = 'changed'")
        c2.close()
        XCTAssertNotEqual(try fingerprint(fresh.uri()), before)
        let (forced, _, fe) = try ClinicProcess.runCommand(["restore", archive, "--force"], environment: freshEnv)
        XCTAssertEqual(forced, 0, fe)
        XCTAssertEqual(try fingerprint(fresh.uri()), before)
    }

    func testBackupIntoBackupDirIsRegisteredAndBadArchivesAreRefused() throws {
        let tmp = "/tmp/clinic-bk2-\(getpid())-\(UInt32.random(in: 0...UInt32.max) % 100_000)"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let db = try TestCluster.shared().createDatabase(prefix: "backup_reg")
        let env = ["DATABASE_URL": db, "CLINIC_DATA_DIR": tmp, "BACKUP_DIR": tmp + "/bk", "LOG_LEVEL": "warn"]
        XCTAssertEqual(try ClinicProcess.runCommand(["migrate"], environment: env).0, 0)
        let (status, out, err) = try ClinicProcess.runCommand(["backup"], environment: env)
        XCTAssertEqual(status, 0, err)
        let name = (out.trimmingCharacters(in: .whitespacesAndNewlines) as NSString).lastPathComponent
        XCTAssertTrue(out.hasPrefix(tmp + "/bk/"), out)
        let conn = try Connection(db)
        defer { conn.close() }
        let row = try conn.query("SELECT file_name, size_bytes FROM backups").first
        XCTAssertEqual(try row?.string("file_name"), name)
        let size = (try FileManager.default.attributesOfItem(atPath: tmp + "/bk/" + name)[.size] as? NSNumber)?.intValue
        XCTAssertEqual(try row?.int("size_bytes"), size)
        XCTAssertEqual(try conn.query("SELECT count(*) AS n FROM audit_log WHERE action = 'backup.create'").first?.int("n"), 1)

        // Garbage and missing files: one-line errors, the database untouched.
        FileManager.default.createFile(atPath: tmp + "/junk.dump", contents: Data("not an archive".utf8))
        let empty = try TestCluster.shared().createDatabase(prefix: "backup_junk")
        let junkEnv = ["DATABASE_URL": empty, "CLINIC_DATA_DIR": tmp]
        let (js, _, je) = try ClinicProcess.runCommand(["restore", tmp + "/junk.dump"], environment: junkEnv)
        XCTAssertEqual(js, 1)
        XCTAssertTrue(je.contains("not a usable pg_dump archive"), je)
        let (ms, _, me) = try ClinicProcess.runCommand(["restore", tmp + "/missing.dump"], environment: junkEnv)
        XCTAssertEqual(ms, 1)
        XCTAssertTrue(me.contains("cannot read"), me)
        let (us, _, _) = try ClinicProcess.runCommand(["restore"], environment: junkEnv)
        XCTAssertEqual(us, 2)
        // --force over a migrated database works with the fresh archive.
        let (fs, _, fe) = try ClinicProcess.runCommand(["restore", tmp + "/bk/" + name, "--force"], environment: env)
        XCTAssertEqual(fs, 0, fe)

        // By name, from the listed archives: BACKUP_DIR first, else the copy directory.
        try FileManager.default.createDirectory(atPath: tmp + "/copy", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: tmp + "/bk/" + name, toPath: tmp + "/copy/" + name)
        FileManager.default.createFile(atPath: tmp + "/copy/notes.txt", contents: Data("not listed".utf8))
        let copyEnv = env.merging(["BACKUP_COPY_DIR": tmp + "/copy"]) { $1 }
        let (ls, listed, le) = try ClinicProcess.runCommand(["restore", "--list"], environment: copyEnv)
        XCTAssertEqual(ls, 0, le)
        let lines = listed.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 1, listed)
        XCTAssertTrue(lines.first?.hasPrefix(name + "  \(size ?? -1) bytes  ") == true, listed)
        XCTAssertTrue(listed.contains(tmp + "/bk/" + name + "  " + tmp + "/copy/" + name), listed)
        try FileManager.default.removeItem(atPath: tmp + "/bk/" + name)
        let (ns, restoredFrom, ne) = try ClinicProcess.runCommand(["restore", name, "--force"], environment: copyEnv)
        XCTAssertEqual(ns, 0, ne)
        XCTAssertEqual(restoredFrom.trimmingCharacters(in: .whitespacesAndNewlines), "restored " + tmp + "/copy/" + name)
        let (us2, _, ue2) = try ClinicProcess.runCommand(["restore", "clinic-20300101-000000Z-none.dump"], environment: copyEnv)
        XCTAssertEqual(us2, 1)
        XCTAssertTrue(ue2.contains("nor an archive of that name in BACKUP_DIR or BACKUP_COPY_DIR"), ue2)
        XCTAssertEqual(try ClinicProcess.runCommand(["restore", "--list", "--force"], environment: copyEnv).0, 2)
    }
}
