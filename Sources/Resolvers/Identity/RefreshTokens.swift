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
import ClinicDomain
import Crypto
import JSON
import Postgres
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
        let r = try conn.query("""
            INSERT INTO refresh_tokens (user_id, token_hash, family_id, parent_id, issued_at, expires_at)
            VALUES ($1, $2, COALESCE($3::uuid, gen_random_uuid()), $4, $5, $6) RETURNING id
            """, [.int(Int(userID)), .bytea(hash), family.map { .uuid($0) }, parentID.map { .int(Int($0)) },
                  now.postgresValue,
                  now.adding(seconds: ttl).postgresValue])
        return (token, raw, try r.first!.id("id"))
    }

    /// Revokes every live refresh token of a user (password change, deactivation, …).
    static func revokeAll(_ conn: Connection, userID: Int64, now: Instant) throws {
        _ = try conn.query("UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                           [.int(Int(userID)), now.postgresValue])
    }

    static func revokeFamily(_ conn: Connection, family: String, now: Instant) throws {
        _ = try conn.query("UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
                           [.uuid(family), now.postgresValue])
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

    struct Stored: Sendable {
        var id: Int64, userID: Int64, family: String, expiresAt: Instant
        var usedAt: Instant?, replacedBy: Int64?, revokedAt: Instant?, seal: [UInt8]?
    }

    static func find(_ conn: Connection, hash: [UInt8], forUpdate: Bool) throws -> Stored? {
        let r = try conn.query("""
            SELECT id, user_id, family_id::text AS family_id, expires_at, used_at, replaced_by, revoked_at, successor_seal
            FROM refresh_tokens WHERE token_hash = $1\(forUpdate ? " FOR UPDATE" : "")
            """, [.bytea(hash)])
        guard let row = r.first else { return nil }
        return Stored(id: try row.id("id"), userID: try row.id("user_id"), family: try row.string("family_id"),
                      expiresAt: try row.instant("expires_at"), usedAt: try row.optionalInstant("used_at"),
                      replacedBy: try row.optionalID("replaced_by"), revokedAt: try row.optionalInstant("revoked_at"),
                      seal: try row.optionalBytes("successor_seal"))
    }

    /// Rotation, in the caller's transaction.
    static func rotate(_ conn: Connection, presented token: String, services: ClinicServices, now: Instant, ip: String?) throws -> Outcome {
        guard let hash = OpaqueToken.hash(token), let raw = Base64.urlDecode(token) else { return .invalid }
        guard let stored = try find(conn, hash: hash, forUpdate: true) else { return .invalid }
        if stored.revokedAt != nil || stored.expiresAt <= now { return .invalid }
        guard let user = try conn.query("SELECT \(UserRow.columns) FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL AND u.is_active",
                                        [.int(Int(stored.userID))]).first.map(UserRow.init) else { return .invalid }

        if let usedAt = stored.usedAt {
            // Within the grace window: hand out the same successor again, if it is still live.
            if now.microsecondsSinceEpoch - usedAt.microsecondsSinceEpoch <= services.tokens.reuseGraceSeconds * 1_000_000,
               let successorID = stored.replacedBy, let seal = stored.seal, seal.count == OpaqueToken.byteCount {
                let successorRaw = self.seal(successor: seal, parent: raw)  // XOR is its own inverse
                let successor = try conn.query("""
                    SELECT token_hash FROM refresh_tokens
                    WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
                    """, [.int(Int(successorID)), now.postgresValue]).first
                if let successor, ConstantTime.equals(try successor.bytes("token_hash"), Crypto.SHA256.hash(successorRaw)) {
                    try Audit.record(conn, actor: user.id, action: "auth.refresh", target: GlobalID.encode(type: "User", id: user.id),
                                     details: .object([("family", .string(stored.family)), ("graceReplay", .bool(true))]), ip: ip)
                    return .issued(user: user, refreshToken: Base64.urlEncode(successorRaw))
                }
            }
            // Reuse: someone holds a copy of a rotated token. Revoke the family
            // and every other token of the user, and stop their access tokens.
            try revokeFamily(conn, family: stored.family, now: now)
            try revokeAll(conn, userID: stored.userID, now: now)
            _ = try conn.query("UPDATE users SET token_version = token_version + 1 WHERE id = $1", [.int(Int(stored.userID))])
            try Audit.record(conn, actor: stored.userID, action: "auth.token_reuse", target: GlobalID.encode(type: "User", id: stored.userID),
                             details: .object([("family", .string(stored.family))]), ip: ip)
            return .reused(userID: stored.userID)
        }

        let next = try insert(conn, userID: stored.userID, family: stored.family, parentID: stored.id, now: now,
                              ttl: services.tokens.refreshTokenTTL)
        _ = try conn.query("UPDATE refresh_tokens SET used_at = $2, replaced_by = $3, successor_seal = $4 WHERE id = $1",
                           [.int(Int(stored.id)), now.postgresValue,
                            .int(Int(next.id)), .bytea(seal(successor: next.raw, parent: raw))])
        try Audit.record(conn, actor: user.id, action: "auth.refresh", target: GlobalID.encode(type: "User", id: user.id),
                         details: .object([("family", .string(stored.family))]), ip: ip)
        return .issued(user: user, refreshToken: next.token)
    }
}
