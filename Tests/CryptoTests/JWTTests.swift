import JSON
import XCTest
@testable import Crypto

final class JWTTests: XCTestCase {
    let key = Array("0123456789abcdef0123456789abcdef".utf8)
    let now: Int64 = 1_800_000_000
    let iss = "https://clinic.test", aud = "clinic-api"

    var signer: JWTSigner { try! JWTSigner(secret: key) }

    func claims(iat: Int64? = nil, exp: Int64? = nil) -> AccessTokenClaims {
        AccessTokenClaims(iss: iss, aud: aud, sub: "VXNlcjo0Mg", jti: "j-1", iat: iat ?? now,
                          exp: exp ?? now + 900, role: "ADMIN", ver: 3)
    }

    func verify(_ token: String, at time: Int64? = nil, leeway: Int64 = 60) throws(TokenError) -> AccessTokenClaims {
        try signer.verify(token, now: time ?? now, issuer: iss, audience: aud, leeway: leeway)
    }

    func expectError(_ expected: TokenError, _ token: String, at time: Int64? = nil, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let c = try verify(token, at: time)
            XCTFail("accepted \(c)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, file: file, line: line)
        }
    }

    /// A token with any header and payload text, HS256-signed with `key`.
    func forge(header: String = #"{"alg":"HS256","typ":"at+jwt"}"#, payload: String, key: [UInt8]? = nil) -> String {
        let input = Base64.urlEncode(Array(header.utf8)) + "." + Base64.urlEncode(Array(payload.utf8))
        return input + "." + Base64.urlEncode(HMAC.sha256(key: key ?? self.key, message: Array(input.utf8)))
    }

    func payload(dropping: String? = nil, replacing: [String: String] = [:]) -> String {
        var members: [(String, String)] = [("iss", "\"\(iss)\""), ("aud", "\"\(aud)\""), ("sub", "\"u1\""), ("jti", "\"j1\""),
                                           ("iat", "\(now)"), ("exp", "\(now + 900)"), ("role", "\"CLIENT\""), ("ver", "1")]
        members.removeAll { $0.0 == dropping }
        members = members.map { ($0.0, replacing[$0.0] ?? $0.1) }
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    func segments(_ token: String) -> [String] { token.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }

    func testRejectsKeysShorterThan32Bytes() {
        XCTAssertThrowsError(try JWTSigner(secret: [UInt8](repeating: 1, count: 31))) {
            XCTAssertEqual($0 as? CryptoError, .keyTooShort(minimumBytes: 32))
        }
        XCTAssertNoThrow(try JWTSigner(secret: [UInt8](repeating: 1, count: 32)))
    }

    func testRoundTripReturnsTheSignedClaims() throws {
        let c = claims()
        XCTAssertEqual(try verify(signer.sign(c)), c)
    }

    func testHeaderIsExactlyHS256AtJWT() {
        let header = Base64.urlDecode(segments(signer.sign(claims()))[0])!
        XCTAssertEqual(String(decoding: header, as: UTF8.self), #"{"alg":"HS256","typ":"at+jwt"}"#)
    }

    func testPayloadKeepsDatesAsIntegers() {
        let payload = String(decoding: Base64.urlDecode(segments(signer.sign(claims()))[1])!, as: UTF8.self)
        XCTAssertTrue(payload.contains("\"iat\":1800000000"), payload)
        XCTAssertTrue(payload.contains("\"exp\":1800000900"), payload)
        XCTAssertTrue(payload.contains("\"ver\":3"), payload)
    }

    func testStringClaimsWithEscapesRoundTrip() throws {
        var c = claims()
        c.sub = "quote\" backslash\\ newline\n tab\t ctrl\u{1} é 😀"
        XCTAssertEqual(try verify(signer.sign(c)).sub, c.sub)
    }

    func testFreshClaimsGetRandomJTIAndFifteenMinuteLife() {
        let a = AccessTokenClaims(issuer: iss, audience: aud, subject: "u", role: "CLIENT", version: 0, now: now)
        let b = AccessTokenClaims(issuer: iss, audience: aud, subject: "u", role: "CLIENT", version: 0, now: now)
        XCTAssertEqual(a.exp - a.iat, 900)
        XCTAssertNotEqual(a.jti, b.jti)
    }

    func testRejectsTamperedPayload() {
        let parts = segments(signer.sign(claims()))
        var c = claims(); c.role = "SUPERADMIN"
        let otherPayload = segments(signer.sign(c))[1]
        expectError(.badSignature, parts[0] + "." + otherPayload + "." + parts[2])
    }

    func testRejectsTokenSignedWithAnotherKey() throws {
        let other = try JWTSigner(secret: Array("another key, also thirty-two bytes!".utf8))
        expectError(.badSignature, other.sign(claims()))
    }

    func testRejectsTamperedOrMissingSignature() {
        let parts = segments(signer.sign(claims()))
        expectError(.badSignature, parts[0] + "." + parts[1] + ".")
        expectError(.badSignature, parts[0] + "." + parts[1] + "." + String(parts[2].reversed()))
        expectError(.badSignature, parts[0] + "." + parts[1] + "." + Base64.urlEncode(Array(Base64.urlDecode(parts[2])!.prefix(16))))
    }

    func testRejectsAlgNone() {
        let unsigned = Base64.urlEncode(Array(#"{"alg":"none","typ":"at+jwt"}"#.utf8)) + "." + Base64.urlEncode(Array(payload().utf8)) + "."
        expectError(.unsupportedAlgorithm, unsigned)
        expectError(.unsupportedAlgorithm, forge(header: #"{"alg":"none","typ":"at+jwt"}"#, payload: payload()))
        expectError(.unsupportedAlgorithm, forge(header: #"{"alg":"NONE","typ":"at+jwt"}"#, payload: payload()))
    }

    func testRejectsEveryAlgorithmButHS256() {
        for alg in ["HS512", "HS384", "RS256", "ES256", "hs256", "HS256 ", ""] {
            expectError(.unsupportedAlgorithm, forge(header: #"{"alg":"\#(alg)","typ":"at+jwt"}"#, payload: payload()))
        }
        expectError(.unsupportedAlgorithm, forge(header: #"{"typ":"at+jwt"}"#, payload: payload()))
        expectError(.unsupportedAlgorithm, forge(header: #"{"alg":["HS256"],"typ":"at+jwt"}"#, payload: payload()))
    }

    func testRequiresTypAtJWT() {
        expectError(.wrongType, forge(header: #"{"alg":"HS256"}"#, payload: payload()))
        expectError(.wrongType, forge(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: payload()))
        expectError(.wrongType, forge(header: #"{"alg":"HS256","typ":"AT+JWT"}"#, payload: payload()))
    }

    func testRejectsCriticalHeaderExtensions() {
        expectError(.malformed, forge(header: #"{"alg":"HS256","typ":"at+jwt","crit":["exp"]}"#, payload: payload()))
    }

    func testAcceptsForgedTokenWithSameKeyAsControl() throws {
        // The forging helper itself makes valid tokens, so the rejections above are real.
        XCTAssertEqual(try verify(forge(payload: payload())).role, "CLIENT")
    }

    func testRejectsExpiredToken() {
        expectError(.expired, signer.sign(claims(iat: now - 3600, exp: now - 600)))
    }

    func testExpiryLeewayAccepts59AndRejects61Seconds() throws {
        let token = signer.sign(claims())
        let exp = now + 900
        XCTAssertNoThrow(try verify(token, at: exp + 59))
        expectError(.expired, token, at: exp + 60)
        expectError(.expired, token, at: exp + 61)
        XCTAssertThrowsError(try verify(token, at: exp + 1, leeway: 0))
    }

    func testLeewayIsCappedAt60Seconds() {
        let token = signer.sign(claims())
        XCTAssertThrowsError(try verify(token, at: now + 900 + 61, leeway: 3600)) {
            XCTAssertEqual($0 as? TokenError, .expired)
        }
    }

    func testIssuedAtInTheFutureBeyondLeewayIsRejected() throws {
        XCTAssertNoThrow(try verify(signer.sign(claims(iat: now + 59, exp: now + 959))))
        expectError(.issuedInFuture, signer.sign(claims(iat: now + 61, exp: now + 961)))
    }

    func testNotBeforeIsHonoured() {
        expectError(.notYetValid, forge(payload: payload(replacing: ["exp": "\(now + 900)"]).dropLast() + ",\"nbf\":\(now + 120)}"))
        XCTAssertNoThrow(try verify(forge(payload: payload().dropLast() + ",\"nbf\":\(now + 30)}")))
    }

    func testRejectsWrongIssuerAndAudience() {
        expectError(.wrongIssuer, forge(payload: payload(replacing: ["iss": "\"https://evil.test\""])))
        expectError(.wrongIssuer, forge(payload: payload(replacing: ["iss": "\"https://clinic.test/\""])))
        expectError(.wrongAudience, forge(payload: payload(replacing: ["aud": "\"other-api\""])))
        expectError(.wrongAudience, forge(payload: payload(replacing: ["aud": "[\"other-api\"]"])))
        expectError(.invalidClaim("aud"), forge(payload: payload(replacing: ["aud": "7"])))
    }

    func testAcceptsAudienceArrayContainingOurs() throws {
        let c = try verify(forge(payload: payload(replacing: ["aud": "[\"other\",\"\(aud)\"]"])))
        XCTAssertEqual(c.aud, aud)
    }

    func testRequiresEveryRegisteredClaim() {
        for name in ["iss", "aud", "exp", "iat", "sub", "jti", "role", "ver"] {
            expectError(.missingClaim(name), forge(payload: payload(dropping: name)))
        }
    }

    func testRejectsClaimsOfTheWrongType() {
        expectError(.invalidClaim("exp"), forge(payload: payload(replacing: ["exp": "1800000900.5"])))
        expectError(.invalidClaim("exp"), forge(payload: payload(replacing: ["exp": "\"1800000900\""])))
        expectError(.invalidClaim("exp"), forge(payload: payload(replacing: ["exp": "1.8e9"])))
        expectError(.invalidClaim("iat"), forge(payload: payload(replacing: ["iat": "null"])))
        expectError(.invalidClaim("sub"), forge(payload: payload(replacing: ["sub": "42"])))
        expectError(.invalidClaim("sub"), forge(payload: payload(replacing: ["sub": "\"\""])))
        expectError(.invalidClaim("ver"), forge(payload: payload(replacing: ["ver": "\"1\""])))
        expectError(.invalidClaim("exp"), forge(payload: payload(replacing: ["exp": "\(now - 10)"])))  // exp before iat
        expectError(.invalidClaim("iat"), forge(payload: payload(replacing: ["iat": "\(Int64.min)"])))
    }

    func testRejectsMalformedSegments() {
        let token = signer.sign(claims())
        let p = segments(token)
        expectError(.malformed, "")
        expectError(.malformed, "abc")
        expectError(.malformed, p[0] + "." + p[1])                       // two segments
        expectError(.malformed, token + "." + p[2])                      // four segments
        expectError(.malformed, token + ".")
        expectError(.malformed, "." + p[1] + "." + p[2])                 // empty header
        expectError(.malformed, p[0] + ".." + p[2])                      // empty payload
        expectError(.malformed, p[0] + "=." + p[1] + "." + p[2])        // padding
        expectError(.malformed, " " + token)
        expectError(.malformed, p[0].replacingOccurrences(of: "-", with: "+") + "x." + p[1] + "." + p[2])
        expectError(.badSignature, p[0] + "." + p[1] + "." + p[2] + "=")
    }

    /// Sets an unused trailing bit of a base64url string whose length is 2 or 3 mod 4.
    func laxEncoding(_ canonical: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        precondition(canonical.count % 4 != 0)
        let index = alphabet.firstIndex(of: canonical.last!)!
        return String(canonical.dropLast()) + String(alphabet[index | 1])
    }

    func signEncoded(_ header: String, _ payload: String) -> String {
        header + "." + payload + "." + Base64.urlEncode(HMAC.sha256(key: key, message: Array((header + "." + payload).utf8)))
    }

    func testRejectsNonCanonicalBase64URLEvenWhenSigned() {
        // 31-byte header: 42 chars whose last one carries 4 unused bits.
        let header = Base64.urlEncode(Array(#"{"alg":"HS256","typ":"at+jwt" }"#.utf8))
        var body = payload()
        while Array(body.utf8).count % 3 == 0 { body += " " }
        let encodedPayload = Base64.urlEncode(Array(body.utf8))
        XCTAssertNoThrow(try verify(signEncoded(header, encodedPayload)))     // the canonical form is fine
        expectError(.malformed, signEncoded(laxEncoding(header), encodedPayload))
        expectError(.malformed, signEncoded(header, laxEncoding(encodedPayload)))
    }

    func testRejectsNonCanonicalSignatureEncoding() {
        // A 32-byte signature is 43 chars; the last carries 2 unused bits.
        let p = segments(signer.sign(claims()))
        expectError(.badSignature, p[0] + "." + p[1] + "." + laxEncoding(p[2]))
    }

    func testRejectsPayloadThatIsNotAJSONObject() {
        for body in ["[]", "\"x\"", "42", "null", "{", "{\"iss\":}", "not json", "{} {}", "{\"a\":1,}"] {
            expectError(.malformed, forge(payload: body))
        }
        expectError(.malformed, forge(header: "[\"HS256\"]", payload: payload()))
    }

    func testRejectsDuplicateClaims() {
        expectError(.malformed, forge(payload: payload().dropLast() + ",\"role\":\"SUPERADMIN\"}"))
    }

    func testRejectsHugeTokens() {
        var c = claims()
        c.sub = String(repeating: "x", count: 4000)
        expectError(.tooLarge, signer.sign(c))
        c.sub = String(repeating: "x", count: 2500)
        XCTAssertNoThrow(try verify(signer.sign(c)))
    }

    func testDeeplyNestedJSONIsRejectedNotCrashing() {
        let nested = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        expectError(.malformed, forge(payload: "{\"x\":\(nested)}"))
    }
}
