import XCTest
import QueryLanguage
@testable import Schema

final class BuildingSmokeTests: XCTestCase {
    func testBuildsTheClinicSchema() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ValidationClinicSchema.graphql")
        let sdl = try String(contentsOf: url, encoding: .utf8)
        let schema = try SchemaBuilder.build(sdl: sdl)
        XCTAssertEqual(schema.queryType, "Query")
        XCTAssertNotNil(schema.types["__Schema"])
        let doc = try parse("{ me { id } nope }")
        let errors = validate(schema: schema, document: doc)
        print(errors)
        XCTAssertEqual(errors.count, 1)
    }
}
