// The waitlist's GraphQL face (issue #17): patients join, read and leave
// their entries; staff read and remove every entry; an offer link (no
// sign-in) shows, accepts or declines exactly its offer, once. Offers are
// made by the workers (Jobs/WaitlistWorker); accepting books through
// ClinicMutations.bookSlot, the path and rules of bookAppointment.
import ClinicStore
import ClinicDomain
import Crypto
import JSON
import Schema

enum ClinicWaitlist {
    static func gid(_ type: String, _ id: Int64) -> String { GlobalID.encode(type: type, id: id) }

    static func register(_ r: inout ResolverRegistry) {
        r.root("Query.waitlistEntries") { args, ctx, batch in
            .object(try await page(args, ctx, countTotal: batch.selectedFields.contains("totalCount")), typeName: "WaitlistEntryConnection")
        }
        r.root("Query.waitlistOffer") { args, ctx, _ in
            let hash = try tokenHash(args)
            let found = try await ctx.read { conn -> OfferByLink? in
                guard let offer = try WaitlistStore.offer(tokenHash: hash, conn, forUpdate: false) else { return nil }
                return try OfferByLink.load(conn, offer)
            }
            guard let found else { throw invalidLink }
            return .object(found, typeName: "WaitlistOfferByLink")
        }
        r.root("Mutation.joinWaitlist") { args, ctx, _ in .object(try await join(args, ctx), typeName: "WaitlistEntry") }
        r.root("Mutation.leaveWaitlist") { args, ctx, _ in .object(try await leave(args, ctx), typeName: "WaitlistEntry") }
        r.root("Mutation.acceptWaitlistOffer") { args, ctx, _ in
            let answer = try await accept(args, ctx)
            ctx.services.events.count("booked")
            return .object(answer, typeName: "WaitlistOfferByLink")
        }
        r.root("Mutation.declineWaitlistOffer") { args, ctx, _ in .object(try await decline(args, ctx), typeName: "WaitlistOfferByLink") }

        r.batch("WaitlistEntry.patient") { batch, ctx in
            try await ClinicArea.toOne(batch, "Patient", ctx: ctx, load: ClinicLoad.patients) {
                ($0 as? WaitlistEntryRow).map { ($0.patientID, nil) }
            }
        }
        r.batch("WaitlistEntry.doctor") { batch, ctx in
            let ids = batch.parents.map { ($0 as? WaitlistEntryRow)?.doctorID }
            let rows = try await loadDoctors(ids, ctx)
            return ids.map { id in id.flatMap { rows[$0] }.map { .object($0, typeName: "Doctor") } ?? .null }
        }
        r.batch("WaitlistEntry.appointment") { batch, ctx in
            let ids = batch.parents.map { ($0 as? WaitlistEntryRow)?.appointmentID }
            let wanted = Array(Set(ids.compactMap { $0 }))
            let rows = wanted.isEmpty ? [:] : try await ctx.read { conn in try ClinicLoad.appointments(conn, wanted) }
            return ids.map { id in id.flatMap { rows[$0] }.map { .object($0, typeName: "Appointment") } ?? .null }
        }
        r.batch("WaitlistEntry.offer") { batch, ctx in
            let ids = batch.parents.map { ($0 as? WaitlistEntryRow)?.id }
            let wanted = Array(Set(ids.compactMap { $0 }))
            let rows = wanted.isEmpty ? [:] : try await ctx.read { conn in try WaitlistStore.latestOffers(conn, entryIDs: wanted) }
            return ids.map { id in id.flatMap { rows[$0] }.map { .object($0, typeName: "WaitlistOffer") } ?? .null }
        }
        r.batch("WaitlistOffer.doctor") { batch, ctx in
            let ids = batch.parents.map { ($0 as? WaitlistOfferRow)?.doctorID }
            let rows = try await loadDoctors(ids, ctx)
            return ids.map { id in id.flatMap { rows[$0] }.map { .object($0, typeName: "Doctor") } ?? .null }
        }
    }

    static func loadDoctors(_ ids: [Int64?], _ ctx: RequestContext) async throws -> [Int64: DoctorRow] {
        let wanted = Array(Set(ids.compactMap { $0 }))
        return wanted.isEmpty ? [:] : try await ctx.read { conn in try ClinicLoad.doctors(conn, wanted) }
    }

    // MARK: - list

    static func page(_ args: [String: JSON], _ ctx: RequestContext, countTotal: Bool) async throws -> ConnectionObject {
        let viewer = try ctx.requireViewer()
        let page = try PageRequest.from(args, scope: "waitlist", keyKinds: [.instant])
        var filter = WaitlistFilter()
        let requested = try Arguments.string(args, "patientId").map { try Arguments.id($0, "Patient", field: "patientId") }
        if viewer.isStaff {
            filter.patientID = requested
            filter.doctorID = try Arguments.string(args, "doctorId").map { try Arguments.id($0, "Doctor", field: "doctorId") }
        } else {
            guard let own = viewer.patientID else { throw ClinicError.forbidden("Only patients and staff can read waitlists") }
            if let requested, requested != own { throw ClinicError.forbidden("You can only read your own waitlist entries") }
            filter.patientID = own
            filter.doctorID = try Arguments.string(args, "doctorId").map { try Arguments.id($0, "Doctor", field: "doctorId") }
        }
        if case .array(let items)? = args["status"] {
            filter.statuses = items.compactMap { if case .string(let s) = $0 { return s }; return nil }
        }
        let after = page.after.flatMap { a -> PageAfter<Instant>? in
            guard case .instant(let k)? = a.keys.first else { return nil }
            return PageAfter(key: k, id: a.id)
        }
        let f = filter
        let (rows, total) = try await ctx.read { conn in
            try WaitlistStore.page(conn, filter: f, after: after, limit: page.fetchLimit, countTotal: countTotal)
        }
        return ConnectionObject(rows: rows, page: page, totalCount: total) {
            Cursor(scope: "waitlist", keys: [.instant($0.joinedAt)], id: $0.id).encoded
        }
    }

    // MARK: - join

    static func join(_ args: [String: JSON], _ ctx: RequestContext) async throws -> WaitlistEntryRow {
        let viewer = try ctx.requireViewer()
        let input = Arguments.object(args, "input")
        let doctorID = try Arguments.string(input, "doctorId").map { try Arguments.id($0, "Doctor", field: "input.doctorId") }
        let specialization = try Arguments.string(input, "specialization").map {
            try Arguments.text(String($0.trimmingSpaces), field: "input.specialization", max: 100, label: "The specialization",
                               allowEmpty: false)
        }
        let first = try Arguments.date(Arguments.string(input, "firstDay"), field: "input.firstDay")
        let last = try Arguments.date(Arguments.string(input, "lastDay"), field: "input.lastDay")
        let part = try Arguments.string(input, "partOfDay").map { raw -> PartOfDay in
            guard let p = PartOfDay(rawValue: raw) else { throw ClinicError.badInput("Unknown part of the day", field: "input.partOfDay") }
            return p
        } ?? .ANY
        let requested = try Arguments.string(input, "patientId").map { try Arguments.id($0, "Patient", field: "input.patientId") }
        let patientID = try ClinicKit.actingPatient(viewer, requested: requested, doing: "join a waitlist", staffHint: "Choose the patient")
        let settings = try await ctx.settings()
        let now = ctx.now
        let today = settings.zone.localDate(at: now)
        do throws(WaitlistRules.Refusal) {
            if doctorID == nil, specialization == nil { throw .noTarget }
            if doctorID != nil, specialization != nil { throw .bothTargets }
            try WaitlistRules.checkDays(first: first, last: last, today: today, horizonDays: settings.bookingHorizonDays)
        } catch {
            throw ClinicError.badInput(error.message, field: error.field)
        }
        let ip = ctx.ip
        return try await ctx.write { conn in
            var canonical: String?
            if let doctorID {
                guard try ClinicLoad.doctors(conn, [doctorID])[doctorID] != nil else { throw ClinicError.notFound("No doctor with that ID") }
            } else if let specialization {
                canonical = try DoctorStore.specializations(conn).first { $0.lowercased() == specialization.lowercased() }
                guard canonical != nil else {
                    throw ClinicError.badInput("No doctor has the specialization \"\(specialization.prefix(100))\"", field: "input.specialization")
                }
            }
            // The patient's row: their joins take turns, so the limit holds under concurrency.
            guard try PatientStandingStore.lock(conn, patientID) else { throw ClinicError.notFound("No patient with that ID") }
            if try WaitlistStore.openEntryCount(conn, patientID: patientID) >= WaitlistRules.maximumOpenEntries {
                throw ClinicError.conflict(WaitlistRules.Refusal.tooManyOpen(limit: WaitlistRules.maximumOpenEntries).message)
            }
            let id = try WaitlistStore.insertEntry(conn, patientID: patientID, doctorID: doctorID, specialization: canonical, first: first,
                                                   last: last, partOfDay: part, now: now, createdBy: viewer.userID)
            try AuditLog.record(conn, actor: viewer.userID, action: "waitlist.join", target: gid("WaitlistEntry", id),
                                details: .object([("patientId", .string(gid("Patient", patientID))),
                                                  ("doctorId", doctorID.map { .string(gid("Doctor", $0)) } ?? .null),
                                                  ("specialization", canonical.map { .string($0) } ?? .null),
                                                  ("firstDay", .string(first.iso)), ("lastDay", .string(last.iso)),
                                                  ("partOfDay", .string(part.rawValue))]), ip: ip)
            // A slot already free may suit the new entry: the workers look now, not at the next sweep.
            if let doctorID {
                try WaitlistStore.noteFreed(conn, doctorID: doctorID, reason: "waitlist joined")
            } else if let canonical {
                try WaitlistStore.noteFreed(conn, specialization: canonical, reason: "waitlist joined")
            }
            guard let row = try WaitlistStore.entry(conn, id) else { throw ClinicError.internal() }
            return row
        }
    }

    // MARK: - leave

    static func leave(_ args: [String: JSON], _ ctx: RequestContext) async throws -> WaitlistEntryRow {
        let viewer = try ctx.requireViewer()
        let id = try Arguments.id(Arguments.string(args, "id"), "WaitlistEntry", field: "id")
        let now = ctx.now
        let ip = ctx.ip
        return try await ctx.write { conn in
            // "Not there" and "not yours" read the same.
            guard let entry = try WaitlistStore.entry(conn, id, forUpdate: true), viewer.isStaff || entry.isSelf(viewer) else {
                throw ClinicError.notFound("No waitlist entry with that ID")
            }
            guard entry.status.isOpen else {
                throw ClinicError.conflict("This waitlist entry is already \(entry.status.rawValue.lowercased())")
            }
            if let offer = try WaitlistStore.openOffer(entryID: id, conn) {
                try WaitlistStore.closeOffer(conn, offer.id, as: .WITHDRAWN, now: now)
                try WaitlistStore.noteFreed(conn, doctorID: offer.doctorID, reason: "offer withdrawn")
            }
            try WaitlistStore.setEntryStatus(conn, id, .LEFT, now: now)
            try AuditLog.record(conn, actor: viewer.userID, action: "waitlist.leave", target: gid("WaitlistEntry", id),
                                details: .object([("previousStatus", .string(entry.status.rawValue))]), ip: ip)
            guard let row = try WaitlistStore.entry(conn, id) else { throw ClinicError.internal() }
            return row
        }
    }

    // MARK: - the offer link

    static let invalidLink = ClinicError.notFound("This offer link is not valid")

    /// The stored hash of the link's token; a token that cannot be one is NOT_FOUND like an unknown one.
    static func tokenHash(_ args: [String: JSON]) throws -> [UInt8] {
        guard let token = Arguments.string(args, "token"), let hash = OpaqueToken.hash(token) else { throw invalidLink }
        return hash
    }

    /// Why an offer can no longer be answered, as CONFLICT with `extensions.reason`.
    static func closed(_ offer: WaitlistOfferRow, now: Instant, zone: ClinicTimeZone) -> GraphQLError? {
        func refusal(_ message: String, _ reason: String) -> GraphQLError {
            GraphQLError(message, code: "CONFLICT", extra: [("reason", .string(reason))])
        }
        switch offer.status {
        case .OFFERED:
            guard offer.expiresAt <= now else { return nil }
            let until = zone.wallClock(at: offer.expiresAt).time.iso
            return refusal("This offer expired at \(until) (clinic time); the slot went to the next patient", "OFFER_EXPIRED")
        case .EXPIRED:
            return refusal("This offer has expired; the slot went to the next patient", "OFFER_EXPIRED")
        case .ACCEPTED:
            return refusal("This offer was already accepted", "OFFER_ANSWERED")
        case .DECLINED:
            return refusal("This offer was already declined", "OFFER_ANSWERED")
        case .WITHDRAWN:
            return refusal("This offer was withdrawn: the waitlist entry was removed", "OFFER_WITHDRAWN")
        }
    }

    static func accept(_ args: [String: JSON], _ ctx: RequestContext) async throws -> OfferByLink {
        let hash = try tokenHash(args)
        let settings = try await ctx.settings()
        let now = ctx.now
        let ip = ctx.ip
        return try await ctx.write { conn in
            // The offer row first (FOR UPDATE): two clicks on one link take turns; the second finds it ACCEPTED.
            guard let offer = try WaitlistStore.offer(tokenHash: hash, conn, forUpdate: true) else { throw invalidLink }
            if let refusal = closed(offer, now: now, zone: settings.zone) { throw refusal }
            // The link stands for the patient: the booking is theirs, as a client, bound by the clients' rules.
            let patient = Viewer(userID: offer.patientUserID, role: .CLIENT, patientID: offer.patientID, doctorID: nil)
            let appointment = try ClinicMutations.bookSlot(conn, viewer: patient, patientID: offer.patientID, doctorID: offer.doctorID,
                                                           date: offer.date, time: offer.time, reason: "", settings: settings, now: now,
                                                           ip: ip)
            try AuditLog.record(conn, actor: patient.userID, action: "waitlist.accept", target: gid("WaitlistOffer", offer.id),
                                details: .object([("appointmentId", .string(gid("Appointment", appointment.id)))]), ip: ip)
            guard let answered = try WaitlistStore.offer(tokenHash: hash, conn, forUpdate: false), answered.status == .ACCEPTED else {
                throw ClinicError.internal()
            }
            return try OfferByLink.load(conn, answered)
        }
    }

    static func decline(_ args: [String: JSON], _ ctx: RequestContext) async throws -> OfferByLink {
        let hash = try tokenHash(args)
        let settings = try await ctx.settings()
        let now = ctx.now
        let ip = ctx.ip
        return try await ctx.write { conn in
            guard let offer = try WaitlistStore.offer(tokenHash: hash, conn, forUpdate: true) else { throw invalidLink }
            if let refusal = closed(offer, now: now, zone: settings.zone) { throw refusal }
            try WaitlistStore.closeOffer(conn, offer.id, as: .DECLINED, now: now)
            // The entry waits on (that slot is never offered to it again); the slot goes to the next patient.
            try WaitlistStore.setEntryStatus(conn, offer.entryID, .WAITING, now: now)
            try WaitlistStore.noteFreed(conn, doctorID: offer.doctorID, reason: "offer declined")
            try AuditLog.record(conn, actor: offer.patientUserID, action: "waitlist.decline", target: gid("WaitlistOffer", offer.id), ip: ip)
            guard let answered = try WaitlistStore.offer(tokenHash: hash, conn, forUpdate: false) else { throw ClinicError.internal() }
            return try OfferByLink.load(conn, answered)
        }
    }
}

/// `WaitlistOfferByLink`: the slot and the doctor, nothing about the patient.
struct OfferByLink: FieldReadable {
    var offer: WaitlistOfferRow
    var doctorName: String
    var specialization: String

    static func load(_ conn: Connection, _ offer: WaitlistOfferRow) throws -> OfferByLink {
        guard let d = try ClinicLoad.doctors(conn, [offer.doctorID])[offer.doctorID] else { throw ClinicError.internal() }
        return OfferByLink(offer: offer, doctorName: d.displayName, specialization: d.specialization)
    }

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "doctorName": return .string(doctorName)
        case "specialization": return .string(specialization)
        case "date": return .string(offer.date.iso)
        case "time": return .string(offer.time.iso)
        case "startsAt": return .instant(offer.startsAt)
        case "expiresAt": return .instant(offer.expiresAt)
        case "status": return .string(offer.status.rawValue)
        default: return nil
        }
    }
}

extension WaitlistEntryRow: FieldReadable, Owned {
    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("WaitlistEntry", id)
        case "specialization": return .optionalString(specialization)
        case "firstDay": return .string(firstDay.iso)
        case "lastDay": return .string(lastDay.iso)
        case "partOfDay": return .string(partOfDay.rawValue)
        case "status": return .string(status.rawValue)
        case "joinedAt": return .instant(joinedAt)
        default: return nil
        }
    }
    public func isTreatedBy(_ viewer: Viewer) -> Bool { false }
}

extension WaitlistOfferRow: FieldReadable, Owned {
    public func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .id("WaitlistOffer", id)
        case "date": return .string(date.iso)
        case "time": return .string(time.iso)
        case "startsAt": return .instant(startsAt)
        case "endsAt": return .instant(endsAt)
        case "status": return .string(status.rawValue)
        case "offeredAt": return .instant(offeredAt)
        case "expiresAt": return .instant(expiresAt)
        default: return nil
        }
    }
    public func isTreatedBy(_ viewer: Viewer) -> Bool { false }
}
