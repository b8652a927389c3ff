// Resolvers is the GraphQL face of the clinic: every SQL statement lives in
// ClinicStore (one file per aggregate). This reads the string literals of
// every file under Sources/Resolvers and fails on one that holds SQL.
import Foundation
import XCTest

final class NoSQLInResolversTests: XCTestCase {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/Resolvers").standardized

    /// Statement shapes: a keyword and the word that completes it.
    static let statements = [
        #"\bSELECT\b[\s\S]*\bFROM\b"#, #"\bINSERT\s+INTO\b"#, #"\bUPDATE\s+\w+(\s+\w+)?\s+SET\b"#, #"\bDELETE\s+FROM\b"#,
        #"\bWITH\s+\w+\s+AS\s*(MATERIALIZED\s*)?\("#,
    ].map { try! NSRegularExpression(pattern: $0) }

    func testNoResolversFileHoldsSQLText() throws {
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: Self.sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        XCTAssertGreaterThan(files.count, 10, "found no sources under \(Self.sources.path)")
        var offenders: [String] = []
        for file in files.sorted() {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
            for literal in Self.stringLiterals(in: text) {
                let range = NSRange(literal.startIndex..., in: literal)
                if Self.statements.contains(where: { $0.firstMatch(in: literal, range: range) != nil }) {
                    offenders.append("\(file): \(literal.prefix(80).replacingOccurrences(of: "\n", with: " "))")
                }
            }
        }
        XCTAssertEqual(offenders, [], "SQL belongs in ClinicStore")
    }

    func testTheScannerFindsSQLInEveryLiteralForm() {
        let sample = #"""
        // SELECT x FROM comment is not code
        let a = "SELECT id FROM users"
        let b = """
            UPDATE users SET x = 1
            """
        let c = #"DELETE FROM t"#
        let d = "a \(f("INSERT INTO t")) b"
        """#
        let literals = Self.stringLiterals(in: sample)
        XCTAssertEqual(literals.filter { literal in
            Self.statements.contains { $0.firstMatch(in: literal, range: NSRange(literal.startIndex..., in: literal)) != nil }
        }.count, 4, "\(literals)")
    }

    /// The contents of the string literals of Swift source (comments skipped;
    /// single-line, multi-line and raw strings; an interpolation stands as
    /// `\(…)` in its literal, and the literals inside it are listed too).
    static func stringLiterals(in source: String) -> [String] {
        var scanner = LiteralScanner(Array(source.unicodeScalars))
        scanner.code(until: nil)
        return scanner.literals
    }
}

private struct LiteralScanner {
    let c: [Unicode.Scalar]
    var i = 0
    var literals: [String] = []
    init(_ c: [Unicode.Scalar]) { self.c = c }

    func at(_ k: Int, _ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        return k + u.count <= c.count && Array(c[k..<(k + u.count)]) == u
    }

    /// Code up to the `)` closing an interpolation (nil: to the end).
    mutating func code(until close: Unicode.Scalar?) {
        var depth = 0
        while i < c.count {
            if at(i, "//") {
                while i < c.count, c[i] != "\n" { i += 1 }
            } else if at(i, "/*") {
                i += 2
                while i < c.count, !at(i, "*/") { i += 1 }
                i += 2
            } else if c[i] == "#" || c[i] == "\"" {
                var k = i
                while k < c.count, c[k] == "#" { k += 1 }
                if k < c.count, c[k] == "\"" { literal(start: k, rawHashes: k - i) } else { i = k + 1 }
            } else if c[i] == "(" {
                depth += 1; i += 1
            } else if c[i] == ")" {
                if depth == 0, close != nil { i += 1; return }
                depth -= 1; i += 1
            } else {
                i += 1
            }
        }
    }

    mutating func literal(start k: Int, rawHashes hashes: Int) {
        let open = at(k, "\"\"\"") ? "\"\"\"" : "\""
        let close = open + String(repeating: "#", count: hashes)
        let escape = "\\" + String(repeating: "#", count: hashes)
        i = k + open.unicodeScalars.count
        var body = String.UnicodeScalarView()
        while i < c.count, !at(i, close) {
            if at(i, escape + "(") {
                i += escape.unicodeScalars.count + 1
                body.append(contentsOf: "\\(…)".unicodeScalars)
                code(until: ")")
            } else if at(i, escape), i + escape.unicodeScalars.count < c.count {
                let n = escape.unicodeScalars.count + 1
                body.append(contentsOf: c[i..<(i + n)]); i += n
            } else {
                body.append(c[i]); i += 1
            }
        }
        literals.append(String(body))
        i += close.unicodeScalars.count
    }
}
