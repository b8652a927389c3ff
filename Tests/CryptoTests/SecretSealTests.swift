// SecretSeal: what it seals only the same key opens, and any change is refused.
@testable import Crypto
import XCTest

final class SecretSealTests: XCTestCase {
    let key = Array(repeating: UInt8(0x42), count: 32)

    func testSealedSecretRoundTripsAndHidesThePlaintext() {
        let seal = SecretSeal(key: key)
        let secret = Array("dGhpcyBpcyBhIHJlc2V0IHRva2VuIG9mIDQzIGNoYXJz".utf8)
        let sealed = seal.seal(secret)
        XCTAssertEqual(sealed.count, secret.count + SecretSeal.nonceBytes + SecretSeal.tagBytes)
        XCTAssertNil(sealed.firstRange(of: secret.prefix(8)), "no plaintext in the sealed bytes")
        XCTAssertEqual(seal.open(sealed), secret)
        XCTAssertNotEqual(seal.seal(secret), sealed, "a fresh nonce each time")
        XCTAssertEqual(seal.open(seal.seal([])), [])
    }

    func testAnotherKeyOrAnyAlteredByteIsRefused() {
        let seal = SecretSeal(key: key)
        let sealed = seal.seal(Array("secret".utf8))
        XCTAssertNil(SecretSeal(key: Array(repeating: 0x43, count: 32)).open(sealed))
        for i in sealed.indices {
            var altered = sealed
            altered[i] ^= 0x01
            XCTAssertNil(seal.open(altered), "byte \(i)")
        }
        XCTAssertNil(seal.open(Array(sealed.dropLast())))
        XCTAssertNil(seal.open([]))
    }

    func testDerivedKeysDependOnPurposeAndSecret() throws {
        let a = try JWTSigner(secret: Array(repeating: 1, count: 32)), b = try JWTSigner(secret: Array(repeating: 2, count: 32))
        XCTAssertEqual(a.derivedKey(purpose: "x").count, 32)
        XCTAssertNotEqual(a.derivedKey(purpose: "x"), a.derivedKey(purpose: "y"))
        XCTAssertNotEqual(a.derivedKey(purpose: "x"), b.derivedKey(purpose: "x"))
    }
}
