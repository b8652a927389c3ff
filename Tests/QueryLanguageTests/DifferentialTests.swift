import Foundation
import TestSupport
import XCTest
@testable import QueryLanguage

/// Runs a Python helper script of this directory and returns its stdout.
/// Fails (does not skip) when python3 or graphql-core is missing.
func runPythonHelper(_ script: String, arguments: [String] = [], file: StaticString = #filePath, line: UInt = #line) -> Data? {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    let run: ProcessResult
    do {
        run = try ProcessRunner.run("python3", [dir.appendingPathComponent(script).path] + arguments)
    } catch {
        XCTFail("cannot run python3: \(error)", file: file, line: line)
        return nil
    }
    guard run.status == 0 else {
        XCTFail("\(script) failed (status \(run.status)); python3 with graphql-core 3.2 is required: \(run.standardError)", file: file, line: line)
        return nil
    }
    return run.stdout
}

final class DifferentialTests: XCTestCase {
    /// Every corpus document (corpus.py) gives the same acceptance, the same
    /// error message/line/column, the same printed text and the same
    /// line/column for every Name node as graphql-core.
    /// QL_DIFF_DOCS=FILE.json (a JSON list of documents) checks those instead.
    func testCorpusMatchesGraphQLCore() throws {
        let extra = ProcessInfo.processInfo.environment["QL_DIFF_DOCS"]
        guard let data = runPythonHelper("oracle.py", arguments: extra.map { [$0] } ?? []) else { return }
        let entries = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(entries.count, extra == nil ? 300 : 1)
        var failures = 0
        var accepted = 0, rejected = 0, referenceCrashes = 0
        for entry in entries {
            let doc = try XCTUnwrap(entry["doc"] as? String)
            let result = try XCTUnwrap(entry["result"] as? [String: Any])
            var mine: Result<String, GraphQLSyntaxError>
            do {
                // graphql-core has the token limit but no selection limit.
                mine = .success(printAST(try parse(doc, options: ParseOptions(maxSelections: .max))))
            } catch let e as GraphQLSyntaxError {
                mine = .failure(e)
            }
            func fail(_ what: String) {
                failures += 1
                if failures <= 25 { XCTFail("\(what)\n  document: \(doc.debugDescription)") }
            }
            switch (result["ok"] as? Bool, mine) {
            case (true?, .success(let printed)):
                accepted += 1
                let expected = result["printed"] as? String ?? ""
                let expectedNames = (result["names"] as? [[Any]] ?? []).map { $0.map { "\($0)" } }
                if printed != expected {
                    fail("printed text differs:\n--- graphql-core\n\(expected)\n--- ours\n\(printed)")
                } else if let names = try? allNames(parse(doc, options: ParseOptions(maxSelections: .max))), names != expectedNames {
                    fail("name locations differ:\n  graphql-core: \(expectedNames)\n  ours:         \(names)")
                } else if let again = try? printAST(parse(printed)), again != printed {
                    fail("printing is not stable under re-parsing")
                }
            case (true?, .failure(let e)):
                fail("graphql-core accepts, we reject: \(e)")
            case (false?, .success):
                fail("graphql-core rejects (\(result["message"] ?? "")), we accept")
            case (false?, .failure(let e)):
                rejected += 1
                let message = result["message"] as? String ?? ""
                let line = result["line"] as? Int ?? -1
                let column = result["column"] as? Int ?? -1
                if e.message != message || e.line != line || e.column != column {
                    fail("error differs:\n  graphql-core: \(message) at \(line):\(column)\n  ours:         \(e.message) at \(e.line):\(e.column)")
                }
            case (nil, .success):
                // graphql-core raised a non-syntax exception (IndexError on
                // escapes cut by the end of input); such input is invalid.
                fail("graphql-core crashed (\(result["crash"] ?? "")), we accept")
            case (nil, .failure):
                referenceCrashes += 1
            }
        }
        XCTAssertEqual(failures, 0, "\(failures) of \(entries.count) documents differ")
        if extra == nil {
            XCTAssertGreaterThan(accepted, 150)
            XCTAssertGreaterThan(rejected, 150)
            XCTAssertLessThan(referenceCrashes, 10)
        }
    }
}
