// Execution plans kept per document, operation and variable values (GraphQLService → Executor →
// OperationMemo): a repeated request runs on the plan an earlier one left, one run at a time.
import JSON
import XCTest
import QueryLanguage
@testable import Schema

final class ExecutionPlanReuseTests: XCTestCase {
    func service() throws -> (GraphQLService, CallCounter) {
        let counter = CallCounter()
        let executor = try makeTestExecutor(counter: counter)
        return (GraphQLService(executable: executor.executable, limits: OperationLimits()), counter)
    }

    let query = """
        query Q($id: ID!, $first: Int, $withAge: Boolean!) {
          person(id: $id) { name age @include(if: $withAge) pets(first: $first) { ... on Dog { name barks } ... on Cat { lives } }
                            friends { name bestFriend { name } } }
          people { id }
        }
        """

    func text(_ outcome: GraphQLOutcome) -> String { String(decoding: outcome.result.jsonBytes(), as: UTF8.self) }

    func testRepeatedRunsOnAKeptPlanAnswerAsAFreshOne() async throws {
        let (service, _) = try service()
        let fresh = try makeTestExecutor()
        for variables: [String: JSON] in [["id": .string("1"), "first": .int(1), "withAge": .bool(true)],
                                          ["id": .string("2"), "first": .int(2), "withAge": .bool(false)],
                                          ["id": .string("1"), "withAge": .bool(false)], ["id": .string("9"), "withAge": .bool(true)]] {
            let expected = await fresh.execute(document: try parse(query), operationName: nil, variables: variables, context: ())
            for _ in 0..<3 {
                let got = await service.run(GraphQLRequest(query: query, variables: variables), context: ())
                XCTAssertEqual(text(got), String(decoding: expected.jsonBytes(), as: UTF8.self), "\(variables)")
            }
        }
        // One plan kept per variable values run one after another (no run holds it now).
        let memo = try XCTUnwrap(service.cache.get(query)?.memo)
        let key = try XCTUnwrap(OperationMemo.key(operationName: nil, variables: ["id": .string("1"), "withAge": .bool(false)]))
        XCTAssertEqual(memo.entry(key)?.plans.count, 1)
        // A variable value that fails coercion never reaches a plan.
        let bad = await service.run(GraphQLRequest(query: query, variables: ["id": .string("1"), "first": .string("x"), "withAge": .bool(true)]), context: ())
        XCTAssertEqual(bad.kind, .requestError)
    }

    /// Many runs of one document at once: each takes a plan no other run holds (or makes its own),
    /// so concurrent runs never share a plan's mutable state.
    func testConcurrentRunsOfOneDocumentAgree() async throws {
        let (service, counter) = try service()
        let variables: [String: JSON] = ["id": .string("3"), "first": .int(2), "withAge": .bool(true)]
        let expected = text(await service.run(GraphQLRequest(query: query, variables: variables), context: ()))
        let query = self.query
        let texts = await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    let outcome = await service.run(GraphQLRequest(query: query, variables: variables), context: ())
                    return String(decoding: outcome.result.jsonBytes(), as: UTF8.self)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(texts.count, 64)
        XCTAssertEqual(Set(texts), [expected])
        XCTAssertEqual(counter.count("Query.person"), 65, "each run called the resolver once")
    }
}
