import XCTest
@testable import QueryLanguage

/// Lexes `source` completely (helper for token-level tests).
func lexAll(_ source: String) throws(GraphQLSyntaxError) -> [(TokenKind, String, Int, Int)] {
    try withSourceBytes(source) { buf throws(GraphQLSyntaxError) in
        var lexer = Lexer(buf)
        var out: [(TokenKind, String, Int, Int)] = []
        while true {
            let t = try lexer.next()
            if t.kind == .eof { break }
            out.append((t.kind, (t.kind == .string || t.kind == .blockString) ? lexer.stringValue(t) : lexer.text(t.start, t.end), t.line, t.column))
        }
        return out
    }
}

func lexError(_ source: String) -> GraphQLSyntaxError? {
    do { _ = try lexAll(source); return nil } catch { return error }
}

func stringValue(_ literal: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
    do {
        let toks = try lexAll(literal)
        XCTAssertEqual(toks.count, 1, file: file, line: line)
        return toks.first?.1
    } catch {
        XCTFail("\(error)", file: file, line: line)
        return nil
    }
}

final class LexerTests: XCTestCase {
    func testLexesEveryPunctuator() throws {
        let kinds = try lexAll("! $ & ( ) ... : = @ [ ] { | }").map(\.0)
        XCTAssertEqual(kinds, [.bang, .dollar, .amp, .parenL, .parenR, .spread, .colon, .equals, .at, .bracketL, .bracketR, .braceL, .pipe, .braceR])
    }

    func testLexesNames() throws {
        let toks = try lexAll("a _b C9 __typename x_y_Z")
        XCTAssertEqual(toks.map(\.1), ["a", "_b", "C9", "__typename", "x_y_Z"])
        XCTAssertTrue(toks.allSatisfy { $0.0 == .name })
    }

    func testSkipsWhitespaceCommasCommentsAndBOM() throws {
        let toks = try lexAll("\u{FEFF} ,,\t# comment { }\n  a,b # trailing\r\n c")
        XCTAssertEqual(toks.map(\.1), ["a", "b", "c"])
        XCTAssertEqual(toks.map(\.2), [2, 2, 3])
        XCTAssertEqual(toks.map(\.3), [3, 5, 2])
    }

    func testCountsLineTerminatorsCRLFAndCR() throws {
        let toks = try lexAll("a\r\nb\rc\nd\r\r\ne")
        XCTAssertEqual(toks.map(\.2), [1, 2, 3, 4, 6])
    }

    func testColumnsCountUnicodeScalars() throws {
        // "é" is 2 bytes, "😀" 4 bytes: columns count scalars like graphql-core.
        let toks = try lexAll("\"é😀\" a # ü\n\"\"\"x\né\"\"\" b")
        XCTAssertEqual(toks[1].1, "a")
        XCTAssertEqual(toks[1].3, 6)
        XCTAssertEqual(toks[3].1, "b")
        XCTAssertEqual(toks[3].2, 3)
        XCTAssertEqual(toks[3].3, 6)
    }

    func testLexesIntsAndFloats() throws {
        let toks = try lexAll("0 -0 4 -4 9876543210 0.0 -1.5 1e10 1E10 1e+10 1e-10 1.5e-3 123.456E+7")
        XCTAssertEqual(toks.map(\.0), [.int, .int, .int, .int, .int, .float, .float, .float, .float, .float, .float, .float, .float])
        XCTAssertEqual(toks.map(\.1), ["0", "-0", "4", "-4", "9876543210", "0.0", "-1.5", "1e10", "1E10", "1e+10", "1e-10", "1.5e-3", "123.456E+7"])
    }

    func testRejectsLeadingZeros() {
        XCTAssertEqual(lexError("00")?.message, "Syntax Error: Invalid number, unexpected digit after 0: \"0\".")
        XCTAssertEqual(lexError("-01")?.column, 3)
    }

    func testRejectsTrailingDotAndMissingIntegerPart() {
        XCTAssertEqual(lexError("1.")?.message, "Syntax Error: Invalid number, expected digit but got: <EOF>.")
        XCTAssertEqual(lexError("1.a")?.message, "Syntax Error: Invalid number, expected digit but got: \"a\".")
        XCTAssertEqual(lexError(".5")?.message, "Syntax Error: Unexpected character: \".\".")
        XCTAssertEqual(lexError("1.e1")?.message, "Syntax Error: Invalid number, expected digit but got: \"e\".")
    }

    func testRejectsNameStartOrDotDirectlyAfterNumber() {
        XCTAssertEqual(lexError("1a")?.message, "Syntax Error: Invalid number, expected digit but got: \"a\".")
        XCTAssertEqual(lexError("1_")?.message, "Syntax Error: Invalid number, expected digit but got: \"_\".")
        XCTAssertEqual(lexError("1.5.1")?.message, "Syntax Error: Invalid number, expected digit but got: \".\".")
        XCTAssertEqual(lexError("1e5e")?.message, "Syntax Error: Invalid number, expected digit but got: \"e\".")
        XCTAssertEqual(lexError("1e")?.message, "Syntax Error: Invalid number, expected digit but got: <EOF>.")
        XCTAssertEqual(lexError("-")?.message, "Syntax Error: Invalid number, expected digit but got: <EOF>.")
        XCTAssertEqual(lexError("+1")?.message, "Syntax Error: Unexpected character: \"+\".")
    }

    func testLexesSimpleStringsAndEscapes() {
        XCTAssertEqual(stringValue("\"simple\""), "simple")
        XCTAssertEqual(stringValue("\"\""), "")
        XCTAssertEqual(stringValue(#"" white space ""#), " white space ")
        XCTAssertEqual(stringValue(#""quote \"""#), "quote \"")
        XCTAssertEqual(stringValue(#""escaped \n\r\b\t\f\/\\""#), "escaped \n\r\u{8}\t\u{C}/\\")
        XCTAssertEqual(stringValue(#""unicode \u1234\u5678\u90AB\uCDEF""#), "unicode \u{1234}\u{5678}\u{90AB}\u{CDEF}")
        XCTAssertEqual(stringValue(#""\u{1F600} \u{0041} \u{00000041}""#), "😀 A A")
        XCTAssertEqual(stringValue(#""pair \uD83D\uDE00""#), "pair 😀")
        XCTAssertEqual(stringValue("\"raw é😀\""), "raw é😀")
    }

    func testRejectsBadStrings() {
        XCTAssertEqual(lexError("\"no end")?.message, "Syntax Error: Unterminated string.")
        XCTAssertEqual(lexError("\"no end")?.column, 8)
        XCTAssertEqual(lexError("\"line\nbreak\"")?.message, "Syntax Error: Unterminated string.")
        XCTAssertEqual(lexError(#""bad \z""#)?.message, #"Syntax Error: Invalid character escape sequence: "\z"."#)
        XCTAssertEqual(lexError(#""bad \x""#)?.column, 6)
        XCTAssertEqual(lexError(#""bad \u1 esc""#)?.message, #"Syntax Error: Invalid Unicode escape sequence: "\u1 es"."#)
        XCTAssertEqual(lexError(#""bad \u{} esc""#)?.message, #"Syntax Error: Invalid Unicode escape sequence: "\u{}"."#)
        XCTAssertEqual(lexError(#""bad \u{110000}""#)?.message, #"Syntax Error: Invalid Unicode escape sequence: "\u{110000}"."#)
        XCTAssertEqual(lexError(#""bad \u{DFFF}""#)?.message, #"Syntax Error: Invalid Unicode escape sequence: "\u{DFFF}"."#)
    }

    func testRejectsLoneSurrogateEscapes() {
        XCTAssertEqual(lexError(#""lone \uD800""#)?.message, #"Syntax Error: Invalid Unicode escape sequence: "\uD800"."#)
        XCTAssertEqual(lexError(#""lone \uDC00x""#)?.message, #"Syntax Error: Invalid Unicode escape sequence: "\uDC00"."#)
        XCTAssertEqual(lexError(#""bad pair \uD83D\u0041""#)?.message, #"Syntax Error: Invalid Unicode escape sequence: "\uD83D"."#)
    }

    func testLexesBlockStringsWithIndentationRemoval() {
        XCTAssertEqual(stringValue(#""""simple""""#), "simple")
        XCTAssertEqual(stringValue(#"""" white space """"#), " white space ")
        XCTAssertEqual(stringValue(#""""contains " quote""""#), "contains \" quote")
        XCTAssertEqual(stringValue(#""""contains \""" triple quote""""#), "contains \"\"\" triple quote")
        XCTAssertEqual(stringValue("\"\"\"multi\nline\"\"\""), "multi\nline")
        XCTAssertEqual(stringValue("\"\"\"multi\rline\r\nnormalized\"\"\""), "multi\nline\nnormalized")
        XCTAssertEqual(stringValue(#""""unescaped \n\r\b\t\f\u1234""""#), #"unescaped \n\r\b\t\f\u1234"#)
        XCTAssertEqual(stringValue("\"\"\"\n\n    spans\n      multiple\n    lines\n\n  \"\"\""), "spans\n  multiple\nlines")
        XCTAssertEqual(stringValue("\"\"\"  first\n    second\n   third\"\"\""), "  first\n second\nthird")
        XCTAssertEqual(stringValue("\"\"\"   \n  \t \n\"\"\""), "")
    }

    func testTracksLinesAcrossBlockStrings() throws {
        let toks = try lexAll("\"\"\"a\n b\r\n c\"\"\" x")
        XCTAssertEqual(toks[1].1, "x")
        XCTAssertEqual(toks[1].2, 3)
        XCTAssertEqual(toks[1].3, 7)
    }

    func testRejectsUnterminatedBlockString() {
        XCTAssertEqual(lexError("\"\"\"abc\n  def")?.message, "Syntax Error: Unterminated string.")
        XCTAssertEqual(lexError("\"\"\"abc\n  def")?.line, 2)
        XCTAssertEqual(lexError("\"\"\"abc\n  def")?.column, 6)
    }

    func testRejectsUnexpectedCharacters() {
        XCTAssertEqual(lexError("?")?.message, "Syntax Error: Unexpected character: \"?\".")
        XCTAssertEqual(lexError("..")?.message, "Syntax Error: Unexpected character: \".\".")
        XCTAssertEqual(lexError("\u{7}")?.message, "Syntax Error: Unexpected character: U+0007.")
        XCTAssertEqual(lexError("é")?.message, "Syntax Error: Unexpected character: U+00E9.")
        XCTAssertEqual(lexError("😀")?.message, "Syntax Error: Unexpected character: U+1F600.")
        XCTAssertEqual(lexError("'a'")?.message, "Syntax Error: Unexpected single quote character ('), did you mean to use a double quote (\")?")
        XCTAssertEqual(lexError("a \"x\" ü")?.column, 7)
    }
}
