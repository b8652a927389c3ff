import XCTest
@testable import QueryLanguage

func syntaxError(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> GraphQLSyntaxError? {
    do {
        _ = try parse(source)
        XCTFail("expected a syntax error for \(source.debugDescription)", file: file, line: line)
        return nil
    } catch let e as GraphQLSyntaxError {
        return e
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
        return nil
    }
}

func assertSyntaxError(_ source: String, _ message: String, _ line: Int, _ column: Int, file: StaticString = #filePath, testLine: UInt = #line) {
    guard let e = syntaxError(source, file: file, line: testLine) else { return }
    XCTAssertEqual(e.message, message, file: file, line: testLine)
    XCTAssertEqual(e.line, line, "line", file: file, line: testLine)
    XCTAssertEqual(e.column, column, "column", file: file, line: testLine)
}

final class ParserBasicTests: XCTestCase {
    func testParsesShorthandQueryWithAliasArgumentsAndNestedSelection() throws {
        let doc = try parse("{ me: user(id: 4) { name } }")
        guard case .operation(let op) = doc.definitions[0] else { return XCTFail() }
        XCTAssertEqual(op.operation, .query)
        XCTAssertNil(op.name)
        guard case .field(let f) = op.selectionSet.selections[0] else { return XCTFail() }
        XCTAssertEqual(f.alias?.value, "me")
        XCTAssertEqual(f.name.value, "user")
        XCTAssertEqual(f.arguments[0].name.value, "id")
        XCTAssertEqual(f.arguments[0].value, .int("4", f.arguments[0].value.loc))
        XCTAssertEqual(f.loc.line, 1)
        XCTAssertEqual(f.loc.column, 3)
        XCTAssertEqual(f.selectionSet?.selections.count, 1)
    }

    func testParsesObjectTypeDefinitionWithInterfacesAndDescription() throws {
        let doc = try parse("\"\"\"A thing\"\"\" type Foo implements A & B @d { \"f\" f(a: Int = 1): [String!]! }")
        guard case .type(.object(let o)) = doc.definitions[0] else { return XCTFail() }
        XCTAssertEqual(o.description?.value, "A thing")
        XCTAssertEqual(o.description?.block, true)
        XCTAssertEqual(o.interfaces.map(\.name.value), ["A", "B"])
        XCTAssertEqual(o.fields[0].description?.value, "f")
        XCTAssertEqual(o.fields[0].arguments[0].defaultValue, .int("1", o.fields[0].arguments[0].defaultValue!.loc))
    }

    func testRejectsEmptySelectionSet() {
        assertSyntaxError("{}", "Syntax Error: Expected Name, found \"}\".", 1, 2)
    }

    func testRejectsLeadingZeroInInt() {
        assertSyntaxError("{ f(a: 01) }", "Syntax Error: Invalid number, unexpected digit after 0: \"1\".", 1, 9)
    }

    func testRejectsUnknownDefinitionKeyword() {
        assertSyntaxError("foo", "Syntax Error: Unexpected Name \"foo\".", 1, 1)
    }

    func testRejectsTooManyTokens() {
        // List items: tokens that are no selections (those have a lower limit).
        let src = "{ f(a: [" + String(repeating: "1 ", count: 15_000) + "]) }"
        assertSyntaxError(src, "Syntax Error: Document contains more than 15000 tokens. Parsing aborted.", 1, 29_997)
    }

    func testRejectsDeepSelectionNestingWithoutCrashing() {
        let src = String(repeating: "{a", count: 10_000) + String(repeating: "}", count: 10_000)
        let e = syntaxError(src)
        XCTAssertEqual(e?.message, "Syntax Error: Document nesting is deeper than 256 levels. Parsing aborted.")
    }

    func testRejectsDeepListNestingWithoutCrashing() {
        let src = "{ f(a: " + String(repeating: "[", count: 100_000) + ") }"
        var opts = ParseOptions()
        opts.maxTokens = 1_000_000
        XCTAssertThrowsError(try parse(src, options: opts)) { e in
            XCTAssertEqual((e as? GraphQLSyntaxError)?.message, "Syntax Error: Document nesting is deeper than 256 levels. Parsing aborted.")
        }
    }
}
