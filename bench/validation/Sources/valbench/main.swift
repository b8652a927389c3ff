// CPU time per validation (process CPU clock: the machine is shared).
// Usage: valbench SCHEMA.graphql DOC.graphql…
import Foundation
import QueryLanguage
import Schema

func cpuMicros(_ iterations: Int, _ body: () -> Void) -> Double {
    let start = clock()
    for _ in 0..<iterations { body() }
    return Double(clock() - start) / Double(CLOCKS_PER_SEC) * 1e6 / Double(iterations)
}

let args = CommandLine.arguments
let schema = try SchemaBuilder.build(sdl: String(contentsOfFile: args[1], encoding: .utf8))
for path in args.dropFirst(2) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let doc = try parse(text, options: ParseOptions(maxTokens: 10_000_000))
    let errors = validate(schema: schema, document: doc)
    precondition(errors.isEmpty, "\(path): \(errors.map(\.message))")
    // Aim for ~0.5 s of CPU per document, best of 3 runs.
    let once = max(cpuMicros(1) { _ = validate(schema: schema, document: doc) }, 1)
    let n = max(1, min(100_000, Int(500_000 / once / 3)))
    var best = Double.infinity
    for _ in 0..<3 { best = min(best, cpuMicros(n) { _ = validate(schema: schema, document: doc) }) }
    let name = (path as NSString).lastPathComponent
    print("swift  \(name) (\(text.utf8.count) bytes): \(String(format: "%.1f", best)) µs CPU per validate (\(n) iterations)")
}
