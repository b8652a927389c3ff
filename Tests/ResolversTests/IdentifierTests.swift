import ClinicStore
import ClinicDomain
import TestSupport
import XCTest
import JSON
import Schema
@testable import Resolvers

final class IdentifierTests: XCTestCase {
    private func b64(_ s: String) -> String { Base64.urlEncode(Array(s.utf8)) }

    // MARK: GlobalID

    /// The ID is base64url of "Type:key" (built on the stack, not through an interpolated string).
    func testGlobalIDIsBase64URLOfTypeColonKey() {
        for type in ["Doctor", "Appointment", "X", String(repeating: "LongTypeName", count: 10)] {
            for id: Int64 in [0, 1, 9, 10, 42, 99_999, 1_234_567_890_123, .max, -1, .min] {
                XCTAssertEqual(GlobalID.encode(type: type, id: id), Base64.urlEncode(Array("\(type):\(id)".utf8)), "\(type) \(id)")
            }
        }
    }

    func testGlobalIDRoundTripsTypeAndKey() {
        XCTAssertEqual(GlobalID.encode(type: "Doctor", id: 42), "RG9jdG9yOjQy")
        for (type, id) in [("Doctor", Int64(42)), ("Appointment", 0), ("Patient", 1), ("User", Int64.max), ("AuditEntry", 999_999)] {
            let s = GlobalID.encode(type: type, id: id)
            XCTAssertEqual(GlobalID.decode(s)?.type, type)
            XCTAssertEqual(GlobalID.decode(s)?.id, id)
            XCTAssertFalse(s.contains("="))
        }
    }

    func testGlobalIDRejectsNegativePaddedOverflowingAndMisshapenPlainText() {
        for plain in ["Doctor:-1", "Doctor:042", "Doctor:9223372036854775808", "Doctor:", ":1", "doctor:1", "Doctor 1",
                      "Doctor:1:2", "Doctor:+1", "Doc-tor:1", "Doctor:1 ", "Doctor:１", "1Doctor:1", "Doctor:0x1",
                      String(repeating: "A", count: 65) + ":1"] {
            XCTAssertNil(GlobalID.decode(b64(plain)), plain)
        }
        XCTAssertNil(GlobalID.decode(""))
        XCTAssertNil(GlobalID.decode("RG9jdG9yOjQy=="))
        XCTAssertNil(GlobalID.decode("RG9jdG9yOjQz"[...].replacingOccurrences(of: "z", with: "!")))
        XCTAssertNil(GlobalID.decode(String(repeating: "A", count: 200)))
    }

    func testGlobalIDRejectsNonCanonicalTrailingBits() {
        // "Doctor:1" is 8 bytes → 11 characters with 2 spare bits in the last one.
        let good = GlobalID.encode(type: "Doctor", id: 1)
        XCTAssertEqual(good.count, 11)
        var chars = Array(good)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let idx = alphabet.firstIndex(of: chars[10])!
        chars[10] = alphabet[idx + 1]   // same 4 meaningful bits, a spare bit set
        XCTAssertNil(GlobalID.decode(String(chars)))
    }

    func testDecodingAnArgumentTellsUnparseableFromWrongType() {
        let patient = GlobalID.encode(type: "Patient", id: 7)
        XCTAssertEqual(try GlobalID.decode(patient, expecting: "Patient"), 7)
        XCTAssertThrowsError(try GlobalID.decode(patient, expecting: "Appointment")) {
            let e = $0 as? GlobalIDError
            XCTAssertEqual(e, .wrongType(expected: "Appointment", found: "Patient"))
            XCTAssertEqual(e?.message, "Expected an Appointment ID, got a Patient ID")
        }
        XCTAssertThrowsError(try GlobalID.decode("nope", expecting: "Doctor")) {
            XCTAssertEqual($0 as? GlobalIDError, .malformed("nope"))
            XCTAssertEqual(($0 as? GlobalIDError)?.message, "\"nope\" is not a valid ID")
        }
    }

    func testRandomStringsEitherFailOrAreCanonicalIDs() {
        var rng = SplitMix64(seed: 7)
        let chars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/:. ")
        var accepted = 0
        for _ in 0..<4000 {
            let s = String((0..<rng.below(20)).map { _ in chars[rng.below(chars.count)] })
            if let d = GlobalID.decode(s) {
                accepted += 1
                XCTAssertEqual(GlobalID.encode(type: d.type, id: d.id), s)
            }
        }
        // Also mutate valid IDs: any accepted mutation must be another canonical ID.
        for _ in 0..<3000 {
            var c = Array(GlobalID.encode(type: ["Doctor", "Patient", "Appointment"][rng.below(3)], id: Int64(rng.below(1_000_000))))
            c[rng.below(c.count)] = chars[rng.below(chars.count)]
            let s = String(c)
            if let d = GlobalID.decode(s) { XCTAssertEqual(GlobalID.encode(type: d.type, id: d.id), s) }
        }
        XCTAssertLessThan(accepted, 40)
    }

    // MARK: Cursor

    func testCursorRoundTripsEveryKeyKind() throws {
        let keys: [CursorValue] = [.instant(Instant(rfc3339: "2026-12-01T09:30:00.123456Z")!), .string("García, Ana — ñ,é 日本"),
                                   .string(""), .int(Int64.min), .null, .int(0), .instant(Instant(microsecondsSinceEpoch: -5))]
        let c = Cursor(scope: "appointments.startsAt.asc", keys: keys, id: 123)
        let decoded = try Cursor.decode(c.encoded, scope: "appointments.startsAt.asc")
        XCTAssertEqual(decoded, c)
        let noKeys = Cursor(scope: "doctors", keys: [], id: 9)
        XCTAssertEqual(try Cursor.decode(noKeys.encoded, scope: "doctors"), noKeys)
        XCTAssertFalse(c.encoded.contains("="))
    }

    func testCursorOfAnotherListOrShapeIsRefused() {
        let c = Cursor(scope: "doctors.name.asc", keys: [.string("Ana")], id: 1)
        XCTAssertThrowsError(try Cursor.decode(c.encoded, scope: "patients.name.asc")) {
            XCTAssertEqual($0 as? CursorError, .wrongList)
        }
        XCTAssertThrowsError(try Cursor.decode(c.encoded, scope: "doctors.name.asc", keyKinds: [.int])) {
            XCTAssertEqual($0 as? CursorError, .wrongList)
        }
        XCTAssertThrowsError(try Cursor.decode(c.encoded, scope: "doctors.name.asc", keyKinds: [.string, .int]))
        XCTAssertNoThrow(try Cursor.decode(c.encoded, scope: "doctors.name.asc", keyKinds: [.string]))
        let withNull = Cursor(scope: "x", keys: [.null], id: 1)
        XCTAssertThrowsError(try Cursor.decode(withNull.encoded, scope: "x", keyKinds: [.instant]))
        XCTAssertNoThrow(try Cursor.decode(withNull.encoded, scope: "x", keyKinds: [.nullableInstant]))
    }

    func testForgedCursorTextIsMalformed() {
        for plain in ["2,doctors,1", "1,doctors", "1,doctors,01", "1,doctors,i01,1", "1,doctors,i-0,1", "1,doctors,x1,1",
                      "1,doctors,nx,1", "1,doctors,sZg==,1", "1,doctors,s+/8,1", "1,doctors,,1", "1,doctors,1,", "1,doctors,i1,-",
                      "1,doctors,t1.5,1", "1,doctors,1 "] {
            XCTAssertThrowsError(try Cursor.decode(b64(plain), scope: "doctors"), plain) {
                XCTAssertEqual($0 as? CursorError, .malformed, plain)
            }
        }
        for bad in ["", "!!!", "abc=", String(repeating: "A", count: 3000)] {
            XCTAssertThrowsError(try Cursor.decode(bad, scope: "doctors"), bad)
        }
        // Invalid UTF-8 inside a string key.
        XCTAssertThrowsError(try Cursor.decode(b64("1,doctors,s" + Base64.urlEncode([0xFF, 0xFE]) + ",1"), scope: "doctors"))
    }

    func testRandomAndMutatedCursorsEitherFailOrReEncodeIdentically() {
        var rng = SplitMix64(seed: 99)
        let chars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
        for _ in 0..<3000 {
            let s = String((0..<rng.below(40)).map { _ in chars[rng.below(chars.count)] })
            if let c = try? Cursor.decode(s, scope: "doctors") { XCTAssertEqual(c.encoded, s) }
        }
        for _ in 0..<3000 {
            let base = Cursor(scope: "doctors", keys: [.string("Ana \(rng.below(1000))"), .int(Int64(rng.below(100)))], id: Int64(rng.below(10_000)))
            var c = Array(base.encoded)
            c[rng.below(c.count)] = chars[rng.below(chars.count)]
            let s = String(c)
            if let decoded = try? Cursor.decode(s, scope: "doctors") { XCTAssertEqual(decoded.encoded, s) }
        }
    }

    // MARK: PageRequest

    func testPageRequestDefaultsAndBounds() throws {
        XCTAssertEqual(try PageRequest(arguments: [:], scope: "doctors").first, 20)
        XCTAssertEqual(try PageRequest(arguments: ["first": .null], scope: "doctors").first, 20)
        XCTAssertEqual(try PageRequest(arguments: ["first": .int(0)], scope: "doctors").first, 0)
        XCTAssertEqual(try PageRequest(arguments: ["first": .int(100)], scope: "doctors").fetchLimit, 101)
        for n in [101, -1, Int.max, Int.min] {
            XCTAssertThrowsError(try PageRequest(arguments: ["first": .int(n)], scope: "doctors")) {
                XCTAssertEqual(($0 as? PageArgumentError)?.argument, "first")
            }
        }
        XCTAssertThrowsError(try PageRequest(arguments: ["first": .int(101)], scope: "doctors")) {
            XCTAssertEqual(($0 as? PageArgumentError)?.message, "`first` must be between 0 and 100, got 101")
        }
    }

    func testPageRequestDecodesAfterAndNamesItWhenBad() throws {
        let c = Cursor(scope: "doctors", keys: [.string("Ana")], id: 3)
        XCTAssertEqual(try PageRequest(arguments: ["after": .string(c.encoded)], scope: "doctors").after, c)
        XCTAssertNil(try PageRequest(arguments: ["after": .null], scope: "doctors").after)
        XCTAssertThrowsError(try PageRequest(arguments: ["after": .string("garbage!")], scope: "doctors")) {
            XCTAssertEqual($0 as? PageArgumentError, PageArgumentError(argument: "after", message: "`after` is not a valid cursor"))
        }
        XCTAssertThrowsError(try PageRequest(arguments: ["after": .string(c.encoded)], scope: "patients")) {
            XCTAssertEqual(($0 as? PageArgumentError)?.argument, "after")
        }
    }

    func testPageSplitsOffTheExtraRow() {
        let p = PageRequest(first: 2, after: nil)
        XCTAssertTrue(p.page(of: [1, 2, 3]).hasNextPage)
        XCTAssertEqual(p.page(of: [1, 2, 3]).rows, [1, 2])
        XCTAssertFalse(p.page(of: [1, 2]).hasNextPage)
        let zero = PageRequest(first: 0, after: nil)
        XCTAssertEqual(zero.page(of: [1]).rows, [])
        XCTAssertTrue(zero.page(of: [1]).hasNextPage)
        XCTAssertFalse(zero.page(of: [Int]()).hasNextPage)
    }
}
