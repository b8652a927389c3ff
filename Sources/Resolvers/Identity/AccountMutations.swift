// Sign-up, sign-in, token refresh, sign-out and passwords.
import ClinicStore
import ClinicDomain
import Crypto
import JSON
import Schema

/// The AuthPayload object.
struct AuthPayloadObject: FieldReadable {
    var accessToken: String
    var refreshToken: String
    var expiresAt: Instant
    var user: UserRow

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "accessToken": return .string(accessToken)
        case "refreshToken": return .string(refreshToken)
        case "expiresAt": return .instant(expiresAt)
        case "user": return .object(user, typeName: "User")
        default: return nil
        }
    }
}

enum AccountMutations {
    static let badCredentials = "Invalid email or password."
    static let resetEmailsPerHour = 3
    /// Reset requests one client IP may make per hour, whatever the addresses:
    /// without it one request of aliased `requestPasswordReset`s mails
    /// hundreds of inboxes through the clinic's relay.
    static let resetRequestsPerIPPerHour = 20

    static func register(_ r: inout ResolverRegistry) {
        r.root("Mutation.register") { args, ctx, _ in
            let input = try Arguments(arguments: args, object: "input")
            let email = try input.email("email")
            let password = try input.password("password", email: email)
            let firstName = try input.string("firstName", max: IdentityLimits.name, required: true, allowEmpty: false)!
            let lastName = try input.string("lastName", max: IdentityLimits.name, required: true, allowEmpty: false)!
            let phone = try input.nullablePhone("phone", kind: .international)
            let today = LocalDate(daysSinceEpoch: Int(ctx.now.secondsSinceEpoch / 86_400))
            guard let dateOfBirth = try input.dateOfBirth("dateOfBirth", today: today.adding(days: 1)) else {
                throw ClinicError.badInput("dateOfBirth is required.", field: input.path("dateOfBirth"))
            }
            let gender = try input.gender("gender") ?? "UNDISCLOSED"
            let address = try input.string("address", max: IdentityLimits.address, required: true)!
            let contact = try input.string("emergencyContact", max: IdentityLimits.emergencyContact, required: true)!
            let contactPhone = try input.phone("emergencyPhone", required: true, kind: .dialable)!
            let locale = try input.locale("locale") ?? MessageLocale.fallback
            let now = ctx.now, ip = ctx.ip, services = ctx.services
            try await services.admitPasswordHashing(ip: ip, now: now)
            let hash = try await services.passwordHashing.hash(password)
            let phoneValue: String? = if case .value(let p) = phone, !p.isEmpty { p } else { nil }
            do {
                let (user, refresh) = try await ctx.write { conn in
                    let userID = try UserStore.registerPatient(conn, email: email, passwordHash: hash, firstName: firstName,
                                                               lastName: lastName, phone: phoneValue, dateOfBirth: dateOfBirth,
                                                               gender: gender, address: address, emergencyContact: contact,
                                                               emergencyPhone: contactPhone, locale: locale)
                    try AuditLog.record(conn, actor: userID, action: "user.register", target: GlobalID.encode(type: "User", id: userID), ip: ip)
                    let refresh = try RefreshTokens.insert(conn, userID: userID, family: nil, parentID: nil, now: now,
                                                           ttl: services.tokens.refreshTokenTTL)
                    let user = try UserStore.user(conn, userID)!
                    return (user, refresh.token)
                }
                return payload(ctx, user: user, refreshToken: refresh)
            } catch let e where StoreFailure.is(e, .uniqueViolation) {
                throw ClinicError.conflict("An account with this email address already exists.")
            }
        }

        r.root("Mutation.login") { args, ctx, _ in
            try await login(args, ctx)
        }

        r.root("Mutation.refreshToken") { args, ctx, _ in
            guard case .string(let token)? = args["refreshToken"] else { throw invalidRefresh() }
            let services = ctx.services, now = ctx.now, ip = ctx.ip
            let outcome = try await ctx.write { conn in try RefreshTokens.rotate(conn, presented: token, services: services, now: now, ip: ip) }
            switch outcome {
            case .issued(let user, let refresh):
                return payload(ctx, user: user, refreshToken: refresh)
            case .invalid:
                throw invalidRefresh()
            case .reused(let userID):
                services.viewerCache.invalidate(userID)
                throw ClinicError.unauthenticated("This refresh token was already used; every session of this account has been signed out.")
            }
        }

        r.root("Mutation.logout") { args, ctx, _ in
            guard case .string(let token)? = args["refreshToken"], let hash = OpaqueToken.hash(token) else { throw invalidRefresh() }
            let now = ctx.now, ip = ctx.ip
            let done = try await ctx.write { conn -> Bool in
                guard let stored = try TokenStore.find(conn, hash: hash, forUpdate: true),
                      stored.revokedAt == nil, stored.expiresAt > now else { return false }
                try TokenStore.revokeFamily(conn, family: stored.family, now: now)
                try AuditLog.record(conn, actor: stored.userID, action: "auth.logout", target: GlobalID.encode(type: "User", id: stored.userID), ip: ip)
                return true
            }
            guard done else { throw invalidRefresh() }
            return .bool(true)
        }

        r.root("Mutation.requestPasswordReset") { args, ctx, _ in
            let email = try Arguments(args).email("email")
            let services = ctx.services, now = ctx.now, ip = ctx.ip
            if let wait = try await services.limiter.acquire("reset-ip:\(ip ?? "?")", limit: resetRequestsPerIPPerHour, periodSeconds: 3600, now: now) {
                throw ClinicError.rateLimited(retryAfter: wait)
            }
            let (token, hash) = OpaqueToken.generate()
            // At most a few reset emails per address per hour, so nobody can flood
            // an inbox through us; the answer stays `true` either way.
            let flooded = try await services.limiter.acquire("reset:\(email)", limit: resetEmailsPerHour, periodSeconds: 3600, now: now) != nil
            try await ctx.write { conn in
                if flooded {
                    try AuditLog.record(conn, actor: nil, action: "auth.password_reset_request", target: nil,
                                     details: .object([("throttled", .bool(true))]), ip: ip)
                    return
                }
                // The clinic's name comes along in the same statement, for the email.
                guard let row = try UserStore.resetRecipient(conn, email: email) else {
                    try AuditLog.record(conn, actor: nil, action: "auth.password_reset_request", target: nil,
                                     details: .object([("known", .bool(false))]), ip: ip)
                    return
                }
                let userID = row.userID
                try TokenStore.insertResetToken(conn, userID: userID, hash: hash, createdAt: now,
                                                expiresAt: now.adding(seconds: services.tokens.resetTokenTTL))
                // The stored text has a placeholder where the link goes; the token
                // travels sealed beside it, for the worker only (PasswordResetEmail).
                let (subject, body) = PasswordResetEmail.redacted(
                    locale: row.locale, firstName: row.firstName,
                    minutes: services.tokens.resetTokenTTL / 60, clinicName: row.clinicName ?? "")
                let sealed = PasswordResetEmail.seal(token: token, with: services.secretSeal)
                try ClinicOutbox.enqueuePasswordReset(conn, userID: userID, subject: subject, body: body, recipient: email, at: now,
                                                      sealedSecret: sealed)
                try AuditLog.record(conn, actor: userID, action: "auth.password_reset_request",
                                 target: GlobalID.encode(type: "User", id: userID), ip: ip)
            }
            return .bool(true)
        }

        r.root("Mutation.resetPassword") { args, ctx, _ in
            let invalid = ClinicError.unauthenticated("This password reset link is not valid or has expired.")
            guard case .string(let token)? = args["token"], let hash = OpaqueToken.hash(token) else { throw invalid }
            guard case .string(let newPassword)? = args["newPassword"] else {
                throw ClinicError.badInput("A new password is required.", field: "newPassword")
            }
            let now = ctx.now
            // Look the token up first to check the password against the account's email.
            guard let target = try await ctx.read({ conn in try TokenStore.resetTarget(conn, hash: hash, now: now) }) else { throw invalid }
            if let violation = PasswordPolicy.check(newPassword, email: target.1) {
                throw ClinicError.badInput(violation.message, field: "newPassword")
            }
            let ip = ctx.ip
            try await ctx.services.admitPasswordHashing(ip: ip, now: now)
            let newHash = try await ctx.services.passwordHashing.hash(newPassword)
            let userID = try await ctx.write { conn -> Int64? in
                // Consume the token; a concurrent use of the same token finds it used.
                guard let userID = try TokenStore.consumeResetToken(conn, hash: hash, now: now) else { return nil }
                try setPassword(conn, userID: userID, hash: newHash, now: now)
                try AuditLog.record(conn, actor: userID, action: "auth.password_reset", target: GlobalID.encode(type: "User", id: userID), ip: ip)
                return userID
            }
            guard let userID else { throw invalid }
            ctx.services.viewerCache.invalidate(userID)
            try await ctx.services.limiter.reset(LoginThrottle.accountKey(target.1))
            return .bool(true)
        }

        r.root("Mutation.changePassword") { args, ctx, _ in
            try await changePassword(args, ctx)
        }
    }

    static func invalidRefresh() -> GraphQLError {
        ClinicError.unauthenticated("The refresh token is not valid; sign in again.")
    }

    /// New hash, every session ended: token version bumped, refresh tokens
    /// revoked, and every outstanding reset link dead (a password changed
    /// because a mailbox was compromised must not leave a working link in it).
    static func setPassword(_ conn: Connection, userID: Int64, hash: String, now: Instant) throws {
        try UserStore.setPasswordHash(conn, userID, hash, endSessions: true)
        try RefreshTokens.revokeAll(conn, userID: userID, now: now)
        try TokenStore.expireResetTokens(conn, userID: userID, now: now)
    }

    /// The AuthPayload, and the caller becomes `user` for the rest of this
    /// request, so `AuthPayload.user { email patient { … } }` is readable as SELF.
    static func payload(_ ctx: RequestContext, user: UserRow, refreshToken: String) -> ResolvedValue {
        let services = ctx.services
        ctx.signIn(Viewer(userID: user.id, role: user.role, patientID: user.patientID, doctorID: user.doctorID))
        let access = Authentication.issueAccessToken(services: services, userID: user.id, role: user.role, tokenVersion: user.tokenVersion)
        return .object(AuthPayloadObject(accessToken: access.token, refreshToken: refreshToken, expiresAt: access.expiresAt, user: user),
                       typeName: "AuthPayload")
    }

    // MARK: - login

    /// Every call counts (each alias of a mutation is its own call): a locked
    /// IP or account answers RATE_LIMITED before the password is looked at;
    /// failures count against both; unknown and malformed emails cost one
    /// dummy verify so they answer as slowly as a wrong password. Every
    /// attempt that reaches hashing, successful or not, also takes a slot of
    /// the IP's hashing budget (RateLimitSettings.passwordHashing).
    static func login(_ args: [String: JSON], _ ctx: RequestContext) async throws -> ResolvedValue {
        let services = ctx.services, now = ctx.now, ip = ctx.ip
        let rawEmail: String = if case .string(let s)? = args["email"] { s } else { "" }
        let password: String = if case .string(let s)? = args["password"] { s } else { "" }
        let email = EmailAddress.normalize(rawEmail)
        let throttle = LoginThrottle(limiter: services.limiter, settings: services.rateLimits.login)
        let accountKey = LoginThrottle.accountKey(email ?? String(rawEmail.lowercased().prefix(EmailAddress.maximumLength)))
        if let retry = try await throttle.begin(ip: ip, account: accountKey, now: now) {
            try await recordFailure(ctx, email: email, reason: "locked_out")
            throw ClinicError.rateLimited(retryAfter: retry)
        }

        struct Candidate: Sendable { var user: UserRow; var hash: String }
        var candidate: Candidate?
        let verified: Bool
        do {
            try await services.admitPasswordHashing(ip: ip, now: now)
            if let email {
                candidate = try await ctx.read { conn in
                    try UserStore.credentials(conn, email: email).map { Candidate(user: $0.user, hash: $0.passwordHash) }
                }
            }
            if let candidate {
                verified = try await services.passwordHashing.verify(password, against: candidate.hash)
            } else {
                try await services.passwordHashing.dummyVerify(password)
                verified = false
            }
        } catch {
            // Refused by the hashing budget or a full pool, or the database
            // failed: the password was not checked, so this is no guess.
            try? await throttle.abandoned(ip: ip, account: accountKey, now: now)
            throw error
        }
        // From here on a failure keeps its slot in both counters.
        guard let candidate else {
            try await recordFailure(ctx, email: email, reason: email == nil ? "malformed_email" : "unknown_email")
            throw ClinicError.unauthenticated(badCredentials)
        }
        guard verified else {
            try await recordFailure(ctx, email: email, reason: "wrong_password", userID: candidate.user.id)
            throw ClinicError.unauthenticated(badCredentials)
        }
        try await throttle.succeeded(ip: ip, account: accountKey, now: now)  // the right password: not a guess
        guard candidate.user.isActive else {
            try await recordFailure(ctx, email: email, reason: "deactivated", userID: candidate.user.id)
            throw ClinicError.unauthenticated("This account has been deactivated (account deactivated).")
        }
        let rehash = services.hasher.needsRehash(candidate.hash) ? try? await services.passwordHashing.hash(password) : nil
        let user = candidate.user
        let refresh = try await ctx.write { conn in
            if let rehash {
                try UserStore.setPasswordHash(conn, user.id, rehash, endSessions: false)
            }
            try AuditLog.record(conn, actor: user.id, action: "auth.login", target: GlobalID.encode(type: "User", id: user.id), ip: ip)
            return try RefreshTokens.insert(conn, userID: user.id, family: nil, parentID: nil, now: now, ttl: services.tokens.refreshTokenTTL).token
        }
        return payload(ctx, user: user, refreshToken: refresh)
    }

    /// A guess of the current password is a password guess: it counts against
    /// the login limits of the IP and of the account (the same counters, so
    /// guesses through `login` and `changePassword` add up), each alias one
    /// attempt; a stolen access token thus gives no unlimited guessing. The
    /// right password clears the account's counter as a login does.
    static func changePassword(_ args: [String: JSON], _ ctx: RequestContext) async throws -> ResolvedValue {
        let viewer = try ctx.requireViewer()
        guard case .string(let current)? = args["currentPassword"] else {
            throw ClinicError.badInput("The current password is required.", field: "currentPassword")
        }
        guard case .string(let newPassword)? = args["newPassword"] else {
            throw ClinicError.badInput("A new password is required.", field: "newPassword")
        }
        let services = ctx.services, now = ctx.now, ip = ctx.ip
        guard let row = try await ctx.read({ conn in
            try UserStore.passwordOf(conn, viewer.userID)
        }) else { throw ClinicError.unauthenticated() }
        let throttle = LoginThrottle(limiter: services.limiter, settings: services.rateLimits.login)
        let accountKey = LoginThrottle.accountKey(row.email)
        if let retry = try await throttle.begin(ip: ip, account: accountKey, now: now) {
            throw ClinicError.rateLimited(retryAfter: retry)
        }
        let verified: Bool
        do {
            try await services.admitPasswordHashing(ip: ip, now: now)
            verified = try await services.passwordHashing.verify(current, against: row.hash)
        } catch {
            try? await throttle.abandoned(ip: ip, account: accountKey, now: now)
            throw error
        }
        guard verified else {
            try await ctx.write { conn in
                try AuditLog.record(conn, actor: viewer.userID, action: "auth.password_change_failed",
                                 target: GlobalID.encode(type: "User", id: viewer.userID),
                                 details: .object([("reason", .string("wrong_current_password"))]), ip: ip)
            }
            throw ClinicError.badInput("The current password is not correct.", field: "currentPassword")
        }
        try await throttle.succeeded(ip: ip, account: accountKey, now: now)
        if let violation = PasswordPolicy.check(newPassword, email: row.email) {
            throw ClinicError.badInput(violation.message, field: "newPassword")
        }
        let newHash = try await services.passwordHashing.hash(newPassword)
        try await ctx.write { conn in
            try setPassword(conn, userID: viewer.userID, hash: newHash, now: now)
            try AuditLog.record(conn, actor: viewer.userID, action: "auth.password_change",
                             target: GlobalID.encode(type: "User", id: viewer.userID), ip: ip)
        }
        services.viewerCache.invalidate(viewer.userID)
        return .bool(true)
    }

    /// auth.login_failed in its own small transaction: the login itself fails.
    static func recordFailure(_ ctx: RequestContext, email: String?, reason: String, userID: Int64? = nil) async throws {
        let ip = ctx.ip
        var details: [(String, JSON)] = [("reason", .string(reason))]
        if let email { details.append(("email", .string(email))) }
        let entry = JSON.object(details)
        try await ctx.write { conn in
            try AuditLog.record(conn, actor: userID, action: "auth.login_failed", target: userID.map { GlobalID.encode(type: "User", id: $0) },
                             details: entry, ip: ip)
        }
    }
}
