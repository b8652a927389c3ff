// `clinic graphql validate|format|typescript` and `clinic schema print`:
// the GraphQL core used as a tool on any schema, for frontend CI.
import Foundation
import JSON
import QueryLanguage
import Schema
import Server

enum GraphQLToolsCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        guard let sub = arguments.first else {
            fail("usage: clinic graphql validate|format|typescript …")
            return 2
        }
        let rest = Array(arguments.dropFirst())
        switch sub {
        case "format": return format(rest)
        case "validate": return validateDocuments(rest)
        case "typescript": return TypeScriptCommand.run(rest)
        default:
            fail("unknown graphql command \(sub)")
            return 2
        }
    }

    static func read(_ path: String) -> String? {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return String(data: data, encoding: .utf8)
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    static func errorJSON(_ errors: [GraphQLError], file: String) -> String {
        let items: [JSON] = errors.map { e in
            .object([("message", .string(e.message)),
                     ("locations", .array(e.locations.map { .object([("line", .int($0.line)), ("column", .int($0.column))]) }))])
        }
        return JSON.object([("errors", .array(items)), ("file", .string(file))]).serializedString
    }

    static func format(_ files: [String]) -> Int32 {
        guard !files.isEmpty else {
            fail("usage: clinic graphql format FILE… (- reads stdin)")
            return 2
        }
        var status: Int32 = 0
        for file in files {
            guard let source = read(file) else {
                fail("cannot read \(file)")
                return 2
            }
            switch formatDocument(source) {
            case .success(let text):
                writeStdout(text.hasSuffix("\n") ? text : text + "\n")
            case .failure(let e):
                writeStdout(errorJSON([GraphQLError(message: e.message, locations: [ErrorLocation(line: e.line, column: e.column)])], file: file) + "\n")
                status = 1
            }
        }
        return status
    }

    static func validateDocuments(_ arguments: [String]) -> Int32 {
        var schemaPath: String?
        var documents: [String] = []
        var i = 0
        while i < arguments.count {
            if arguments[i] == "--schema", i + 1 < arguments.count {
                schemaPath = arguments[i + 1]; i += 2
            } else if arguments[i].hasPrefix("--schema=") {
                schemaPath = String(arguments[i].dropFirst("--schema=".count)); i += 1
            } else {
                documents.append(arguments[i]); i += 1
            }
        }
        guard let schemaPath, !documents.isEmpty else {
            fail("usage: clinic graphql validate --schema SCHEMA.graphql DOC.graphql…")
            return 2
        }
        guard let sdl = read(schemaPath) else {
            fail("cannot read schema \(schemaPath)")
            return 2
        }
        let schema: GraphQLSchema
        do { schema = try SchemaBuilder.build(sdl: sdl) } catch let e as SchemaBuildError {
            fail("\(schemaPath) is not a valid schema:\n" + e.errors.map { "  \($0.message)" }.joined(separator: "\n"))
            return 2
        } catch {
            fail("\(schemaPath) is not a valid schema: \(error)")
            return 2
        }
        var status: Int32 = 0
        for file in documents {
            guard let source = read(file) else {
                fail("cannot read \(file)")
                return 2
            }
            var errors: [GraphQLError]
            do {
                let document = try parse(source)
                errors = validate(schema: schema, document: document)
            } catch let e as GraphQLSyntaxError {
                errors = [GraphQLError(message: e.message, locations: [ErrorLocation(line: e.line, column: e.column)])]
            } catch {
                errors = [GraphQLError(message: "\(error)")]
            }
            if !errors.isEmpty { status = 1 }
            writeStdout(errorJSON(errors, file: file) + "\n")
        }
        return status
    }
}

enum SchemaCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        guard arguments == ["print"] else {
            fail("usage: clinic schema print")
            return 2
        }
        do {
            let sdl = try ServedSchema.printed()
            writeStdout(sdl.hasSuffix("\n") ? sdl : sdl + "\n")
            return 0
        } catch {
            fail("the embedded schema does not build: \(error)")
            return 1
        }
    }
}
