// `clinic graphql typescript --schema S.graphql DOC.graphql… [--out DIR]`:
// TypeScript types for client documents (see Schema/Codegen). With --out, writes
// DIR/schema-types.ts and DIR/<DocBaseName>.ts per document; without it, prints
// the shared module then every document module to stdout.
// Exit codes: 0 written, 1 a document failed to generate, 2 usage or unreadable input.
import Foundation
import QueryLanguage
import Schema

enum TypeScriptCommand {
    /// Entry point for `clinic graphql typescript …` (arguments after `typescript`).
    static func run(_ arguments: [String]) -> Int32 {
        var schemaPath: String?
        var outDir: String?
        var documents: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--schema", i + 1 < arguments.count { schemaPath = arguments[i + 1]; i += 2 }
            else if a.hasPrefix("--schema=") { schemaPath = String(a.dropFirst(9)); i += 1 }
            else if a == "--out", i + 1 < arguments.count { outDir = arguments[i + 1]; i += 2 }
            else if a.hasPrefix("--out=") { outDir = String(a.dropFirst(6)); i += 1 }
            else { documents.append(a); i += 1 }
        }
        guard let schemaPath, !documents.isEmpty else {
            err("usage: clinic graphql typescript --schema SCHEMA.graphql DOC.graphql… [--out DIR]")
            return 2
        }
        guard let sdl = readText(schemaPath) else { err("cannot read schema \(schemaPath)"); return 2 }
        let schema: GraphQLSchema
        do { schema = try SchemaBuilder.build(sdl: sdl) } catch {
            err("\(schemaPath) is not a valid schema:\n\(error)")
            return 2
        }
        let generator = TypeScriptGenerator(schema: schema)
        var outputs: [(String, String)] = [("schema-types.ts", generator.schemaTypesModule())]
        var status: Int32 = 0
        var seen: Set<String> = []
        for path in documents {
            guard let source = readText(path) else { err("cannot read \(path)"); return 2 }
            let file = (path as NSString).lastPathComponent
            let base = file.hasSuffix(".graphql") ? String(file.dropLast(8)) : file
            guard seen.insert(base).inserted else {
                err("two documents named \(base).graphql: their modules would overwrite each other")
                status = 1
                continue
            }
            do {
                outputs.append(("\(base).ts", try generator.documentModule(source: source, fileName: file)))
            } catch {
                err("\(path): \(error)")
                status = 1
            }
        }
        if let outDir {
            do {
                try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
                for (name, text) in outputs {
                    let url = URL(fileURLWithPath: outDir).appendingPathComponent(name)
                    // Unchanged files are left alone so their mtime stays (incremental builds).
                    if let old = try? String(contentsOf: url, encoding: .utf8), old == text { continue }
                    try text.write(to: url, atomically: true, encoding: .utf8)
                }
            } catch {
                err("cannot write to \(outDir): \(error)")
                return 2
            }
        } else {
            for (name, text) in outputs {
                FileHandle.standardOutput.write(Data("// ---- \(name)\n\(text)\n".utf8))
            }
        }
        return status
    }

    private static func readText(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    private static func err(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
