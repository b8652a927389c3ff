// Keyset-paginated lists of the clinic: appointments (root and per patient /
// per doctor, batched with a window function), doctors and patients.
import ClinicDomain
import JSON
import Postgres
import Schema

enum ClinicPages {
    // MARK: appointments

    struct AppointmentOrder: Sendable {
        var column: String   // starts_at | created_at
        var descending: Bool
        var scope: String
        func key(_ r: AppointmentRow) -> Instant { column == "created_at" ? r.createdAt : r.startsAt }
    }

    static func appointmentOrder(_ args: [String: JSON]) -> AppointmentOrder {
        let o = ClinicKit.object(args, "orderBy")
        let created = ClinicKit.string(o, "field") == "CREATED_AT"
        let desc = ClinicKit.string(o, "direction") == "DESC"
        return AppointmentOrder(column: created ? "created_at" : "starts_at", descending: desc,
                                scope: "appointments.\(created ? "createdAt" : "startsAt").\(desc ? "desc" : "asc")")
    }

    /// Conditions of `AppointmentFilter` on `appointments a`.
    static func appointmentFilter(_ args: [String: JSON], _ p: inout SQLParams) throws -> [String] {
        let f = ClinicKit.object(args, "filter")
        var conds: [String] = []
        if case .array(let statuses)? = f["status"] {
            let names = statuses.compactMap { $0.stringValueForClinic }
            conds.append("a.status = ANY(\(p.bind(.textArray(names)))::text[])")
        }
        if let s = ClinicKit.string(f, "doctorId") {
            conds.append("a.doctor_id = \(p.bind(.int(Int(try ClinicKit.id(s, "Doctor", field: "filter.doctorId")))))")
        }
        if let s = ClinicKit.string(f, "patientId") {
            conds.append("a.patient_id = \(p.bind(.int(Int(try ClinicKit.id(s, "Patient", field: "filter.patientId")))))")
        }
        let from = try ClinicKit.string(f, "from").map { try ClinicKit.date($0, field: "filter.from") }
        let to = try ClinicKit.string(f, "to").map { try ClinicKit.date($0, field: "filter.to") }
        // The same window as instants too (local_date is starts_at's day in the clinic's time zone,
        // migration 0011 keeps it so): lists ordered by starts_at then start their index scan at the
        // window instead of walking every earlier appointment (bench/plans).
        let zone = "(SELECT zs.time_zone FROM system_settings zs)"
        if let from {
            let b = p.bind(.text(from.iso))
            conds.append("a.local_date >= \(b)::date AND a.starts_at >= (\(b)::date::timestamp AT TIME ZONE \(zone))")
        }
        if let to {
            let b = p.bind(.text(to.iso))
            conds.append("a.local_date <= \(b)::date AND a.starts_at < ((\(b)::date + 1)::timestamp AT TIME ZONE \(zone))")
        }
        if let spec = ClinicKit.string(f, "specialization") {
            conds.append("a.doctor_id IN (SELECT sd.id FROM doctors sd WHERE lower(sd.specialization) = lower(\(p.bind(.text(spec)))))")
        }
        return conds
    }

    static func keyset(_ order: AppointmentOrder, _ page: PageRequest, _ p: inout SQLParams) -> String? {
        guard let after = page.after, case .instant(let k)? = after.keys.first else { return nil }
        let op = order.descending ? "<" : ">"
        return "(a.\(order.column), a.id) \(op) (\(p.bind(ClinicKit.ts(k))), \(p.bind(.int(Int(after.id)))))"
    }

    static func orderSQL(_ order: AppointmentOrder, prefix: String = "a.") -> String {
        let d = order.descending ? " DESC" : ""
        return "\(prefix)\(order.column)\(d), \(prefix)id\(d)"
    }

    static func cursor(_ order: AppointmentOrder) -> (AppointmentRow) -> String {
        { Cursor(scope: order.scope, keys: [.instant(order.key($0))], id: $0.id).encoded }
    }

    /// `Query.appointments`: visible rows only.
    static func rootAppointments(_ args: [String: JSON], ctx: RequestContext, countTotal: Bool) async throws -> ConnectionObject {
        let order = appointmentOrder(args)
        let page = try PageRequest.from(args, scope: order.scope, keyKinds: [.instant])
        var p = SQLParams()
        var conds = try appointmentFilter(args, &p)
        conds.append(ClinicLoad.appointmentVisibility(ctx.viewer, &p))
        let countConds = conds
        let countParams = p.values
        if let k = keyset(order, page, &p) { conds.append(k) }
        let sql = "SELECT \(AppointmentRow.columns) FROM appointments a WHERE \(conds.joined(separator: " AND ")) "
            + "ORDER BY \(orderSQL(order)) LIMIT \(page.fetchLimit)"
        let params = p.values
        let (rows, total) = try await ctx.read { conn -> ([AppointmentRow], Int?) in
            let rows = try conn.query(sql, params).rows.map(AppointmentRow.init)
            var total: Int?
            if countTotal {
                total = try conn.query("SELECT count(*) AS n FROM appointments a WHERE \(countConds.joined(separator: " AND "))",
                                       countParams).first?.int("n")
            }
            return (rows, total)
        }
        return ConnectionObject(rows: rows, page: page, totalCount: total, cursor: cursor(order))
    }

    /// `Patient.appointments` / `Doctor.appointments` for every parent of a
    /// level in one statement (plus one for totalCount when selected).
    static func appointmentsPerParent(_ batch: FieldBatch, ctx: RequestContext, parentColumn: String,
                                      parentIDs: [Int64?]) async throws -> [ResolvedValue] {
        let args = batch.arguments
        let order = appointmentOrder(args)
        let page = try PageRequest.from(args, scope: order.scope, keyKinds: [.instant])
        let ids = Array(Set(parentIDs.compactMap { $0 }))
        var p = SQLParams()
        var conds = ["a.\(parentColumn) = ANY(\(p.bind(ClinicKit.ids(ids))))"]
        conds += try appointmentFilter(args, &p)
        conds.append(ClinicLoad.appointmentVisibility(ctx.viewer, &p))
        let countConds = conds
        let countParams = p.values
        if let k = keyset(order, page, &p) { conds.append(k) }
        let limit = p.bind(.int(page.fetchLimit))
        let sql = """
            SELECT \(AppointmentRow.columns) FROM (
                SELECT a.id, a.\(parentColumn) AS parent,
                       row_number() OVER (PARTITION BY a.\(parentColumn) ORDER BY \(orderSQL(order))) AS rn
                  FROM appointments a WHERE \(conds.joined(separator: " AND "))
            ) t JOIN appointments a ON a.id = t.id
            WHERE t.rn <= \(limit) ORDER BY t.parent, t.rn
            """
        let params = p.values
        let countTotal = batch.selectedFields.contains("totalCount")
        let (rows, counts) = try await ctx.read { conn -> ([AppointmentRow], [Int64: Int]) in
            guard !ids.isEmpty else { return ([], [:]) }
            let rows = try conn.query(sql, params).rows.map(AppointmentRow.init)
            var counts: [Int64: Int] = [:]
            if countTotal {
                for r in try conn.query("""
                    SELECT a.\(parentColumn) AS parent, count(*) AS n FROM appointments a
                     WHERE \(countConds.joined(separator: " AND ")) GROUP BY 1
                    """, countParams) {
                    counts[try r.id("parent")] = try r.int("n")
                }
            }
            return (rows, counts)
        }
        var byParent: [Int64: [AppointmentRow]] = [:]
        for r in rows { byParent[parentColumn == "patient_id" ? r.patientID : r.doctorID, default: []].append(r) }
        return parentIDs.map { id in
            guard let id else { return .null }
            return .object(ConnectionObject(rows: byParent[id] ?? [], page: page, totalCount: countTotal ? (counts[id] ?? 0) : nil,
                                            cursor: cursor(order)), typeName: "AppointmentConnection")
        }
    }

    // MARK: doctors

    static func doctors(_ args: [String: JSON], ctx: RequestContext, countTotal: Bool) async throws -> ConnectionObject {
        let page = try PageRequest.from(args, scope: "doctors", keyKinds: [])
        let f = ClinicKit.object(args, "filter")
        var p = SQLParams()
        var conds: [String] = []
        if let spec = ClinicKit.string(f, "specialization") {
            conds.append("lower(d.specialization) = lower(\(p.bind(.text(spec))))")
        }
        if let search = ClinicKit.string(f, "search"), !search.isEmpty {
            _ = try ClinicKit.text(search, field: "filter.search", max: 100, label: "The search text")
            let pat = p.bind(.text(ClinicKit.likeContains(search)))
            conds.append("(u.first_name ILIKE \(pat) ESCAPE '\\' OR u.last_name ILIKE \(pat) ESCAPE '\\' "
                         + "OR d.specialization ILIKE \(pat) ESCAPE '\\')")
        }
        if let avail = ClinicKit.bool(f, "isAvailable") { conds.append("d.is_available = \(p.bind(.bool(avail)))") }
        let countConds = conds.isEmpty ? ["TRUE"] : conds
        let countParams = p.values
        if let after = page.after { conds.append("d.id > \(p.bind(.int(Int(after.id))))") }
        let whereSQL = conds.isEmpty ? "TRUE" : conds.joined(separator: " AND ")
        let sql = "SELECT \(DoctorRow.columns) FROM doctors d JOIN users u ON u.id = d.user_id WHERE \(whereSQL) "
            + "ORDER BY d.id LIMIT \(page.fetchLimit)"
        let params = p.values
        let (rows, total) = try await ctx.read { conn -> ([DoctorRow], Int?) in
            let rows = try conn.query(sql, params).rows.map(DoctorRow.init)
            var total: Int?
            if countTotal {
                total = try conn.query("SELECT count(*) AS n FROM doctors d JOIN users u ON u.id = d.user_id WHERE \(countConds.joined(separator: " AND "))",
                                       countParams).first?.int("n")
            }
            return (rows, total)
        }
        return ConnectionObject(rows: rows, page: page, totalCount: total) { Cursor(scope: "doctors", keys: [], id: $0.id).encoded }
    }

    // MARK: patients

    static func patients(_ args: [String: JSON], ctx: RequestContext, countTotal: Bool) async throws -> ConnectionObject {
        let page = try PageRequest.from(args, scope: "patients", keyKinds: [])
        var p = SQLParams()
        var conds: [String] = [ClinicLoad.patientVisibility(ctx.viewer, &p)]
        if let search = ClinicKit.string(args, "search"), !search.isEmpty {
            _ = try ClinicKit.text(search, field: "search", max: 100, label: "The search text")
            let pat = p.bind(.text(ClinicKit.likeContains(search)))
            conds.append("(u.first_name ILIKE \(pat) ESCAPE '\\' OR u.last_name ILIKE \(pat) ESCAPE '\\' "
                         + "OR (u.first_name || ' ' || u.last_name) ILIKE \(pat) ESCAPE '\\' OR u.email ILIKE \(pat) ESCAPE '\\')")
        }
        let countConds = conds
        let countParams = p.values
        if let after = page.after { conds.append("p.id > \(p.bind(.int(Int(after.id))))") }
        let sql = "SELECT \(PatientRow.columns) FROM patients p JOIN users u ON u.id = p.user_id WHERE \(conds.joined(separator: " AND ")) "
            + "ORDER BY p.id LIMIT \(page.fetchLimit)"
        let params = p.values
        let (rows, total) = try await ctx.read { conn -> ([PatientRow], Int?) in
            let rows = try conn.query(sql, params).rows.map(PatientRow.init)
            var total: Int?
            if countTotal {
                total = try conn.query("SELECT count(*) AS n FROM patients p JOIN users u ON u.id = p.user_id WHERE \(countConds.joined(separator: " AND "))",
                                       countParams).first?.int("n")
            }
            return (rows, total)
        }
        return ConnectionObject(rows: rows, page: page, totalCount: total) { Cursor(scope: "patients", keys: [], id: $0.id).encoded }
    }
}

extension JSON {
    var stringValueForClinic: String? { if case .string(let s) = self { return s }; return nil }
}
