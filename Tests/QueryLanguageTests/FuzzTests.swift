import Foundation
import TestSupport
import XCTest
@testable import QueryLanguage

let fuzzSeeds: [String] = [
    kitchenSinkQuery, kitchenSinkSDL,
    "query Q($a: [Int!]! = [1, 2], $b: In = {x: \"s\\u00e9\\uD83D\\uDE00\", y: \"\"\"block\n  text\"\"\"}) @d { a(x: 1.5e-3, y: -0) { ...F ... on T { b } } }",
    "\"\"\"\n  Desc\n\"\"\"\ntype T implements A & B @d(x: [1]) { \"f\" f(a: Int = 1 @e): [T!]! }\nextend union U = | A | B\ndirective @d(a: Int) repeatable on FIELD | OBJECT",
    "{ a(x: \"\\u{1F600} é 😀\") # comment é\r\n b }",
]

final class FuzzTests: XCTestCase {
    /// Mutates seed documents (insert/delete/replace bytes, duplicate ranges)
    /// with a fixed seed for a bounded time (QL_FUZZ_SECONDS, default 3):
    /// every input either parses (and then prints to text that re-parses to
    /// the same print) or gives a located syntax error; nothing crashes.
    func testMutatedDocumentsParseOrGiveLocatedSyntaxErrors() throws {
        let seconds = Double(ProcessInfo.processInfo.environment["QL_FUZZ_SECONDS"] ?? "") ?? 3
        let maxIterations = seconds > 3 ? Int.max : 200_000
        var rng = SplitMix64(seed: 0x5EED_2021)
        let alphabet = Array("{}()[]:$@!.\"'#,|&=-+0123456789eE_azAZ \n\r\t\\uU".utf8) + [0xC3, 0xA9, 0xEF, 0xBB, 0xBF, 0xF0, 0x9F, 0x98, 0x80, 0x00]
        let seeds = fuzzSeeds.map { Array($0.utf8) }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
        var iterations = 0, accepted = 0, rejected = 0
        while iterations < maxIterations && clock.now < deadline {
            iterations += 1
            var bytes = seeds[rng.below(seeds.count)]
            for _ in 0..<(1 + rng.below(4)) {
                let i = rng.below(bytes.count + 1)
                switch rng.below(5) {
                case 0 where !bytes.isEmpty && i < bytes.count:
                    bytes.remove(at: i)
                case 1:
                    bytes.insert(alphabet[rng.below(alphabet.count)], at: i)
                case 2 where i < bytes.count:
                    bytes[i] = alphabet[rng.below(alphabet.count)]
                case 3 where i < bytes.count:
                    let j = min(bytes.count, i + 1 + rng.below(16))
                    bytes.insert(contentsOf: bytes[i..<j], at: rng.below(bytes.count + 1))
                default:
                    if i < bytes.count { bytes.removeSubrange(i..<min(bytes.count, i + 1 + rng.below(8))) }
                }
            }
            let source = String(decoding: bytes, as: UTF8.self)
            do {
                let doc = try parse(source)
                accepted += 1
                let printed = printAST(doc)
                do {
                    let again = printAST(try parse(printed))
                    XCTAssertEqual(again, printed, "print not stable for \(source.debugDescription)")
                } catch {
                    XCTFail("printed text does not re-parse (\(error)): \(source.debugDescription) -> \(printed.debugDescription)")
                }
            } catch let e as GraphQLSyntaxError {
                rejected += 1
                let lines = source.utf8.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
                XCTAssertTrue(e.message.hasPrefix("Syntax Error: "), e.message)
                XCTAssertTrue(e.line >= 1 && e.line <= lines, "bad line \(e.line) for \(source.debugDescription)")
                XCTAssertGreaterThanOrEqual(e.column, 1)
            }
        }
        XCTAssertGreaterThan(iterations, 500)
        XCTAssertGreaterThan(accepted, 10)
        XCTAssertGreaterThan(rejected, 10)
    }

    /// Parsing at the maximum depth (256), and rejecting far deeper input,
    /// fits in a 6 MiB thread stack even in debug builds (glibc's default
    /// thread stack is 8 MiB; release builds need much less, see
    /// bench/querylanguage/RESULTS.md). QL_DEPTH / QL_STACK_KB override.
    func testMaximumNestingFitsInThreadStack() {
        let n = Int(ProcessInfo.processInfo.environment["QL_DEPTH"] ?? "") ?? 256
        let kb = Int(ProcessInfo.processInfo.environment["QL_STACK_KB"] ?? "") ?? 6144
        let selections = String(repeating: "{a", count: n) + String(repeating: "}", count: n)
        let lists = "{ f(a: " + String(repeating: "[", count: n - 1) + String(repeating: "]", count: n - 1) + ") }"
        let objects = "{ f(a: " + String(repeating: "{a: ", count: n - 1) + "1" + String(repeating: "}", count: n - 1) + ") }"
        let done = expectation(description: "parsed")
        let thread = Thread {
            for s in [selections, lists, objects] {
                do { _ = try parse(s) } catch { XCTFail("\(error)") }
            }
            let tooDeep = "{ f(a: " + String(repeating: "[", count: 100_000) + ") }"
            if (try? parse(tooDeep, options: ParseOptions(maxTokens: 1_000_000, maxDepth: n))) != nil { XCTFail("accepted") }
            done.fulfill()
        }
        thread.stackSize = kb * 1024
        thread.start()
        wait(for: [done], timeout: 30)
    }
}
