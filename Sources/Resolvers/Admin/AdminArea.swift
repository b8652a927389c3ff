// Administration: reports, CSV export, audit log, backups.
//
// Reports and exports read from the read pool (DATABASE_READ_URL, the primary
// when unset); the audit log and the backup registry from the primary. The
// @auth rules of the schema (Report ADMIN, revenue/utilization SUPERADMIN, …)
// are enforced by the engine's guards, not here.
import ClinicStore
import Foundation
import JSON
import Schema

enum AdminArea {
    static func register(_ r: inout ResolverRegistry) {
        r.root("Query.report") { args, ctx, batch in
            .object(try await Reports.report(args, ctx: ctx, selected: batch.selectedFields), typeName: "Report")
        }
        r.batch("Report.utilization") { batch, ctx in
            try await Reports.reportUtilization(batch, ctx: ctx)
        }
        r.batch("DoctorStats.utilization") { batch, ctx in
            try await Reports.doctorUtilization(batch, ctx: ctx)
        }
        r.batch("Report.cancellationsByReason") { batch, ctx in
            let reports = batch.parents.map { $0 as? ReportObject }
            let ranges = Array(Set(reports.compactMap { $0?.range }))
            let byRange = try await ctx.readReplica { conn -> [ReportRange: [(reason: String, count: Int)]] in
                var out: [ReportRange: [(reason: String, count: Int)]] = [:]
                for range in ranges { out[range] = try ReportStore.cancellationsByReason(conn, range) }
                return out
            }
            return reports.map { r in
                guard let r else { return .null }
                return .list((byRange[r.range] ?? []).map { .object(ReasonCountObject(reason: $0.reason, count: $0.count), typeName: "ReasonCount") })
            }
        }
        r.root("Query.exportAppointments") { args, ctx, _ in
            .string(try await AppointmentExport.csv(args, ctx: ctx))
        }
        r.root("Query.auditLog") { args, ctx, batch in
            .object(try await AuditLogArea.page(args, ctx: ctx, countTotal: batch.selectedFields.contains("totalCount")),
                    typeName: "AuditEntryConnection")
        }
        r.batch("AuditEntry.actor") { batch, ctx in
            let entries = batch.parents.map { $0 as? AuditEntryRow }
            let ids = Array(Set(entries.compactMap { $0?.actorID }))
            let users = try await ctx.read { conn in try ClinicLoad.users(conn, ids) }
            return entries.map { e in
                guard let id = e?.actorID, let u = users[id] else { return .null }
                return .object(u, typeName: "User")
            }
        }
        r.root("Query.backups") { _, ctx, _ in
            let rows = try await ctx.read { conn in try BackupStore.list(conn) }
            return .list(rows.map { .object($0, typeName: "Backup") })
        }
        r.root("Mutation.createBackup") { _, ctx, _ in
            .object(try await Backups.create(ctx: ctx), typeName: "Backup")
        }
        r.root("Mutation.restoreBackup") { args, ctx, _ in
            .object(try await Backups.restore(args, ctx: ctx), typeName: "BackupRestore")
        }
        BackupScheduleArea.register(&r)
    }
}

extension AdminArea {
    /// `node(id:)` for an AuditEntry ID (for Query.node's owner to call): the entry or null.
    /// The type's @auth rule (SUPERADMIN) is applied by the engine's object guard.
    static func auditEntryNode(_ id: Int64, ctx: RequestContext) async throws -> ResolvedValue {
        let row = try await ctx.read { conn in try AuditLog.entry(conn, id) }
        return row.map { .object($0, typeName: "AuditEntry") } ?? .null
    }
}

// MARK: - Audit log

enum AuditLogArea {
    static let scope = "auditLog"

    static func page(_ args: [String: JSON], ctx: RequestContext, countTotal: Bool) async throws -> ConnectionObject {
        let page = try PageRequest.from(args, scope: scope, keyKinds: [.instant], defaultFirst: 50)
        let action = Arguments.string(args, "action")
        let actor = try Arguments.string(args, "actorId").map { try Arguments.id($0, "User", field: "actorId") }
        let (rows, total) = try await ctx.read { conn in
            try AuditLog.page(conn, action: action, actorID: actor, after: ClinicPages.after(page), limit: page.fetchLimit,
                              countTotal: countTotal)
        }
        return ConnectionObject(rows: rows, page: page, totalCount: total) {
            Cursor(scope: scope, keys: [.instant($0.at)], id: $0.id).encoded
        }
    }
}
