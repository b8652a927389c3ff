// The JSON value, its strict parser and its serializer.
import TestSupport
import XCTest
import JSON

final class JSONTests: XCTestCase {
    func text(_ j: JSON) -> String { j.serializedString }

    func testEscapesEveryControlCharacterQuoteAndBackslash() {
        var s = ""
        for v in 0..<0x20 { s.unicodeScalars.append(Unicode.Scalar(v)!) }
        s += "\"\\/\u{7F}\u{2028}\u{2029}é😀"
        let out = text(.string(s))
        XCTAssertEqual(out, #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\"\\/"# + "\u{7F}\u{2028}\u{2029}é😀\"")
        XCTAssertEqual(try JSONParser.parse(out), .string(s), "round trip")
    }

    func testJavaScriptSafeEscapingAlsoCoversScriptCloseAndLineSeparators() {
        XCTAssertEqual(JSONWriter.quoted("a\"b\\c\nd</script>"), #""a\"b\\c\nd</script>""#)
        XCTAssertEqual(JSONWriter.quoted("a\"b\\c\nd</script>", escaping: .javaScriptSafe), #""a\"b\\c\nd\u003c/script>""#)
        XCTAssertEqual(JSONWriter.quoted("x\u{2028}y\u{2029}z\u{2030}é<!--", escaping: .javaScriptSafe),
                       "\"x\\u2028y\\u2029z\u{2030}é\\u003c!--\"")
        XCTAssertEqual(JSONWriter.quoted("\u{2028}", escaping: .javaScriptSafe), #""\u2028""#)
        XCTAssertEqual(JSONWriter.quoted("\u{E2}", escaping: .javaScriptSafe), "\"\u{E2}\"", "â is not a separator")
    }

    func testDuplicateKeysCanBeRefused() {
        XCTAssertThrowsError(try JSONParser.parse(#"{"alg":"HS256","alg":"none"}"#, duplicateKeys: .reject))
        let many = "{" + (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k3\":99}"
        XCTAssertThrowsError(try JSONParser.parse(many, duplicateKeys: .reject))
        XCTAssertEqual(try JSONParser.parse(#"{"a":{"b":1},"b":{"b":2}}"#, duplicateKeys: .reject)["b"], .object([("b", .int(2))]))
    }

    func testPrintsDoublesLikeJavaScript() {
        let cases: [(Double, String)] = [
            (1.0, "1"), (-2.0, "-2"), (0.5, "0.5"), (0.1, "0.1"), (-0.0, "0"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
            (123456789012345680000, "123456789012345680000"), (1e-7, "1e-7"), (0.000001, "0.000001"), (1.5e-10, "1.5e-10"),
            (2.5e300, "2.5e+300"), (9007199254740993, "9007199254740992"), (3.14159, "3.14159"), (1e16, "10000000000000000"),
            (Double.nan, "null"), (Double.infinity, "null"),
        ]
        for (d, expected) in cases { XCTAssertEqual(JSONWriter.javaScriptNumber(d), expected, "\(d)") }
    }

    func testSerializesNestedValuesInOrder() {
        let j = JSON.object([("z", .int(1)), ("a", .array([.null, .bool(true), .double(2.5), .string("x")])), ("m", .object([]))])
        XCTAssertEqual(text(j), #"{"z":1,"a":[null,true,2.5,"x"],"m":{}}"#)
    }

    func testParsesValidDocuments() throws {
        XCTAssertEqual(try JSONParser.parse(#" {"a": [1, -2, 3.5, 1e2, -0, true, false, null, "\u00e9\ud83d\ude00\n"], "b": {}} "#),
                       .object([("a", .array([.int(1), .int(-2), .double(3.5), .double(100), .int(0), .bool(true), .bool(false), .null, .string("é😀\n")])), ("b", .object([]))]))
        XCTAssertEqual(try JSONParser.parse("9223372036854775807"), .int(Int.max))
        XCTAssertEqual(try JSONParser.parse("9223372036854775808"), .double(9223372036854775808))
        XCTAssertEqual(try JSONParser.parse("\"\""), .string(""))
        XCTAssertEqual(try JSONParser.parse("[]"), .array([]))
    }

    func testDuplicateKeysLastValueWinsAtFirstPosition() throws {
        XCTAssertEqual(try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#), .object([("a", .int(3)), ("b", .int(2))]))
        let many = "{" + (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k3\":99}"
        XCTAssertEqual(try JSONParser.parse(many)["k3"], .int(99))
        if case .object(let m) = try JSONParser.parse(many) { XCTAssertEqual(m.count, 20) } else { XCTFail() }
    }

    func testRejectsNonRFC8259Input() {
        let bad: [String] = [
            "", " ", "[1,]", "{\"a\":1,}", "[1 2]", "01", "-01", "1.", ".5", "1e", "+1", "-", "NaN", "Infinity", "-Infinity",
            "// c\n1", "/* c */ 1", "{a:1}", "{'a':1}", "[\"a\" : 1]", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
            "\"\\x41\"", "\"abc", "\"a\u{01}b\"", "tru", "nul", "[1]x", "1 2", "{\"a\" 1}", "[", "{", "1e400", "\"\\u12\"",
            "\u{FEFF}1",
        ]
        for b in bad {
            XCTAssertThrowsError(try JSONParser.parse(b), "accepted \(b.debugDescription)")
        }
    }

    func testRejectsInvalidUTF8() {
        let bad: [[UInt8]] = [
            [0x22, 0xC0, 0x80, 0x22],  // overlong NUL
            [0x22, 0xE0, 0x80, 0x80, 0x22],  // overlong
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // > U+10FFFF
            [0x22, 0xFF, 0x22], [0x22, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22], [0x22, 0xF0, 0x9F, 0x98],
        ]
        for b in bad { XCTAssertThrowsError(try JSONParser.parse(b), "accepted \(b)") }
        XCTAssertEqual(try JSONParser.parse([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22]), .string("😀"))
    }

    func testEnforcesMaximumDepth() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        XCTAssertThrowsError(try JSONParser.parse(deep))
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        XCTAssertNoThrow(try JSONParser.parse(ok))
        XCTAssertThrowsError(try JSONParser.parse(String(repeating: "{\"a\":", count: 5) + "1" + String(repeating: "}", count: 5), maxDepth: 4))
        // Far deeper than the stack could take recursively: still a clean error.
        XCTAssertThrowsError(try JSONParser.parse(String(repeating: "[", count: 1_000_000)))
    }

    /// Deterministic fuzz: mutated valid documents and random bytes never
    /// crash; whatever parses re-serializes to text that parses back to it.
    func testFuzzNeverCrashesAndRoundTrips() {
        var rng = SplitMix64(seed: 0x5EED)
        let seeds: [[UInt8]] = [
            Array(#"{"query":"{ a { b } }","variables":{"x":[1,2.5,-3e-2,"\u00e9",null,true]},"operationName":null}"#.utf8),
            Array(#"[{"a":{"b":{"c":[[],{}]}}},"\ud83d\ude00",0,-0.0,1E+2]"#.utf8),
            Array("\"é😀\u{2028}\"".utf8),
        ]
        let alphabet: [UInt8] = Array("{}[]\",:\\/u0123456789abcdefABCDEFtrunlse.+-eE \n\t".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xFF]
        var accepted = 0
        for iteration in 0..<6000 {
            var bytes: [UInt8]
            if iteration % 4 == 3 {
                bytes = (0..<Int(rng.next() % 40)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            } else {
                bytes = seeds[Int(rng.next() % UInt64(seeds.count))]
                for _ in 0..<(1 + Int(rng.next() % 4)) where !bytes.isEmpty {
                    let pos = Int(rng.next() % UInt64(bytes.count))
                    switch rng.next() % 4 {
                    case 0: bytes[pos] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                    case 1: bytes.remove(at: pos)
                    case 2: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: pos)
                    default: bytes = Array(bytes[..<pos])
                    }
                }
            }
            if let v = try? JSONParser.parse(bytes) {
                accepted += 1
                // Integral doubles come back as ints: compare the texts.
                let again = try? JSONParser.parse(v.serialized())
                XCTAssertEqual(again?.serializedString, v.serializedString, "round trip of \(bytes)")
            }
        }
        XCTAssertGreaterThan(accepted, 100, "the fuzz also exercises accepted inputs")
    }

    func testWritesIntegersAndNonIntegralDoublesDirectly() {
        for i in [0, 7, 10, -1, -10, 123456789, Int.max, Int.min] {
            XCTAssertEqual(JSON.int(i).serializedString, String(i))
        }
        for d in [12.5, -0.25, 0.0001, 0.00001, 1e-7, 123456.789, 99999999999999.9, 1e15 + 0.5, 3.14159] {
            XCTAssertEqual(JSON.double(d).serializedString, JSONWriter.javaScriptNumber(d), "\(d)")
        }
    }
}
