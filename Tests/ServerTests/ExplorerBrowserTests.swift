// The explorer page (GET /graphql) in a real browser: starts the real `clinic
// serve` on a demo-seeded throwaway database and drives Debian's headless
// Chromium through Tests/ServerTests/Browser/explorer_driver.py (selenium).
// Needs the apt packages chromium, chromium-driver and python3-selenium; when
// they are missing the test fails (it does not skip). Screenshots land in
// test-output/explorer/.
import Foundation
import JSON
import Schema
import TestSupport
import XCTest

final class ExplorerBrowserTests: XCTestCase {
    static var root: String { ClinicProcess.repositoryRoot }
    static var outputDir: String { root + "/test-output/explorer" }

    /// Fails (with the apt package to install) when a browser prerequisite is missing.
    func requireBrowserTools() -> Bool {
        let fm = FileManager.default
        let needs: [(String, String)] = [
            ("/usr/bin/python3", "python3"),
            (ProcessInfo.processInfo.environment["CHROMIUM_BIN"] ?? "/usr/bin/chromium", "chromium"),
            (ProcessInfo.processInfo.environment["CHROMEDRIVER_BIN"] ?? "/usr/bin/chromedriver", "chromium-driver"),
        ]
        var ok = true
        for (path, package) in needs where !fm.isExecutableFile(atPath: path) {
            XCTFail("\(path) is missing: apt-get install \(package)")
            ok = false
        }
        if ok, (try? ProcessRunner.run("/usr/bin/python3", ["-c", "import selenium"], timeout: 60))?.statusAndOutput.0 != 0 {
            XCTFail("python3 cannot import selenium: apt-get install python3-selenium")
            ok = false
        }
        return ok
    }

    func isPNG(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path), data.count > 1000 else { return false }
        return Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    }

    func testExplorerRunsASharedLinkQueryWithCtrlEnterAndListsSchemaTypes() throws {
        guard requireBrowserTools() else { return }
        let server = try ClinicProcess(seedDemo: true)
        defer { server.stop() }
        let query = "{ doctors(first: 3) { nodes { id specialization consultationFee user { fullName } } } }"

        // What the server itself answers: the page must show exactly this data.
        let direct = try server.graphql(query)
        XCTAssertEqual(direct.status, 200)
        guard case .array(let nodes)? = direct.json["data"]?["doctors"]?["nodes"], !nodes.isEmpty else {
            return XCTFail("the demo database has no doctors: \(direct.json.serializedString)")
        }
        let names: [String] = nodes.compactMap { if case .string(let s)? = $0["user"]?["fullName"] { return s } else { return nil } }
        XCTAssertEqual(names.count, nodes.count)

        try? FileManager.default.removeItem(atPath: Self.outputDir)
        try FileManager.default.createDirectory(atPath: Self.outputDir, withIntermediateDirectories: true)
        var args = [Self.root + "/Tests/ServerTests/Browser/explorer_driver.py",
                    "--base-url", "http://127.0.0.1:\(server.port)",
                    "--query", query, "--out", Self.outputDir,
                    "--docs-type", "Query", "--docs-type", "Mutation", "--docs-type", "Appointment",
                    "--docs-type", "AppointmentStatus", "--docs-type", "Doctor"]
        for name in names { args += ["--expect", name] }
        let (status, output) = try ProcessRunner.run("/usr/bin/python3", args, directory: Self.root, mergingOutput: true,
                                                     timeout: 240).statusAndOutput
        print(output)
        XCTAssertEqual(status, 0, "explorer driver failed:\n\(output)\nserver log tail:\n\(server.serverLog.suffix(3000))")
        guard status == 0 else { return }

        // The result pane holds the same data the server answers directly.
        let shown = try String(contentsOfFile: Self.outputDir + "/result.json", encoding: .utf8)
        let parsed = try JSONParser.parse(Array(shown.utf8))
        XCTAssertEqual(parsed["data"], direct.json["data"], "result pane:\n\(shown)")
        XCTAssertNil(parsed["errors"])

        for shot in ["explorer-loaded", "explorer-result", "explorer-docs-type"] {
            XCTAssertTrue(isPNG(Self.outputDir + "/\(shot).png"), "\(shot).png missing or not a PNG")
        }
        XCTAssertTrue(server.isRunning)
    }
}
