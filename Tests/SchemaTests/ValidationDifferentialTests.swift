// Differential test: our `validate` against graphql-core 3.2's, live, over a
// deterministic corpus of ≥ 1,000 documents on two schemas (the clinic's
// contract schema and the graphql-js harness-style test schema).
// Requires python3 with graphql-core 3.2 (`pip install graphql-core==3.2.*`).
import Foundation
import XCTest
import QueryLanguage
@testable import Schema

enum DifferentialSupport {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func schema(_ file: String) throws -> GraphQLSchema {
        try SchemaBuilder.build(sdl: String(contentsOf: fixtures.appendingPathComponent(file), encoding: .utf8))
    }

    /// Runs a fixture Python script and returns its stdout; throws on failure.
    static func runPython(_ script: String, _ args: [String] = [], stdin: String? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", fixtures.appendingPathComponent(script).path] + args
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        // Drain stderr concurrently so a chatty failure cannot deadlock the pipes.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let done = DispatchSemaphore(value: 0)
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async { errBox.data = errHandle.readDataToEndOfFile(); done.signal() }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        let errData = errBox.data.prefix(4000)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "python", code: Int(p.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "python3 \(script) failed: " + String(decoding: errData, as: UTF8.self)])
        }
        return String(decoding: data, as: UTF8.self)
    }
}

final class ValidationDifferentialTests: XCTestCase {
    func testValidationAgreesWithGraphQLCore() throws {
        let schemas = ["clinic": try DifferentialSupport.schema("ValidationClinicSchema.graphql"),
                       "test": try DifferentialSupport.schema("ValidationTestSchema.graphql")]
        let output = try DifferentialSupport.runPython("ValidationDifferential.py", ["520"])
        var total = 0, verdictAgree = 0, exactAgree = 0, invalid = 0, syntax = 0
        var perSchema: [String: Int] = [:]
        var mismatches: [String] = []
        for line in output.split(separator: "\n") {
            let rec = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let name = rec["schema"] as! String, text = rec["doc"] as! String
            total += 1
            perSchema[name, default: 0] += 1
            let document: Document
            do {
                document = try parse(text)
            } catch {
                if rec["syntax"] != nil { syntax += 1; verdictAgree += 1; exactAgree += 1 } else { mismatches.append("we failed to parse: \(text)") }
                continue
            }
            guard let expected = rec["errors"] as? [[String: Any]] else {
                mismatches.append("graphql-core failed to parse, we did not: \(text)"); continue
            }
            let want = expected.map { e -> String in
                let locs = (e["locations"] as! [[Int]]).map { "\($0[0]):\($0[1])" }.joined(separator: ",")
                return "\(e["message"] as! String) @\(locs)"
            }
            let got = validate(schema: schemas[name]!, document: document).map { e in
                "\(e.message) @\(e.locations.map { "\($0.line):\($0.column)" }.joined(separator: ","))"
            }
            if !want.isEmpty { invalid += 1 }
            if want.isEmpty == got.isEmpty { verdictAgree += 1 }
            if want == got { exactAgree += 1 } else if mismatches.count < 40 {
                mismatches.append("[\(name)] \(text)\n  want: \(want)\n  got:  \(got)")
            }
        }
        print("validation differential: \(total) documents (\(perSchema)), \(invalid) invalid, \(syntax) syntax errors; verdicts agree \(verdictAgree)/\(total); messages+locations agree \(exactAgree)/\(total)")
        for m in mismatches.prefix(40) { print(m) }
        XCTAssertGreaterThanOrEqual(total, 800)
        XCTAssertEqual(verdictAgree, total, "verdict mismatches")
        XCTAssertGreaterThanOrEqual(Double(exactAgree), Double(total) * 0.99, "message/location agreement below 99%")
    }
}
