// The app behind `clinic backup [--out DIR]` and `clinic restore FILE [--force]`.
//
// backup: `pg_dump -Fc` of the configured database (DATABASE_URL or the
// embedded cluster) into DIR (default BACKUP_DIR, i.e. <data dir>/backups);
// returns the archive's path. Archives written to BACKUP_DIR are registered in
// the `backups` table (listed by the `backups` query).
//
// restore: `pg_restore` into the configured database, in one transaction.
// Refuses a database where any user table has rows unless --force; with
// --force (or when only empty tables exist) the public schema is dropped and
// recreated first.
import ClinicDomain
import ClinicStore
import Foundation
import Postgres
import Resolvers
import Schema

public enum DatabaseBackups {
    /// Dumps the database into `out` (default BACKUP_DIR); returns the archive's path.
    public static func backup(_ config: Configuration, _ db: DatabaseHandle, into out: String?) async throws -> String {
        let directory = absolute(out ?? config.backupDirectory)
        let pg = try Postgres.Connection(db.url)
        defer { pg.close() }
        let connection = ClinicStore.Connection(pg)
        let major = try BackupTools.serverMajorVersion(connection)
        let now = Instant(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let made = try await BackupTools.dump(databaseURL: db.url, serverMajor: major, into: directory, now: now)
        if directory == absolute(config.backupDirectory) {
            // Registered (and audited) when the backups table exists, i.e. the database is migrated.
            if (try? BackupStore.registryExists(connection)) == true {
                _ = try pg.transaction { pg in
                    let conn = ClinicStore.Connection(pg)
                    let id = try BackupStore.register(conn, fileName: made.fileName, sizeBytes: made.sizeBytes, createdBy: nil).id
                    try AuditLog.record(conn, actor: nil, action: "backup.create", target: GlobalID.encode(type: "Backup", id: id),
                                     details: .object([("fileName", .string(made.fileName)), ("sizeBytes", .int(made.sizeBytes)),
                                                       ("via", .string("cli"))]), ip: nil)
                }
            }
        }
        return directory + "/" + made.fileName
    }

    /// Restores `archive` (an absolute path) in one transaction; refuses a
    /// database with rows in any user table unless `force`.
    public static func restore(_ db: DatabaseHandle, archive path: String, force: Bool) async throws {
        let pg = try Postgres.Connection(db.url)
        defer { pg.close() }
        let connection = ClinicStore.Connection(pg)
        if let table = try BackupTools.firstNonEmptyTable(connection) {
            guard force else {
                throw OperationRefused("the database is not empty (\(table) has rows); restore replaces everything in it: use --force")
            }
        }
        let major = try BackupTools.serverMajorVersion(connection)
        try await BackupTools.verifyArchive(path, serverMajor: major)
        if try BackupTools.hasUserTables(connection) { try BackupTools.resetPublicSchema(connection) }
        try await BackupTools.restore(archive: path, databaseURL: db.url, serverMajor: major)
    }

    /// An archive of BACKUP_DIR and/or BACKUP_COPY_DIR (by name: `clinic-…Z-….dump`).
    public struct ListedArchive: Sendable {
        public var name: String
        /// When it was made (RFC 3339, UTC), from its name.
        public var madeAt: String
        /// Where it is, BACKUP_DIR first; each with its size.
        public var copies: [(path: String, sizeBytes: Int)]
    }

    /// The archives in BACKUP_DIR and BACKUP_COPY_DIR, newest first.
    public static func archives(_ config: Configuration) -> [ListedArchive] {
        var byName: [String: ListedArchive] = [:]
        var made: [String: Instant] = [:]
        for dir in [config.backupDirectory, config.backupCopyDirectory].compactMap({ $0 }).map(absolute) {
            for archive in BackupTools.archives(in: dir) {
                made[archive.name] = archive.madeAt
                byName[archive.name, default: ListedArchive(name: archive.name, madeAt: archive.madeAt.rfc3339, copies: [])]
                    .copies.append((dir + "/" + archive.name, archive.sizeBytes))
            }
        }
        return byName.values.sorted { (made[$0.name]!, $0.name) > (made[$1.name]!, $1.name) }
    }

    /// The file to restore: `given` itself when it is a path to a file, else the
    /// archive of that name in BACKUP_DIR, else in BACKUP_COPY_DIR.
    public static func locate(_ given: String, _ config: Configuration) -> String? {
        let fm = FileManager.default
        if given.contains("/") || fm.fileExists(atPath: given) {
            let path = absolute(given)
            return fm.isReadableFile(atPath: path) ? path : nil
        }
        return archives(config).first { $0.name == given }?.copies.first { fm.isReadableFile(atPath: $0.path) }?.path
    }

    /// `path` made absolute against the working directory, with `.`/`..` resolved.
    public static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }
}
