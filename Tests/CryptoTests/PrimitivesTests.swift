import XCTest
import JSON
@testable import Crypto

final class PrimitivesTests: XCTestCase {
    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testSHA256KnownAnswers() {
        XCTAssertEqual(Hex.encode(SHA256.hash(bytes("abc"))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Hex.encode(SHA256.hash([])),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Hex.encode(SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testHMACSHA256MatchesRFC4231Vectors() {
        // Test cases 1, 2, 3 and 6 of RFC 4231 §4.
        XCTAssertEqual(Hex.encode(HMAC.sha256(key: [UInt8](repeating: 0x0b, count: 20), message: bytes("Hi There"))),
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        XCTAssertEqual(Hex.encode(HMAC.sha256(key: bytes("Jefe"), message: bytes("what do ya want for nothing?"))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(Hex.encode(HMAC.sha256(key: [UInt8](repeating: 0xaa, count: 20), message: [UInt8](repeating: 0xdd, count: 50))),
                       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
        XCTAssertEqual(Hex.encode(HMAC.sha256(key: [UInt8](repeating: 0xaa, count: 131),
                                              message: bytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testHMACWithEmptyKeyAndMessage() {
        XCTAssertEqual(Hex.encode(HMAC.sha256(key: [], message: [])),
                       "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    func testSecureRandomGivesRequestedCountAndDiffers() {
        XCTAssertEqual(SecureRandom.bytes(count: 0), [])
        let a = SecureRandom.bytes(count: 32), b = SecureRandom.bytes(count: 32)
        XCTAssertEqual(a.count, 32)
        XCTAssertNotEqual(a, b)
    }

    func testConstantTimeEquals() {
        XCTAssertTrue(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(ConstantTime.equals([1, 2, 3], [1, 2]))
        XCTAssertTrue(ConstantTime.equals([], []))
    }

    func testHexEncodesLowercase() {
        XCTAssertEqual(Hex.encode([0x00, 0x0f, 0xab, 0xff]), "000fabff")
    }

    func testOpaqueTokenHasFullEntropyAndHashesConsistently() {
        let (token, hash) = OpaqueToken.generate()
        XCTAssertEqual(token.count, 43)
        XCTAssertEqual(Base64.urlDecode(token)?.count, 32)
        XCTAssertEqual(hash, SHA256.hash(Base64.urlDecode(token)!))
        XCTAssertEqual(OpaqueToken.hash(token), hash)
        XCTAssertNotEqual(OpaqueToken.generate().token, token)
    }

    func testOpaqueTokenHashRejectsMalformedTokens() {
        let (token, _) = OpaqueToken.generate()
        XCTAssertNil(OpaqueToken.hash(""))
        XCTAssertNil(OpaqueToken.hash(String(token.dropLast())))
        XCTAssertNil(OpaqueToken.hash(token + "A"))
        XCTAssertNil(OpaqueToken.hash(token + "="))
        XCTAssertNil(OpaqueToken.hash(String(token.dropLast()) + "!"))
        // 43 chars carry 258 bits: the last char's 2 low bits must be zero.
        XCTAssertNil(OpaqueToken.hash(String(repeating: "A", count: 42) + "B"))
        XCTAssertNotNil(OpaqueToken.hash(String(repeating: "A", count: 42) + "E"))
    }
}
