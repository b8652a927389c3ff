// `clinic backup [--out DIR]` and `clinic restore FILE [--force]`.
//
// backup: `pg_dump -Fc` of the configured database (DATABASE_URL or the
// embedded cluster) into DIR (default BACKUP_DIR, i.e. <data dir>/backups);
// prints the archive's path. Archives written to BACKUP_DIR are registered in
// the `backups` table (listed by the `backups` query).
//
// restore: `pg_restore` into the configured database, in one transaction.
// Refuses a database where any user table has rows unless --force; with
// --force (or when only empty tables exist) the public schema is dropped and
// recreated first.
import ClinicDomain
import Foundation
import Postgres
import Resolvers
import Schema

enum BackupCommand: Subcommand {
    static let usage = "usage: clinic backup [--out DIR]"

    static func run(_ arguments: [String]) async -> Int32 {
        var out: String?
        var i = 0
        while i < arguments.count {
            switch arguments[i] {
            case "--out":
                guard i + 1 < arguments.count, !arguments[i + 1].isEmpty else { fail("--out needs a directory\n\(usage)"); return 2 }
                out = arguments[i + 1]; i += 2
            case "-h", "--help":
                print(usage); return 0
            default:
                fail("unknown argument \(arguments[i])\n\(usage)"); return 2
            }
        }
        return await withDatabase { config, db in
            let directory = absolute(out ?? config.backupDirectory)
            let connection = try Connection(db.url)
            defer { connection.close() }
            let major = try BackupTools.serverMajorVersion(connection)
            let now = Instant(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000))
            let made = try await BackupTools.dump(databaseURL: db.url, serverMajor: major, into: directory, now: now)
            if directory == absolute(config.backupDirectory) {
                // Registered (and audited) when the backups table exists, i.e. the database is migrated.
                if (try? connection.query("SELECT to_regclass('public.backups') IS NOT NULL AS x").first?.bool("x")) == true {
                    _ = try connection.transaction { conn in
                        let id = try conn.query("INSERT INTO backups (file_name, size_bytes) VALUES ($1, $2) RETURNING id",
                                                [.text(made.fileName), .int(made.sizeBytes)]).first!.int("id")
                        try Audit.record(conn, actor: nil, action: "backup.create", target: GlobalID.encode(type: "Backup", id: Int64(id)),
                                         details: .object([("fileName", .string(made.fileName)), ("sizeBytes", .int(made.sizeBytes)),
                                                           ("via", .string("cli"))]), ip: nil)
                    }
                }
            }
            print(directory + "/" + made.fileName)
            return 0
        }
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }
}

enum RestoreCommand: Subcommand {
    static let usage = "usage: clinic restore FILE [--force]"

    static func run(_ arguments: [String]) async -> Int32 {
        var file: String?
        var force = false
        for a in arguments {
            switch a {
            case "--force": force = true
            case "-h", "--help": print(usage); return 0
            default:
                if a.hasPrefix("-") || file != nil { fail("unknown argument \(a)\n\(usage)"); return 2 }
                file = a
            }
        }
        guard let file else { fail("restore needs the archive to restore\n\(usage)"); return 2 }
        let path = BackupCommand.absolute(file)
        guard FileManager.default.isReadableFile(atPath: path) else { fail("cannot read \(file): no such readable file"); return 1 }
        return await withDatabase { _, db in
            let connection = try Connection(db.url)
            defer { connection.close() }
            if let table = try BackupTools.firstNonEmptyTable(connection) {
                guard force else {
                    fail("the database is not empty (\(table) has rows); restore replaces everything in it: use --force")
                    return 1
                }
            }
            let major = try BackupTools.serverMajorVersion(connection)
            try await BackupTools.verifyArchive(path, serverMajor: major)
            if try BackupTools.hasUserTables(connection) { try BackupTools.resetPublicSchema(connection) }
            try await BackupTools.restore(archive: path, databaseURL: db.url, serverMajor: major)
            print("restored \(path)")
            return 0
        }
    }
}
