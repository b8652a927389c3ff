// CPU time per validation (process CPU clock: the machine is shared).
// Usage: valbench SCHEMA.graphql DOC.graphql…               (valid documents: validate only)
//        valbench --adversarial SCHEMA.graphql DOC.graphql…  (any document: parse + validate + limits)
import Foundation
import QueryLanguage
import Schema

func cpuMicros(_ iterations: Int, _ body: () -> Void) -> Double {
    let start = clock()
    for _ in 0..<iterations { body() }
    return Double(clock() - start) / Double(CLOCKS_PER_SEC) * 1e6 / Double(iterations)
}

var args = Array(CommandLine.arguments.dropFirst())
let adversarial = args.first == "--adversarial"
if adversarial { args.removeFirst() }
let schema = try SchemaBuilder.build(sdl: String(contentsOfFile: args[0], encoding: .utf8))

/// What the server does with a document before any resolver runs, with its
/// parse options (the defaults: the server's token, depth and selection limits).
func prepare(_ text: String) -> String {
    let doc: Document
    do { doc = try parse(text, options: ParseOptions()) } catch { return "parse error: \(error)" }
    let errors = validate(schema: schema, document: doc)
    if !errors.isEmpty { return "\(errors.count) validation errors, first: \(errors[0].message)" }
    if let e = checkLimits(schema: schema, document: doc, operationName: nil, variables: [:], limits: OperationLimits()) {
        return "limits: \(e.message)"
    }
    return "valid"
}

for path in args.dropFirst() {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let name = (path as NSString).lastPathComponent
    if adversarial {
        var verdict = ""
        let once = cpuMicros(1) { verdict = prepare(text) }
        // Slow documents once, fast ones enough times for a steady figure; the worst of 3 runs.
        let n = max(1, min(1000, Int(300_000 / max(once, 1) / 3)))
        var worst = once
        if once < 1_000_000 { for _ in 0..<3 { worst = max(worst, cpuMicros(n) { _ = prepare(text) }) } }
        if verdict.count > 110 { verdict = String(verdict.prefix(110)) + "…" }
        print("swift  \(name) (\(text.utf8.count) bytes): \(String(format: "%.2f", worst / 1000)) ms CPU per parse+validate+limits (worst of 3, \(n) iterations) — \(verdict)")
        continue
    }
    let doc = try parse(text, options: ParseOptions(maxTokens: 10_000_000, maxSelections: .max))
    let errors = validate(schema: schema, document: doc)
    precondition(errors.isEmpty, "\(path): \(errors.map(\.message))")
    // Aim for ~0.5 s of CPU per document, best of 3 runs.
    let once = max(cpuMicros(1) { _ = validate(schema: schema, document: doc) }, 1)
    let n = max(1, min(100_000, Int(500_000 / once / 3)))
    var best = Double.infinity
    for _ in 0..<3 { best = min(best, cpuMicros(n) { _ = validate(schema: schema, document: doc) }) }
    print("swift  \(name) (\(text.utf8.count) bytes): \(String(format: "%.1f", best)) µs CPU per validate (\(n) iterations)")
}
