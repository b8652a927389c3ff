// Notifications in the API: `Query.notifications` (own rows for clients,
// enforced in SQL; all for staff), `Notification.user` / `.appointment`
// (one statement per level), and `Mutation.sendNotification` (staff).
import ClinicDomain
import JSON
import Postgres
import Schema

public enum NotificationArea {
    static let scope = "notifications.createdAt.desc"
    static let maxSubject = 200
    static let maxBody = 2000

    public static func register(_ r: inout ResolverRegistry) {
        r.root("Query.notifications") { args, ctx, batch in
            .object(try await notifications(args, ctx: ctx, countTotal: batch.selectedFields.contains("totalCount")),
                    typeName: "NotificationConnection")
        }
        r.batch("Notification.user") { batch, ctx in
            let keys = batch.parents.map { ($0 as? NotificationRow)?.userID }
            let ids = Array(Set(keys.compactMap { $0 }))
            let rows = try await ctx.read { conn -> [Int64: UserRow] in
                guard !ids.isEmpty else { return [:] }
                var out: [Int64: UserRow] = [:]
                for r in try conn.query("SELECT \(UserRow.columns) FROM users u WHERE u.id = ANY($1)", [.intArray(ids.map { Int($0) })]) {
                    let u = try UserRow(r)
                    out[u.id] = u
                }
                return out
            }
            return keys.map { k in k.flatMap { rows[$0] }.map { .object($0, typeName: "User") } ?? .null }
        }
        r.batch("Notification.appointment") { batch, ctx in
            let keys = batch.parents.map { ($0 as? NotificationRow)?.appointmentID }
            let ids = Array(Set(keys.compactMap { $0 }))
            let rows = try await ctx.read { conn -> [Int64: AppointmentRow] in
                guard !ids.isEmpty else { return [:] }
                var out: [Int64: AppointmentRow] = [:]
                for r in try conn.query("SELECT \(AppointmentRow.columns) FROM appointments a WHERE a.id = ANY($1)",
                                        [.intArray(ids.map { Int($0) })]) {
                    let a = try AppointmentRow(r)
                    out[a.id] = a
                }
                return out
            }
            return keys.map { k in k.flatMap { rows[$0] }.map { .object($0, typeName: "Appointment") } ?? .null }
        }
        r.root("Mutation.sendNotification") { args, ctx, _ in
            .list(try await send(args, ctx: ctx).map { .object($0, typeName: "Notification") })
        }
    }

    // MARK: - Query.notifications

    static func notifications(_ args: [String: JSON], ctx: RequestContext, countTotal: Bool) async throws -> ConnectionObject {
        let viewer = try ctx.requireViewer()
        let page = try PageRequest.from(args, scope: scope, keyKinds: [.instant])
        var params: [PostgresValue?] = []
        func bind(_ v: PostgresValue) -> String { params.append(v); return "$\(params.count)" }
        var conds: [String] = []
        // Clients see their own rows only, whatever else the query says.
        if !viewer.isStaff { conds.append("n.user_id = \(bind(.int(Int(viewer.userID))))") }
        if case .string(let status)? = args["status"] { conds.append("n.status = \(bind(.text(status)))") }
        let countConds = conds, countParams = params
        if let after = page.after, case .instant(let key)? = after.keys.first {
            conds.append("(n.created_at, n.id) < (\(bind(nts(key))), \(bind(.int(Int(after.id)))))")
        }
        let whereSQL = conds.isEmpty ? "" : "WHERE " + conds.joined(separator: " AND ")
        let sql = "SELECT \(NotificationRow.columns) FROM notifications n \(whereSQL) ORDER BY n.created_at DESC, n.id DESC LIMIT \(page.fetchLimit)"
        let countSQL = "SELECT count(*) AS n FROM notifications n" + (countConds.isEmpty ? "" : " WHERE " + countConds.joined(separator: " AND "))
        let finalParams = params
        let (rows, total) = try await ctx.read { conn -> ([NotificationRow], Int?) in
            let rows = try conn.query(sql, finalParams).rows.map(NotificationRow.init)
            let total = countTotal ? try conn.query(countSQL, countParams).first?.int("n") : nil
            return (rows, total)
        }
        return ConnectionObject(rows: rows, page: page, totalCount: total) {
            Cursor(scope: scope, keys: [.instant($0.createdAt)], id: $0.id).encoded
        }
    }

    // MARK: - Mutation.sendNotification

    static func send(_ args: [String: JSON], ctx: RequestContext) async throws -> [NotificationRow] {
        let viewer = try ctx.requireViewer()
        guard viewer.isStaff else { throw ClinicError.forbidden() }
        guard case .object(let members)? = args["input"] else { throw ClinicError.badInput("`input` is required", field: "input") }
        var input: [String: JSON] = [:]
        for (k, v) in members { input[k] = v }

        guard case .string(let channel)? = input["channel"], channel == "EMAIL" || channel == "SMS" else {
            throw ClinicError.badInput("`channel` must be EMAIL or SMS", field: "input.channel")
        }
        guard case .string(let subject)? = input["subject"] else { throw ClinicError.badInput("`subject` is required", field: "input.subject") }
        guard case .string(let body)? = input["body"] else { throw ClinicError.badInput("`body` is required", field: "input.body") }
        if subject.count > maxSubject {
            throw ClinicError.badInput("Subject is too long (at most \(maxSubject) characters)", field: "input.subject")
        }
        if body.count > maxBody { throw ClinicError.badInput("Body is too long (at most \(maxBody) characters)", field: "input.body") }
        if body.allSatisfy({ $0.isWhitespace }) { throw ClinicError.badInput("Body must not be empty", field: "input.body") }
        if channel == "EMAIL", subject.allSatisfy({ $0.isWhitespace }) {
            throw ClinicError.badInput("An email needs a subject", field: "input.subject")
        }

        var userIDs: [Int64] = []
        var explicit = false
        if case .array(let list)? = input["userIds"] {
            explicit = true
            for (i, item) in list.enumerated() {
                guard case .string(let text) = item else { throw ClinicError.badInput("`userIds` must be IDs", field: "input.userIds.\(i)") }
                do throws(GlobalIDError) {
                    userIDs.append(try GlobalID.decode(text, expecting: "User"))
                } catch {
                    throw ClinicError.badInput(error.message, field: "input.userIds.\(i)")
                }
            }
        }
        var date: LocalDate?
        if case .string(let text)? = input["appointmentsOn"] {
            guard let d = LocalDate(iso: text) else { throw ClinicError.badInput("`appointmentsOn` must be a date YYYY-MM-DD", field: "input.appointmentsOn") }
            date = d
        }
        guard (explicit && !userIDs.isEmpty) || date != nil else {
            throw ClinicError.badInput("Give `userIds` or `appointmentsOn`", field: "input.userIds")
        }

        let now = ctx.now, ip = ctx.ip
        let wanted = Array(Set(userIDs))
        let (requested, onDate, isExplicit) = (userIDs, date, explicit)
        return try await ctx.write { conn -> [NotificationRow] in
            var recipients: [Int64: (email: String, phone: String?)] = [:]
            if !wanted.isEmpty {
                for r in try conn.query("SELECT id, email, phone FROM users WHERE id = ANY($1) AND deleted_at IS NULL",
                                        [.intArray(wanted.map { Int($0) })]) {
                    recipients[try r.id("id")] = (try r.string("email"), try r.optionalString("phone"))
                }
                if let missing = requested.first(where: { recipients[$0] == nil }) {
                    throw ClinicError.notFound("No user with ID \(GlobalID.encode(type: "User", id: missing))")
                }
            }
            if let onDate {
                for r in try conn.query("""
                    SELECT DISTINCT u.id, u.email, u.phone
                      FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN users u ON u.id = p.user_id
                     WHERE a.local_date = $1::date AND a.status IN ('SCHEDULED', 'CONFIRMED') AND u.deleted_at IS NULL
                    """, [.text(onDate.iso)]) {
                    recipients[try r.id("id")] = (try r.string("email"), try r.optionalString("phone"))
                }
            }
            var ids: [Int] = []
            var addresses: [String] = []
            var skipped = 0
            for (id, contact) in recipients.sorted(by: { $0.key < $1.key }) {
                let address = channel == "EMAIL" ? contact.email : (contact.phone ?? "")
                if address.isEmpty { skipped += 1; continue }
                ids.append(Int(id))
                addresses.append(String(address.prefix(254)))
            }
            var rows: [NotificationRow] = []
            if !ids.isEmpty {
                rows = try conn.query("""
                    INSERT INTO notifications AS n (user_id, channel, kind, subject, body, recipient, scheduled_at)
                    SELECT t.user_id, $2, 'CUSTOM', $3, $4, t.recipient, $5
                      FROM unnest($1::int8[], $6::text[]) AS t(user_id, recipient)
                    RETURNING \(NotificationRow.columns)
                    """, [.intArray(ids), .text(channel), .text(subject), .text(body), nts(now), .textArray(addresses)])
                    .rows.map(NotificationRow.init).sorted { $0.id < $1.id }
            }
            var details: [(String, JSON)] = [("channel", .string(channel)), ("recipients", .int(rows.count))]
            if skipped > 0 { details.append(("skippedWithoutPhone", .int(skipped))) }
            if isExplicit { details.append(("userIds", .int(wanted.count))) }
            if let onDate { details.append(("appointmentsOn", .string(onDate.iso))) }
            details.append(("subject", .string(subject)))
            try Audit.record(conn, actor: viewer.userID, action: "notification.send", target: nil, details: .object(details), ip: ip)
            return rows
        }
    }
}
