// The layout holds: every Sources target imports only what the table below
// allows (DESIGN.md's module table), nothing upward, and Package.swift
// declares exactly what the sources may use. A new module or dependency is a
// change to this table, reviewed like code.
import Foundation
import XCTest

final class ImportLayeringTests: XCTestCase {
    /// What each target may import, besides the toolchain's modules. Targets
    /// that do not exist yet are listed so the layout is written down before
    /// the code moves into it.
    static let allowed: [String: Set<String>] = [
        // Pure libraries.
        "JSON": [],
        "QueryLanguage": [],
        "Schema": ["QueryLanguage", "JSON"],
        // Infrastructure: C shims and JSON only.
        "Postgres": ["CLibPQ", "JSON"],
        "HTTP": ["JSON"],
        "Crypto": ["CCrypto", "CXCrypt", "JSON"],
        "Delivery": ["CCrypto", "JSON"],
        // The clinic, one way down: executable → Server → {Resolvers, Jobs} → ClinicStore → ClinicDomain.
        "ClinicDomain": ["JSON", "Crypto"],
        "ClinicStore": ["ClinicDomain", "Postgres", "JSON", "Crypto"],
        // Crypto opens the sealed reset token a password-reset email links to.
        "Jobs": ["ClinicStore", "ClinicDomain", "Delivery", "JSON", "Crypto"],
        // QueryLanguage for the AST its batch planning reads; Crypto for the tokens login and refresh issue.
        "Resolvers": ["Schema", "QueryLanguage", "ClinicStore", "ClinicDomain", "JSON", "Crypto"],
        "Server": ["Resolvers", "Jobs", "ClinicStore", "ClinicDomain", "Schema", "QueryLanguage", "JSON",
                   "HTTP", "Postgres", "Crypto", "Delivery"],
        // `main` and the CLI; its `graphql` tools use the GraphQL core on any schema.
        "clinic": ["Server", "Schema", "QueryLanguage", "JSON"],
        // Test support, linked only into tests.
        "TestSupport": [],
        "PostgresTesting": ["Postgres"],
        "DeliveryTesting": ["Delivery", "CCrypto", "JSON"],
    ]

    /// The toolchain's modules, allowed everywhere.
    static let toolchain: Set<String> = ["Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Musl",
                                         "Dispatch", "Synchronization", "_Concurrency", "XCTest"]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Swift targets under Sources/ and the modules their files import.
    static func sourceImports() throws -> [String: Set<String>] {
        let sources = root.appendingPathComponent("Sources")
        var result: [String: Set<String>] = [:]
        for target in try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted() {
            let dir = sources.appendingPathComponent(target)
            guard let files = FileManager.default.enumerator(atPath: dir.path) else { continue }
            var swiftFiles = 0
            var imports: Set<String> = []
            for case let file as String in files where file.hasSuffix(".swift") {
                swiftFiles += 1
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                imports.formUnion(importedModules(text))
            }
            if swiftFiles > 0 { result[target] = imports }
        }
        return result
    }

    /// `import X`, `@testable import X`, `internal import X`, `import struct X.Y` → X.
    static func importedModules(_ text: String) -> Set<String> {
        var modules: Set<String> = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var words = line.split(separator: " ").map(String.init)
            let accessLevels: Set<String> = ["public", "package", "internal", "fileprivate", "private"]
            while let first = words.first, first.hasPrefix("@") || accessLevels.contains(first) { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { continue }
            let kinds: Set<String> = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"]
            let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
            modules.insert(String(path.split(separator: ".").first ?? ""))
        }
        return modules
    }

    /// Package.swift's non-test targets and their declared dependencies (by name).
    static func declaredDependencies() throws -> [String: Set<String>] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let target = try NSRegularExpression(pattern: #"\.(target|executableTarget|systemLibrary)\(\s*name:\s*"([^"]+)"([^)]*)\)"#)
        var result: [String: Set<String>] = [:]
        let range = NSRange(manifest.startIndex..., in: manifest)
        for match in target.matches(in: manifest, range: range) {
            let name = String(manifest[Range(match.range(at: 2), in: manifest)!])
            let rest = String(manifest[Range(match.range(at: 3), in: manifest)!])
            var dependencies: Set<String> = []
            if let open = rest.range(of: "dependencies:"), let list = rest[open.upperBound...].range(of: #"\[[^\]]*\]"#, options: .regularExpression) {
                let quoted = try NSRegularExpression(pattern: #""([^"]+)""#)
                let text = String(rest[list])
                for q in quoted.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    dependencies.insert(String(text[Range(q.range(at: 1), in: text)!]))
                }
            }
            result[name] = dependencies
        }
        return result
    }

    /// True when `from` reaches `to` through the allowed graph.
    static func reaches(_ from: String, _ to: String) -> Bool {
        var seen: Set<String> = [], stack = [from]
        while let next = stack.popLast() {
            if next == to { return true }
            if seen.insert(next).inserted { stack += allowed[next] ?? [] }
        }
        return false
    }

    func testEverySourceTargetImportsOnlyDownward() throws {
        let imports = try Self.sourceImports()
        let declared = try Self.declaredDependencies()
        XCTAssertFalse(imports.isEmpty, "no Sources targets found under \(Self.root.path)")
        for (target, modules) in imports.sorted(by: { $0.key < $1.key }) {
            guard let allowed = Self.allowed[target] else {
                XCTFail("Sources/\(target) is not in the layout table: add it to ImportLayeringTests.allowed (and DESIGN.md)")
                continue
            }
            for module in modules.subtracting(Self.toolchain).sorted() where module != target && !allowed.contains(module) {
                let why = Self.reaches(module, target) ? "an upward import (\(module) sits above \(target))"
                                                       : "not in its row of the layout table"
                XCTFail("\(target) imports \(module): \(why)")
            }
            if declared[target] == nil {
                XCTFail("Sources/\(target) has no target in Package.swift")
            }
        }
    }

    func testPackageDeclaresWhatTheSourcesImportAndNothingTheLayoutForbids() throws {
        let imports = try Self.sourceImports()
        let declared = try Self.declaredDependencies()
        let libraries = Set(declared.keys)
        for (target, dependencies) in declared.sorted(by: { $0.key < $1.key }) {
            guard let modules = imports[target] else { continue }  // system libraries
            let allowed = Self.allowed[target] ?? []
            for dependency in dependencies.sorted() where !allowed.contains(dependency) {
                XCTFail("Package.swift: \(target) depends on \(dependency), which the layout table does not allow")
            }
            for module in modules.intersection(libraries).sorted() where module != target && !dependencies.contains(module) {
                XCTFail("\(target) imports \(module) without declaring it in Package.swift")
            }
            for dependency in dependencies.sorted() where !modules.contains(dependency) {
                XCTFail("Package.swift: \(target) declares \(dependency) but no file of it imports \(dependency)")
            }
        }
    }
}
