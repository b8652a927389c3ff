// The secret in a doctor's calendar feed URL. Calendar apps cannot sign in,
// so the URL itself is the credential: 256 bits, HMAC-SHA-256 of a random
// salt under a key derived from JWT_SECRET. The database keeps the salt and
// the token's SHA-256 only: a dump of it opens no feed, while the server can
// still show the doctor their URL (it recomputes the token from the salt).
// Rotating draws a new salt, so the old URL stops working at once.
import Crypto
import JSON

public enum CalendarFeedToken {
    public static let saltBytes = 32

    /// A new salt, its token and the hash to store.
    public static func generate(key: [UInt8]) -> (salt: [UInt8], token: String, hash: [UInt8]) {
        let salt = SecureRandom.bytes(count: saltBytes)
        let raw = HMAC.sha256(key: key, message: salt)
        return (salt, Base64.urlEncode(raw), SHA256.hash(raw))
    }

    /// The token of a stored salt, or nil when it no longer hashes to the
    /// stored value (JWT_SECRET changed since: the doctor rotates for a new URL).
    public static func token(key: [UInt8], salt: [UInt8], storedHash: [UInt8]) -> String? {
        let raw = HMAC.sha256(key: key, message: salt)
        guard ConstantTime.equals(SHA256.hash(raw), storedHash) else { return nil }
        return Base64.urlEncode(raw)
    }

    /// The hash to look up for a presented token; nil unless it is exactly a
    /// token's shape (43 base64url characters), so nothing else reaches the database.
    public static func hash(presented token: String) -> [UInt8]? { OpaqueToken.hash(token) }

    /// The path the server answers a feed on.
    public static func path(token: String) -> String { "/calendar/\(token).ics" }

    /// The token in a request path ("/calendar/<token>.ics"), nil for any other path.
    public static func token(inPath path: String) -> String? {
        guard path.hasPrefix("/calendar/"), path.hasSuffix(".ics") else { return nil }
        let token = path.dropFirst("/calendar/".count).dropLast(".ics".count)
        return token.isEmpty || token.contains("/") ? nil : String(token)
    }

    /// The path as logs show it: whatever follows /calendar/ may be a credential (or a mistyped one).
    public static func loggablePath(_ path: String) -> String {
        path.hasPrefix("/calendar/") ? "/calendar/[redacted]" : path
    }
}
