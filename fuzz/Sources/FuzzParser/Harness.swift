// libFuzzer harness: the GraphQL lexer and parser (Sources/QueryLanguage).
//
// Any bytes (decoded as UTF-8 with replacement, as the server decodes a
// request's query) must parse or throw GraphQLSyntaxError, never trap, and a
// document that parses must print to text that parses again and prints the
// same: print(parse(print(parse(x)))) == print(parse(x)). The same input is
// also read as a lone value literal and as a type reference, which have their
// own entry points (variable defaults, schema building).
import QueryLanguage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    if let document = try? parse(source), !hasShorthandQueryAfterTypeSystemDefinition(document) {
        let printed = printAST(document)
        let reparsed: Document
        do {
            reparsed = try parse(printed)
        } catch {
            fatalError("printed document does not parse again: \(error)\n--- printed ---\n\(printed)")
        }
        let reprinted = printAST(reparsed)
        if reprinted != printed {
            fatalError("print → parse → print is not stable\n--- first ---\n\(printed)\n--- second ---\n\(reprinted)")
        }
    }

    if let value = try? parseValue(source) {
        let printed = printValue(value)
        guard let reparsed = try? parseValue(printed), printValue(reparsed) == printed else {
            fatalError("value literal does not survive print → parse: \(printed)")
        }
    }
    _ = try? parseConstValue(source)

    if let type = try? parseType(source) {
        let printed = printType(type)
        guard let reparsed = try? parseType(printed), printType(reparsed) == printed else {
            fatalError("type reference does not survive print → parse: \(printed)")
        }
    }
    return 0
}

/// `enum E query { f }` is a body-less enum and a query; printed as graphql-js
/// prints it (`enum E\n\n{\n  f\n}`: an anonymous query is written as a bare
/// selection set) it reads back as `enum E { f }`. graphql-js 16 prints the
/// same ambiguous text, and our printer follows it byte for byte, so such
/// documents are left out of the round-trip property.
func hasShorthandQueryAfterTypeSystemDefinition(_ document: Document) -> Bool {
    zip(document.definitions, document.definitions.dropFirst()).contains { previous, next in
        guard case .operation(let op) = next, op.operation == .query, op.name == nil,
              op.variableDefinitions.isEmpty, op.directives.isEmpty else { return false }
        switch previous {
        case .type, .schema: return true
        default: return false
        }
    }
}
