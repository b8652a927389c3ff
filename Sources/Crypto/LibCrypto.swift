// The only file that calls OpenSSL's libcrypto (through CCrypto). Everything
// else in the module uses the Swift types declared here.
internal import CCrypto

/// SHA-256 (FIPS 180-4) through libcrypto's EVP interface.
public enum SHA256 {
    public static let digestLength = 32

    public static func hash(_ data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestLength)
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        precondition(ok == 1 && length == UInt32(digestLength), "EVP_Digest(SHA-256) failed")
        return digest
    }

    public static func hash(_ string: String) -> [UInt8] { hash(Array(string.utf8)) }
}

/// HMAC (RFC 2104) through libcrypto's one-shot `HMAC()`.
public enum HMAC {
    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: SHA256.digestLength)
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                mac.withUnsafeMutableBufferPointer { out in
                    // A non-null key pointer even for an empty key: HMAC() treats NULL as "reuse".
                    CCrypto.HMAC(EVP_sha256(), k.baseAddress ?? UnsafeRawPointer(out.baseAddress!), Int32(k.count),
                                 m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count,
                                 out.baseAddress, &length)
                }
            }
        }
        precondition(result != nil && length == UInt32(SHA256.digestLength), "HMAC-SHA256 failed")
        return mac
    }
}

/// Bytes from OpenSSL's CSPRNG (`RAND_bytes`).
public enum SecureRandom {
    /// Traps only if the CSPRNG itself fails (no entropy): continuing without
    /// randomness would silently make every token and salt predictable.
    public static func bytes(count: Int) -> [UInt8] {
        precondition(count >= 0)
        var buffer = [UInt8](repeating: 0, count: count)
        if count == 0 { return buffer }
        let ok = buffer.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        if ok != 1 { fatalError("RAND_bytes failed: the system CSPRNG is unavailable") }
        return buffer
    }
}

/// Comparisons whose time does not depend on where the inputs differ.
public enum ConstantTime {
    /// True when both arrays are equal. Their lengths are not secret (a length
    /// mismatch returns false at once); their contents are compared with
    /// `CRYPTO_memcmp`, which always reads every byte.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, x.count) == 0 }
        }
    }

    static func equals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
    }
}

/// Zeroes memory in a way the optimizer cannot drop (`OPENSSL_cleanse`).
enum SecureMemory {
    static func cleanse(_ pointer: UnsafeMutableRawPointer, count: Int) {
        OPENSSL_cleanse(pointer, count)
    }
}
