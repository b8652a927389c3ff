// SDL printer: graphql-core's `print_schema`, optionally keeping applied
// custom directives (such as `@auth(requires: [...])`) on types and fields.
import JSON
import QueryLanguage

/// The schema as SDL, identical to graphql-core's `print_schema(schema)`.
public func printSchema(_ schema: GraphQLSchema) -> String {
    printSchema(schema, includeAppliedDirectives: false)
}

/// As `printSchema(_:)`; with `includeAppliedDirectives`, directives applied in
/// the SDL (other than @deprecated and @specifiedBy, always printed) are kept.
public func printSchema(_ schema: GraphQLSchema, includeAppliedDirectives: Bool) -> String {
    SchemaPrinter(schema: schema, applied: includeAppliedDirectives).print()
}

private let specifiedDirectiveNames: Set<String> = ["include", "skip", "deprecated", "specifiedBy", "oneOf"]

/// True for an optional `-` and decimal digits without a leading zero: an ID
/// printed as an Int literal (graphql-js astFromValue's integer test).
func isIntegerText(_ s: String) -> Bool {
    var u = Array(s.utf8)
    if u.first == UInt8(ascii: "-") { u.removeFirst() }
    guard !u.isEmpty, u.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
    return u.count == 1 || u[0] != 48
}

/// graphql-js `isPrintableAsBlockString`.
func isPrintableAsBlockString(_ value: String) -> Bool {
    if value.isEmpty { return true }
    var isEmptyLine = true, hasIndent = false, hasCommonIndent = true, seenNonEmptyLine = false
    for c in value.unicodeScalars {
        if c == "\n" {
            if isEmptyLine && !seenNonEmptyLine { return false }
            seenNonEmptyLine = true
            isEmptyLine = true
            hasIndent = false
        } else if c == " " || c == "\t" {
            hasIndent = hasIndent || isEmptyLine
        } else if c.value <= 0x0F {
            return false
        } else {
            hasCommonIndent = hasCommonIndent && hasIndent
            isEmptyLine = false
        }
    }
    if isEmptyLine { return false }
    if hasCommonIndent && seenNonEmptyLine { return false }
    return true
}

struct SchemaPrinter {
    let schema: GraphQLSchema
    let applied: Bool

    func print() -> String {
        var parts: [String] = []
        if let d = schemaDefinition() { parts.append(d) }
        for d in schema.directives where !specifiedDirectiveNames.contains(d.name) { parts.append(directive(d)) }
        for name in schema.typeNames {
            guard let t = schema.types[name], !name.hasPrefix("__") else { continue }
            if case .scalar = t, BuiltinScalars.all[name] != nil { continue }
            parts.append(type(t))
        }
        return parts.joined(separator: "\n\n")
    }

    func schemaDefinition() -> String? {
        let common = schema.queryType == "Query" && (schema.mutationType ?? "Mutation") == "Mutation"
            && (schema.subscriptionType ?? "Subscription") == "Subscription"
        let dirs = applied ? appliedDirectives(schema.schemaDirectives) : ""
        if schema.description == nil && common && dirs.isEmpty { return nil }
        var ops: [String] = []
        if !schema.queryType.isEmpty { ops.append("  query: \(schema.queryType)") }
        if let m = schema.mutationType { ops.append("  mutation: \(m)") }
        if let s = schema.subscriptionType { ops.append("  subscription: \(s)") }
        return description(schema.description) + "schema" + dirs + " {\n" + ops.joined(separator: "\n") + "\n}"
    }

    func description(_ d: String?, _ indentation: String = "", _ firstInBlock: Bool = true) -> String {
        guard let d else { return "" }
        let literal = isPrintableAsBlockString(d) ? printBlockString(d) : printString(d)
        let prefix = !indentation.isEmpty && !firstInBlock ? "\n" + indentation : indentation
        return prefix + literal.replacingAll("\n", with: "\n" + indentation) + "\n"
    }

    func deprecated(_ reason: String?) -> String {
        guard let reason else { return "" }
        if reason == "No longer supported" { return " @deprecated" }
        return " @deprecated(reason: \(printString(reason)))"
    }

    func appliedDirectives(_ ds: [AppliedDirective]) -> String {
        var out = ""
        for d in ds where d.name != "deprecated" && d.name != "specifiedBy" {
            out += " @" + d.name
            guard !d.arguments.isEmpty else { continue }
            let order = schema.directive(d.name)?.arguments.map(\.name) ?? []
            let names = d.arguments.keys.sorted { a, b in
                let ia = order.firstIndex(of: a) ?? Int.max, ib = order.firstIndex(of: b) ?? Int.max
                return ia != ib ? ia < ib : a < b
            }
            out += "(" + names.map { "\($0): \(printValue(d.arguments[$0]!))" }.joined(separator: ", ") + ")"
        }
        return out
    }

    func extra(_ ds: [AppliedDirective]) -> String { applied ? appliedDirectives(ds) : "" }

    func directive(_ d: DirectiveType) -> String {
        description(d.description) + "directive @\(d.name)" + args(d.arguments) + (d.isRepeatable ? " repeatable" : "")
            + " on " + d.locations.map(\.rawValue).joined(separator: " | ")
    }

    func type(_ t: NamedTypeDefinition) -> String {
        switch t {
        case .scalar(let s):
            var url = ""
            if let u = s.specifiedByURL { url = " @specifiedBy(url: \(printString(u)))" }
            return description(s.description) + "scalar \(s.name)" + url + extra(s.directives)
        case .object(let o):
            return description(o.description) + "type \(o.name)" + interfaces(o.interfaces) + extra(o.directives) + fields(o.fields)
        case .interface(let i):
            return description(i.description) + "interface \(i.name)" + interfaces(i.interfaces) + extra(i.directives) + fields(i.fields)
        case .union(let u):
            let members = u.possibleTypes.isEmpty ? "" : " = " + u.possibleTypes.joined(separator: " | ")
            return description(u.description) + "union \(u.name)" + extra(u.directives) + members
        case .enumeration(let e):
            let values = e.values.enumerated().map { i, v in
                description(v.description, "  ", i == 0) + "  \(v.name)" + deprecated(v.deprecationReason) + extra(v.directives)
            }
            return description(e.description) + "enum \(e.name)" + extra(e.directives) + block(values)
        case .inputObject(let io):
            let fs = io.fields.enumerated().map { i, f in description(f.description, "  ", i == 0) + "  " + inputValue(f) }
            return description(io.description) + "input \(io.name)" + extra(io.directives) + block(fs)
        }
    }

    func interfaces(_ names: [String]) -> String {
        names.isEmpty ? "" : " implements " + names.joined(separator: " & ")
    }

    func fields(_ fs: [OutputField]) -> String {
        block(fs.enumerated().map { i, f in
            description(f.description, "  ", i == 0) + "  \(f.name)" + args(f.arguments, "  ") + ": \(f.type)"
                + deprecated(f.deprecationReason) + extra(f.directives)
        })
    }

    func block(_ items: [String]) -> String {
        items.isEmpty ? "" : " {\n" + items.joined(separator: "\n") + "\n}"
    }

    func args(_ a: [InputValue], _ indentation: String = "") -> String {
        if a.isEmpty { return "" }
        if !a.contains(where: { $0.description != nil }) {
            return "(" + a.map(inputValue).joined(separator: ", ") + ")"
        }
        return "(\n" + a.enumerated().map { i, v in
            description(v.description, "  " + indentation, i == 0) + "  " + indentation + inputValue(v)
        }.joined(separator: "\n") + "\n" + indentation + ")"
    }

    func inputValue(_ v: InputValue) -> String {
        var decl = "\(v.name): \(v.type)"
        if let d = v.defaultValue, let literal = LiteralPrinter.python(schema).printDefault(d, v.type) {
            decl += " = " + literal
        }
        return decl + deprecated(v.deprecationReason) + extra(v.directives)
    }
}
