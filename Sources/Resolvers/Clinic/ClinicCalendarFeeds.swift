// Doctors' private calendar feeds: the URL (to the doctor themself and to
// staff) and its rotation. The feed itself is served over plain HTTP by the
// server (CalendarFeedRoute), since calendar apps cannot speak GraphQL.
import ClinicDomain
import ClinicStore
import JSON
import Schema

enum ClinicCalendarFeeds {
    static func register(_ r: inout ResolverRegistry) {
        r.batch("Doctor.calendarFeedUrl") { batch, ctx in
            let viewer = ctx.viewer
            let doctors = batch.parents.map { $0 as? DoctorRow }
            let visible = Set(doctors.compactMap { d in d.flatMap { mayManage(viewer, doctorID: $0.id) ? $0.id : nil } })
            let stored = visible.isEmpty ? [:] : try await ctx.read { conn in try CalendarFeedStore.stored(conn, doctorIDs: Array(visible)) }
            let key = feedKey(ctx.services)
            return doctors.map { d in
                guard let d, visible.contains(d.id), let s = stored[d.id],
                      let token = CalendarFeedToken.token(key: key, salt: s.salt, storedHash: s.tokenHash) else { return .null }
                return .string(url(publicURL: ctx.services.publicURL, token: token))
            }
        }
        r.root("Mutation.rotateCalendarFeed") { args, ctx, _ in .object(try await rotate(args, ctx), typeName: "Doctor") }
    }

    /// Staff manage every doctor's feed; a doctor only their own.
    static func mayManage(_ viewer: Viewer?, doctorID: Int64) -> Bool {
        guard let viewer else { return false }
        return viewer.isStaff || viewer.doctorID == doctorID
    }

    /// Derived from JWT_SECRET like the outbox seal, so every server of the clinic shows the same URL.
    static func feedKey(_ services: ClinicServices) -> [UInt8] { services.signer.derivedKey(purpose: "calendar-feed") }

    static func url(publicURL: String, token: String) -> String {
        var base = Substring(publicURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        return base + CalendarFeedToken.path(token: token)
    }

    static func rotate(_ args: [String: JSON], _ ctx: RequestContext) async throws -> DoctorRow {
        let viewer = try ctx.requireViewer()
        let requested = try Arguments.string(args, "doctorId").map { try Arguments.id($0, "Doctor", field: "doctorId") }
        let doctorID: Int64
        if let requested {
            guard mayManage(viewer, doctorID: requested) else {
                throw ClinicError.forbidden("Doctors can rotate only their own calendar feed.")
            }
            doctorID = requested
        } else {
            guard let own = viewer.doctorID else {
                throw ClinicError.badInput("`doctorId` is required: you are not a doctor, so there is no own feed to rotate", field: "doctorId")
            }
            doctorID = own
        }
        let fresh = CalendarFeedToken.generate(key: feedKey(ctx.services))
        let (now, ip) = (ctx.now, ctx.ip)
        return try await ctx.write { conn in
            guard let doctor = try ClinicLoad.doctors(conn, [doctorID])[doctorID] else { throw ClinicError.notFound("No doctor with that ID") }
            try CalendarFeedStore.replace(conn, doctorID: doctorID, salt: fresh.salt, tokenHash: fresh.hash, at: now)
            // The token is a credential: the audit entry records that it changed, never its value.
            try AuditLog.record(conn, actor: viewer.userID, action: "doctor.calendar_feed_rotate",
                                target: GlobalID.encode(type: "Doctor", id: doctorID), ip: ip)
            return doctor
        }
    }
}
