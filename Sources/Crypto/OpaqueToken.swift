// Opaque bearer secrets (refresh and password-reset tokens): 256 random bits
// handed to the client as base64url; only their SHA-256 is stored.
import JSON

public enum OpaqueToken {
    public static let byteCount = 32

    /// A new token and the hash to store for it (SHA-256 of the 32 raw bytes).
    public static func generate() -> (token: String, hash: [UInt8]) {
        let raw = SecureRandom.bytes(count: byteCount)
        return (Base64.urlEncode(raw), SHA256.hash(raw))
    }

    /// The stored hash for a presented token, or nil when it is not exactly
    /// 43 canonical base64url characters (32 bytes). A hash match is then an
    /// ordinary indexed lookup: the hash of a secret reveals nothing by timing.
    public static func hash(_ token: String) -> [UInt8]? {
        guard token.utf8.count == 43, let raw = Base64.urlDecode(token), raw.count == byteCount else { return nil }
        return SHA256.hash(raw)
    }
}
