// The one base64: standard and URL alphabets, strict decoding, MIME's folded form.
import XCTest
import Foundation
import JSON
import TestSupport

final class Base64Tests: XCTestCase {
    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testBase64MatchesRFC4648Vectors() {
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                       ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.encode(bytes(plain)), encoded)
            XCTAssertEqual(Base64.decode(encoded), bytes(plain))
            let unpadded = encoded.replacingOccurrences(of: "=", with: "")
            XCTAssertEqual(Base64.urlEncode(bytes(plain)), unpadded)
            XCTAssertEqual(Base64.urlDecode(unpadded), bytes(plain))
        }
    }

    func testBase64URLUsesURLAlphabet() {
        XCTAssertEqual(Base64.encode([0xfb, 0xff]), "+/8=")
        XCTAssertEqual(Base64.urlEncode([0xfb, 0xff]), "-_8")
        XCTAssertEqual(Base64.urlDecode("-_8"), [0xfb, 0xff])
        XCTAssertNil(Base64.urlDecode("+/8"))
        XCTAssertNil(Base64.decode("-_8="))
    }

    func testBase64URLDecodeRejectsPaddingInvalidCharsAndNonCanonicalBits() {
        XCTAssertNil(Base64.urlDecode("Zg=="))      // padding
        XCTAssertNil(Base64.urlDecode("Zg="))
        XCTAssertNil(Base64.urlDecode("Zm9v "))     // whitespace
        XCTAssertNil(Base64.urlDecode("Zm\n9v"))
        XCTAssertNil(Base64.urlDecode("Zm9v!"))
        XCTAssertNil(Base64.urlDecode("Z"))         // impossible length
        XCTAssertNil(Base64.urlDecode("Zm9vY"))
        XCTAssertNil(Base64.urlDecode("Zh"))        // "f" is "Zg"; "Zh" sets an unused bit
        XCTAssertNil(Base64.urlDecode("Zm9"))       // "fo" is "Zm8"
        XCTAssertNil(Base64.urlDecode("Zm9vé"))
    }

    func testStandardBase64DecodeIsStrict() {
        XCTAssertNil(Base64.decode("Zg"))           // padding required
        XCTAssertNil(Base64.decode("Zg="))
        XCTAssertNil(Base64.decode("Zh=="))         // non-canonical
        XCTAssertNil(Base64.decode("Z==="))
        XCTAssertNil(Base64.decode("===="))
        XCTAssertNil(Base64.decode("Zg==Zg=="))     // padding in the middle
        XCTAssertNil(Base64.decode("Zm 9v"))
    }

    func testMIMEFoldedTextDecodesWithLineBreaksIgnored() {
        XCTAssertEqual(Base64.decode("Zm9v\r\nYmFy", ignoringLineBreaks: true), bytes("foobar"))
        XCTAssertEqual(Base64.decode(" Zm9vYg==\n", ignoringLineBreaks: true), bytes("foob"))
        XCTAssertNil(Base64.decode("Zm9v\r\nYmFy"))
        XCTAssertNil(Base64.decode("Zh==\r\n", ignoringLineBreaks: true), "still strict about the bits")
    }

    /// Random byte strings of every length up to 64, against Foundation's encoder (the URL form is its
    /// output with `-_` and no padding); the encoding writes straight into the string's storage.
    func testEncodingEqualsFoundationForRandomBytes() {
        var rng = SplitMix64(seed: 4648)
        for length in 0...64 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let foundation = Data(bytes).base64EncodedString()
                XCTAssertEqual(Base64.encode(bytes), foundation)
                let url = foundation.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    .replacingOccurrences(of: "=", with: "")
                XCTAssertEqual(Base64.urlEncode(bytes), url)
                XCTAssertEqual(bytes.withUnsafeBufferPointer { Base64.urlEncode($0) }, url)
                XCTAssertEqual(Base64.urlDecode(url), bytes)
            }
        }
    }
}
