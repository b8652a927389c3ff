// The `clinic` executable's GraphQL tools and schema commands, run as a user would.
import Foundation
import JSON
import Schema
import TestSupport
import XCTest

final class CommandLineToolsTests: XCTestCase {
    let root = ClinicProcess.repositoryRoot

    func testSchemaPrintEqualsTheRepositorySchema() throws {
        let (status, printed, err) = try ClinicProcess.runCommand(["schema", "print"])
        XCTAssertEqual(status, 0, err)
        // schema.graphql is kept in canonical print form, so the served schema equals it byte for byte.
        let file = try String(contentsOfFile: root + "/schema.graphql", encoding: .utf8)
        XCTAssertEqual(printed, file)
    }

    /// A `clinic` run away from the repository with no migrations to find says where it looked and
    /// how to point it at them, before it touches any database.
    func testMigrateWithoutMigrationsSaysHowToFindThem() throws {
        let missing = NSTemporaryDirectory() + "clinic-no-db-\(UUID().uuidString)"
        let (status, _, err) = try ClinicProcess.runCommand(["migrate"], environment: [
            "CLINIC_DB_DIR": missing, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1",
        ])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(err.contains("no migrations at \(missing)/migrations"), err)
        XCTAssertTrue(err.contains("CLINIC_DB_DIR"), err)
    }

    /// The contract's checker lives outside the repository (`../shared`, or
    /// `CLINIC_SHARED_DIR`); a clone without it skips this test instead of failing.
    func testRepositorySchemaSatisfiesTheContract() throws {
        let shared = ProcessInfo.processInfo.environment["CLINIC_SHARED_DIR"]
            ?? (root as NSString).deletingLastPathComponent + "/shared"
        let tool = shared + "/tools/check-contract"
        guard FileManager.default.fileExists(atPath: tool) else {
            throw XCTSkip("the contract checker \(tool) is not here (it lives outside the repository, in ../shared); "
                          + "set CLINIC_SHARED_DIR to check the schema against the contract")
        }
        let checked = try ProcessRunner.run("python3", [tool, root + "/schema.graphql"], mergingOutput: true)
        // Exactly the changes README lists under "Changes to the contract", nothing else.
        let differences = checked.output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("contract: ") }
        XCTAssertEqual(differences, Self.changesToTheContract, checked.output)
        XCTAssertEqual(checked.status, Self.changesToTheContract.isEmpty ? 0 : 1, checked.output)
    }

    /// README, "Changes to the contract": each with its reason there.
    static let changesToTheContract = [
        "Patient.dateOfBirth: type Date, contract Date!",
    ]

    func testFormatPrintsCanonicalTextAndJSONErrors() throws {
        let dir = NSTemporaryDirectory() + "fmt-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "query Q($a:Int=1){doctors(first:$a){nodes{id}}}".write(toFile: dir + "/ok.graphql", atomically: true, encoding: .utf8)
        try "{\n  doctors(\n}".write(toFile: dir + "/bad.graphql", atomically: true, encoding: .utf8)
        let (s, out, _) = try ClinicProcess.runCommand(["graphql", "format", dir + "/ok.graphql"])
        XCTAssertEqual(s, 0)
        XCTAssertEqual(out, "query Q($a: Int = 1) {\n  doctors(first: $a) {\n    nodes {\n      id\n    }\n  }\n}\n")
        let (bs, bout, _) = try ClinicProcess.runCommand(["graphql", "format", dir + "/bad.graphql"])
        XCTAssertEqual(bs, 1)
        let json = try JSONParser.parse(Array(bout.utf8))
        XCTAssertEqual(json["file"], .string(dir + "/bad.graphql"))
        guard case .array(let errors)? = json["errors"], let first = errors.first else { return XCTFail(bout) }
        XCTAssertEqual(first["locations"], .array([.object([("line", .int(3)), ("column", .int(1))])]))
        let (us, _, _) = try ClinicProcess.runCommand(["graphql", "format"])
        XCTAssertEqual(us, 2)
    }

    func testValidateAgainstAnySchemaWithExitCodes() throws {
        let dir = NSTemporaryDirectory() + "val-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "type Query { pet(name: String!): Pet } type Pet { name: String! legs: Int }".write(toFile: dir + "/s.graphql", atomically: true, encoding: .utf8)
        try "{ pet(name: \"x\") { name legs } }".write(toFile: dir + "/good.graphql", atomically: true, encoding: .utf8)
        try "{ pet { nam } }".write(toFile: dir + "/bad.graphql", atomically: true, encoding: .utf8)
        let (s, out, _) = try ClinicProcess.runCommand(["graphql", "validate", "--schema", dir + "/s.graphql", dir + "/good.graphql"])
        XCTAssertEqual(s, 0, out)
        let (bs, bout, _) = try ClinicProcess.runCommand(["graphql", "validate", "--schema", dir + "/s.graphql", dir + "/good.graphql", dir + "/bad.graphql"])
        XCTAssertEqual(bs, 1)
        let lines = bout.split(separator: "\n").map { try? JSONParser.parse(Array($0.utf8)) }
        XCTAssertEqual(lines.count, 2)
        guard case .array(let errors)? = lines[1]?["errors"] else { return XCTFail(bout) }
        XCTAssertEqual(errors.count, 2, bout)   // missing argument `name`, unknown field `nam`
        let (us, _, _) = try ClinicProcess.runCommand(["graphql", "validate", "--schema", dir + "/missing.graphql", dir + "/good.graphql"])
        XCTAssertEqual(us, 2)
    }
}
