// Generated Swift sits in `Generated/` folders and is never edited by hand:
// each file is exactly what its generator writes from the committed inputs.
import Foundation
import TestSupport
import XCTest

final class GeneratedFilesTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Runs `command` (which prints the generated file) and compares it with the committed `path`.
    func assertRegenerates(_ path: String, _ command: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let committed = try String(contentsOfFile: Self.root + "/" + path, encoding: .utf8)
        let run = try ProcessRunner.run(command[0], Array(command.dropFirst()), directory: Self.root)
        XCTAssertEqual(run.status, 0, run.standardError, file: file, line: line)
        XCTAssertTrue(run.standardOutput == committed,
                      "\(path) is not what `\(command.joined(separator: " "))` writes: regenerate it (never edit it by hand)",
                      file: file, line: line)
    }

    func testEmbeddedSchemaIsSchemaGraphQL() throws {
        try assertRegenerates("Sources/Resolvers/Generated/EmbeddedSchema.swift", ["/bin/bash", "scripts/embed-schema", "--stdout"])
    }

    func testExplorerPageIsWebExplorer() throws {
        try assertRegenerates("Sources/Server/Generated/ExplorerPage.swift", ["python3", "web-explorer/generate.py", "--stdout"])
    }

    func testCommonPasswordsAreTheCommittedList() throws {
        try assertRegenerates("Sources/ClinicDomain/Generated/CommonPasswords.swift",
                              ["python3", "Sources/ClinicDomain/Accounts/Resources/generate-common-passwords.py", "--stdout"])
    }

    /// Every Swift file under a Generated/ folder says so and how to regenerate it.
    func testEveryGeneratedFileNamesItsGenerator() throws {
        let sources = Self.root + "/Sources"
        let files = FileManager.default.enumerator(atPath: sources)?.compactMap { $0 as? String } ?? []
        let generated = files.filter { $0.contains("/Generated/") && $0.hasSuffix(".swift") }
        XCTAssertEqual(generated.count, 3, "\(generated)")
        for path in generated {
            let head = try String(contentsOfFile: sources + "/" + path, encoding: .utf8).prefix(400)
            XCTAssertTrue(head.hasPrefix("// GENERATED"), "\(path) does not start with a GENERATED header")
            XCTAssertTrue(head.contains("Do not edit"), path)
        }
    }
}
