import Foundation
import XCTest
import QueryLanguage
@testable import Schema

/// The web client's committed TypeScript types (web/src/generated) are exactly
/// what the generator makes from schema.graphql and the .graphql operations:
/// never edited by hand, never stale after a schema or operation change.
final class CodegenCommittedTypesTests: XCTestCase {
    static var root: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func graphqlDocuments(under dir: URL) -> [URL] {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        return e.compactMap { $0 as? URL }.filter { $0.pathExtension == "graphql" }.sorted { $0.path < $1.path }
    }

    func testCommittedWebTypesMatchTheGenerator() throws {
        let root = Self.root
        let web = root.appendingPathComponent("web/src")
        let docs = graphqlDocuments(under: web)
        guard !docs.isEmpty else { return XCTFail("no web/src/**/*.graphql under \(web.path)") }
        let schema = try SchemaBuilder.build(sdl: String(contentsOf: root.appendingPathComponent("schema.graphql"), encoding: .utf8))
        let generator = TypeScriptGenerator(schema: schema)
        let generated = web.appendingPathComponent("generated")
        let regenerate = "regenerate with: clinic graphql typescript --schema schema.graphql web/src/**/*.graphql --out web/src/generated"
        XCTAssertEqual(try String(contentsOf: generated.appendingPathComponent("schema-types.ts"), encoding: .utf8),
                       generator.schemaTypesModule(), "schema-types.ts is stale; \(regenerate)")
        for doc in docs {
            let file = doc.lastPathComponent
            let base = String(file.dropLast(".graphql".count))
            let expected = try generator.documentModule(source: String(contentsOf: doc, encoding: .utf8), fileName: file)
            let committed = try? String(contentsOf: generated.appendingPathComponent(base + ".ts"), encoding: .utf8)
            XCTAssertEqual(committed, expected, "\(base).ts is stale or missing; \(regenerate)")
        }
    }
}
