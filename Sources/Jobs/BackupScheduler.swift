// The daily backup (issue #18). Every worker process runs one of these; each
// polls, and when the schedule in the settings says a day's backup is due,
// tries to claim that day's row in `backup_runs` (unique day): exactly one
// worker, on any host, wins it. The winner dumps the database into
// BACKUP_DIR (registered like a superadmin's backup), copies the archive to
// BACKUP_COPY_DIR (e.g. a mounted remote disk; it must exist, so an
// unmounted disk is an error and not a silent local copy), prunes both
// directories by the retention, and records start, end, size, copy, pruned
// count and any error on the row, which the superadmin reads.
import ClinicDomain
import ClinicStore
import Foundation
import JSON
import Synchronization

public struct BackupInputs: Sendable {
    public var database: Database
    public var clock: Clock
    /// What pg_dump connects to (the primary).
    public var databaseURL: String
    /// BACKUP_DIR: archives are written and registered here.
    public var backupDirectory: String
    /// BACKUP_COPY_DIR: the second copy of each scheduled archive; nil: none.
    public var copyDirectory: String?

    public init(database: Database, clock: Clock, databaseURL: String, backupDirectory: String, copyDirectory: String?) {
        self.database = database; self.clock = clock; self.databaseURL = databaseURL
        self.backupDirectory = backupDirectory; self.copyDirectory = copyDirectory
    }
}

public final class BackupScheduler: Sendable {
    public let inputs: BackupInputs
    public let workerID: String
    /// How often the schedule is looked at.
    public let pollInterval: Duration
    /// A RUNNING row older than this was left by a worker that died: taken over.
    public let staleAfterSeconds: Int64
    let log: @Sendable (String) -> Void
    private let running = BackgroundLoop()

    public init(inputs: BackupInputs, workerID: String, pollInterval: Duration = .seconds(30), staleAfterSeconds: Int64 = 6 * 3600,
                log: @escaping @Sendable (String) -> Void) {
        self.inputs = inputs; self.workerID = workerID; self.pollInterval = pollInterval
        self.staleAfterSeconds = staleAfterSeconds; self.log = log
    }

    public func start() {
        running.start { [self] in await self.loop() }
    }

    /// Stops polling; a backup in progress finishes first.
    public func stop() async {
        await running.stop(cancel: true)
    }

    private func loop() async {
        var failures = 0
        while !running.isStopping {
            do {
                _ = try await runIfDue(now: inputs.clock.now)
                failures = 0
            } catch {
                failures += 1
                if failures == 1 || failures % 60 == 0 { log("backup scheduler \(workerID): \(error)") }
            }
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// Takes the backup due at `now`, if one is and no other worker has it.
    /// Returns the finished run (succeeded or failed), nil when nothing was done.
    @discardableResult
    public func runIfDue(now: Instant) async throws -> BackupRunRow? {
        let (me, stale) = (workerID, now.adding(seconds: -staleAfterSeconds))
        let claimed = try await inputs.database.read { conn -> (BackupRunRow, BackupSchedule)? in
            let (schedule, zone) = try BackupScheduleStore.load(conn)
            guard let day = schedule.dueDay(now: now, zone: zone), try !BackupScheduleStore.isTaken(conn, day: day, staleBefore: stale) else {
                return nil
            }
            return try BackupScheduleStore.claim(conn, day: day, worker: me, now: now, staleBefore: stale).map { ($0, schedule) }
        }
        guard let (run, schedule) = claimed else { return nil }
        log("backup scheduler \(workerID): taking the backup of \(run.day.iso)")
        var made: (fileName: String, sizeBytes: Int)?
        var backupID: Int64?
        var copyPath: String?
        var pruned = 0
        var problems: [String] = []
        do {
            let dumped = try await dump(now: now)
            made = dumped
            backupID = try await inputs.database.write { conn in
                let row = try BackupStore.register(conn, fileName: dumped.fileName, sizeBytes: dumped.sizeBytes, createdBy: nil)
                try AuditLog.record(conn, actor: nil, action: "backup.create", target: GlobalID.encode(type: "Backup", id: row.id),
                                    details: .object([("fileName", .string(dumped.fileName)), ("sizeBytes", .int(dumped.sizeBytes)),
                                                      ("via", .string("schedule"))]), ip: nil)
                return row.id
            }
            if let copyDir = inputs.copyDirectory {
                do { copyPath = try copy(dumped.fileName, to: copyDir) } catch { problems.append("copy: \(error)") }
            }
        } catch {
            problems.append("backup: \(error)")
        }
        // Retention runs even after a failure (it never deletes the newest archive).
        do { pruned += try await prune(inputs.backupDirectory, schedule: schedule, now: now, registered: true) } catch {
            problems.append("pruning \(inputs.backupDirectory): \(error)")
        }
        if let copyDir = inputs.copyDirectory, FileManager.default.fileExists(atPath: copyDir) {
            do { pruned += try await prune(copyDir, schedule: schedule, now: now, registered: false) } catch {
                problems.append("pruning \(copyDir): \(error)")
            }
        }
        let error = problems.isEmpty ? nil : problems.joined(separator: "; ")
        if let error { log("backup scheduler \(workerID): the backup of \(run.day.iso) failed: \(error)") }
        let finishedAt = max(inputs.clock.now, now)
        let (made_, backupID_, copyPath_, pruned_) = (made, backupID, copyPath, pruned)
        return try await inputs.database.read { conn in
            try BackupScheduleStore.finish(conn, id: run.id, worker: me, finishedAt: finishedAt, backupID: backupID_,
                                           fileName: made_?.fileName, sizeBytes: made_?.sizeBytes, copyPath: copyPath_,
                                           prunedCount: pruned_, error: error)
        }
    }

    func dump(now: Instant) async throws -> (fileName: String, sizeBytes: Int) {
        let major = try await inputs.database.read { conn in try BackupTools.serverMajorVersion(conn) }
        return try await BackupTools.dump(databaseURL: inputs.databaseURL, serverMajor: major, into: inputs.backupDirectory, now: now)
    }

    /// Copies the archive into `directory` under a temporary name, checks the
    /// size, then renames it: a reader never sees half a copy.
    func copy(_ fileName: String, to directory: String) throws -> String {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw BackupToolError("\(directory) does not exist (is the disk mounted?)")
        }
        let source = inputs.backupDirectory + "/" + fileName
        let target = directory + "/" + fileName
        let partial = target + ".partial"
        try? fm.removeItem(atPath: partial)
        do {
            try fm.copyItem(atPath: source, toPath: partial)
            let size = { (p: String) in (try? fm.attributesOfItem(atPath: p)[.size] as? NSNumber)?.intValue ?? -1 }
            guard size(partial) == size(source) else { throw BackupToolError("the copy has \(size(partial)) bytes, the archive \(size(source))") }
            try fm.moveItem(atPath: partial, toPath: target)
        } catch {
            try? fm.removeItem(atPath: partial)
            throw error
        }
        return target
    }

    /// Deletes the archives of `directory` the retention does not keep (only
    /// files named like archives); in BACKUP_DIR their registry rows too.
    func prune(_ directory: String, schedule: BackupSchedule, now: Instant, registered: Bool) async throws -> Int {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        let archives = names.compactMap { name in BackupArchiveName.madeAt(name).map { (name: name, madeAt: $0) } }
        let doomed = schedule.pruned(archives, now: now)
        guard !doomed.isEmpty else { return 0 }
        for name in doomed { try FileManager.default.removeItem(atPath: directory + "/" + name) }
        if registered {
            try await inputs.database.read { conn in try BackupStore.unregister(conn, fileNames: doomed) }
        }
        log("backup scheduler \(workerID): retention deleted \(doomed.count) archive(s) in \(directory)")
        return doomed.count
    }
}
