// Password rules for a single-factor password, NIST SP 800-63B rev 4 §3.1.1.2:
// length 15…128, no composition rules, NFKC, blocklist, context (email).
import Crypto

public enum PasswordPolicyViolation: Equatable, Sendable {
    case tooShort(minimum: Int)
    case tooLong(maximum: Int)
    /// A NUL character, which crypt cannot hash.
    case invalidCharacter
    case containsEmailLocalPart
    case tooCommon

    /// A message fit to show the user.
    public var message: String {
        switch self {
        case .tooShort(let n): return "Password must be at least \(n) characters long."
        case .tooLong(let n): return "Password must be at most \(n) characters long."
        case .invalidCharacter: return "Password must not contain a NUL character."
        case .containsEmailLocalPart: return "Password must not contain your email address."
        case .tooCommon: return "This password is too common; choose a less predictable one."
        }
    }
}

public enum PasswordPolicy {
    public static let minimumLength = 15
    public static let maximumLength = 128

    /// nil when `password` is acceptable for the account `email`.
    ///
    /// Length is counted in Unicode scalars (code points) after NFKC, as
    /// SP 800-63B says ("each Unicode code point SHALL be counted as a single
    /// character"). A password that is 128 scalars yet over 511 UTF-8 bytes
    /// (only possible with 128 four-byte characters) also counts as too long,
    /// because crypt cannot take it.
    public static func check(_ password: String, email: String) -> PasswordPolicyViolation? {
        let normalized = PasswordHasher.normalize(password)
        let length = normalized.unicodeScalars.count
        if length < minimumLength { return .tooShort(minimum: minimumLength) }
        if length > maximumLength || normalized.utf8.count > PasswordHasher.maximumPassphraseBytes {
            return .tooLong(maximum: maximumLength)
        }
        if normalized.utf8.contains(0) { return .invalidCharacter }
        let lowered = normalized.lowercased()
        let emailLowered = PasswordHasher.normalize(email).lowercased()
        if let at = emailLowered.lastIndex(of: "@") {
            let local = emailLowered[..<at]
            if local.count >= 3, lowered.contains(local) { return .containsEmailLocalPart }
        }
        if CommonPasswords.set.contains(Substring(lowered)) { return .tooCommon }
        return nil
    }
}
