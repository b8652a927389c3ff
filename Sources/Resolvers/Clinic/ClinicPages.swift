// Keyset-paginated lists of the clinic: appointments (root and per patient /
// per doctor, batched), doctors and patients. Arguments are read here; the
// statements are ClinicStore's.
import ClinicDomain
import ClinicStore
import JSON
import Schema

enum ClinicPages {
    // MARK: appointments

    static func appointmentOrder(_ args: [String: JSON]) -> (order: AppointmentOrder, scope: String) {
        let o = Arguments.object(args, "orderBy")
        let created = Arguments.string(o, "field") == "CREATED_AT"
        let desc = Arguments.string(o, "direction") == "DESC"
        return (AppointmentOrder(byCreation: created, descending: desc),
                "appointments.\(created ? "createdAt" : "startsAt").\(desc ? "desc" : "asc")")
    }

    /// `AppointmentFilter` from its input object (ids and dates checked).
    static func appointmentFilter(_ args: [String: JSON]) throws -> AppointmentFilter {
        let f = Arguments.object(args, "filter")
        var filter = AppointmentFilter()
        if case .array(let statuses)? = f["status"] { filter.statuses = statuses.compactMap { $0.stringValueForClinic } }
        if let s = Arguments.string(f, "doctorId") { filter.doctorID = try Arguments.id(s, "Doctor", field: "filter.doctorId") }
        if let s = Arguments.string(f, "patientId") { filter.patientID = try Arguments.id(s, "Patient", field: "filter.patientId") }
        filter.from = try Arguments.string(f, "from").map { try Arguments.date($0, field: "filter.from") }
        filter.to = try Arguments.string(f, "to").map { try Arguments.date($0, field: "filter.to") }
        filter.specialization = Arguments.string(f, "specialization")
        return filter
    }

    static func after(_ page: PageRequest) -> PageAfter<Instant>? {
        guard let after = page.after, case .instant(let k)? = after.keys.first else { return nil }
        return PageAfter(key: k, id: after.id)
    }

    static func cursor(_ order: AppointmentOrder, scope: String) -> @Sendable (AppointmentRow) -> String {
        { Cursor(scope: scope, keys: [.instant(order.key($0))], id: $0.id).encoded }
    }

    /// `Query.appointments`: visible rows only.
    static func rootAppointments(_ args: [String: JSON], ctx: RequestContext, batch: FieldBatch) async throws -> ConnectionObject {
        let (order, scope) = appointmentOrder(args)
        let page = try PageRequest.from(args, scope: scope, keyKinds: [.instant])
        let filter = try appointmentFilter(args)
        let viewer = ctx.viewer
        let countTotal = batch.selectedFields.contains("totalCount")
        let joins = batch.appointmentJoins(rows: page.fetchLimit)
        let reads = AppointmentStore.pageReads(filter: filter, viewer: viewer, order: order, after: after(page), limit: page.fetchLimit,
                                               countTotal: countTotal, joins: joins)
        let rows = try await ctx.fetch(reads.rows)
        var total: Int?
        if let count = reads.total { total = try await ctx.fetch(count) }
        return ConnectionObject(rows: rows, page: page, totalCount: total, cursor: cursor(order, scope: scope))
    }

    /// `Patient.appointments` / `Doctor.appointments` for every parent of a
    /// level in one statement (plus one for totalCount when selected).
    static func appointmentsPerParent(_ batch: FieldBatch, ctx: RequestContext, parent: AppointmentStore.Parent,
                                      parentIDs: [Int64?]) async throws -> [ResolvedValue] {
        let args = batch.arguments
        let (order, scope) = appointmentOrder(args)
        let page = try PageRequest.from(args, scope: scope, keyKinds: [.instant])
        let ids = Array(Set(parentIDs.compactMap { $0 }))
        let filter = try appointmentFilter(args)
        let viewer = ctx.viewer
        let countTotal = batch.selectedFields.contains("totalCount")
        let joins = batch.appointmentJoins(rows: page.fetchLimit * ids.count)
        var rows: [AppointmentRow] = []
        var counts: [Int64: Int] = [:]
        if let reads = AppointmentStore.pagePerParentReads(parent: parent, ids: ids, filter: filter, viewer: viewer, order: order,
                                                           after: after(page), limit: page.fetchLimit, countTotal: countTotal, joins: joins) {
            rows = try await ctx.fetch(reads.rows)
            if let count = reads.counts { counts = try await ctx.fetch(count) }
        }
        var byParent: [Int64: [AppointmentRow]] = [:]
        for r in rows { byParent[parent == .patient ? r.patientID : r.doctorID, default: []].append(r) }
        return parentIDs.map { id in
            guard let id else { return .null }
            return .object(ConnectionObject(rows: byParent[id] ?? [], page: page, totalCount: countTotal ? (counts[id] ?? 0) : nil,
                                            cursor: cursor(order, scope: scope)), typeName: "AppointmentConnection")
        }
    }

    /// A search text: nil when absent or empty, BAD_USER_INPUT when too long.
    static func search(_ value: String?, field: String) throws -> String? {
        guard let value, !value.isEmpty else { return nil }
        return try Arguments.text(value, field: field, max: 100, label: "The search text")
    }

    // MARK: doctors

    static func doctors(_ args: [String: JSON], ctx: RequestContext, countTotal: Bool, joinUser: UserColumns? = nil,
                        listOnly: Bool = false) async throws -> ConnectionObject {
        let page = try PageRequest.from(args, scope: "doctors", keyKinds: [])
        let f = Arguments.object(args, "filter")
        let specialization = Arguments.string(f, "specialization")
        let search = try search(Arguments.string(f, "search"), field: "filter.search")
        let available = Arguments.bool(f, "isAvailable")
        let reads = DoctorStore.pageReads(specialization: specialization, search: search, isAvailable: available,
                                          afterID: page.after?.id, limit: page.fetchLimit, countTotal: countTotal, joinUser: joinUser,
                                          listOnly: listOnly)
        let rows = try await ctx.readBoundedStale(reads.rows)
        var total: Int?
        if let count = reads.total { total = try await ctx.readBoundedStale(count) }
        return ConnectionObject(rows: rows, page: page, totalCount: total) { Cursor(scope: "doctors", keys: [], id: $0.id).encoded }
    }

    // MARK: patients

    static func patients(_ args: [String: JSON], ctx: RequestContext, countTotal: Bool) async throws -> ConnectionObject {
        let page = try PageRequest.from(args, scope: "patients", keyKinds: [])
        let search = try search(Arguments.string(args, "search"), field: "search")
        let viewer = ctx.viewer
        let (rows, total) = try await ctx.read { conn in
            try UserStore.patientPage(conn, viewer: viewer, search: search, afterID: page.after?.id, limit: page.fetchLimit,
                                      countTotal: countTotal)
        }
        return ConnectionObject(rows: rows, page: page, totalCount: total) { Cursor(scope: "patients", keys: [], id: $0.id).encoded }
    }
}

extension JSON {
    var stringValueForClinic: String? { if case .string(let s) = self { return s }; return nil }
}
