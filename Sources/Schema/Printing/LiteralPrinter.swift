// The engine's one printer of values as GraphQL literals: graphql-js
// `print(astFromValue(value, type))`, used for SDL defaults and introspection's
// `defaultValue`. (Literals written in a document print with QueryLanguage.printValue.)
import JSON
import QueryLanguage

struct LiteralPrinter {
    let schema: GraphQLSchema
    /// How a Float is spelled: JavaScript's Number#toString for introspection
    /// (graphql-js), Python's `str` for SDL (compared with graphql-core's print_schema).
    let float: (Double) -> String

    static func javaScript(_ schema: GraphQLSchema) -> LiteralPrinter {
        LiteralPrinter(schema: schema, float: JSONWriter.javaScriptNumber)
    }

    static func python(_ schema: GraphQLSchema) -> LiteralPrinter {
        LiteralPrinter(schema: schema) { d in
            var s = "\(d)"
            if s.hasSuffix(".0") { s.removeLast(2) }
            return s
        }
    }

    /// A declared default as both references print it: coerced first (input-object
    /// field defaults filled in, definition order), then printed; nil where it
    /// does not coerce or has no literal of its type.
    func printDefault(_ node: ValueNode, _ type: TypeRef) -> String? {
        guard let value = valueFromAST(schema: schema, scalars: [:], value: node, type: type, variables: nil) else { return nil }
        return literal(value, type)
    }

    /// The value as a literal of `type`, or nil where none holds it (null for a
    /// non-null type, a list or object for a scalar), as astFromValue refuses.
    func literal(_ value: JSON, _ type: TypeRef) -> String? {
        switch type {
        case .nonNull(let inner):
            let r = literal(value, inner)
            return r == "null" ? nil : r
        case .list(let item):
            if value == .null { return "null" }
            if case .array(let items) = value { return "[" + items.compactMap { literal($0, item) }.joined(separator: ", ") + "]" }
            return literal(value, item)
        case .named(let name):
            if value == .null { return "null" }
            switch schema.types[name] {
            case .inputObject(let io)?:
                guard case .object(let members) = value else { return nil }
                let fields = io.fields.compactMap { f -> String? in
                    guard let v = members.first(where: { $0.0 == f.name })?.1, let a = literal(v, f.type) else { return nil }
                    return "\(f.name): \(a)"
                }
                return "{" + fields.joined(separator: ", ") + "}"
            case .enumeration?:
                if case .string(let s) = value { return s }
                return nil
            default:
                switch value {
                case .bool(let b): return b ? "true" : "false"
                case .int(let i): return String(i)
                case .double(let d): return d.isFinite ? float(d) : nil
                case .string(let s): return name == "ID" && isIntegerText(s) ? s : printString(s)
                default: return nil
                }
            }
        }
    }
}
