// Response serialization: the executor's result as JSON bytes.
import XCTest
import JSON
@testable import Schema

final class SerializationTests: XCTestCase {
    func testResponseOrderDataThenErrorsThenExtensions() {
        let e = GraphQLError("Boom", code: "INTERNAL_SERVER_ERROR", locations: [ErrorLocation(line: 2, column: 3)],
                             path: [.key("a"), .index(0), .key("b")])
        let r = ExecutionResult(data: .object([("a", .null)]), errors: [e], extensions: [("sqlStatements", .int(3))])
        XCTAssertEqual(String(decoding: r.jsonBytes(), as: UTF8.self),
                       #"{"data":{"a":null},"errors":[{"message":"Boom","locations":[{"line":2,"column":3}],"path":["a",0,"b"],"extensions":{"code":"INTERNAL_SERVER_ERROR"}}],"extensions":{"sqlStatements":3}}"#)
        let requestError = ExecutionResult(data: nil, errors: [GraphQLError("Bad", code: "BAD_REQUEST")])
        XCTAssertEqual(String(decoding: requestError.jsonBytes(), as: UTF8.self),
                       #"{"errors":[{"message":"Bad","extensions":{"code":"BAD_REQUEST"}}]}"#)
        XCTAssertEqual(String(decoding: ExecutionResult(data: .null).jsonBytes(), as: UTF8.self), #"{"data":null}"#)
    }
}

final class ResultCellSerializationTests: XCTestCase {
    /// `jsonBytes()` writes `data` straight from the executor's cells; it must
    /// equal the text of the `data` JSON value (keys, order, nulls, lists,
    /// escapes, numbers) for every shape of result, including null propagation.
    func testResponseBytesFromCellsEqualTheDataValueText() async throws {
        let queries = [
            #"{ person(id: "1") { __typename n: name id age role score tags } t: __typename }"#,
            #"{ people { id required friends { name bestFriend { id } } pets { ... on Dog { barks } ... on Cat { lives } } } }"#,
            "{ people { id required } }",
            "{ peopleNullable { id required } }",
            #"{ named { name ... on Person { age } } failing hugeFloat badEnum }"#,
            #"{ echo(value: 5, text: "q\"uo\\te\n\u0001é") }"#,
        ]
        let ex = try makeTestExecutor(people: 4, personRequiredNullFor: [3])
        for q in queries {
            let r = try await ex.run(q)
            XCTAssertTrue(r.hasData, q)
            let fromCells = String(decoding: r.jsonBytes(), as: UTF8.self)
            let fromValue = String(decoding: ExecutionResult(data: r.data, errors: r.errors).jsonBytes(), as: UTF8.self)
            XCTAssertEqual(fromCells, fromValue, q)
            XCTAssertTrue(fromCells.hasPrefix(#"{"data":"#), fromCells)
        }
        var r = try await ex.run("{ people { id required } }")
        r.data = .object([("replaced", .bool(false))])
        XCTAssertEqual(String(decoding: r.jsonBytes(), as: UTF8.self).prefix(29), #"{"data":{"replaced":false},"e"#)
    }
}
