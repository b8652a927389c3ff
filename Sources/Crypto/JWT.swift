// JWT access tokens (RFC 7519) profiled per RFC 8725 and RFC 9068:
// HS256 only, `typ: at+jwt`, required iss/aud/exp/iat/sub/jti.
import JSON

public struct AccessTokenClaims: Sendable, Equatable {
    public var iss: String
    /// On signing, written as a JSON string. On verification, the audience we
    /// asked for (a token may carry an array that contains it).
    public var aud: String
    public var sub: String
    public var jti: String
    /// Issued-at and expiry, seconds since the Unix epoch.
    public var iat: Int64
    public var exp: Int64
    public var role: String
    /// The user's token version: bumping it in the database invalidates older tokens.
    public var ver: Int

    /// The access-token life the identity issue asks for: 15 minutes.
    public static let defaultLifetime: Int64 = 15 * 60

    public init(iss: String, aud: String, sub: String, jti: String, iat: Int64, exp: Int64, role: String, ver: Int) {
        self.iss = iss; self.aud = aud; self.sub = sub; self.jti = jti
        self.iat = iat; self.exp = exp; self.role = role; self.ver = ver
    }

    /// Claims for a fresh token issued at `now`, living `lifetime` seconds, with a random `jti`.
    public init(issuer: String, audience: String, subject: String, role: String, version: Int,
                now: Int64, lifetime: Int64 = AccessTokenClaims.defaultLifetime) {
        self.init(iss: issuer, aud: audience, sub: subject, jti: Base64.urlEncode(SecureRandom.bytes(count: 16)),
                  iat: now, exp: now + lifetime, role: role, ver: version)
    }
}

/// Why a token was refused. Callers map every case to UNAUTHENTICATED (401);
/// the case is for logs and tests, not for the client.
public enum TokenError: Error, Equatable, Sendable {
    case tooLarge
    case malformed
    case unsupportedAlgorithm
    case wrongType
    case badSignature
    case missingClaim(String)
    case invalidClaim(String)
    case wrongIssuer
    case wrongAudience
    case expired
    case issuedInFuture
    case notYetValid
}

public enum CryptoError: Error, Equatable, Sendable {
    /// An HMAC key shorter than 256 bits.
    case keyTooShort(minimumBytes: Int)
    /// The password cannot be handed to crypt (a NUL character, or over 511 UTF-8 bytes).
    case unsupportedPassword
    /// libxcrypt refused to make a salt or a hash.
    case hashingFailed
}

public struct JWTSigner: Sendable {
    public static let minimumKeyBytes = 32
    public static let maximumTokenBytes = 4096
    public static let maximumLeeway: Int64 = 60

    /// The only header we ever write, and the exact alg/typ we accept.
    static let header = Base64.urlEncode(Array(#"{"alg":"HS256","typ":"at+jwt"}"#.utf8))

    private let secret: [UInt8]

    /// `secret` must be at least 32 bytes (RFC 7518 §3.2: key ≥ hash output size).
    public init(secret: [UInt8]) throws(CryptoError) {
        guard secret.count >= JWTSigner.minimumKeyBytes else {
            throw .keyTooShort(minimumBytes: JWTSigner.minimumKeyBytes)
        }
        self.secret = secret
    }

    /// A key for another purpose (e.g. sealing secrets at rest), derived from
    /// this signer's secret so one configured secret (JWT_SECRET) serves both
    /// without the two uses ever sharing a key: HMAC(secret, label ‖ purpose).
    public func derivedKey(purpose: String) -> [UInt8] {
        HMAC.sha256(key: secret, message: Array("clinic derived key\u{0}\(purpose)".utf8))
    }

    public func sign(_ claims: AccessTokenClaims) -> String {
        let payload = JSON.object([
            ("iss", .string(claims.iss)), ("aud", .string(claims.aud)), ("sub", .string(claims.sub)),
            ("jti", .string(claims.jti)), ("iat", .int(Int(claims.iat))), ("exp", .int(Int(claims.exp))),
            ("role", .string(claims.role)), ("ver", .int(claims.ver)),
        ])
        let signingInput = JWTSigner.header + "." + Base64.urlEncode(payload.serialized())
        let mac = HMAC.sha256(key: secret, message: Array(signingInput.utf8))
        return signingInput + "." + Base64.urlEncode(mac)
    }

    /// Verifies `token` at time `now` (Unix seconds). Order: size and shape,
    /// header pinned to HS256/at+jwt, HMAC compared in constant time, and only
    /// then the payload is parsed and its claims checked. `leeway` is clamped to 0...60 s.
    public func verify(_ token: String, now: Int64, issuer: String, audience: String,
                       leeway: Int64 = 60) throws(TokenError) -> AccessTokenClaims {
        let leeway = min(max(leeway, 0), JWTSigner.maximumLeeway)
        let bytes = Array(token.utf8)
        guard bytes.count <= JWTSigner.maximumTokenBytes else { throw .tooLarge }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { throw .malformed }

        // Header: decoded strictly and compared to the pinned values; never used for key selection.
        guard let headerBytes = Base64.urlDecode(parts[0]), let header = Self.object(headerBytes) else { throw .malformed }
        guard header["alg"] == .string("HS256") else { throw .unsupportedAlgorithm }
        guard header["typ"] == .string("at+jwt") else { throw .wrongType }
        guard header["crit"] == nil else { throw .malformed }  // no extensions understood (RFC 7515 §4.1.11)

        // Signature, before anything in the payload is believed.
        guard let signature = Base64.urlDecode(parts[2]), signature.count == SHA256.digestLength else { throw .badSignature }
        let signingInput = Array(bytes[..<parts[1].endIndex])
        guard ConstantTime.equals(HMAC.sha256(key: secret, message: signingInput), signature) else { throw .badSignature }

        guard let payloadBytes = Base64.urlDecode(parts[1]), let claims = Self.object(payloadBytes) else { throw .malformed }

        func string(_ name: String) throws(TokenError) -> String {
            guard let v = claims[name] else { throw .missingClaim(name) }
            guard case .string(let s) = v, !s.isEmpty else { throw .invalidClaim(name) }
            return s
        }
        func integer(_ name: String) throws(TokenError) -> Int64 {
            guard let v = claims[name] else { throw .missingClaim(name) }
            guard case .int(let n) = v else { throw .invalidClaim(name) }
            return Int64(n)
        }

        let iss = try string("iss")
        guard iss == issuer else { throw .wrongIssuer }
        switch claims["aud"] {
        case nil: throw .missingClaim("aud")
        case .string(let a)?: guard a == audience else { throw .wrongAudience }
        case .array(let items)?: guard items.contains(.string(audience)) else { throw .wrongAudience }
        default: throw .invalidClaim("aud")
        }
        let exp = try integer("exp")
        let iat = try integer("iat")
        let sub = try string("sub")
        let jti = try string("jti")
        let role = try string("role")
        let ver = try integer("ver")
        let version = Int(ver)
        guard iat >= 0 else { throw .invalidClaim("iat") }
        guard exp > iat else { throw .invalidClaim("exp") }
        // Overflow-safe forms of now >= exp + leeway, iat > now + leeway, now < nbf - leeway.
        guard now - leeway < exp else { throw .expired }
        guard iat - leeway <= now else { throw .issuedInFuture }
        if let nbfValue = claims["nbf"] {
            guard case .int(let n) = nbfValue else { throw .invalidClaim("nbf") }
            let nbf = Int64(n)
            guard nbf >= 0, nbf - leeway <= now else { throw .notYetValid }
        }
        return AccessTokenClaims(iss: iss, aud: audience, sub: sub, jti: jti, iat: iat, exp: exp, role: role, ver: version)
    }

    /// A header or claims set: a JSON object, read strictly (duplicate member
    /// names refused, RFC 7515 §5.2; nesting bounded) so no other reader could
    /// see a different value in the same signed bytes.
    static func object(_ bytes: [UInt8]) -> JSON? {
        guard let value = try? JSONParser.parse(bytes, maxDepth: 16, duplicateKeys: .reject), case .object = value else { return nil }
        return value
    }
}
