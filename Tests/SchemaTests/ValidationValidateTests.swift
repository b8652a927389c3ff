import JSON
import XCTest
import QueryLanguage
@testable import Schema

/// `validate` as a whole: all rules together, error codes, the error limit, custom scalars.
final class ValidationValidateTests: XCTestCase {
    var schema: GraphQLSchema { try! DifferentialSupport.schema("ValidationTestSchema.graphql") }

    func testValidDocumentHasNoErrors() throws {
        XCTAssertEqual(validate(schema: schema, document: try parse("query Q($id: ID) { human(id: $id) { name pets { name } } }")), [])
    }

    func testErrorsCarryTheValidationCodeAndComeInDocumentOrder() throws {
        let errors = validate(schema: schema, document: try parse("{ dog { nam } }\nquery Q($x: Int) { cat { meows(x: 1) } }"))
        XCTAssertEqual(errors.map(\.message), [
            "This anonymous operation must be the only defined operation.",
            "Cannot query field \"nam\" on type \"Dog\". Did you mean \"name\"?",
            "Unknown argument \"x\" on field \"Cat.meows\".",
            "Variable \"$x\" is never used in operation \"Q\".",
        ])
        XCTAssertTrue(errors.allSatisfy { $0.code == "GRAPHQL_VALIDATION_FAILED" })
    }

    func testStopsAtTheErrorLimit() throws {
        let query = "{ " + (0..<20).map { "a\($0): nope\($0)" }.joined(separator: " ") + " }"
        let errors = validate(schema: schema, document: try parse(query), maxErrors: 5)
        XCTAssertEqual(errors.count, 6)
        XCTAssertEqual(errors.last?.message, "Too many validation errors, error limit reached. Validation aborted.")
    }

    func testCustomScalarLiteralsUseTheCallersCoercer() throws {
        struct OnlyStrings: ScalarCoercing {
            func parseValue(_ value: JSON) throws -> JSON { value }
            func parseLiteral(_ value: ValueNode) throws -> JSON {
                guard case .string(let s, _, _) = value else { throw CoercionFailure("Json literal must be a string") }
                return .string(s)
            }
            func serialize(_ value: JSON) throws -> JSON { value }
        }
        let doc = try parse("{ complicatedArgs { a: jsonArgField(json: 1) b: jsonArgField(json: \"x\") } }")
        XCTAssertEqual(validate(schema: schema, document: doc), [], "without a coercer any literal is accepted")
        XCTAssertEqual(validate(schema: schema, document: doc, scalars: ["Json": OnlyStrings()]).map(\.message),
                       ["Expected value of type \"Json\", found 1; Json literal must be a string"])
    }

    func testSuggestionListMatchesGraphQLJS() {
        XCTAssertEqual(suggestionList("nam", ["name", "nickname", "barks", "NAME"]), ["NAME", "name"])
        XCTAssertEqual(suggestionList("a", ["b", "c", "A"]), ["A", "b", "c"])
        XCTAssertEqual(suggestionList("item2", ["item10", "item2x", "item1"]), ["item1", "item2x", "item10"])
        XCTAssertEqual(didYouMean(["a", "b", "c", "d", "e", "f"]), " Did you mean 'a', 'b', 'c', 'd', or 'e'?")
    }
}
