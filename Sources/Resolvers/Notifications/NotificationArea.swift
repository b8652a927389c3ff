// Notifications in the API: `Query.notifications` (own rows for clients,
// enforced in SQL; all for staff), `Notification.user` / `.appointment`
// (one statement per level), and `Mutation.sendNotification` (staff).
import ClinicStore
import ClinicDomain
import JSON
import Schema

enum NotificationArea {
    static let scope = "notifications.createdAt.desc"
    static let maxSubject = 200
    static let maxBody = 2000

    static func register(_ r: inout ResolverRegistry) {
        r.root("Query.notifications") { args, ctx, batch in
            .object(try await notifications(args, ctx: ctx, countTotal: batch.selectedFields.contains("totalCount")),
                    typeName: "NotificationConnection")
        }
        r.batch("Notification.user") { batch, ctx in
            let keys = batch.parents.map { ($0 as? NotificationRow)?.userID }
            let ids = Array(Set(keys.compactMap { $0 }))
            let rows = try await ctx.read { conn in try ClinicLoad.users(conn, ids) }
            return keys.map { k in k.flatMap { rows[$0] }.map { .object($0, typeName: "User") } ?? .null }
        }
        r.batch("Notification.appointment") { batch, ctx in
            let keys = batch.parents.map { ($0 as? NotificationRow)?.appointmentID }
            let ids = Array(Set(keys.compactMap { $0 }))
            let rows = try await ctx.read { conn in try ClinicLoad.appointments(conn, ids) }
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
        // Clients see their own rows only, whatever else the query says.
        let owner: Int64? = viewer.isStaff ? nil : viewer.userID
        let status: String? = if case .string(let s)? = args["status"] { s } else { nil }
        let (rows, total) = try await ctx.read { conn in
            try NotificationStore.page(conn, userID: owner, status: status, after: ClinicPages.after(page), limit: page.fetchLimit,
                                       countTotal: countTotal)
        }
        return ConnectionObject(rows: rows, page: page, totalCount: total) {
            Cursor(scope: scope, keys: [.instant($0.createdAt)], id: $0.id).encoded
        }
    }

    // MARK: - Mutation.sendNotification

    static func send(_ args: [String: JSON], ctx: RequestContext) async throws -> [NotificationRow] {
        let viewer = try ctx.requireViewer()
        guard viewer.isStaff else { throw ClinicError.forbidden() }
        guard case .object? = args["input"] else { throw ClinicError.badInput("`input` is required", field: "input") }
        let input = Arguments.object(args, "input")

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
            var recipients: [Int64: NotificationStore.Contact] = [:]
            if !wanted.isEmpty {
                recipients = try NotificationStore.contacts(conn, userIDs: wanted)
                if let missing = requested.first(where: { recipients[$0] == nil }) {
                    throw ClinicError.notFound("No user with ID \(GlobalID.encode(type: "User", id: missing))")
                }
            }
            if let onDate {
                recipients.merge(try NotificationStore.patientContacts(conn, appointmentsOn: onDate)) { _, new in new }
            }
            var ids: [Int64] = []
            var addresses: [String] = []
            var skipped = 0
            for (id, contact) in recipients.sorted(by: { $0.key < $1.key }) {
                let address = (channel == "EMAIL" ? contact.email : contact.phone) ?? ""
                if address.isEmpty { skipped += 1; continue }
                ids.append(id)
                addresses.append(String(address.prefix(254)))
            }
            var rows: [NotificationRow] = []
            if !ids.isEmpty {
                rows = try ClinicOutbox.enqueueCustom(conn, userIDs: ids, recipients: addresses, channel: channel, subject: subject,
                                                      body: body, at: now).sorted { $0.id < $1.id }
            }
            var details: [(String, JSON)] = [("channel", .string(channel)), ("recipients", .int(rows.count))]
            if skipped > 0 { details.append(("skippedWithoutPhone", .int(skipped))) }
            if isExplicit { details.append(("userIds", .int(wanted.count))) }
            if let onDate { details.append(("appointmentsOn", .string(onDate.iso))) }
            details.append(("subject", .string(subject)))
            try AuditLog.record(conn, actor: viewer.userID, action: "notification.send", target: nil, details: .object(details), ip: ip)
            return rows
        }
    }
}
