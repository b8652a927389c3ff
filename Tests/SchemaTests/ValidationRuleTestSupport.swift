import Foundation
import XCTest
import QueryLanguage
@testable import Schema

/// Runs one rule (by graphql-js name) over a document of the test schema and
/// compares messages and locations.
class ValidationRuleTestCase: XCTestCase {
    nonisolated(unsafe) static var cachedSchema: GraphQLSchema?
    var schema: GraphQLSchema {
        if let s = Self.cachedSchema { return s }
        let s = try! DifferentialSupport.schema("ValidationTestSchema.graphql")
        Self.cachedSchema = s
        return s
    }
    /// The rule under test, e.g. "NoFragmentCycles".
    var ruleName: String { fatalError("override ruleName") }

    func errors(_ query: String, schema: GraphQLSchema? = nil) -> [String] {
        let rule = specifiedRules.first { $0.name == ruleName }!
        let doc: Document
        do { doc = try parse(query) } catch { XCTFail("parse failed: \(error)"); return [] }
        return validate(schema: schema ?? self.schema, document: doc, rules: [rule]).map { e in
            e.message + " @" + e.locations.map { "\($0.line):\($0.column)" }.joined(separator: ",")
        }
    }

    func expectValid(_ query: String, schema: GraphQLSchema? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(errors(query, schema: schema), [], file: file, line: line)
    }

    func expectErrors(_ query: String, _ expected: [String], schema: GraphQLSchema? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(errors(query, schema: schema), expected, file: file, line: line)
    }
}
