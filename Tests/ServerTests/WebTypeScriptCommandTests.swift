// `clinic graphql typescript`, run as a user would: files written, exit codes.
import Foundation
import XCTest

final class WebTypeScriptCommandTests: XCTestCase {
    var dir: String = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "ts-cmd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "type Query { hello(name: String!): String! count: Int }".write(toFile: dir + "/schema.graphql", atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func typescript(_ arguments: [String]) throws -> Int32 {
        try ClinicProcess.runCommand(["graphql", "typescript"] + arguments).0
    }

    func testWritesSharedModuleAndOneModulePerDocument() throws {
        try "query Hello($name: String!) { hello(name: $name) count }".write(toFile: dir + "/Hello.graphql", atomically: true, encoding: .utf8)
        let status = try typescript(["--schema", dir + "/schema.graphql", dir + "/Hello.graphql", "--out", dir + "/gen"])
        XCTAssertEqual(status, 0)
        let module = try String(contentsOfFile: dir + "/gen/Hello.ts", encoding: .utf8)
        XCTAssertTrue(module.contains("export type HelloQuery = {\n  hello: string;\n  count: number | null;\n};"), module)
        XCTAssertTrue(module.contains("export type HelloQueryVariables = {\n  name: string;\n};"), module)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/gen/schema-types.ts"))
    }

    func testInvalidDocumentExitsOneAndMissingSchemaExitsTwo() throws {
        try "query Bad { nope }".write(toFile: dir + "/Bad.graphql", atomically: true, encoding: .utf8)
        XCTAssertEqual(try typescript(["--schema", dir + "/schema.graphql", dir + "/Bad.graphql", "--out", dir + "/gen"]), 1)
        XCTAssertEqual(try typescript(["--schema", dir + "/missing.graphql", dir + "/Bad.graphql"]), 2)
        XCTAssertEqual(try typescript([]), 2)
    }
}
