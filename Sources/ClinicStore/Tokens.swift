// Refresh tokens, stored only as hashes; rotation and reuse detection are
// Resolvers' RefreshTokens, the statements are here.
import ClinicDomain
import Postgres

public enum TokenStore {
    /// A stored refresh token.
    public struct Stored: Sendable {
        public var id: Int64, userID: Int64, family: String, expiresAt: Instant
        public var usedAt: Instant?, replacedBy: Int64?, revokedAt: Instant?, seal: [UInt8]?
    }

    /// A new token row; `family` nil starts a new family (a login).
    public static func insert(_ conn: Connection, userID: Int64, hash: [UInt8], family: String?, parentID: Int64?, issuedAt: Instant,
                              expiresAt: Instant) throws -> Int64 {
        try conn.query("""
            INSERT INTO refresh_tokens (user_id, token_hash, family_id, parent_id, issued_at, expires_at)
            VALUES ($1, $2, COALESCE($3::uuid, gen_random_uuid()), $4, $5, $6) RETURNING id
            """, [.int(Int(userID)), .bytea(hash), family.map { .uuid($0) }, parentID.map { .int(Int($0)) },
                  issuedAt.postgresValue, expiresAt.postgresValue]).first!.id("id")
    }

    public static func revokeAll(_ conn: Connection, userID: Int64, now: Instant) throws {
        _ = try conn.query("UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                           [.int(Int(userID)), now.postgresValue])
    }

    public static func revokeFamily(_ conn: Connection, family: String, now: Instant) throws {
        _ = try conn.query("UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
                           [.uuid(family), now.postgresValue])
    }

    public static func find(_ conn: Connection, hash: [UInt8], forUpdate: Bool) throws -> Stored? {
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

    /// The hash of token `id` while it is unused, unrevoked and unexpired.
    public static func liveHash(_ conn: Connection, _ id: Int64, now: Instant) throws -> [UInt8]? {
        try conn.query("""
            SELECT token_hash FROM refresh_tokens
            WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
            """, [.int(Int(id)), now.postgresValue]).first?.bytes("token_hash")
    }

    /// Token `id` was used at `at` and replaced by `successor`, whose raw bytes are kept sealed.
    public static func markRotated(_ conn: Connection, _ id: Int64, at: Instant, successor: Int64, seal: [UInt8]) throws {
        _ = try conn.query("UPDATE refresh_tokens SET used_at = $2, replaced_by = $3, successor_seal = $4 WHERE id = $1",
                           [.int(Int(id)), at.postgresValue, .int(Int(successor)), .bytea(seal)])
    }

    // MARK: password reset

    public static func insertResetToken(_ conn: Connection, userID: Int64, hash: [UInt8], createdAt: Instant, expiresAt: Instant) throws {
        _ = try conn.query("INSERT INTO password_reset_tokens (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                           [.int(Int(userID)), .bytea(hash), createdAt.postgresValue, expiresAt.postgresValue])
    }

    /// The user and email a live reset token belongs to (active accounts only).
    public static func resetTarget(_ conn: Connection, hash: [UInt8], now: Instant) throws -> (userID: Int64, email: String)? {
        try conn.query("""
            SELECT t.user_id, u.email FROM password_reset_tokens t JOIN users u ON u.id = t.user_id AND u.email IS NOT NULL
            WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND u.deleted_at IS NULL AND u.is_active
            """, [.bytea(hash), now.postgresValue]).first.map { (try $0.id("user_id"), try $0.string("email")) }
    }

    /// Uses a live reset token; its user, or nil when it was not live (a concurrent use finds it used).
    public static func consumeResetToken(_ conn: Connection, hash: [UInt8], now: Instant) throws -> Int64? {
        try conn.query("""
            UPDATE password_reset_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
            RETURNING user_id
            """, [.bytea(hash), now.postgresValue]).first?.id("user_id")
    }

    /// Every outstanding reset link of the user stops working.
    public static func expireResetTokens(_ conn: Connection, userID: Int64, now: Instant) throws {
        _ = try conn.query("UPDATE password_reset_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
                           [.int(Int(userID)), now.postgresValue])
    }
}
