import JSON
import XCTest
import QueryLanguage
@testable import Schema

/// A custom scalar for tests: accepts "YYYY-MM-DD" strings only.
struct TestDateScalar: ScalarCoercing {
    func parseValue(_ value: JSON) throws -> JSON {
        guard case .string(let s) = value, s.count == 10, s.split(separator: "-").count == 3 else {
            throw CoercionFailure("Date cannot represent value: \(value)")
        }
        return value
    }
    func parseLiteral(_ value: ValueNode) throws -> JSON {
        guard case .string(let s, _, _) = value else { throw CoercionFailure("Date must be a string") }
        return try parseValue(.string(s))
    }
    func serialize(_ value: JSON) throws -> JSON { value }
}

final class CoercionTests: XCTestCase {
    static let sdl = """
    scalar Date
    enum Color { RED GREEN BLUE }
    input Point { x: Int!, y: Int = 7, label: String }
    input Filter { color: Color, points: [Point!], on: Date, nested: Filter }
    type Query {
      f(a: Int, b: Int! = 3, c: [Int], color: Color, filter: Filter, req: String!): String
    }
    """
    var schema: GraphQLSchema!
    let scalars: [String: any ScalarCoercing] = ["Date": TestDateScalar()]

    override func setUpWithError() throws { schema = try SchemaBuilder.build(sdl: Self.sdl) }

    func variables(_ defs: String, _ inputs: [String: JSON]) throws -> Result<[String: JSON], CoercionErrors> {
        let doc = try parse("query Q\(defs) { f(req: \"x\") }")
        guard case .operation(let op) = doc.definitions[0] else { fatalError() }
        return coerceVariableValues(schema: schema, scalars: scalars, definitions: op.variableDefinitions, inputs: inputs)
    }

    func messages(_ r: Result<[String: JSON], CoercionErrors>) -> [String] {
        if case .failure(let e) = r { return e.errors.map(\.message) }
        return []
    }

    // MARK: Built-in scalars

    func testIntAcceptsIntegersAndIntegralDoubles() throws {
        XCTAssertEqual(try BuiltinScalars.all["Int"]!.parseValue(.int(5)), .int(5))
        XCTAssertEqual(try BuiltinScalars.all["Int"]!.parseValue(.double(5.0)), .int(5))
    }

    func testIntRejectsValuesOutside32Bits() {
        XCTAssertThrowsError(try BuiltinScalars.all["Int"]!.parseValue(.int(2147483648))) { e in
            XCTAssertEqual((e as? CoercionFailure)?.message, "Int cannot represent non 32-bit signed integer value: 2147483648")
        }
        XCTAssertThrowsError(try BuiltinScalars.all["Int"]!.parseLiteral(.int("-2147483649", .none)))
        XCTAssertEqual(try BuiltinScalars.all["Int"]!.parseLiteral(.int("-2147483648", .none)), .int(-2147483648))
    }

    func testIntRejectsFractionsStringsAndBooleans() {
        for v: JSON in [.double(1.5), .string("1"), .bool(true), .null] {
            XCTAssertThrowsError(try BuiltinScalars.all["Int"]!.parseValue(v))
        }
        XCTAssertThrowsError(try BuiltinScalars.all["Int"]!.parseLiteral(.float("1.0", .none))) { e in
            XCTAssertEqual((e as? CoercionFailure)?.message, "Int cannot represent non-integer value: 1.0")
        }
    }

    func testFloatAcceptsIntegersAndRejectsStrings() throws {
        XCTAssertEqual(try BuiltinScalars.all["Float"]!.parseValue(.int(3)), .double(3))
        XCTAssertEqual(try BuiltinScalars.all["Float"]!.parseLiteral(.int("3", .none)), .double(3))
        XCTAssertThrowsError(try BuiltinScalars.all["Float"]!.parseValue(.string("3.0"))) { e in
            XCTAssertEqual((e as? CoercionFailure)?.message, "Float cannot represent non numeric value: \"3.0\"")
        }
    }

    func testStringAndBooleanAreStrict() {
        XCTAssertThrowsError(try BuiltinScalars.all["String"]!.parseValue(.int(1)))
        XCTAssertThrowsError(try BuiltinScalars.all["Boolean"]!.parseValue(.int(1)))
        XCTAssertThrowsError(try BuiltinScalars.all["Boolean"]!.parseLiteral(.string("true", block: false, .none))) { e in
            XCTAssertEqual((e as? CoercionFailure)?.message, "Boolean cannot represent a non boolean value: \"true\"")
        }
    }

    func testIDAcceptsStringsAndIntegersAsStrings() throws {
        XCTAssertEqual(try BuiltinScalars.all["ID"]!.parseValue(.int(42)), .string("42"))
        XCTAssertEqual(try BuiltinScalars.all["ID"]!.parseLiteral(.int("42", .none)), .string("42"))
        XCTAssertThrowsError(try BuiltinScalars.all["ID"]!.parseValue(.double(1.5)))
        XCTAssertThrowsError(try BuiltinScalars.all["ID"]!.parseLiteral(.float("1.5", .none)))
    }

    func testSerializeMatchesGraphQLJS() throws {
        XCTAssertEqual(try BuiltinScalars.all["Int"]!.serialize(.bool(true)), .int(1))
        XCTAssertEqual(try BuiltinScalars.all["String"]!.serialize(.int(3)), .string("3"))
        XCTAssertEqual(try BuiltinScalars.all["Boolean"]!.serialize(.int(0)), .bool(false))
        XCTAssertThrowsError(try BuiltinScalars.all["Int"]!.serialize(.double(1.5)))
    }

    // MARK: Variables

    func testRejectsNonIntegerVariableWithGraphQLJSMessage() throws {
        let r = try variables("($x: Int)", ["x": .string("a")])
        XCTAssertEqual(messages(r), ["Variable \"$x\" got invalid value \"a\"; Int cannot represent non-integer value: \"a\""])
        if case .failure(let e) = r {
            XCTAssertEqual(e.errors[0].code, "BAD_USER_INPUT")
            XCTAssertEqual(e.errors[0].locations, [ErrorLocation(line: 1, column: 9)])
        }
    }

    func testMissingRequiredVariableIsReported() throws {
        XCTAssertEqual(messages(try variables("($x: Int!)", [:])), ["Variable \"$x\" of required type \"Int!\" was not provided."])
    }

    func testNullForNonNullVariableIsReported() throws {
        XCTAssertEqual(messages(try variables("($x: Int!)", ["x": .null])), ["Variable \"$x\" of non-null type \"Int!\" must not be null."])
    }

    func testMissingOptionalVariableStaysAbsentButNullIsKept() throws {
        XCTAssertEqual(try variables("($x: Int)", [:]).get(), [:])
        XCTAssertEqual(try variables("($x: Int)", ["x": .null]).get(), ["x": .null])
    }

    func testVariableDefaultIsUsedWhenMissing() throws {
        XCTAssertEqual(try variables("($x: Int = 4, $c: Color = RED)", [:]).get(), ["x": .int(4), "c": .string("RED")])
    }

    func testSingleValueIsWrappedIntoAList() throws {
        XCTAssertEqual(try variables("($x: [Int])", ["x": .int(1)]).get(), ["x": .array([.int(1)])])
    }

    func testListItemErrorsNameTheIndex() throws {
        XCTAssertEqual(messages(try variables("($x: [Int!])", ["x": .array([.int(1), .null])])),
                       ["Variable \"$x\" got invalid value null at \"x[1]\"; Expected non-nullable type \"Int!\" not to be null."])
    }

    func testEnumVariablesAreCheckedWithSuggestions() throws {
        XCTAssertEqual(try variables("($c: Color)", ["c": .string("RED")]).get(), ["c": .string("RED")])
        XCTAssertEqual(messages(try variables("($c: Color)", ["c": .string("RDE")])),
                       ["Variable \"$c\" got invalid value \"RDE\"; Value \"RDE\" does not exist in \"Color\" enum. Did you mean the enum value \"RED\"?"])
        XCTAssertEqual(messages(try variables("($c: Color)", ["c": .int(1)])),
                       ["Variable \"$c\" got invalid value 1; Enum \"Color\" cannot represent non-string value: 1."])
    }

    func testInputObjectDefaultsRequiredAndUnknownFields() throws {
        XCTAssertEqual(try variables("($p: Point)", ["p": .object([("x", .int(1))])]).get(), ["p": .object([("x", .int(1)), ("y", .int(7))])])
        XCTAssertEqual(messages(try variables("($p: Point)", ["p": .object([("y", .int(1))])])),
                       ["Variable \"$p\" got invalid value { y: 1 }; Field \"x\" of required type \"Int!\" was not provided."])
        XCTAssertEqual(messages(try variables("($p: Point)", ["p": .object([("x", .int(1)), ("lable", .string("a"))])])),
                       ["Variable \"$p\" got invalid value { x: 1, lable: \"a\" }; Field \"lable\" is not defined by type \"Point\". Did you mean \"label\"?"])
        XCTAssertEqual(messages(try variables("($p: Point)", ["p": .int(3)])),
                       ["Variable \"$p\" got invalid value 3; Expected type \"Point\" to be an object."])
    }

    /// An integral number beyond Int64 (but below 1e21) quoted in an error used to
    /// trap converting it to Int64: one request crashed the server (found by
    /// fuzz/run.sh coercion). JavaScript prints it in plain digits.
    func testHugeIntegralNumbersAreQuotedNotTrapped() throws {
        XCTAssertEqual(formatDouble(1e20), "100000000000000000000")
        XCTAssertEqual(formatDouble(-1.5e20), "-150000000000000000000")
        XCTAssertEqual(formatDouble(9.3e18), "9300000000000000000")
        XCTAssertEqual(formatDouble(1e21), "1e+21")
        XCTAssertEqual(formatDouble(42), "42")
        let schema = try SchemaBuilder.build(sdl: "type Query { f(a: Int, b: Float!, i: ID): Int }")
        let doc = try parse("query($a: Int, $b: Float!, $i: ID) { f(a: $a, b: $b, i: $i) }")
        guard case .operation(let op) = doc.definitions[0] else { return XCTFail() }
        let huge = try JSONParser.parse(Array(#"{"a": 10737414444444444423, "b": 14444444444444444, "i": 1e20}"#.utf8))
        guard case .object(let members) = huge else { return XCTFail() }
        switch coerceVariableValues(schema: schema, scalars: [:], definitions: op.variableDefinitions,
                                    inputs: Dictionary(uniqueKeysWithValues: members)) {
        case .success(let v): XCTFail("\(v)")
        case .failure(let f):
            XCTAssertEqual(f.errors.count, 2, "\(f.errors.map(\.message))")
            XCTAssertTrue(f.errors[0].message.contains("Int cannot represent non 32-bit signed integer value: 1073741444444444"), f.errors[0].message)
            XCTAssertTrue(f.errors[1].message.contains("100000000000000000000"), f.errors[1].message)
        }
    }

    /// Each unknown field's error quotes the whole object, so n unknown fields made n errors of n fields
    /// each: quadratic (found with fuzz/run.sh coercion's slow units: 2,000 keys give 2,000 messages of
    /// 30 KB; a 1 MiB body asks for gigabytes). As graphql-js's execute (maxErrors: 50), the 51st error
    /// stops coercion with one "Too many errors" error instead.
    func testVariableErrorsStopAtFiftyLikeGraphQLJS() throws {
        let unknownFields = (0..<2_000).map { ("unknown\($0)", JSON.int($0)) }
        let r = try variables("($p: Point, $q: Point)", ["p": .object([("x", .int(1))] + unknownFields), "q": .int(1)])
        guard case .failure(let failure) = r else { return XCTFail("expected errors") }
        XCTAssertEqual(failure.errors.count, 51)
        XCTAssertEqual(failure.errors.last?.message, "Too many errors processing variables, error limit reached. Execution aborted.")
        XCTAssertEqual(failure.errors.last?.code, "BAD_USER_INPUT")
        XCTAssertTrue(failure.errors[0].message.hasPrefix("Variable \"$p\" got invalid value { x: 1, unknown0: 0, "))

        // Under the limit nothing changes: every error is reported.
        let few = try variables("($p: Point)", ["p": .object([("x", .int(1))] + unknownFields.prefix(50))])
        XCTAssertEqual(messages(few).count, 50)
        XCTAssertFalse(messages(few).contains { $0.hasPrefix("Too many errors") })
    }

    func testNestedErrorsGiveThePathInMessageAndExtensions() throws {
        let r = try variables("($f: Filter)", ["f": .object([("points", .array([.object([("x", .string("no"))])]))])])
        XCTAssertEqual(messages(r), ["Variable \"$f\" got invalid value \"no\" at \"f.points[0].x\"; Int cannot represent non-integer value: \"no\""])
        if case .failure(let e) = r { XCTAssertEqual(e.errors[0].extensions.first { $0.0 == "field" }?.1, .string("f.points[0].x")) }
    }

    func testCustomScalarCoercerRejectsMalformedValues() throws {
        XCTAssertEqual(try variables("($d: Date)", ["d": .string("2026-12-01")]).get(), ["d": .string("2026-12-01")])
        XCTAssertEqual(messages(try variables("($f: Filter)", ["f": .object([("on", .string("tomorrow"))])])),
                       ["Variable \"$f\" got invalid value \"tomorrow\" at \"f.on\"; Date cannot represent value: string(\"tomorrow\")"])
    }

    func testNonInputVariableTypeIsRejected() throws {
        XCTAssertEqual(messages(try variables("($q: Query)", ["q": .null])),
                       ["Variable \"$q\" expected value of type \"Query\" which cannot be used as an input type."])
    }

    // MARK: Arguments

    func field(_ text: String) throws -> Field {
        let doc = try parse("{ \(text) }")
        guard case .operation(let op) = doc.definitions[0], case .field(let f) = op.selectionSet.selections[0] else { fatalError() }
        return f
    }

    func arguments(_ text: String, _ vars: [String: JSON] = [:]) throws -> Result<[String: JSON], GraphQLError> {
        let f = try field(text)
        guard case .object(let q)? = schema.types["Query"] else { fatalError() }
        return coerceArgumentValues(schema: schema, scalars: scalars, definitions: q.field("f")!.arguments, arguments: f.arguments,
                                    variables: vars, location: f.loc)
    }

    func testArgumentDefaultsAreAppliedAndAbsentOptionalsOmitted() throws {
        XCTAssertEqual(try arguments("f(req: \"r\")").get(), ["b": .int(3), "req": .string("r")])
    }

    func testExplicitNullArgumentIsKept() throws {
        XCTAssertEqual(try arguments("f(req: \"r\", a: null)").get(), ["a": .null, "b": .int(3), "req": .string("r")])
    }

    func testArgumentListOfOneValueAndEnum() throws {
        XCTAssertEqual(try arguments("f(req: \"r\", c: 5, color: GREEN)").get(),
                       ["b": .int(3), "c": .array([.int(5)]), "color": .string("GREEN"), "req": .string("r")])
    }

    func testArgumentFromVariablesAndMissingVariableFallsBackToDefault() throws {
        XCTAssertEqual(try arguments("f(req: $r, b: $missing)", ["r": .string("v")]).get(), ["b": .int(3), "req": .string("v")])
    }

    func testMissingRequiredArgumentAndRequiredVariable() throws {
        XCTAssertThrowsError(try arguments("f(a: 1)").get()) { e in
            XCTAssertEqual((e as? GraphQLError)?.message, "Argument \"req\" of required type \"String!\" was not provided.")
        }
        XCTAssertThrowsError(try arguments("f(req: $r)").get()) { e in
            XCTAssertEqual((e as? GraphQLError)?.message,
                           "Argument \"req\" of required type \"String!\" was provided the variable \"$r\" which was not provided a runtime value.")
        }
    }

    func testInvalidArgumentLiteralIsReported() throws {
        XCTAssertThrowsError(try arguments("f(req: \"r\", a: \"x\")").get()) { e in
            XCTAssertEqual((e as? GraphQLError)?.message, "Argument \"a\" has invalid value \"x\".")
        }
    }

    func testInputObjectLiteralWithNestedVariablesAndDefaults() throws {
        let r = try arguments("f(req: \"r\", filter: {points: [{x: $x}], color: BLUE})", ["x": .int(9)]).get()
        XCTAssertEqual(r["filter"], .object([("color", .string("BLUE")), ("points", .array([.object([("x", .int(9)), ("y", .int(7))])]))]))
    }

    // MARK: valueFromAST

    func testValueFromASTDistinguishesInvalidFromNull() throws {
        XCTAssertNil(valueFromAST(schema: schema, scalars: scalars, value: .null(.none), type: .nonNull(.named("Int")), variables: nil))
        XCTAssertEqual(valueFromAST(schema: schema, scalars: scalars, value: .null(.none), type: .named("Int"), variables: nil), .null)
        XCTAssertNil(valueFromAST(schema: schema, scalars: scalars, value: .enumValue("PURPLE", .none), type: .named("Color"), variables: nil))
        XCTAssertNil(valueFromAST(schema: schema, scalars: scalars, value: .string("x", block: false, .none), type: .named("Date"), variables: nil))
        XCTAssertEqual(valueFromAST(schema: schema, scalars: scalars, value: .list([.variable(Variable(name: Name(value: "m")))], .none),
                                    type: .list(.named("Int")), variables: [:]), .array([.null]))
        XCTAssertNil(valueFromAST(schema: schema, scalars: scalars, value: .list([.variable(Variable(name: Name(value: "m")))], .none),
                                  type: .list(.nonNull(.named("Int"))), variables: [:]))
    }
}
