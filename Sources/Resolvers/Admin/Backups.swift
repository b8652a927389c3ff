// `createBackup`: a `pg_dump -Fc` archive in BACKUP_DIR (ClinicStore's
// BackupTools), registered and audited in one transaction. Below: the daily
// backup's schedule and runs.
import ClinicDomain
import ClinicStore
import Foundation
import JSON
import Schema

enum Backups {
    static func create(ctx: RequestContext) async throws -> BackupRow {
        let viewer = try ctx.requireViewer()
        let services = ctx.services
        guard !services.databaseURL.isEmpty else {
            services.log("createBackup: no database URL configured for pg_dump")
            throw ClinicError.internal()
        }
        let major = try await ctx.read { conn in try BackupTools.serverMajorVersion(conn) }
        let made: (fileName: String, sizeBytes: Int)
        do {
            made = try await BackupTools.dump(databaseURL: services.databaseURL, serverMajor: major,
                                              into: services.backupDirectory, now: ctx.now)
        } catch {
            services.log("createBackup failed (request \(ctx.requestID)): \(error)")
            throw ClinicError.internal()
        }
        let ip = ctx.ip
        // An archive that could not be registered is removed: the registry lists every file it names.
        do {
            return try await register(made, viewer: viewer, ip: ip, ctx: ctx)
        } catch {
            try? FileManager.default.removeItem(atPath: services.backupDirectory + "/" + made.fileName)
            throw error
        }
    }

    static func register(_ made: (fileName: String, sizeBytes: Int), viewer: Viewer, ip: String?, ctx: RequestContext) async throws -> BackupRow {
        try await ctx.write { conn in
            let row = try BackupStore.register(conn, fileName: made.fileName, sizeBytes: made.sizeBytes, createdBy: viewer.userID)
            try AuditLog.record(conn, actor: viewer.userID, action: "backup.create", target: GlobalID.encode(type: "Backup", id: row.id),
                             details: .object([("fileName", .string(made.fileName)), ("sizeBytes", .int(made.sizeBytes))]), ip: ip)
            return row
        }
    }
}

/// What `restoreBackup` did (beyond the contract).
struct BackupRestoreResult: Sendable, FieldReadable {
    var restored: BackupRow
    var safetyBackup: BackupRow
    var migrationsApplied: Int

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "restored": return .object(restored, typeName: "Backup")
        case "safetyBackup": return .object(safetyBackup, typeName: "Backup")
        case "migrationsApplied": return .int(migrationsApplied)
        default: return nil
        }
    }
}

extension Backups {
    /// `restoreBackup(id, confirmation)`: the SUPERADMIN's restore of a listed
    /// archive. Nothing is lost: a safety backup of the current data is taken
    /// first and stays listed (restoring it undoes this restore); the
    /// replacement is one transaction (BackupTools.replaceDatabase); then the
    /// migrations newer than the archive run, every archive still in BACKUP_DIR
    /// is listed again, and the restore is audited in the restored database.
    static func restore(_ args: [String: JSON], ctx: RequestContext) async throws -> BackupRestoreResult {
        let viewer = try ctx.requireViewer()
        let services = ctx.services
        let id = try Arguments.id(Arguments.string(args, "id"), "Backup", field: "id")
        let confirmation = (Arguments.string(args, "confirmation") ?? "").trimmingCharacters(in: .whitespaces)
        guard let chosen = try await ctx.read({ conn in try BackupStore.load(conn, id) }) else {
            throw ClinicError.notFound("No backup with that ID")
        }
        guard confirmation == chosen.fileName else {
            throw ClinicError.badInput("To restore, type the archive's name exactly: \(chosen.fileName)", field: "confirmation")
        }
        let archive = services.backupDirectory + "/" + chosen.fileName
        guard FileManager.default.isReadableFile(atPath: archive) else {
            throw ClinicError.notFound("\(chosen.fileName) is listed but no longer in the backup directory; restore a copy with `clinic restore`")
        }
        guard !services.databaseURL.isEmpty else {
            services.log("restoreBackup: no database URL configured for pg_restore")
            throw ClinicError.internal()
        }
        let major = try await ctx.read { conn in try BackupTools.serverMajorVersion(conn) }
        do {
            try await BackupTools.verifyArchive(archive, serverMajor: major)
        } catch {
            throw ClinicError.badInput("\(chosen.fileName) is not a usable archive; nothing was changed", field: "id")
        }
        // The safety backup, registered now so that it is listed even if the restore fails.
        let safety = try await create(ctx: ctx)
        do {
            try await BackupTools.replaceDatabase(archive: archive, databaseURL: services.databaseURL, serverMajor: major,
                                                  scratch: services.backupDirectory + "/.restore")
        } catch {
            services.log("restoreBackup of \(chosen.fileName) failed (request \(ctx.requestID)): \(error)")
            throw ClinicError.conflict("The restore of \(chosen.fileName) did not happen and nothing was changed (\(error)); "
                                       + "the safety backup \(safety.fileName) was taken")
        }
        let migrated: Int
        do {
            migrated = try await services.migrateDatabase()
        } catch {
            services.log("restoreBackup: migrations after restoring \(chosen.fileName) failed: \(error)")
            throw ClinicError.internal()
        }
        services.settingsCache.invalidate()
        services.database.calendarConfig.invalidate()
        services.database.slotCalendars.dropAll()
        let found = BackupTools.archives(in: services.backupDirectory)
        let ip = ctx.ip
        return try await ctx.write { conn in
            var listed: [String: BackupRow] = [:]
            for file in found { listed[file.name] = try BackupStore.registerFound(conn, fileName: file.name, sizeBytes: file.sizeBytes, madeAt: file.madeAt) }
            guard let restored = listed[chosen.fileName], let safetyRow = listed[safety.fileName] else { throw ClinicError.internal() }
            // The restoring account may not exist in the archive: the audit then names it in its details only.
            let actor = try UserStore.user(conn, viewer.userID) != nil ? viewer.userID : nil
            try AuditLog.record(conn, actor: actor, action: "backup.restore", target: GlobalID.encode(type: "Backup", id: restored.id),
                                details: .object([("fileName", .string(chosen.fileName)), ("safetyBackup", .string(safety.fileName)),
                                                  ("migrationsApplied", .int(migrated)), ("byUserId", .int(Int(viewer.userID)))]),
                                ip: ip)
            return BackupRestoreResult(restored: restored, safetyBackup: safetyRow, migrationsApplied: migrated)
        }
    }
}

/// `backupSchedule` / `updateBackupSchedule` (beyond the contract, issue #18):
/// the daily backup's schedule from the settings, when it runs next, and the
/// runs the workers recorded.
struct BackupScheduleView: Sendable, FieldReadable {
    var schedule: BackupSchedule
    var nextRunAt: Instant?
    var lastRun: BackupRunRow?

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "enabled": return .bool(schedule.enabled)
        case "time": return .string(schedule.time.iso)
        case "retentionDays": return .int(schedule.retentionDays)
        case "retentionCount": return .int(schedule.retentionCount)
        case "nextRunAt": return .optionalInstant(nextRunAt)
        case "lastRun": return lastRun.map { .object($0, typeName: "BackupRun") } ?? .null
        default: return nil
        }
    }
}

extension BackupRunRow: FieldReadable {
    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("BackupRun", id)
        case "day": return .string(day.iso)
        case "startedAt": return .instant(startedAt)
        case "finishedAt": return .optionalInstant(finishedAt)
        case "status": return .string(status)
        case "fileName": return .optionalString(fileName)
        case "sizeBytes": return sizeBytes.map { .int($0) } ?? .null
        case "copyPath": return .optionalString(copyPath)
        case "prunedCount": return .int(prunedCount)
        case "error": return .optionalString(error)
        case "worker": return .string(worker)
        default: return nil
        }
    }
}

enum BackupScheduleArea {
    static func register(_ r: inout ResolverRegistry) {
        r.root("Query.backupSchedule") { _, ctx, _ in
            .object(try await view(ctx), typeName: "BackupSchedule")
        }
        r.root("Mutation.updateBackupSchedule") { args, ctx, _ in
            .object(try await update(args, ctx), typeName: "BackupSchedule")
        }
        r.each("BackupSchedule.runs", BackupScheduleView.self) { _, args, ctx in
            let first = Arguments.int(args, "first") ?? 10
            guard (0...100).contains(first) else { throw ClinicError.badInput("`first` must be between 0 and 100", field: "first") }
            let rows = try await ctx.read { conn in try BackupScheduleStore.runs(conn, limit: first) }
            return .list(rows.map { .object($0, typeName: "BackupRun") })
        }
    }

    static func view(_ ctx: RequestContext) async throws -> BackupScheduleView {
        let now = ctx.now
        return try await ctx.read { conn in
            let (schedule, zone) = try BackupScheduleStore.load(conn)
            let today = zone.localDate(at: now)
            let todayHasRun = try BackupScheduleStore.isTaken(conn, day: today)
            return BackupScheduleView(schedule: schedule, nextRunAt: schedule.nextRun(now: now, zone: zone, todayHasRun: todayHasRun),
                                      lastRun: try BackupScheduleStore.runs(conn, limit: 1).first)
        }
    }

    static func update(_ args: [String: JSON], _ ctx: RequestContext) async throws -> BackupScheduleView {
        let viewer = try ctx.requireViewer()
        let input = Arguments.object(args, "input")
        let enabled = Arguments.bool(input, "enabled")
        let time = try Arguments.string(input, "time").map { try Arguments.time($0, field: "input.time") }
        func bounded(_ key: String, _ range: ClosedRange<Int>, _ label: String) throws -> Int? {
            guard let v = Arguments.int(input, key) else { return nil }
            guard range.contains(v) else {
                throw ClinicError.badInput("\(label) must be between \(range.lowerBound) and \(range.upperBound)", field: "input.\(key)")
            }
            return v
        }
        let days = try bounded("retentionDays", BackupSchedule.retentionDaysRange, "The retention (days)")
        let count = try bounded("retentionCount", BackupSchedule.retentionCountRange, "The retention (number of archives)")
        var changed: [(String, JSON)] = []
        if let enabled { changed.append(("enabled", .bool(enabled))) }
        if let time { changed.append(("time", .string(time.iso))) }
        if let days { changed.append(("retentionDays", .int(days))) }
        if let count { changed.append(("retentionCount", .int(count))) }
        let (ip, details) = (ctx.ip, JSON.object(changed))
        try await ctx.write { conn in
            try BackupScheduleStore.update(conn, enabled: enabled, time: time, retentionDays: days, retentionCount: count)
            try AuditLog.record(conn, actor: viewer.userID, action: "backup.schedule", target: nil, details: details, ip: ip)
        }
        return try await view(ctx)
    }
}
