// GraphQLService.knownOutcome: what an event loop may answer without executing anything.
import JSON
import XCTest
@testable import Schema

final class KnownOutcomeTests: XCTestCase {
    final class Calls: @unchecked Sendable { var count = 0 }

    func service(limits: OperationLimits = OperationLimits(), cacheCapacity: Int = 1000,
                 memoBudgetBytes: Int = 16 << 20) throws -> (GraphQLService, Calls) {
        let schema = try SchemaBuilder.build(sdl: """
            type Query { greeting(name: String): String, n: Int, me: Me }
            type Me { name: String }
            type Mutation { bump: Int }
            """)
        let calls = Calls()
        let greeting: BatchResolver = { batch in
            calls.count += 1
            return batch.parents.map { _ in .leaf(.string("hello")) }
        }
        let service = GraphQLService(executable: ExecutableSchema(schema: schema, resolvers: ["Query.greeting": greeting]), limits: limits,
                                     cacheCapacity: cacheCapacity, memoBudgetBytes: memoBudgetBytes)
        return (service, calls)
    }

    func text(_ outcome: GraphQLOutcome?) -> String? {
        outcome.map { String(decoding: $0.result.jsonBytes(), as: UTF8.self) }
    }

    func testAnOperationWithoutResolversIsKnownAfterItsFirstRun() async throws {
        let (service, _) = try service()
        let typename = GraphQLRequest(query: "{ __typename }")
        XCTAssertNil(service.knownOutcome(typename), "never seen: parsed and run in a task first")
        let first = await service.run(typename, context: ())
        XCTAssertEqual(text(first), #"{"data":{"__typename":"Query"}}"#)
        XCTAssertEqual(text(service.knownOutcome(typename)), #"{"data":{"__typename":"Query"}}"#)
        XCTAssertEqual(service.knownOutcome(typename)?.kind, .executed)
        XCTAssertEqual(service.knownOutcome(typename)?.operationType, "query")

        // Per variable values: another value is not known until it ran.
        let type = "query T($n: String!) { __type(name: $n) { name } }"
        let a = GraphQLRequest(query: type, variables: ["n": .string("Query")])
        let b = GraphQLRequest(query: type, variables: ["n": .string("Mutation")])
        _ = await service.run(a, context: ())
        XCTAssertEqual(text(service.knownOutcome(a)), #"{"data":{"__type":{"name":"Query"}}}"#)
        XCTAssertNil(service.knownOutcome(b))
        _ = await service.run(b, context: ())
        XCTAssertEqual(text(service.knownOutcome(b)), #"{"data":{"__type":{"name":"Mutation"}}}"#)
    }

    func testOperationsThatRunResolversAreNeverKnown() async throws {
        let (service, calls) = try service()
        for query in ["{ greeting }", "{ __typename greeting }", "{ ... on Query { __typename } }",
                      "{ __typename @include(if: true) }", "mutation { __typename }"] {
            let request = GraphQLRequest(query: query)
            _ = await service.run(request, context: ())
            _ = await service.run(request, context: ())
            XCTAssertNil(service.knownOutcome(request), query)
        }
        XCTAssertEqual(calls.count, 4, "each run of the two documents selecting greeting called it")
    }

    func testRequestErrorsOfACachedDocumentAreKnown() async throws {
        let (service, _) = try service(limits: OperationLimits(maxDepth: 1))
        let invalid = GraphQLRequest(query: "{ nope }")
        XCTAssertNil(service.knownOutcome(invalid), "not parsed yet")
        _ = await service.run(invalid, context: ())
        let known = try XCTUnwrap(service.knownOutcome(invalid))
        XCTAssertEqual(known.kind, .requestError)
        XCTAssertEqual(known.result.errors.first?.code, "GRAPHQL_VALIDATION_FAILED")

        // GET allows queries only; introspection where it is off.
        let mutation = GraphQLRequest(query: "mutation { bump }")
        _ = await service.run(mutation, context: ())
        XCTAssertEqual(service.knownOutcome(mutation, allowedOperations: [.query])?.result.errors.first?.code, "BAD_REQUEST")
        let schema = GraphQLRequest(query: "{ __schema { queryType { name } } }")
        _ = await service.run(schema, context: ())
        XCTAssertNotNil(service.knownOutcome(schema, allowIntrospection: true))
        XCTAssertEqual(service.knownOutcome(schema, allowIntrospection: false)?.kind, .requestError)

        // A limit verdict is known once measured for those variables.
        let deep = GraphQLRequest(query: "{ __typename n }")
        XCTAssertNil(service.knownOutcome(deep))
        _ = await service.run(deep, context: ())
        XCTAssertNil(service.knownOutcome(deep), "within the limits, but it runs a field: not known")
        let tooDeep = GraphQLRequest(query: "{ me { name } }")
        let ran = await service.run(tooDeep, context: ())
        XCTAssertEqual(ran.result.errors.first?.code, "QUERY_TOO_COMPLEX")
        XCTAssertNil(service.knownOutcome(tooDeep), "a document that reads data is run: its verdict is read there")
        let introspectionOnly = GraphQLRequest(query: "{ __typename a: __type(name: \"Me\") { name } }")
        let ran2 = await service.run(introspectionOnly, context: ())
        let again = service.knownOutcome(introspectionOnly)
        XCTAssertEqual(again?.kind, ran2.kind)
        XCTAssertEqual(text(again), text(ran2))

        XCTAssertEqual(service.knownOutcome(GraphQLRequest(query: nil))?.result.errors.first?.code, "BAD_REQUEST")
    }

    /// Many documents or variable values cannot make the memos grow without bound: results and
    /// plans are kept within the service's budget, given back when their document leaves the cache.
    func testRememberedResultsAndPlansStayWithinTheBudget() async throws {
        let (service, _) = try service(cacheCapacity: 2, memoBudgetBytes: 2_000)
        let small = GraphQLRequest(query: "{ __typename }")
        _ = await service.run(small, context: ())
        XCTAssertNotNil(service.knownOutcome(small))
        XCTAssertGreaterThan(service.memoBudget.bytesInUse, 0)
        // A result larger than what is left is run every time.
        let large = GraphQLRequest(query: "{ " + (0..<400).map { "a\($0): __typename" }.joined(separator: " ") + " }")
        let first = await service.run(large, context: ())
        XCTAssertEqual(first.result.errors, [])
        XCTAssertNil(service.knownOutcome(large), "over the budget: not remembered")
        XCTAssertLessThanOrEqual(service.memoBudget.bytesInUse, 2_000)
        // Documents pushed out of the cache give their share back.
        for i in 0..<3 { _ = await service.run(GraphQLRequest(query: "{ greeting(name: \"\(i)\") }"), context: ()) }
        XCTAssertNil(service.knownOutcome(small), "{ __typename } left the cache")
        XCTAssertLessThanOrEqual(service.memoBudget.bytesInUse, 2_000)
        // Only what left the cache gave back its share makes room for it again.
        _ = await service.run(small, context: ())
        XCTAssertNotNil(service.knownOutcome(small), "room again")
        XCTAssertLessThanOrEqual(service.memoBudget.bytesInUse, 2_000)
    }
}
