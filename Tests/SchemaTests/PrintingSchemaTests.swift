import Foundation
import XCTest
import QueryLanguage
@testable import Schema

final class PrintingSchemaTests: XCTestCase {
    static let files = ["ValidationClinicSchema.graphql", "ValidationTestSchema.graphql", "PrintingEdgeCases.graphql"]

    func testPrintSchemaEqualsGraphQLCorePrintSchema() throws {
        let paths = Self.files.map { DifferentialSupport.fixtures.appendingPathComponent($0).path }
        let out = try DifferentialSupport.runPython("PrintingOracle.py", paths)
        let expected = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String]
        for (file, want) in zip(Self.files, expected) {
            let got = printSchema(try DifferentialSupport.schema(file))
            if got != want {
                let g = got.split(separator: "\n", omittingEmptySubsequences: false), w = want.split(separator: "\n", omittingEmptySubsequences: false)
                let i = Array(zip(g, w)).firstIndex { $0 != $1 } ?? min(g.count, w.count)
                XCTFail("\(file): first difference at line \(i + 1)\n  want: \(i < w.count ? String(w[i]) : "<end>")\n  got:  \(i < g.count ? String(g[i]) : "<end>")")
            }
        }
    }

    func testPrintedSchemaRebuildsToTheSamePrint() throws {
        for file in Self.files {
            let printed = printSchema(try DifferentialSupport.schema(file), includeAppliedDirectives: true)
            let rebuilt = try SchemaBuilder.build(sdl: printed)
            XCTAssertEqual(printSchema(rebuilt, includeAppliedDirectives: true), printed, file)
        }
    }

    func testAppliedDirectivesAreKeptOnlyWhenAsked() throws {
        let schema = try SchemaBuilder.build(sdl: """
        directive @auth(requires: [Role!]!, note: String) on FIELD_DEFINITION | OBJECT
        enum Role { ADMIN SELF }
        type Query @auth(requires: [ADMIN]) {
          me: String @auth(note: "x", requires: [SELF, ADMIN]) @deprecated(reason: "gone")
        }
        """)
        let plain = printSchema(schema)
        XCTAssertTrue(plain.contains("type Query {\n"), plain)
        XCTAssertTrue(plain.contains("  me: String @deprecated(reason: \"gone\")\n"), plain)
        let full = printSchema(schema, includeAppliedDirectives: true)
        XCTAssertTrue(full.contains("type Query @auth(requires: [ADMIN]) {"), full)
        XCTAssertTrue(full.contains("  me: String @deprecated(reason: \"gone\") @auth(requires: [SELF, ADMIN], note: \"x\")"), full)
    }

    func testSchemaDefinitionIsPrintedOnlyForNonStandardRootNames() throws {
        XCTAssertFalse(printSchema(try SchemaBuilder.build(sdl: "type Query { a: Int }")).contains("schema {"))
        XCTAssertTrue(printSchema(try SchemaBuilder.build(sdl: "schema { query: Q } type Q { a: Int }")).hasPrefix("schema {\n  query: Q\n}"))
    }
}
