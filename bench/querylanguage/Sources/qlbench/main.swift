import Foundation

@inline(never) func lexAllTokens(_ source: String) -> Int {
    (try? withSourceBytes(source) { buf throws(GraphQLSyntaxError) -> Int in
        var lexer = Lexer(buf)
        var n = 0
        while try lexer.next().kind != .eof { n += 1 }
        return n
    }) ?? -1
}

/// CPU time of this thread in seconds: the machine is shared, so wall time
/// would count time spent waiting for a core.
func threadCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `body` in batches for about `seconds` of CPU time and returns the
/// fastest batch (iterations, seconds): the minimum is the most stable figure
/// on a machine shared with other builds.
func measure(_ seconds: Double, _ body: () -> Void) -> (iterations: Int, seconds: Double) {
    for _ in 0..<10 { body() } // warm up
    let total = threadCPUTime()
    var best = (iterations: 1, seconds: Double.infinity)
    repeat {
        let start = threadCPUTime()
        var n = 0
        var elapsed = 0.0
        repeat {
            for _ in 0..<5 { body() }
            n += 5
            elapsed = threadCPUTime() - start
        } while elapsed < seconds / 20
        if elapsed / Double(n) < best.seconds / Double(best.iterations) { best = (n, elapsed) }
    } while threadCPUTime() - total < seconds
    return best
}

func fmt(_ x: Double, _ digits: Int = 1) -> String {
    String(format: "%.\(digits)f", x)
}

let args = CommandLine.arguments
if args.count >= 3 && args[1] == "stack" {
    // Parses documents nested to the maximum depth in a thread with the given
    // stack size (KiB); crashes if the stack is too small. An optional third
    // argument picks one document: 0 selections, 1 lists, 2 objects, 3 too deep.
    let kb = Int(args[2])!
    let n = 256
    let docs = [
        String(repeating: "{a", count: n) + String(repeating: "}", count: n),
        "{ f(a: " + String(repeating: "[", count: n - 1) + String(repeating: "]", count: n - 1) + ") }",
        "{ f(a: " + String(repeating: "{a: ", count: n - 1) + "1" + String(repeating: "}", count: n - 1) + ") }",
        "{ f(a: " + String(repeating: "[", count: 100_000) + ") }",
    ]
    let sem = DispatchSemaphore(value: 0)
    if kb == 0 {
        // kb 0: inside a Task on the global concurrent executor (as the HTTP
        // server runs handlers), with that thread's own stack.
        Task.detached {
            for d in docs { _ = try? parse(d, options: ParseOptions(maxTokens: 1_000_000, maxSelections: .max)) }
            sem.signal()
        }
        sem.wait()
        print("depth \(n) parsed inside a Task")
        exit(0)
    }
    let t = Thread {
        let which = args.count > 3 ? [docs[Int(args[3])!]] : docs
        for d in which { _ = try? parse(d, options: ParseOptions(maxTokens: 1_000_000, maxSelections: .max)) }
        sem.signal()
    }
    t.stackSize = kb * 1024
    t.start()
    sem.wait()
    print("depth \(n) parsed in a \(kb) KiB stack")
    exit(0)
}

if args.count >= 3 && args[1] == "profile-parse" {
    // Loops parse() on one file for 5 s of CPU time (for perf record).
    let src = try String(contentsOfFile: args[2], encoding: .utf8)
    let r = measure(5) { _ = try! parse(src) }
    print(r.seconds / Double(r.iterations) * 1e6, "µs")
    exit(0)
}

let dir = args.count > 1 ? args[1] : "inputs"
let query = try String(contentsOfFile: dir + "/query.graphql", encoding: .utf8)
let schema = try String(contentsOfFile: dir + "/schema.graphql", encoding: .utf8)
let seconds = 1.0

print("QueryLanguage (Swift, release; thread CPU time, fastest of 20 batches)")
for (name, src) in [("2 KB query", query), ("50 KB schema", schema)] {
    let bytes = Double(src.utf8.count)
    let tokens = lexAllTokens(src)
    let lex = measure(seconds) { _ = lexAllTokens(src) }
    let lexMBs = bytes * Double(lex.iterations) / lex.seconds / 1e6
    let p = measure(seconds) { _ = try! parse(src) }
    let parseUs = p.seconds / Double(p.iterations) * 1e6
    // Parse alone: the documents are kept and freed outside the timed region.
    var keep: [Document] = []
    keep.reserveCapacity(64)
    var best = Double.infinity
    for _ in 0..<200 {
        let t0 = threadCPUTime()
        for _ in 0..<20 { keep.append(try! parse(src)) }
        best = min(best, (threadCPUTime() - t0) / 20 * 1e6)
        keep.removeAll(keepingCapacity: true)
    }
    let doc = try parse(src)
    let pr = measure(seconds) { _ = printAST(doc) }
    let printUs = pr.seconds / Double(pr.iterations) * 1e6
    print("  \(name) (\(Int(bytes)) bytes, \(tokens) tokens): lex \(fmt(lexMBs)) MB/s; parse+free \(fmt(parseUs, 2)) µs/doc = \(fmt(1e6 / parseUs, 0)) docs/s = \(fmt(bytes / parseUs)) MB/s; parse alone \(fmt(best, 2)) µs; print \(fmt(printUs, 2)) µs")
}
