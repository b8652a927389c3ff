// Operation limits (contract INTERFACE.md "Operation limits").
import Foundation
import JSON
import XCTest
@testable import Schema
import QueryLanguage

final class LimitsTests: XCTestCase {
    static let contract: GraphQLSchema = {
        let sdl = (try? String(contentsOfFile: contractSDLPath(), encoding: .utf8)) ?? ""
        return (try? SchemaBuilder.build(sdl: sdl)) ?? GraphQLSchema(types: [:], typeNames: [], queryType: "Query", directives: [], possibleTypes: [:])
    }()

    func measure(_ query: String, variables: [String: JSON] = [:], schema: GraphQLSchema = LimitsTests.contract) throws -> OperationComplexity {
        let m = measureOperation(schema: schema, document: try parse(query), operationName: nil, variables: variables)
        return try XCTUnwrap(m)
    }

    func testDepthCountsFieldsOnTheLongestChainLeafIncluded() throws {
        XCTAssertEqual(try measure("{ me { id } }").depth, 2)
        XCTAssertEqual(try measure("{ __typename }").depth, 1)
        XCTAssertEqual(try measure("{ doctors { edges { node { user { email } } } } specializations }").depth, 5)
        XCTAssertEqual(try measure("query { ...A } fragment A on Query { doctors { ...B } } fragment B on DoctorConnection { nodes { ... on Doctor { id } } }").depth, 3)
    }

    func testFieldsInsideSchemaAndTypeDoNotCount() throws {
        let full = try String(contentsOf: executionFixture("introspection/graphql-core-full.graphql"), encoding: .utf8)
        let m = try measure(full)
        XCTAssertEqual(m.depth, 1)
        XCTAssertEqual(m.cost, OperationLimits().schemaIntrospectionCost)
        XCTAssertFalse(m.introspectionTooDeep)
        XCTAssertNil(checkLimits(schema: LimitsTests.contract, document: try parse(full), operationName: nil, variables: [:], limits: OperationLimits()))
    }

    func testEveryStandardIntrospectionQueryPasses() throws {
        for q in ["graphql-core-full.graphql", "graphiql.graphql", "graphql-codegen.graphql", "apollo-classic.graphql"] {
            let text = try String(contentsOf: executionFixture("introspection/" + q), encoding: .utf8)
            XCTAssertNil(checkLimits(schema: LimitsTests.contract, document: try parse(text), operationName: nil, variables: [:],
                                     limits: OperationLimits()), q)
        }
    }

    func testEachIntrospectionRootFieldCostsItsAnswer() throws {
        // Aliases asked the schema many times for the cost of one field each.
        let twice = "{ a: __schema { types { name } } b: __schema { types { name } } }"
        XCTAssertEqual(try measure(twice).cost, 12_000)
        let e = checkLimits(schema: LimitsTests.contract, document: try parse(twice), operationName: nil, variables: [:], limits: OperationLimits())
        XCTAssertEqual(e?.message, "Query is too complex: cost 12000 exceeds the maximum of 10000.")
        XCTAssertEqual(e?.code, "QUERY_TOO_COMPLEX")
        let types = (0..<20).map { "t\($0): __type(name: \"Doctor\") { name fields { name } }" }.joined(separator: " ")
        XCTAssertEqual(try measure("{ \(types) }").cost, 12_000)
        // One schema, a few types and a data query fit.
        XCTAssertNil(checkLimits(schema: LimitsTests.contract, document: try parse("{ __schema { queryType { name } } a: __type(name: \"Doctor\") { name } b: __type(name: \"User\") { name } me { id } }"),
                                 operationName: nil, variables: [:], limits: OperationLimits()))
    }

    func testThirdNestedIntrospectionListLevelIsRejected() throws {
        let two = "{ __schema { types { fields { type { fields { name } } } } } }"
        XCTAssertFalse(try measure(two).introspectionTooDeep)
        let three = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
        XCTAssertTrue(try measure(three).introspectionTooDeep)
        let viaFragments = "{ __type(name: \"Doctor\") { ...A } } fragment A on __Type { interfaces { ...B } } fragment B on __Type { possibleTypes { inputFields { name } } }"
        XCTAssertTrue(try measure(viaFragments).introspectionTooDeep)
        let e = checkLimits(schema: LimitsTests.contract, document: try parse(three), operationName: nil, variables: [:], limits: OperationLimits())
        XCTAssertEqual(e?.message, "Maximum introspection depth exceeded")
        XCTAssertEqual(e?.code, "QUERY_TOO_COMPLEX")
    }

    func testConnectionsMultiplyBySizeAndEdgesDoNotMultiplyAgain() throws {
        // doctors: 1 + 20 × (nodes: 1 + 1 × id 1) = 41 (default first: 20)
        XCTAssertEqual(try measure("{ doctors { nodes { id } } }").cost, 41)
        // 1 + 5 × (edges (1 + cursor 1 + node (1 + 2)) + totalCount 1) = 31
        XCTAssertEqual(try measure("{ doctors(first: 5) { edges { cursor node { id bio } } totalCount } }").cost, 31)
        // A variable counts with its value, capped at 100; a missing one with its default.
        XCTAssertEqual(try measure("query($n: Int) { doctors(first: $n) { totalCount } }", variables: ["n": .int(7)]).cost, 8)
        XCTAssertEqual(try measure("query($n: Int) { doctors(first: $n) { totalCount } }", variables: ["n": .int(100_000)]).cost, 101)
        XCTAssertEqual(try measure("query($n: Int = 3) { doctors(first: $n) { totalCount } }").cost, 4)
        XCTAssertEqual(try measure("query($n: Int) { doctors(first: $n) { totalCount } }").cost, 21)
    }

    func testConnectionSizeIsTheCoercedArgument() throws {
        // Execution coerces 1e2 (a JSON float) to the Int 100: it must cost 100, not the default 20.
        let q = "query($n: Int) { doctors(first: $n) { totalCount } }"
        XCTAssertEqual(try measure(q, variables: ["n": .double(100)]).cost, 101)
        XCTAssertEqual(try measure(q, variables: ["n": .double(7)]).cost, 8)
        // null runs as the default (PageRequest), so it costs as the default.
        XCTAssertEqual(try measure(q, variables: ["n": .null]).cost, 21)
        // A literal float is invalid for Int (validation rejects it); a
        // variable that fails coercion leaves the verdict to execution.
        XCTAssertNil(measureOperation(schema: LimitsTests.contract, document: try parse(q), operationName: nil, variables: ["n": .double(1.5)]))
        XCTAssertNil(checkLimits(schema: LimitsTests.contract, document: try parse(q), operationName: nil, variables: ["n": .string("100")],
                                 limits: OperationLimits(maxDepth: 1, maxCost: 1)))
        // Inside fragments and with a variable default.
        XCTAssertEqual(try measure("query($n: Int = 50) { ...F } fragment F on Query { doctors(first: $n) { totalCount } }").cost, 51)
    }

    func testRootMutationFieldsAreBoundedWithEachAliasCounted() throws {
        func logins(_ n: Int) -> String {
            "mutation { " + (0..<n).map { "l\($0): login(email: \"a@b.c\", password: \"x\") { accessToken }" }.joined(separator: " ") + " }"
        }
        XCTAssertEqual(try measure(logins(10)).rootMutationFields, 10)
        XCTAssertNil(checkLimits(schema: LimitsTests.contract, document: try parse(logins(10)), operationName: nil, variables: [:], limits: OperationLimits()))
        let e = checkLimits(schema: LimitsTests.contract, document: try parse(logins(11)), operationName: nil, variables: [:], limits: OperationLimits())
        XCTAssertEqual(e?.message, "Query is too complex: 11 root mutation fields exceed the maximum of 10.")
        XCTAssertEqual(e?.code, "QUERY_TOO_COMPLEX")
        XCTAssertNotNil(checkLimits(schema: LimitsTests.contract, document: try parse(logins(3)), operationName: nil, variables: [:],
                                    limits: OperationLimits(maxRootMutationFields: 2)))
        // Fragments expanded (each once), the same response name once, queries not counted.
        let viaFragments = "mutation { ...A ...A ... on Mutation { a: login(email: \"x\", password: \"y\") { accessToken } b: logout } } fragment A on Mutation { a: login(email: \"x\", password: \"y\") { accessToken } c: logout }"
        XCTAssertEqual(rootFieldCount(document: try parse(viaFragments), operationName: nil), 3)
        XCTAssertEqual(try measure("{ a: me { id } b: me { id } }").rootMutationFields, 0)
        XCTAssertEqual(rootFieldCount(document: try parse("query A { me { id } } mutation B { logout }"), operationName: "A"), 1)
    }

    func testOtherListsMultiplyByTenAndLeavesCostOne() throws {
        // specializations is a leaf list: 1; workingHours: 1 + 10 × 2 = 21; doctor 1 + (1 + 21) = 23
        XCTAssertEqual(try measure("{ specializations doctor(id: \"x\") { id workingHours { weekday start } } }").cost, 24)
    }

    func testAliasesCountSeparately() throws {
        // 1,000 aliases of a list field costing 1 + 10 × 1 each, under doctor (1).
        let fields = (0..<1_000).map { "a\($0): workingHours { weekday }" }.joined(separator: " ")
        let doc = try parse("{ doctor(id: \"1\") { \(fields) } }", options: ParseOptions(maxSelections: .max))
        let e = checkLimits(schema: LimitsTests.contract, document: doc, operationName: nil, variables: [:], limits: OperationLimits())
        XCTAssertEqual(e?.message, "Query is too complex: cost 11001 exceeds the maximum of 10000.")
        XCTAssertEqual(e?.code, "QUERY_TOO_COMPLEX")
        let plain = (0..<1_900).map { "a\($0): specializations" }.joined(separator: " ")
        XCTAssertEqual(try measure("{ \(plain) }").cost, 1_900)
    }

    func testDepthOverTheMaximumNamesLimitAndValue() throws {
        var q = "email"
        for _ in 0..<6 { q = "user { doctor { \(q) } }" }
        let e = checkLimits(schema: LimitsTests.contract, document: try parse("{ me { doctor { \(q) } } }"), operationName: nil, variables: [:], limits: OperationLimits())
        XCTAssertEqual(e?.message, "Query is too complex: depth 15 exceeds the maximum of 12.")
        XCTAssertNil(checkLimits(schema: LimitsTests.contract, document: try parse("{ me { doctor { \(q) } } }"), operationName: nil, variables: [:], limits: OperationLimits(maxDepth: 15, maxCost: .max)))
    }

    func testNestedConnectionsSaturateInsteadOfOverflowing() throws {
        var q = "id"
        for _ in 0..<12 { q = "appointments(first: 100) { nodes { doctor { \(q) } } }" }
        let m = try measure("{ doctor(id: \"1\") { \(q) } }")
        XCTAssertEqual(m.cost, Int.max)
    }

    func testFragmentHeavyDocumentsAreMeasuredFast() throws {
        // F0 spreads F1 twice, F1 spreads F2 twice, … : 2^40 expanded paths.
        let schema = try SchemaBuilder.build(sdl: "type Query { q: Query n: Int }")
        var text = "{ ...F0 }\n"
        for i in 0..<40 { text += "fragment F\(i) on Query { a: q { ...F\(i + 1) } b: q { ...F\(i + 1) } }\n" }
        text += "fragment F40 on Query { n }"
        let start = ContinuousClock.now
        let m = try measure(text, schema: schema)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(1))
        XCTAssertEqual(m.depth, 41)
        // c(40) = 1, c(i) = 2 × (1 + c(i+1)) → 2^41 + 2^40 − 2
        XCTAssertEqual(m.cost, (1 << 41) + (1 << 40) - 2)
        XCTAssertNotNil(checkLimits(schema: schema, document: try parse(text), operationName: nil, variables: [:], limits: OperationLimits()))
    }

    func testUnknownOperationIsLeftToExecution() throws {
        XCTAssertNil(checkLimits(schema: LimitsTests.contract, document: try parse("query A { me { id } } query B { me { id } }"),
                                 operationName: nil, variables: [:], limits: OperationLimits(maxDepth: 0, maxCost: 0)))
        XCTAssertNotNil(checkLimits(schema: LimitsTests.contract, document: try parse("query A { me { id } } query B { me { id } }"),
                                    operationName: "B", variables: [:], limits: OperationLimits(maxDepth: 1, maxCost: 100)))
    }
}
