import XCTest
@testable import QueryLanguage

private func op(_ source: String, file: StaticString = #filePath, line: UInt = #line) throws -> OperationDefinition {
    let doc = try parse(source)
    guard case .operation(let o) = doc.definitions.first else {
        XCTFail("not an operation", file: file, line: line)
        throw GraphQLSyntaxError(message: "", line: 0, column: 0)
    }
    return o
}

private func field(_ s: Selection) -> Field? {
    if case .field(let f) = s { return f }
    return nil
}

final class ParserTests: XCTestCase {
    // MARK: executable definitions

    func testParsesNamedOperationsOfEveryType() throws {
        XCTAssertEqual(try op("query Q { a }").operation, .query)
        XCTAssertEqual(try op("mutation M { a }").operation, .mutation)
        XCTAssertEqual(try op("subscription S { a }").operation, .subscription)
        XCTAssertEqual(try op("subscription S { a }").name?.value, "S")
    }

    func testParsesVariableDefinitionsWithDefaultsAndDirectives() throws {
        let o = try op("query Q($a: Int = 1 @d, $b: [String!]!) { a }")
        XCTAssertEqual(o.variableDefinitions.count, 2)
        XCTAssertEqual(o.variableDefinitions[0].variable.name.value, "a")
        XCTAssertEqual(printType(o.variableDefinitions[0].type), "Int")
        XCTAssertEqual(o.variableDefinitions[0].defaultValue.map(printValue), "1")
        XCTAssertEqual(o.variableDefinitions[0].directives.map(\.name.value), ["d"])
        XCTAssertEqual(printType(o.variableDefinitions[1].type), "[String!]!")
        XCTAssertNil(o.variableDefinitions[1].defaultValue)
    }

    func testRejectsVariablesInDefaultValues() {
        assertSyntaxError("query Q($a: Int = $b) { a }", "Syntax Error: Unexpected variable \"$b\" in constant value.", 1, 19)
        assertSyntaxError("query Q($a: [Int] = [1, $b]) { a }", "Syntax Error: Unexpected variable \"$b\" in constant value.", 1, 25)
        assertSyntaxError("query Q($a: Int = $) { a }", "Syntax Error: Unexpected \"$\".", 1, 19)
        assertSyntaxError("type T { f(a: Int = $v): Int }", "Syntax Error: Unexpected variable \"$v\" in constant value.", 1, 21)
        assertSyntaxError("type T @d(a: $v)", "Syntax Error: Unexpected variable \"$v\" in constant value.", 1, 14)
    }

    func testParsesFieldsWithAliasesArgumentsDirectivesAndSelections() throws {
        let o = try op("{ alias: field(a: 1, b: $v) @skip(if: true) { sub } }")
        let f = try XCTUnwrap(field(o.selectionSet.selections[0]))
        XCTAssertEqual(f.alias?.value, "alias")
        XCTAssertEqual(f.name.value, "field")
        XCTAssertEqual(f.responseKey, "alias")
        XCTAssertEqual(f.arguments.map(\.name.value), ["a", "b"])
        guard case .variable(let v) = f.arguments[1].value else { return XCTFail() }
        XCTAssertEqual(v.name.value, "v")
        XCTAssertEqual(f.directives[0].name.value, "skip")
        XCTAssertEqual(f.selectionSet?.selections.count, 1)
    }

    func testParsesFragmentSpreadsAndInlineFragments() throws {
        let o = try op("{ ...F @d ... on T { a } ... @include(if: $x) { b } ... { c } }")
        let s = o.selectionSet.selections
        guard case .fragmentSpread(let fs) = s[0] else { return XCTFail() }
        XCTAssertEqual(fs.name.value, "F")
        XCTAssertEqual(fs.directives.count, 1)
        guard case .inlineFragment(let i1) = s[1], case .inlineFragment(let i2) = s[2], case .inlineFragment(let i3) = s[3] else { return XCTFail() }
        XCTAssertEqual(i1.typeCondition?.name.value, "T")
        XCTAssertNil(i2.typeCondition)
        XCTAssertEqual(i2.directives.count, 1)
        XCTAssertNil(i3.typeCondition)
    }

    func testParsesFragmentDefinitions() throws {
        let doc = try parse("fragment friendFields on User @d { id name profilePic(size: 50) }")
        guard case .fragment(let f) = doc.definitions[0] else { return XCTFail() }
        XCTAssertEqual(f.name.value, "friendFields")
        XCTAssertEqual(f.typeCondition.name.value, "User")
        XCTAssertEqual(f.selectionSet.selections.count, 3)
    }

    func testRejectsFragmentNamedOn() {
        assertSyntaxError("fragment on on T { a }", "Syntax Error: Unexpected Name \"on\".", 1, 10)
        assertSyntaxError("{ ...on }", "Syntax Error: Expected Name, found \"}\".", 1, 9)
    }

    func testAcceptsKeywordsAsNames() throws {
        let doc = try parse("query query { query mutation: fragment on subscription(on: on) }")
        XCTAssertEqual(printAST(doc), "query query {\n  query\n  mutation: fragment\n  on\n  subscription(on: on)\n}")
    }

    func testParsesSpecExampleDocument() throws {
        // GraphQL spec (October 2021) section 2.8 example.
        let source = """
        query withNestedFragments {
          user(id: 4) {
            friends(first: 10) {
              ...friendFields
            }
            mutualFriends(first: 10) {
              ...friendFields
            }
          }
        }

        fragment friendFields on User {
          id
          name
          ...standardProfilePic
        }

        fragment standardProfilePic on User {
          profilePic(size: 50)
        }
        """
        let doc = try parse(source)
        XCTAssertEqual(doc.definitions.count, 3)
        XCTAssertEqual(printAST(doc), source)
    }

    func testParsesAllValueLiterals() throws {
        let v = try parseValue(#"[1, -2.5e3, "s", """b""", true, false, null, ENUM, $var, [], {}, {a: [$x, {b: null}]}]"#)
        guard case .list(let items, _) = v else { return XCTFail() }
        XCTAssertEqual(items.count, 12)
        XCTAssertEqual(items[0], .int("1", items[0].loc))
        XCTAssertEqual(items[1], .float("-2.5e3", items[1].loc))
        XCTAssertEqual(items[2], .string("s", block: false, items[2].loc))
        XCTAssertEqual(items[3], .string("b", block: true, items[3].loc))
        XCTAssertEqual(items[4], .boolean(true, items[4].loc))
        XCTAssertEqual(items[6], .null(items[6].loc))
        XCTAssertEqual(items[7], .enumValue("ENUM", items[7].loc))
        XCTAssertEqual(printValue(v), #"[1, -2.5e3, "s", """b""", true, false, null, ENUM, $var, [], {}, {a: [$x, {b: null}]}]"#)
    }

    func testParseConstValueRejectsVariables() {
        XCTAssertThrowsError(try parseConstValue("[1, $x]")) { e in
            XCTAssertEqual((e as? GraphQLSyntaxError)?.message, "Syntax Error: Unexpected variable \"$x\" in constant value.")
        }
    }

    func testParseValueRejectsTrailingTokens() {
        XCTAssertThrowsError(try parseValue("1 2")) { e in
            XCTAssertEqual((e as? GraphQLSyntaxError)?.message, "Syntax Error: Expected <EOF>, found Int \"2\".")
        }
    }

    func testParsesTypeReferences() throws {
        XCTAssertEqual(printType(try parseType("String")), "String")
        XCTAssertEqual(printType(try parseType("[String!]!")), "[String!]!")
        XCTAssertEqual(printType(try parseType("[[Int]]")), "[[Int]]")
        guard case .nonNull(.list(.nonNull(.named(let n), _), _), _) = try parseType("[A!]!") else { return XCTFail() }
        XCTAssertEqual(n.name.value, "A")
        XCTAssertThrowsError(try parseType("String!!"))
        XCTAssertThrowsError(try parseType("[String"))
    }

    func testRecordsLocations() throws {
        let doc = try parse("query Q {\n  a\n  b: c(x: \"é\") d\n}")
        guard case .operation(let o) = doc.definitions[0] else { return XCTFail() }
        XCTAssertEqual(o.loc.line, 1)
        XCTAssertEqual(o.loc.column, 1)
        XCTAssertEqual(o.loc.end, 33)
        let fields = o.selectionSet.selections.compactMap(field)
        XCTAssertEqual(fields.map(\.loc.line), [2, 3, 3])
        XCTAssertEqual(fields.map(\.loc.column), [3, 3, 16])
        XCTAssertEqual(fields[1].alias?.loc.column, 3)
        XCTAssertEqual(fields[1].name.loc.column, 6)
        XCTAssertEqual(fields[1].arguments[0].value.loc.column, 11)
    }

    func testNoLocationOptionOmitsLocations() throws {
        let doc = try parse("{ a }", options: ParseOptions(noLocation: true))
        guard case .operation(let o) = doc.definitions[0] else { return XCTFail() }
        XCTAssertEqual(o.loc, .none)
    }

    // MARK: rejections

    func testRejectsMissingAndEmptySelectionSets() {
        assertSyntaxError("", "Syntax Error: Unexpected <EOF>.", 1, 1)
        assertSyntaxError("{", "Syntax Error: Expected Name, found <EOF>.", 1, 2)
        assertSyntaxError("query Q", "Syntax Error: Expected \"{\", found <EOF>.", 1, 8)
        assertSyntaxError("{ a { } }", "Syntax Error: Expected Name, found \"}\".", 1, 7)
        assertSyntaxError("{ ... on T }", "Syntax Error: Expected \"{\", found \"}\".", 1, 12)
    }

    func testRejectsEmptyArgumentLists() {
        assertSyntaxError("{ a() }", "Syntax Error: Expected Name, found \")\".", 1, 5)
        assertSyntaxError("query Q() { a }", "Syntax Error: Expected \"$\", found \")\".", 1, 9)
        assertSyntaxError("type T { f(): Int }", "Syntax Error: Expected Name, found \")\".", 1, 12)
    }

    func testRejectsDescriptionsOnExecutableDefinitions() {
        assertSyntaxError("\"d\" query { a }", "Syntax Error: Unexpected description, descriptions are supported only on type definitions.", 1, 1)
        assertSyntaxError("\"d\" extend type T @d", "Syntax Error: Unexpected description, descriptions are supported only on type definitions.", 1, 1)
        assertSyntaxError("\"d\" { a }", "Syntax Error: Unexpected \"{\".", 1, 5)
    }

    func testReportsErrorsOnLaterLines() {
        assertSyntaxError("{\n  a\n  ?\n}", "Syntax Error: Unexpected character: \"?\".", 3, 3)
        assertSyntaxError("{\r\n}", "Syntax Error: Expected Name, found \"}\".", 2, 1)
    }

    // MARK: type system

    func testParsesSchemaDefinitionWithDescription() throws {
        let doc = try parse("\"the schema\" schema @d { query: Q mutation: M subscription: S }")
        guard case .schema(let s) = doc.definitions[0] else { return XCTFail() }
        XCTAssertEqual(s.description?.value, "the schema")
        XCTAssertFalse(s.isExtension)
        XCTAssertEqual(s.operationTypes.map(\.operation), [.query, .mutation, .subscription])
        XCTAssertEqual(s.operationTypes.map(\.type.name.value), ["Q", "M", "S"])
    }

    func testParsesEveryTypeKind() throws {
        let doc = try parse("""
        scalar Date @specifiedBy(url: "x")
        type T implements I & J { f(a: Int = 1 @d): [T!] @deprecated }
        interface I implements J { f: Int }
        union U = | A | B
        enum E { A "b" B @d }
        input In { a: Int = 2, b: [String!]! }
        """)
        XCTAssertEqual(doc.definitions.count, 6)
        guard case .type(.scalar(let sc)) = doc.definitions[0], case .type(.object(let o)) = doc.definitions[1],
              case .type(.interface(let i)) = doc.definitions[2], case .type(.union(let u)) = doc.definitions[3],
              case .type(.enumeration(let e)) = doc.definitions[4], case .type(.inputObject(let inp)) = doc.definitions[5]
        else { return XCTFail() }
        XCTAssertEqual(sc.name.value, "Date")
        XCTAssertEqual(o.interfaces.map(\.name.value), ["I", "J"])
        XCTAssertEqual(o.fields[0].arguments[0].directives.count, 1)
        XCTAssertEqual(i.interfaces.map(\.name.value), ["J"])
        XCTAssertEqual(u.types.map(\.name.value), ["A", "B"])
        XCTAssertEqual(e.values.map(\.name.value), ["A", "B"])
        XCTAssertEqual(e.values[1].description?.value, "b")
        XCTAssertEqual(inp.fields.count, 2)
        XCTAssertEqual(doc.definitions.map { if case .type(let t) = $0 { return t.name.value } else { return "" } }, ["Date", "T", "I", "U", "E", "In"])
    }

    func testParsesTypesWithoutBodies() throws {
        let doc = try parse("type T interface I union U enum E input In")
        XCTAssertEqual(doc.definitions.count, 5)
    }

    func testParsesDirectiveDefinitions() throws {
        let doc = try parse("\"d\" directive @auth(role: Role = ADMIN) repeatable on | FIELD_DEFINITION | OBJECT")
        guard case .directive(let d) = doc.definitions[0] else { return XCTFail() }
        XCTAssertEqual(d.name.value, "auth")
        XCTAssertTrue(d.repeatable)
        XCTAssertEqual(d.locations.map(\.value), ["FIELD_DEFINITION", "OBJECT"])
        XCTAssertEqual(d.arguments[0].defaultValue.map(printValue), "ADMIN")
    }

    func testRejectsUnknownDirectiveLocations() {
        assertSyntaxError("directive @d on FOO", "Syntax Error: Unexpected Name \"FOO\".", 1, 17)
        assertSyntaxError("directive @d on FIELD | field", "Syntax Error: Unexpected Name \"field\".", 1, 25)
        assertSyntaxError("directive @d on", "Syntax Error: Expected Name, found <EOF>.", 1, 16)
        assertSyntaxError("directive @d(a: Int) FIELD", "Syntax Error: Expected \"on\", found Name \"FIELD\".", 1, 22)
    }

    func testParsesEveryExtensionForm() throws {
        let doc = try parse("""
        extend schema @d { query: Q }
        extend scalar S @d
        extend type T implements I
        extend interface I @d
        extend union U = A
        extend enum E { X }
        extend input In { a: Int }
        """)
        XCTAssertEqual(doc.definitions.count, 7)
        for def in doc.definitions {
            switch def {
            case .schema(let s): XCTAssertTrue(s.isExtension)
            case .type(let t): XCTAssertTrue(t.isExtension)
            default: XCTFail("unexpected definition")
            }
        }
    }

    func testRejectsEmptyExtensions() {
        assertSyntaxError("extend type X", "Syntax Error: Unexpected <EOF>.", 1, 14)
        assertSyntaxError("extend schema", "Syntax Error: Unexpected <EOF>.", 1, 14)
        assertSyntaxError("extend scalar S", "Syntax Error: Unexpected <EOF>.", 1, 16)
        assertSyntaxError("extend interface I {}", "Syntax Error: Expected Name, found \"}\".", 1, 21)
        assertSyntaxError("extend union U", "Syntax Error: Unexpected <EOF>.", 1, 15)
        assertSyntaxError("extend enum E", "Syntax Error: Unexpected <EOF>.", 1, 14)
        assertSyntaxError("extend input I", "Syntax Error: Unexpected <EOF>.", 1, 15)
        assertSyntaxError("extend directive @d on FIELD", "Syntax Error: Unexpected Name \"directive\".", 1, 8)
        assertSyntaxError("extend", "Syntax Error: Unexpected <EOF>.", 1, 7)
    }

    func testRejectsReservedEnumValues() {
        assertSyntaxError("enum E { true }", "Syntax Error: Name \"true\" is reserved and cannot be used for an enum value.", 1, 10)
        assertSyntaxError("enum E { A null }", "Syntax Error: Name \"null\" is reserved and cannot be used for an enum value.", 1, 12)
    }

    func testRejectsMalformedTypeDefinitions() {
        assertSyntaxError("type T {}", "Syntax Error: Expected Name, found \"}\".", 1, 9)
        assertSyntaxError("type T { a }", "Syntax Error: Expected \":\", found \"}\".", 1, 12)
        assertSyntaxError("union U = ", "Syntax Error: Expected Name, found <EOF>.", 1, 11)
        assertSyntaxError("schema {}", "Syntax Error: Expected Name, found \"}\".", 1, 9)
        assertSyntaxError("schema { foo: Bar }", "Syntax Error: Unexpected Name \"foo\".", 1, 10)
        assertSyntaxError("input I { a(x: Int): Int }", "Syntax Error: Expected \":\", found \"(\".", 1, 12)
    }

    // MARK: limits

    func testAcceptsExactlyMaxTokens() throws {
        var opts = ParseOptions()
        opts.maxTokens = 5
        XCTAssertNoThrow(try parse("{ a b c }", options: opts))
        XCTAssertThrowsError(try parse("{ a b c d }", options: opts)) { e in
            XCTAssertEqual((e as? GraphQLSyntaxError)?.message, "Syntax Error: Document contains more than 5 tokens. Parsing aborted.")
            XCTAssertEqual((e as? GraphQLSyntaxError)?.column, 11)
        }
    }

    func testSelectionLimitCountsFieldsFragmentsAndDirectives() throws {
        var opts = ParseOptions()
        opts.maxSelections = 5
        // a, ...F, @skip, inline fragment, b: five.
        XCTAssertNoThrow(try parse("{ a ...F @skip(if: true) ... on Q { b } }", options: opts))
        XCTAssertThrowsError(try parse("{ a ...F @skip(if: true) ... on Q { b c } }", options: opts)) { e in
            XCTAssertEqual((e as? GraphQLSyntaxError)?.message,
                           "Syntax Error: Document contains more than 5 fields, fragments and directives. Parsing aborted.")
            XCTAssertEqual((e as? GraphQLSyntaxError)?.column, 39)
        }
    }

    func testDefaultSelectionLimitIs2000() throws {
        XCTAssertNoThrow(try parse("{ " + String(repeating: "a ", count: 2_000) + "}"))
        XCTAssertThrowsError(try parse("{ " + String(repeating: "a @b ", count: 1_001) + "}")) { e in
            XCTAssertEqual((e as? GraphQLSyntaxError)?.message,
                           "Syntax Error: Document contains more than 2000 fields, fragments and directives. Parsing aborted.")
        }
    }

    func testRejectsDeepNestingOfObjectsAndListTypes() {
        var opts = ParseOptions()
        opts.maxTokens = 10_000_000
        let objects = "{ f(a: " + String(repeating: "{a: ", count: 100_000) + ") }"
        XCTAssertThrowsError(try parse(objects, options: opts)) { e in
            XCTAssertEqual((e as? GraphQLSyntaxError)?.message, "Syntax Error: Document nesting is deeper than 256 levels. Parsing aborted.")
        }
        let types = "query Q($a: " + String(repeating: "[", count: 100_000) + "Int" + String(repeating: "]", count: 100_000) + ") { a }"
        XCTAssertThrowsError(try parse(types, options: opts))
        let braces = String(repeating: "{a", count: 100_000)
        XCTAssertThrowsError(try parse(braces, options: opts))
    }

    func testAcceptsNestingUpToMaxDepth() throws {
        let ok = String(repeating: "{a", count: 256) + String(repeating: "}", count: 256)
        XCTAssertNoThrow(try parse(ok))
        let tooDeep = String(repeating: "{a", count: 257) + String(repeating: "}", count: 257)
        XCTAssertThrowsError(try parse(tooDeep))
        var opts = ParseOptions()
        opts.maxDepth = 3
        XCTAssertNoThrow(try parse("{a{b{c}}}", options: opts))
        XCTAssertThrowsError(try parse("{a{b{c{d}}}}", options: opts)) { e in
            XCTAssertEqual((e as? GraphQLSyntaxError)?.column, 7)
        }
    }
}
