import XCTest
@testable import ClinicDomain
import Crypto

final class PasswordPolicyTests: XCTestCase {
    let email = "jane.doe@example.com"

    func testAcceptsLongUncommonPassphraseWithoutCompositionRules() {
        XCTAssertNil(PasswordPolicy.check("correct horse battery staple", email: email))
        XCTAssertNil(PasswordPolicy.check("alllowercaseletters", email: email))
    }

    func testRequiresAtLeast15Characters() {
        XCTAssertEqual(PasswordPolicy.check("fourteen chars", email: email), .tooShort(minimum: 15))
        XCTAssertNil(PasswordPolicy.check("fifteen chars!!", email: email))
        XCTAssertEqual(PasswordPolicy.check("", email: email), .tooShort(minimum: 15))
    }

    func testCountsUnicodeScalarsAfterNFKC() {
        // 15 emoji are 15 code points (60 UTF-8 bytes): long enough.
        XCTAssertNil(PasswordPolicy.check(String(repeating: "😀", count: 15), email: email))
        // 8 decomposed "é" are 16 scalars before NFKC but 8 after: too short.
        XCTAssertEqual(PasswordPolicy.check(String(repeating: "e\u{301}", count: 8), email: email), .tooShort(minimum: 15))
        // A ligature expands: 5 × "ﬃ" + "x" is 6 scalars before NFKC, 16 after.
        XCTAssertNil(PasswordPolicy.check(String(repeating: "ﬃ", count: 5) + "x", email: email))
    }

    func testAllowsAtMost128Characters() {
        XCTAssertNil(PasswordPolicy.check(String(repeating: "k", count: 128), email: email))
        XCTAssertEqual(PasswordPolicy.check(String(repeating: "k", count: 129), email: email), .tooLong(maximum: 128))
        XCTAssertNil(PasswordPolicy.check(String(repeating: "é", count: 128), email: email))
        // 128 four-byte scalars are 512 UTF-8 bytes, over crypt's limit.
        XCTAssertEqual(PasswordPolicy.check(String(repeating: "😀", count: 128), email: email), .tooLong(maximum: 128))
    }

    func testEveryAcceptedPasswordCanBeHashed() throws {
        let longest = String(repeating: "😀", count: 127) + "a"  // 128 scalars, 509 bytes
        XCTAssertNil(PasswordPolicy.check(longest, email: email))
        XCTAssertNoThrow(try PasswordHasher(cost: .low).hash(longest))
    }

    func testRejectsNulCharacter() {
        XCTAssertEqual(PasswordPolicy.check("a long password\u{0}with nul", email: email), .invalidCharacter)
    }

    func testRejectsPasswordContainingEmailLocalPartCaseInsensitively() {
        XCTAssertEqual(PasswordPolicy.check("my name is JANE.DOE ok", email: email), .containsEmailLocalPart)
        XCTAssertEqual(PasswordPolicy.check("jane.doe@example.com", email: email), .containsEmailLocalPart)
        XCTAssertEqual(PasswordPolicy.check("Jane.Doe.Jane.Doe", email: "Jane.Doe@Example.com"), .containsEmailLocalPart)
        XCTAssertNil(PasswordPolicy.check("jane and doe are fine apart", email: email))
    }

    func testIgnoresLocalPartsShorterThanThree() {
        XCTAssertNil(PasswordPolicy.check("abababababababab", email: "ab@example.com"))
        XCTAssertEqual(PasswordPolicy.check("abcabcabcabcabcabc", email: "abc@example.com"), .containsEmailLocalPart)
    }

    func testRejectsCommonPasswordsCaseInsensitively() {
        XCTAssertEqual(PasswordPolicy.check("123456789987654321", email: email), .tooCommon)
        XCTAssertEqual(PasswordPolicy.check("QAZWSXEDCRFVTGB", email: email), .tooCommon)
        XCTAssertEqual(PasswordPolicy.check("1qaz2wsx3edc4rfv", email: email), .tooCommon)
        XCTAssertEqual(PasswordPolicy.check("ｑａｚｗｓｘｅｄｃｒｆｖｔｇｂ", email: email), .tooCommon)  // fullwidth, NFKC
    }

    func testCommonPasswordListIsTheCommittedTopTenThousand() throws {
        XCTAssertEqual(CommonPasswords.set.count, 10_000)
        XCTAssertTrue(CommonPasswords.set.contains("password"))
        XCTAssertTrue(CommonPasswords.set.contains("123456"))
        let txt = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/ClinicDomain/Accounts/Resources/common-passwords.txt").standardized
        let text = try String(contentsOf: txt, encoding: .utf8)
        XCTAssertEqual(text, CommonPasswords.text + "\n", "CommonPasswords.swift is stale: rerun generate-common-passwords.py")
    }

    func testViolationsHaveUserFacingMessages() {
        let all: [PasswordPolicyViolation] = [.tooShort(minimum: 15), .tooLong(maximum: 128), .invalidCharacter,
                                              .containsEmailLocalPart, .tooCommon]
        XCTAssertEqual(Set(all.map(\.message)).count, all.count)
        XCTAssertTrue(PasswordPolicyViolation.tooShort(minimum: 15).message.contains("15"))
    }
}

final class EmailAddressTests: XCTestCase {
    func testTrimsAndLowercases() {
        XCTAssertEqual(EmailAddress.normalize("  John.Doe@Example.COM \n"), "john.doe@example.com")
        XCTAssertEqual(EmailAddress.normalize("a+tag_1@sub.example.co"), "a+tag_1@sub.example.co")
        XCTAssertEqual(EmailAddress.normalize("dr.garcia@clinic.test"), "dr.garcia@clinic.test")
    }

    func testRequiresExactlyOneAt() {
        for bad in ["", "no-at.example.com", "a@@example.com", "a@b@example.com", "@example.com", "a@"] {
            XCTAssertNil(EmailAddress.normalize(bad), bad)
        }
    }

    func testRequiresDottedDomainOfValidLabels() {
        for bad in ["a@localhost", "a@-b.com", "a@b-.com", "a@b..com", "a@.b.com", "a@b.com.", "a@b_c.com",
                    "a@1.2.3.4", "a@exa mple.com", "a@[127.0.0.1]", "a@" + String(repeating: "x", count: 64) + ".com"] {
            XCTAssertNil(EmailAddress.normalize(bad), bad)
        }
        XCTAssertEqual(EmailAddress.normalize("a@x-1.b2.io"), "a@x-1.b2.io")
        XCTAssertEqual(EmailAddress.normalize("a@" + String(repeating: "x", count: 63) + ".com")?.count, 69)
    }

    func testRejectsSpacesControlCharsAndBadLocalParts() {
        for bad in ["a b@example.com", "a\u{7}b@example.com", "a\tb@example.com", ".a@example.com", "a.@example.com",
                    "a..b@example.com", "\"a\"@example.com", "a(b)@example.com", "josé@example.com", "a@exámple.com"] {
            XCTAssertNil(EmailAddress.normalize(bad), bad)
        }
    }

    func testEnforcesLengthLimits() {
        let local64 = String(repeating: "l", count: 64)
        XCTAssertNotNil(EmailAddress.normalize(local64 + "@example.com"))
        XCTAssertNil(EmailAddress.normalize(local64 + "l@example.com"))
        // 254 total: 64 + 1 + 189 (three 61-char labels, dots, "com"... built below).
        let domain = [String(repeating: "d", count: 61), String(repeating: "e", count: 61), String(repeating: "f", count: 61), "com"]
            .joined(separator: ".")
        let max = local64 + "@" + domain.dropFirst(domain.count - 189)
        XCTAssertEqual(max.count, 254)
        XCTAssertEqual(EmailAddress.normalize(max), max)
        XCTAssertNil(EmailAddress.normalize("l" + max))
    }
}
