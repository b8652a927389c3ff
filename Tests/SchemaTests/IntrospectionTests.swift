// Introspection checked against graphql-core 3.2 (LIVE: fails when python3
// or graphql-core is missing) and by hand.
import Foundation
import TestSupport
import XCTest
@testable import Schema
import QueryLanguage

/// Runs a script of ExecutionFixtures with python3; fails (never skips) when
/// python3 or graphql-core is missing. Returns stdout.
func runExecutionOracle(_ script: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) -> (ok: Bool, output: String) {
    let run: ProcessResult
    do { run = try ProcessRunner.run("python3", [executionFixture(script).path] + arguments) } catch {
        XCTFail("cannot run python3: \(error)", file: file, line: line)
        return (false, "")
    }
    let text = run.output
    if text.contains("No module named 'graphql'") {
        XCTFail("python3 with graphql-core 3.2 is required (pip install graphql-core==3.2.*)", file: file, line: line)
    }
    return (run.status == 0, text)
}

func executionFixture(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("ExecutionFixtures").appendingPathComponent(name)
}

/// The API contract's SDL (the shared copy, else the repository's own).
func contractSDLPath() -> String {
    for p in ["/work/shared/contract/schema.graphql",
              URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../schema.graphql").path]
    where FileManager.default.fileExists(atPath: p) { return p }
    return "/work/shared/contract/schema.graphql"
}

func writeTemp(_ bytes: [UInt8], _ name: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("exec-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    try Data(bytes).write(to: url)
    return url.path
}

final class IntrospectionTests: XCTestCase {
    func introspect(sdlPath: String, queryFile: String) async throws -> ExecutionResult {
        let sdl = try String(contentsOfFile: sdlPath, encoding: .utf8)
        let schema = try SchemaBuilder.build(sdl: sdl)
        let query = try String(contentsOf: executionFixture("introspection/" + queryFile), encoding: .utf8)
        let ex = Executor(schema: ExecutableSchema(schema: schema))
        return await ex.execute(document: try parse(query), operationName: nil, variables: [:], context: ())
    }

    func checkAgainstGraphQLCore(sdlPath: String, queryFile: String, rebuild: Bool, line: UInt = #line) async throws {
        let result = try await introspect(sdlPath: sdlPath, queryFile: queryFile)
        XCTAssertTrue(result.errors.isEmpty, "\(result.errors.prefix(3))", line: line)
        let path = try writeTemp(result.jsonBytes(), "\(queryFile).json")
        let (ok, output) = runExecutionOracle("introspection_oracle.py",
                                              [sdlPath, executionFixture("introspection/" + queryFile).path, path] + (rebuild ? ["--rebuild"] : []))
        XCTAssertTrue(ok, "\(queryFile) over \(sdlPath): \(output)", line: line)
    }

    func testGraphQLCoreFullQueryRebuildsTheContractSchema() async throws {
        try await checkAgainstGraphQLCore(sdlPath: contractSDLPath(), queryFile: "graphql-core-full.graphql", rebuild: true)
    }

    func testGraphiQLCodegenAndApolloQueriesMatchGraphQLCore() async throws {
        // These ask for less (no schema description, repeatable, specifiedBy or
        // argument deprecation), so a rebuild cannot print identically; their
        // data must equal graphql-core's for the same query.
        for q in ["graphiql.graphql", "graphql-codegen.graphql", "apollo-classic.graphql"] {
            try await checkAgainstGraphQLCore(sdlPath: contractSDLPath(), queryFile: q, rebuild: false)
        }
    }

    func testDefaultsDeprecationsDirectivesAndSpecifiedByMatchGraphQLCore() async throws {
        let details = executionFixture("introspection/details.graphql").path
        try await checkAgainstGraphQLCore(sdlPath: details, queryFile: "graphql-core-full.graphql", rebuild: true)
        try await checkAgainstGraphQLCore(sdlPath: details, queryFile: "apollo-classic.graphql", rebuild: false)
    }

    func testTypeLookupAndDeprecationFilters() async throws {
        let schema = try SchemaBuilder.build(sdl: try String(contentsOf: executionFixture("introspection/details.graphql"), encoding: .utf8))
        let ex = Executor(schema: ExecutableSchema(schema: schema))
        let r = try await ex.run("""
        { a: __type(name: "Color") { kind name enumValues { name } all: enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } }
          b: __type(name: "Nope") { name }
          c: __type(name: "Outer") { inputFields { name } isOneOf }
          d: __type(name: "Q") { fields { name } f: fields(includeDeprecated: true) { name args { name } allArgs: args(includeDeprecated: true) { name isDeprecated } } }
          e: __type(name: "Url") { specifiedByURL isOneOf }
          __typename }
        """)
        XCTAssertTrue(r.errors.isEmpty, "\(r.errors)")
        XCTAssertEqual(r.data?["a"]?.serializedString, #"{"kind":"ENUM","name":"Color","enumValues":[{"name":"RED"}],"all":[{"name":"RED","isDeprecated":false,"deprecationReason":null},{"name":"GREEN","isDeprecated":true,"deprecationReason":"No longer supported"},{"name":"BLUE","isDeprecated":true,"deprecationReason":"too blue"}]}"#)
        XCTAssertEqual(r.data?["b"], .null)
        XCTAssertFalse(r.data?["c"]?.serializedString.contains("\"old\"") ?? true, "deprecated input field hidden by default")
        XCTAssertTrue(r.data?["c"]?.serializedString.hasSuffix(#""isOneOf":false}"#) ?? false)
        XCTAssertEqual(r.data?["d"]?["fields"]?.serializedString, #"[{"name":"a"},{"name":"p"},{"name":"c"},{"name":"u"},{"name":"i"}]"#)
        XCTAssertTrue(r.data?["d"]?["f"]?.serializedString.hasPrefix(#"[{"name":"a","args":[{"name":"x"}],"allArgs":[{"name":"x","isDeprecated":false},{"name":"old","isDeprecated":true}]}"#) ?? false)
        XCTAssertEqual(r.data?["e"]?.serializedString, #"{"specifiedByURL":"https://example.com/url","isOneOf":null}"#)
        XCTAssertEqual(r.data?["__typename"], .string("Q"))
    }

    func testNoSchemaIntrospectionRuleNamesEachMetaField() throws {
        let schema = try SchemaBuilder.build(sdl: "type Query { a: Int }")
        func introspectionDisallowedErrors(document: Document) -> [GraphQLError] {
            validate(schema: schema, document: document, rules: [.noSchemaIntrospection])
        }
        let doc = try parse("{ __typename a: __schema { types { name } } ...F } fragment F on Query { __type(name: \"X\") { name } }")
        let errors = introspectionDisallowedErrors(document: doc)
        XCTAssertEqual(errors.map(\.message), [
            "GraphQL introspection has been disabled, but the requested query contained the field \"__schema\".",
            "GraphQL introspection has been disabled, but the requested query contained the field \"__type\".",
        ])
        XCTAssertEqual(errors.map(\.code), ["GRAPHQL_VALIDATION_FAILED", "GRAPHQL_VALIDATION_FAILED"])
        XCTAssertEqual(errors[0].locations, [ErrorLocation(line: 1, column: 14)], "the field's location starts at its alias")
        XCTAssertTrue(introspectionDisallowedErrors(document: try parse("{ __typename }")).isEmpty)
    }
}
