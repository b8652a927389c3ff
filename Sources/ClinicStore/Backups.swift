// Backups: `pg_dump -Fc` archives in BACKUP_DIR, registered in `backups`, and
// `pg_restore` for the operator's `clinic restore` and the superadmin's restoreBackup. The client programs run in
// child processes waited on a GCD thread, never on the cooperative pool.
import ClinicDomain
import Dispatch
import Foundation
import Postgres

public struct BackupToolError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

public enum BackupTools {
    /// The server's major version (e.g. 15), from `server_version_num`.
    public static func serverMajorVersion(_ conn: Connection) throws -> Int {
        let n = try conn.query("SELECT current_setting('server_version_num')::int AS v").first?.int("v") ?? 0
        return n / 10_000
    }

    /// A PostgreSQL client program (pg_dump, pg_restore) of the server's major
    /// version, else the newest newer one: `$CLINIC_PG_BINDIR`,
    /// /usr/lib/postgresql/<major>/bin (Debian keeps them there), `pg_config --bindir`, PATH.
    public static func locate(_ program: String, serverMajor: Int,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let fm = FileManager.default
        var candidates: [String] = []
        if let dir = environment["CLINIC_PG_BINDIR"], !dir.isEmpty { candidates.append(dir) }
        let root = "/usr/lib/postgresql"
        let versions = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init)
        if versions.contains(serverMajor) { candidates.append("\(root)/\(serverMajor)/bin") }
        for v in versions.sorted() where v > serverMajor { candidates.append("\(root)/\(v)/bin") }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        candidates += path.split(separator: ":").map(String.init)
        for dir in candidates where fm.isExecutableFile(atPath: dir + "/" + program) {
            // A client older than the server refuses to dump it; PATH entries are checked too.
            if let major = majorVersion(of: dir + "/" + program), major < serverMajor { continue }
            return dir + "/" + program
        }
        throw BackupToolError("\(program) for PostgreSQL \(serverMajor) not found: install postgresql-client-\(serverMajor) or set CLINIC_PG_BINDIR")
    }

    static func majorVersion(of program: String) -> Int? {
        guard let out = try? runSync(program, ["--version"]).output else { return nil }
        // "pg_dump (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)"
        let words = out.split(separator: " ")
        guard let i = words.firstIndex(of: "(PostgreSQL)"), i + 1 < words.count else { return nil }
        return Int(words[i + 1].prefix { $0.isNumber })
    }

    /// Runs a program to completion on a GCD thread; stdout+stderr collected.
    public static func run(_ program: String, _ arguments: [String], environment extra: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<(status: Int32, output: String), Error>) in
            DispatchQueue.global().async {
                do { cont.resume(returning: try runSync(program, arguments, environment: extra)) } catch { cont.resume(throwing: error) }
            }
        }
    }

    /// A connection string without its password, and the password (for PGPASSWORD):
    /// command lines are visible to every local user, the environment is not.
    /// Handles `postgresql://user:pass@host/db` and `key=value` strings.
    public static func splitPassword(_ url: String) -> (url: String, password: String?) {
        for scheme in ["postgresql://", "postgres://"] where url.hasPrefix(scheme) {
            let rest = url.dropFirst(scheme.count)
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            guard let at = authority.lastIndex(of: "@") else { return (url, nil) }
            let userinfo = authority[..<at]
            guard let colon = userinfo.firstIndex(of: ":") else { return (url, nil) }
            let password = String(userinfo[userinfo.index(after: colon)...])
            let stripped = scheme + userinfo[..<colon] + rest[at...]
            return (stripped, password.removingPercentEncoding ?? password)
        }
        if url.contains("="), !url.contains("://") {
            var password: String?
            let kept = url.split(separator: " ").filter { part in
                if part.hasPrefix("password=") { password = String(part.dropFirst("password=".count)); return false }
                return true
            }
            return (kept.joined(separator: " "), password)
        }
        return (url, nil)
    }

    /// `--dbname=…` without the password, and the environment carrying it.
    static func connection(_ databaseURL: String) -> (argument: String, environment: [String: String]) {
        let (url, password) = splitPassword(databaseURL)
        return ("--dbname=" + url, password.map { ["PGPASSWORD": $0] } ?? [:])
    }

    static func runSync(_ program: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["PGHOST", "PGPORT", "PGDATABASE", "PGOPTIONS"] { env[key] = nil }
        env["LC_ALL"] = "C"
        for (k, v) in extra { env[k] = v }
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A new archive's name (ClinicDomain's BackupArchiveName, random suffix).
    public static func fileName(at instant: Instant) -> String {
        BackupArchiveName.make(at: instant, suffix: String(UInt32.random(in: 0...UInt32.max), radix: 36))
    }

    /// `pg_dump -Fc` of `databaseURL` into `directory`; returns (file name, size).
    /// Written under a temporary name and renamed, so a failed dump leaves no archive.
    public static func dump(databaseURL: String, serverMajor: Int, into directory: String, now: Instant) async throws -> (fileName: String, sizeBytes: Int) {
        let pgDump = try locate("pg_dump", serverMajor: serverMajor)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let name = fileName(at: now)
        let path = directory + "/" + name
        let partial = path + ".partial"
        let db = connection(databaseURL)
        let (status, output) = try await run(pgDump, ["--format=custom", "--file=" + partial, db.argument], environment: db.environment)
        guard status == 0 else {
            try? FileManager.default.removeItem(atPath: partial)
            throw BackupToolError("pg_dump failed (exit \(status)): \(output.split(separator: "\n").first ?? "")")
        }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        return (name, size)
    }

    /// The first user table (outside the system schemas) that has a row, or nil.
    public static func firstNonEmptyTable(_ conn: Connection) throws -> String? {
        let tables = try conn.query("""
            SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
             ORDER BY 1
            """).rows.map { try $0.string("name") }
        for t in tables where try conn.query("SELECT EXISTS (SELECT 1 FROM \(t)) AS x").first?.bool("x") == true { return t }
        return nil
    }

    /// Whether any user table exists at all (empty or not).
    public static func hasUserTables(_ conn: Connection) throws -> Bool {
        try conn.query("""
            SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                              AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%') AS x
            """).first?.bool("x") ?? false
    }

    /// Drops and recreates the public schema (everything in it goes).
    public static func resetPublicSchema(_ conn: Connection) throws {
        _ = try conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        _ = try conn.execute("CREATE SCHEMA public")
        _ = try conn.execute("GRANT ALL ON SCHEMA public TO PUBLIC")
    }

    /// Fails unless `archive` is a readable pg_dump custom-format archive (`pg_restore --list`).
    public static func verifyArchive(_ archive: String, serverMajor: Int) async throws {
        let pgRestore = try locate("pg_restore", serverMajor: serverMajor)
        let (status, output) = try await run(pgRestore, ["--list", archive])
        guard status == 0 else {
            throw BackupToolError("\(archive) is not a usable pg_dump archive: \(output.split(separator: "\n").first ?? "")")
        }
    }

    /// `pg_restore` of an archive into `databaseURL` in one transaction (all or nothing).
    public static func restore(archive: String, databaseURL: String, serverMajor: Int) async throws {
        let pgRestore = try locate("pg_restore", serverMajor: serverMajor)
        let db = connection(databaseURL)
        let (status, output) = try await run(pgRestore, ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
                                                         db.argument, archive], environment: db.environment)
        guard status == 0 else {
            let lines = output.split(separator: "\n").filter { !$0.isEmpty }
            throw BackupToolError("pg_restore failed (exit \(status)): \(lines.first { $0.contains("error") } ?? lines.first ?? "")")
        }
    }
}

extension BackupTools {
    /// The archives in `directory`, by their names (`clinic-…Z-….dump`), with size and when each was made.
    public static func archives(in directory: String) -> [(name: String, sizeBytes: Int, madeAt: Instant)] {
        let fm = FileManager.default
        return ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted().compactMap { name in
            guard let madeAt = BackupArchiveName.madeAt(name) else { return nil }
            let size = ((try? fm.attributesOfItem(atPath: directory + "/" + name))?[.size] as? NSNumber)?.intValue ?? 0
            return (name, size, madeAt)
        }
    }

    /// Transaction-level advisory lock key of `replaceDatabase`: one restore at a time, on any host.
    static let restoreLockKey = 0x636C_696E_6963 + 1

    /// Replaces everything in `databaseURL` with `archive`, all or nothing: the
    /// archive becomes a SQL script (`pg_restore -f`), then psql runs the reset of
    /// the public schema and the script in ONE transaction, so a failure at any
    /// point leaves the database as it was. Other sessions wait on the locks for
    /// at most `lockTimeoutSeconds`, then the restore gives up (nothing changed).
    /// `scratch` holds the script meanwhile (it is removed).
    public static func replaceDatabase(archive: String, databaseURL: String, serverMajor: Int, scratch: String,
                                       lockTimeoutSeconds: Int = 10) async throws {
        let pgRestore = try locate("pg_restore", serverMajor: serverMajor)
        let psql = try locate("psql", serverMajor: serverMajor)
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let script = scratch + "/restore-\(UInt32.random(in: 0...UInt32.max)).sql"
        defer { try? FileManager.default.removeItem(atPath: script) }
        let (made, madeOutput) = try await run(pgRestore, ["--no-owner", "--no-privileges", "--file=" + script, archive])
        guard made == 0 else {
            throw BackupToolError("\(archive) is not a usable pg_dump archive: \(madeOutput.split(separator: "\n").first ?? "")")
        }
        let reset = """
            SET lock_timeout = '\(lockTimeoutSeconds)s';
            DO $$ BEGIN
              IF NOT pg_try_advisory_xact_lock(\(restoreLockKey)) THEN RAISE EXCEPTION 'another restore is running'; END IF;
            END $$;
            DROP SCHEMA IF EXISTS public CASCADE;
            CREATE SCHEMA public;
            GRANT ALL ON SCHEMA public TO PUBLIC;
            NOTIFY clinic_calendar, 'c';
            """
        let db = connection(databaseURL)
        let (status, output) = try await run(psql, ["--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
                                                    "--command=" + reset, "--file=" + script, db.argument], environment: db.environment)
        guard status == 0 else {
            let lines = output.split(separator: "\n").filter { !$0.isEmpty }
            throw BackupToolError("the restore was rolled back: \(lines.first { $0.contains("ERROR") } ?? lines.first ?? "psql exit \(status)")")
        }
    }
}

public enum BackupStore {
    /// The registry, newest first.
    public static func list(_ conn: Connection) throws -> [BackupRow] {
        try conn.query("SELECT \(BackupRow.columns) FROM backups b ORDER BY b.created_at DESC, b.id DESC").rows.map(BackupRow.init)
    }

    /// Registers an archive written to the backup directory.
    public static func register(_ conn: Connection, fileName: String, sizeBytes: Int, createdBy: Int64?) throws -> BackupRow {
        try BackupRow(conn.query("""
            INSERT INTO backups (file_name, size_bytes, created_by) VALUES ($1, $2, $3)
            RETURNING \(BackupRow.columns.replacingOccurrences(of: "b.", with: ""))
            """, [.text(fileName), .int(sizeBytes), createdBy.map { .int(Int($0)) }]).first!)
    }

    public static func load(_ conn: Connection, _ id: Int64) throws -> BackupRow? {
        try conn.query("SELECT \(BackupRow.columns) FROM backups b WHERE b.id = $1", [.int(Int(id))]).first.map(BackupRow.init)
    }

    public static func load(_ conn: Connection, fileName: String) throws -> BackupRow? {
        try conn.query("SELECT \(BackupRow.columns) FROM backups b WHERE b.file_name = $1", [.text(fileName)]).first.map(BackupRow.init)
    }

    /// Lists an archive found in the backup directory that the registry lacks
    /// (after a restore, the archives made since the restored one), dated by its
    /// name; the registered row when it was already there.
    public static func registerFound(_ conn: Connection, fileName: String, sizeBytes: Int, madeAt: Instant) throws -> BackupRow {
        _ = try conn.query("""
            INSERT INTO backups (file_name, size_bytes, created_at) VALUES ($1, $2, $3) ON CONFLICT (file_name) DO NOTHING
            """, [.text(fileName), .int(sizeBytes), madeAt.postgresValue])
        guard let row = try load(conn, fileName: fileName) else { throw BackupToolError("\(fileName) could not be registered") }
        return row
    }

    /// Whether the database is migrated far enough to have the registry.
    public static func registryExists(_ conn: Connection) throws -> Bool {
        try conn.query("SELECT to_regclass('public.backups') IS NOT NULL AS x").first?.bool("x") == true
    }
}

// MARK: - The daily schedule (migration 0016)

/// One run of the scheduled backup (`backup_runs`).
public struct BackupRunRow: Sendable {
    public var id: Int64
    public var day: LocalDate
    public var startedAt: Instant
    public var finishedAt: Instant?
    /// RUNNING, SUCCEEDED or FAILED.
    public var status: String
    public var worker: String
    public var backupID: Int64?
    public var fileName: String?
    public var sizeBytes: Int?
    public var copyPath: String?
    public var prunedCount: Int
    public var error: String?

    static let columns = """
        id, day::text AS day, started_at, finished_at, status, worker, backup_id, file_name, size_bytes, copy_path, pruned_count, error
        """

    init(_ r: Row) throws {
        id = try r.id("id"); day = try r.localDate("day"); startedAt = try r.instant("started_at")
        finishedAt = try r.optionalInstant("finished_at"); status = try r.string("status"); worker = try r.string("worker")
        backupID = try r.optionalID("backup_id"); fileName = try r.optionalString("file_name"); sizeBytes = try r.optionalInt("size_bytes")
        copyPath = try r.optionalString("copy_path"); prunedCount = try r.int("pruned_count"); error = try r.optionalString("error")
    }
}

public enum BackupScheduleStore {
    /// The schedule and the clinic's zone from the settings row.
    public static func load(_ conn: Connection) throws -> (schedule: BackupSchedule, zone: ClinicTimeZone) {
        guard let r = try conn.query("""
            SELECT backup_enabled, to_char(backup_time, 'HH24:MI') AS backup_time, backup_retention_days, backup_retention_count, time_zone
              FROM system_settings
            """).first else { throw PostgresError.decoding("system_settings has no row; run clinic migrate") }
        let schedule = BackupSchedule(enabled: try r.bool("backup_enabled"), time: try r.localTime("backup_time"),
                                      retentionDays: try r.int("backup_retention_days"), retentionCount: try r.int("backup_retention_count"))
        let zoneName = try r.string("time_zone")
        return (schedule, ClinicTimeZone(identifier: zoneName) ?? ClinicTimeZone(identifier: "UTC")!)
    }

    /// Changes the given parts (nil keeps one).
    public static func update(_ conn: Connection, enabled: Bool?, time: LocalTime?, retentionDays: Int?, retentionCount: Int?) throws {
        _ = try conn.query("""
            UPDATE system_settings SET backup_enabled = COALESCE($1::boolean, backup_enabled),
                   backup_time = COALESCE($2::time, backup_time),
                   backup_retention_days = COALESCE($3::int, backup_retention_days),
                   backup_retention_count = COALESCE($4::int, backup_retention_count)
            """, [enabled.map { .bool($0) }, time?.postgresValue, retentionDays.map { .int($0) }, retentionCount.map { .int($0) }])
    }

    /// Takes `day`'s run for `worker`: a new RUNNING row, or nil when another
    /// worker has it (running, done or failed). A RUNNING row whose worker
    /// started before `staleBefore` (it died mid-run) is taken over.
    public static func claim(_ conn: Connection, day: LocalDate, worker: String, now: Instant, staleBefore: Instant) throws -> BackupRunRow? {
        try conn.query("""
            INSERT INTO backup_runs AS r (day, started_at, worker) VALUES ($1, $2, $3)
            ON CONFLICT (day) DO UPDATE SET started_at = EXCLUDED.started_at, worker = EXCLUDED.worker,
                   error = 'taken over from ' || r.worker || ', which started at ' || r.started_at || ' and never finished'
             WHERE r.status = 'RUNNING' AND r.started_at < $4
            RETURNING \(BackupRunRow.columns)
            """, [day.postgresValue, now.postgresValue, .text(worker), staleBefore.postgresValue]).first.map(BackupRunRow.init)
    }

    /// Records the outcome of a run this worker holds.
    public static func finish(_ conn: Connection, id: Int64, worker: String, finishedAt: Instant, backupID: Int64?, fileName: String?,
                              sizeBytes: Int?, copyPath: String?, prunedCount: Int, error: String?) throws -> BackupRunRow? {
        try conn.query("""
            UPDATE backup_runs SET finished_at = $3, status = CASE WHEN $9::text IS NULL THEN 'SUCCEEDED' ELSE 'FAILED' END,
                   backup_id = $4, file_name = $5, size_bytes = $6, copy_path = $7, pruned_count = $8, error = left($9, 2000)
             WHERE id = $1 AND worker = $2 AND status = 'RUNNING'
            RETURNING \(BackupRunRow.columns)
            """, [.int(Int(id)), .text(worker), finishedAt.postgresValue, backupID.map { .int(Int($0)) }, fileName.map { .text($0) },
                  sizeBytes.map { .int($0) }, copyPath.map { .text($0) }, .int(prunedCount), error.map { .text($0) }])
            .first.map(BackupRunRow.init)
    }

    /// Recent runs, newest first.
    public static func runs(_ conn: Connection, limit: Int) throws -> [BackupRunRow] {
        try conn.query("SELECT \(BackupRunRow.columns) FROM backup_runs ORDER BY started_at DESC, id DESC LIMIT $1", [.int(limit)])
            .rows.map(BackupRunRow.init)
    }

    /// Whether `day` has a run (of any outcome) that is not a RUNNING one
    /// started before `staleBefore` (nil: any run counts).
    public static func isTaken(_ conn: Connection, day: LocalDate, staleBefore: Instant? = nil) throws -> Bool {
        try conn.query("""
            SELECT EXISTS (SELECT 1 FROM backup_runs WHERE day = $1
                             AND ($2::timestamptz IS NULL OR status <> 'RUNNING' OR started_at >= $2)) AS x
            """, [day.postgresValue, staleBefore?.postgresValue]).first?.bool("x") == true
    }
}

extension BackupStore {
    /// Forgets the registry rows of archives deleted by retention.
    public static func unregister(_ conn: Connection, fileNames: [String]) throws {
        guard !fileNames.isEmpty else { return }
        _ = try conn.query("DELETE FROM backups WHERE file_name = ANY($1::text[])", [.textArray(fileNames)])
    }
}
