// `createBackup`: a `pg_dump -Fc` archive in BACKUP_DIR (ClinicStore's
// BackupTools), registered and audited in one transaction.
import ClinicDomain
import ClinicStore
import Foundation
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
