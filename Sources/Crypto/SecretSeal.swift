// Sealing short secrets at rest (e.g. the password-reset token an outbox row
// needs until the worker has sent it), so a copy of the database, a backup or
// any query that reads the row by mistake does not reveal them.
//
// Construction: encrypt-then-MAC with HMAC-SHA256 only (the one primitive the
// Crypto module already wraps): a random 16-byte nonce, the plaintext XORed
// with HMAC(key, "stream" ‖ nonce ‖ counter) blocks (HMAC as a PRF in counter
// mode), and a 16-byte tag HMAC(key, "tag" ‖ nonce ‖ ciphertext). A sealed
// value is nonce ‖ ciphertext ‖ tag: 32 bytes longer than the secret. `open`
// checks the tag in constant time first, so a value sealed under another key
// (JWT_SECRET rotated) or altered is refused instead of decrypted to garbage.

public struct SecretSeal: Sendable {
    public static let nonceBytes = 16
    public static let tagBytes = 16
    /// Enough for tokens and links; sealing is not meant for documents.
    public static let maximumSecretBytes = 1024

    private let key: [UInt8]

    /// `key`: at least 32 bytes, e.g. `JWTSigner.derivedKey(purpose:)`.
    public init(key: [UInt8]) {
        precondition(key.count >= 32, "SecretSeal needs a key of at least 32 bytes")
        self.key = key
    }

    public func seal(_ secret: [UInt8]) -> [UInt8] {
        precondition(secret.count <= Self.maximumSecretBytes, "SecretSeal is for short secrets")
        let nonce = SecureRandom.bytes(count: Self.nonceBytes)
        let ciphertext = xor(secret, keystream(nonce: nonce, count: secret.count))
        return nonce + ciphertext + tag(nonce: nonce, ciphertext: ciphertext)
    }

    /// The secret, or nil when `sealed` was not made by `seal` with this key.
    public func open(_ sealed: [UInt8]) -> [UInt8]? {
        let overhead = Self.nonceBytes + Self.tagBytes
        guard sealed.count >= overhead, sealed.count - overhead <= Self.maximumSecretBytes else { return nil }
        let nonce = Array(sealed[..<Self.nonceBytes])
        let ciphertext = Array(sealed[Self.nonceBytes..<(sealed.count - Self.tagBytes)])
        let presentedTag = Array(sealed[(sealed.count - Self.tagBytes)...])
        guard ConstantTime.equals(tag(nonce: nonce, ciphertext: ciphertext), presentedTag) else { return nil }
        return xor(ciphertext, keystream(nonce: nonce, count: ciphertext.count))
    }

    private func keystream(nonce: [UInt8], count: Int) -> [UInt8] {
        var stream: [UInt8] = []
        var block: UInt32 = 0
        while stream.count < count {
            let counter = withUnsafeBytes(of: block.bigEndian) { Array($0) }
            stream += HMAC.sha256(key: key, message: Array("stream".utf8) + nonce + counter)
            block += 1
        }
        return Array(stream.prefix(count))
    }

    private func tag(nonce: [UInt8], ciphertext: [UInt8]) -> [UInt8] {
        Array(HMAC.sha256(key: key, message: Array("tag".utf8) + nonce + ciphertext).prefix(Self.tagBytes))
    }

    private func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] { zip(a, b).map { $0 ^ $1 } }
}
