// Password hashing with yescrypt through libxcrypt.
//
// Why yescrypt ("$y$", Debian 12's default for /etc/shadow) rather than bcrypt:
// it is memory-hard, and it hashes the whole passphrase (up to 511 bytes),
// so there is no 72-byte truncation to work around with a pre-hash.
//
// Measured on the shared 2-core dev machine (Debian 12, libxcrypt 4.4.33),
// one hash or one verify, testMeasuresHashAndVerifyTimeAndDummyVerifyIsComparable:
//   .standard ("$y$j9T$": libxcrypt's default count 5, N=4096 r=32, 16 MiB): 27–40 ms
//   .low      ("$y$j75$": count 1, 1 MiB, tests only):                         ≈ 2.5 ms
// dummyVerify measured within a few percent of a real verify.
import Foundation

public struct PasswordHasher: Sendable {
    public enum Cost: Sendable {
        /// libxcrypt's default yescrypt cost (count 5), used in production.
        case standard
        /// The cheapest yescrypt cost (count 1): for tests only.
        case low

        var count: UInt { self == .standard ? 5 : 1 }

        /// A hash of a random, forgotten password at this cost, used by
        /// `dummyVerify` so unknown accounts cost exactly one verify.
        var dummyHash: String {
            switch self {
            case .standard: return "$y$j9T$Y/0bUzS3wfwQ9GbZAARMBgtmH14jHBG/yt90nUnbdv1$EdE497ZB7c1TrE4HYpgyL0eoKl5DYybQzVijCItmGT4"
            case .low: return "$y$j75$OCxxpfOagds12e2s.b47453HyasbRwzrwSOaSglF2N7$8bfTCfT6V37xvVhEMySJQeQJNMiqN4XYzzXPlLk5aRC"
            }
        }
    }

    public let cost: Cost

    public init(cost: Cost = .standard) { self.cost = cost }

    /// The longest passphrase crypt takes, in UTF-8 bytes after `normalize`.
    public static let maximumPassphraseBytes = LibXCrypt.maxPassphraseBytes

    /// NFKC, as SP 800-63B asks, so "ｐａｓｓ" and "pass", "ﬁ" and "fi" are one password.
    public static func normalize(_ password: String) -> String {
        password.precomposedStringWithCompatibilityMapping
    }

    /// A "$y$…" string to store. Throws `.unsupportedPassword` for a NUL
    /// character or more than 511 UTF-8 bytes after NFKC (PasswordPolicy
    /// rejects both first), `.hashingFailed` if libxcrypt refuses.
    public func hash(_ password: String) throws(CryptoError) -> String {
        let phrase = Array(PasswordHasher.normalize(password).utf8)
        guard phrase.count <= LibXCrypt.maxPassphraseBytes, !phrase.contains(0) else { throw .unsupportedPassword }
        guard let setting = LibXCrypt.gensalt(prefix: "$y$", count: cost.count, entropy: SecureRandom.bytes(count: 32)) else {
            throw .hashingFailed
        }
        guard let hash = LibXCrypt.crypt(phrase: phrase, setting: Array(setting.utf8), {
            String(decoding: $0, as: UTF8.self)
        }) else { throw .hashingFailed }
        return hash
    }

    /// True when `password` (NFKC-normalized) hashes to `hash`. The whole crypt
    /// output is compared with CRYPTO_memcmp. Only yescrypt hashes are accepted;
    /// a malformed stored hash verifies nothing.
    public func verify(_ password: String, against hash: String) -> Bool {
        let phrase = Array(PasswordHasher.normalize(password).utf8)
        let stored = Array(hash.utf8)
        guard hash.hasPrefix("$y$"), phrase.count <= LibXCrypt.maxPassphraseBytes, !phrase.contains(0) else {
            dummyVerify(password)  // same cost as a real verify
            return false
        }
        return LibXCrypt.crypt(phrase: phrase, setting: stored) { output in
            stored.withUnsafeBytes { ConstantTime.equals(output, $0) }
        } ?? false
    }

    /// Spends the time of one `verify` at this hasher's cost and discards the
    /// result: call it for an unknown email so it answers as slowly as a wrong password.
    public func dummyVerify(_ password: String) {
        let phrase = Array(PasswordHasher.normalize(password).utf8.prefix(LibXCrypt.maxPassphraseBytes)).map { $0 == 0 ? 1 : $0 }
        let stored = Array(cost.dummyHash.utf8)
        _ = LibXCrypt.crypt(phrase: phrase, setting: stored) { output in
            stored.withUnsafeBytes { ConstantTime.equals(output, $0) }
        }
    }

    /// True when `hash` was made with other parameters than this hasher's
    /// (e.g. a cheaper cost): rehash the password after a successful login.
    public func needsRehash(_ hash: String) -> Bool {
        parameters(of: hash) != parameters(of: cost.dummyHash)
    }

    /// "$y$j9T$" → "j9T".
    private func parameters(of hash: String) -> Substring? {
        let fields = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty, fields[1] == "y" else { return nil }
        return fields[2]
    }
}
