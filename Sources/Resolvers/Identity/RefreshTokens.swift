// Refresh tokens: 256 random bits, stored only as SHA-256, single use and
// rotated on every refresh. All tokens descending from one login share a
// family; presenting a used token revokes the family (RFC 9700 reuse
// detection) — except within a grace window after its rotation, when the
// same successor is returned again, so a client whose response was lost is
// not logged out as an attacker.
//
// How "the same successor" is returned although only hashes are stored: on
// rotation the successor's raw bytes are kept sealed in the parent row
// (`successor_seal`, migration 0008), XORed with a key derived from the
// PARENT's raw bytes: SHA-256("clinic.refresh.successor-seal" ‖ parent).
// Only whoever presents the parent token can unseal it; the database alone
// (which holds SHA-256(parent), a different value) reveals nothing usable.
// The unsealed successor is checked against its stored hash before it is
// handed out, and only while it is still unused and unrevoked and the
// parent was rotated at most `reuseGraceSeconds` ago. After the window the
// seal is useless: presenting the parent then is reuse.
import ClinicStore
import ClinicDomain
import Crypto
import JSON
import Schema

enum RefreshTokens {
    static let sealLabel = Array("clinic.refresh.successor-seal".utf8)

    static func seal(successor: [UInt8], parent: [UInt8]) -> [UInt8] {
        let key = Crypto.SHA256.hash((sealLabel + parent) as [UInt8])
        return zip(successor, key).map { $0 ^ $1 }
    }

    /// A new token row; `family` nil starts a new family (a login).
    static func insert(_ conn: Connection, userID: Int64, family: String?, parentID: Int64?, now: Instant,
                       ttl: Int64) throws -> (token: String, raw: [UInt8], id: Int64) {
        let (token, hash) = OpaqueToken.generate()
        let raw = Base64.urlDecode(token)!
        let id = try TokenStore.insert(conn, userID: userID, hash: hash, family: family, parentID: parentID, issuedAt: now,
                                       expiresAt: now.adding(seconds: ttl))
        return (token, raw, id)
    }

    /// Revokes every live refresh token of a user (password change, deactivation, …).
    static func revokeAll(_ conn: Connection, userID: Int64, now: Instant) throws {
        try TokenStore.revokeAll(conn, userID: userID, now: now)
    }

    /// What presenting a refresh token leads to.
    enum Outcome: Sendable {
        /// A fresh access token for this user and this refresh token (new or the grace-window successor).
        case issued(user: UserRow, refreshToken: String)
        /// Garbage, unknown, expired or revoked: nothing changed.
        case invalid
        /// A used token outside the grace window: the family was revoked, the user's tokens too.
        case reused(userID: Int64)
    }

    /// Rotation, in the caller's transaction.
    static func rotate(_ conn: Connection, presented token: String, services: ClinicServices, now: Instant, ip: String?) throws -> Outcome {
        guard let hash = OpaqueToken.hash(token), let raw = Base64.urlDecode(token) else { return .invalid }
        guard let stored = try TokenStore.find(conn, hash: hash, forUpdate: true) else { return .invalid }
        if stored.revokedAt != nil || stored.expiresAt <= now { return .invalid }
        guard let user = try UserStore.activeUser(conn, stored.userID) else { return .invalid }

        if let usedAt = stored.usedAt {
            // Within the grace window: hand out the same successor again, if it is still live.
            if now.microsecondsSinceEpoch - usedAt.microsecondsSinceEpoch <= services.tokens.reuseGraceSeconds * 1_000_000,
               let successorID = stored.replacedBy, let seal = stored.seal, seal.count == OpaqueToken.byteCount {
                let successorRaw = self.seal(successor: seal, parent: raw)  // XOR is its own inverse
                if let successorHash = try TokenStore.liveHash(conn, successorID, now: now),
                   ConstantTime.equals(successorHash, Crypto.SHA256.hash(successorRaw)) {
                    try AuditLog.record(conn, actor: user.id, action: "auth.refresh", target: GlobalID.encode(type: "User", id: user.id),
                                     details: .object([("family", .string(stored.family)), ("graceReplay", .bool(true))]), ip: ip)
                    return .issued(user: user, refreshToken: Base64.urlEncode(successorRaw))
                }
            }
            // Reuse: someone holds a copy of a rotated token. Revoke the family
            // and every other token of the user, and stop their access tokens.
            try TokenStore.revokeFamily(conn, family: stored.family, now: now)
            try revokeAll(conn, userID: stored.userID, now: now)
            try UserStore.bumpTokenVersion(conn, stored.userID)
            try AuditLog.record(conn, actor: stored.userID, action: "auth.token_reuse", target: GlobalID.encode(type: "User", id: stored.userID),
                             details: .object([("family", .string(stored.family))]), ip: ip)
            return .reused(userID: stored.userID)
        }

        let next = try insert(conn, userID: stored.userID, family: stored.family, parentID: stored.id, now: now,
                              ttl: services.tokens.refreshTokenTTL)
        try TokenStore.markRotated(conn, stored.id, at: now, successor: next.id, seal: seal(successor: next.raw, parent: raw))
        try AuditLog.record(conn, actor: user.id, action: "auth.refresh", target: GlobalID.encode(type: "User", id: user.id),
                         details: .object([("family", .string(stored.family))]), ip: ip)
        return .issued(user: user, refreshToken: next.token)
    }
}
