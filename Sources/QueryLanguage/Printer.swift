// The printer: graphql-js / graphql-core `print` canonical layout, byte for
// byte (two-space indent, block strings kept, descriptions, argument lists
// wrapped when a field's line exceeds 80 characters).

private let maxLineLength = 80

/// Prints a document in canonical form.
public func printAST(_ document: Document) -> String {
    join(document.definitions.map(printDefinition), "\n\n")
}

/// Prints a value literal.
public func printValue(_ value: ValueNode) -> String {
    switch value {
    case .variable(let v): return "$" + v.name.value
    case .int(let s, _), .float(let s, _): return s
    case .string(let s, let block, _): return block ? printBlockString(s) : printString(s)
    case .boolean(let b, _): return b ? "true" : "false"
    case .null: return "null"
    case .enumValue(let s, _): return s
    case .list(let values, _): return "[" + join(values.map(printValue), ", ") + "]"
    case .object(let fields, _):
        return "{" + join(fields.map { $0.name.value + ": " + printValue($0.value) }, ", ") + "}"
    }
}

/// Prints a type reference, e.g. `[String!]!`.
public func printType(_ type: TypeReference) -> String {
    switch type {
    case .named(let n): return n.name.value
    case .list(let t, _): return "[" + printType(t) + "]"
    case .nonNull(let t, _): return printType(t) + "!"
    }
}

/// Parses `source` and prints it canonically (`clinic graphql format`).
public func formatDocument(_ source: String) -> Result<String, GraphQLSyntaxError> {
    do {
        return .success(printAST(try parse(source)))
    } catch let e as GraphQLSyntaxError {
        return .failure(e)
    } catch {
        return .failure(GraphQLSyntaxError(message: "Syntax Error: \(error)", line: 1, column: 1))
    }
}

// MARK: - helpers (graphql-js printer's join/wrap/indent/block)

@inline(__always) func join(_ parts: [String], _ separator: String) -> String {
    var out = ""
    var first = true
    for p in parts where !p.isEmpty {
        if !first { out += separator }
        out += p
        first = false
    }
    return out
}

@inline(__always) func wrap(_ start: String, _ s: String, _ end: String = "") -> String {
    s.isEmpty ? "" : start + s + end
}

func indent(_ s: String) -> String {
    if s.isEmpty { return "" }
    var out = [UInt8]()
    out.reserveCapacity(s.utf8.count + 16)
    out.append(0x20); out.append(0x20)
    for b in s.utf8 {
        out.append(b)
        if b == 0x0A { out.append(0x20); out.append(0x20) }
    }
    return String(decoding: out, as: UTF8.self)
}

func block(_ items: [String]) -> String {
    wrap("{\n", indent(join(items, "\n")), "\n}")
}

private func hasMultilineItems(_ items: [String]) -> Bool {
    items.contains { $0.utf8.contains(0x0A) }
}

private func description(_ d: StringValue?) -> String {
    guard let d else { return "" }
    return (d.block ? printBlockString(d.value) : printString(d.value)) + "\n"
}

private func directives(_ dirs: [Directive]) -> String {
    join(dirs.map(printDirective), " ")
}

private func printDirective(_ d: Directive) -> String {
    "@" + d.name.value + wrap("(", join(d.arguments.map(printArgument), ", "), ")")
}

private func printArgument(_ a: Argument) -> String {
    a.name.value + ": " + printValue(a.value)
}

private func printDefinition(_ def: Definition) -> String {
    switch def {
    case .operation(let op): return printOperation(op)
    case .fragment(let f):
        return "fragment \(f.name.value) on \(f.typeCondition.name.value) " + wrap("", directives(f.directives), " ") + printSelectionSet(f.selectionSet)
    case .schema(let s):
        if s.isExtension {
            return join(["extend schema", directives(s.directives), block(s.operationTypes.map(printOperationType))], " ")
        }
        return description(s.description) + join(["schema", directives(s.directives), block(s.operationTypes.map(printOperationType))], " ")
    case .type(let t): return printTypeDefinition(t)
    case .directive(let d):
        let args = argumentDefinitions(d.arguments)
        return description(d.description) + "directive @\(d.name.value)\(args)\(d.repeatable ? " repeatable" : "") on " + join(d.locations.map(\.value), " | ")
    }
}

private func printOperationType(_ o: OperationTypeDefinition) -> String {
    o.operation.rawValue + ": " + o.type.name.value
}

private func printOperation(_ op: OperationDefinition) -> String {
    let varDefs = wrap("(", join(op.variableDefinitions.map(printVariableDefinition), ", "), ")")
    let prefix = join([op.operation.rawValue, join([op.name?.value ?? "", varDefs], ""), directives(op.directives)], " ")
    return (prefix == "query" ? "" : prefix + " ") + printSelectionSet(op.selectionSet)
}

private func printVariableDefinition(_ v: VariableDefinition) -> String {
    "$" + v.variable.name.value + ": " + printType(v.type)
        + wrap(" = ", v.defaultValue.map(printValue) ?? "")
        + wrap(" ", directives(v.directives))
}

private func printSelectionSet(_ s: SelectionSet) -> String {
    block(s.selections.map(printSelection))
}

private func printSelection(_ s: Selection) -> String {
    switch s {
    case .field(let f):
        let prefix = wrap("", f.alias?.value ?? "", ": ") + f.name.value
        let args = f.arguments.map(printArgument)
        var argsLine = prefix + wrap("(", join(args, ", "), ")")
        if argsLine.unicodeScalars.count > maxLineLength {
            argsLine = prefix + wrap("(\n", indent(join(args, "\n")), "\n)")
        }
        return join([argsLine, directives(f.directives), f.selectionSet.map(printSelectionSet) ?? ""], " ")
    case .fragmentSpread(let fs):
        return "..." + fs.name.value + wrap(" ", directives(fs.directives))
    case .inlineFragment(let inf):
        return join(["...", wrap("on ", inf.typeCondition?.name.value ?? ""), directives(inf.directives), printSelectionSet(inf.selectionSet)], " ")
    }
}

private func argumentDefinitions(_ defs: [InputValueDefinition]) -> String {
    let args = defs.map(printInputValueDefinition)
    if hasMultilineItems(args) {
        return wrap("(\n", indent(join(args, "\n")), "\n)")
    }
    return wrap("(", join(args, ", "), ")")
}

private func printInputValueDefinition(_ d: InputValueDefinition) -> String {
    description(d.description) + join([
        d.name.value + ": " + printType(d.type),
        wrap("= ", d.defaultValue.map(printValue) ?? ""),
        directives(d.directives),
    ], " ")
}

private func printFieldDefinition(_ f: FieldDefinition) -> String {
    description(f.description) + f.name.value + argumentDefinitions(f.arguments) + ": " + printType(f.type)
        + wrap(" ", directives(f.directives))
}

private func printEnumValueDefinition(_ v: EnumValueDefinition) -> String {
    description(v.description) + join([v.name.value, directives(v.directives)], " ")
}

private func printTypeDefinition(_ t: TypeDefinition) -> String {
    switch t {
    case .scalar(let d):
        if d.isExtension { return join(["extend scalar", d.name.value, directives(d.directives)], " ") }
        return description(d.description) + join(["scalar", d.name.value, directives(d.directives)], " ")
    case .object(let d):
        return (d.isExtension ? "" : description(d.description)) + join([
            d.isExtension ? "extend type" : "type", d.name.value,
            wrap("implements ", join(d.interfaces.map(\.name.value), " & ")),
            directives(d.directives), block(d.fields.map(printFieldDefinition)),
        ], " ")
    case .interface(let d):
        return (d.isExtension ? "" : description(d.description)) + join([
            d.isExtension ? "extend interface" : "interface", d.name.value,
            wrap("implements ", join(d.interfaces.map(\.name.value), " & ")),
            directives(d.directives), block(d.fields.map(printFieldDefinition)),
        ], " ")
    case .union(let d):
        return (d.isExtension ? "" : description(d.description)) + join([
            d.isExtension ? "extend union" : "union", d.name.value, directives(d.directives),
            wrap("= ", join(d.types.map(\.name.value), " | ")),
        ], " ")
    case .enumeration(let d):
        return (d.isExtension ? "" : description(d.description)) + join([
            d.isExtension ? "extend enum" : "enum", d.name.value, directives(d.directives),
            block(d.values.map(printEnumValueDefinition)),
        ], " ")
    case .inputObject(let d):
        return (d.isExtension ? "" : description(d.description)) + join([
            d.isExtension ? "extend input" : "input", d.name.value, directives(d.directives),
            block(d.fields.map(printInputValueDefinition)),
        ], " ")
    }
}

// MARK: - strings

/// Prints `value` as a GraphQL string literal, escaping like graphql-js
/// `printString` (control characters, `"`, `\`, U+007F–U+009F).
public func printString(_ value: String) -> String {
    var out = [UInt8]()
    out.reserveCapacity(value.utf8.count + 2)
    out.append(0x22)
    let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
    for s in value.unicodeScalars {
        let v = s.value
        switch v {
        case 0x08: out.append(0x5C); out.append(0x62)
        case 0x09: out.append(0x5C); out.append(0x74)
        case 0x0A: out.append(0x5C); out.append(0x6E)
        case 0x0C: out.append(0x5C); out.append(0x66)
        case 0x0D: out.append(0x5C); out.append(0x72)
        case 0x22: out.append(0x5C); out.append(0x22)
        case 0x5C: out.append(0x5C); out.append(0x5C)
        case 0x00...0x1F, 0x7F...0x9F:
            out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(v >> 4)], hex[Int(v & 0xF)]])
        default:
            appendUTF8(v, to: &out)
        }
    }
    out.append(0x22)
    return String(decoding: out, as: UTF8.self)
}

/// Python `str.splitlines()` boundaries (graphql-core's printer uses them).
private func isPythonLineBreak(_ v: UInt32) -> Bool {
    switch v {
    case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: return true
    default: return false
    }
}

/// Prints `value` as a block string (graphql-core 3.2 `print_block_string`).
/// `preferMultipleLines: true` always uses the layout with the quotes on
/// their own lines; the default chooses it only when it improves readability
/// (exactly as graphql-js `print` does).
public func printBlockString(_ value: String, preferMultipleLines: Bool = false) -> String {
    // Escape triple quotes.
    var escaped = [UInt8]()
    let bytes = Array(value.utf8)
    escaped.reserveCapacity(bytes.count + 8)
    var i = 0
    while i < bytes.count {
        if bytes[i] == 0x22 && i + 2 < bytes.count && bytes[i + 1] == 0x22 && bytes[i + 2] == 0x22 {
            escaped.append(contentsOf: [0x5C, 0x22, 0x22, 0x22])
            i += 3
        } else {
            escaped.append(bytes[i])
            i += 1
        }
    }
    let escapedValue = String(decoding: escaped, as: UTF8.self)
    let scalars = Array(escapedValue.unicodeScalars)
    // Split into lines like Python's splitlines().
    var lines: [ArraySlice<Unicode.Scalar>] = []
    var lineStart = 0
    var j = 0
    while j < scalars.count {
        let v = scalars[j].value
        if isPythonLineBreak(v) {
            lines.append(scalars[lineStart..<j])
            if v == 0x0D && j + 1 < scalars.count && scalars[j + 1].value == 0x0A { j += 1 }
            j += 1
            lineStart = j
            continue
        }
        j += 1
    }
    if lineStart < scalars.count { lines.append(scalars[lineStart..<scalars.count]) }
    if lines.isEmpty { lines = [scalars[0..<0]] }
    let numLines = lines.count
    let isSingleLine = numLines == 1
    let forceLeadingNewLine = numLines > 1 && lines.dropFirst().allSatisfy { l in
        l.isEmpty || l.first!.value == 0x20 || l.first!.value == 0x09
    }
    let hasTrailingTripleQuotes = escaped.count >= 4 && escaped[escaped.count - 4] == 0x5C
        && escaped[escaped.count - 3] == 0x22 && escaped[escaped.count - 2] == 0x22 && escaped[escaped.count - 1] == 0x22
    let hasTrailingQuote = bytes.last == 0x22 && !hasTrailingTripleQuotes
    let hasTrailingSlash = bytes.last == 0x5C
    let forceTrailingNewLine = hasTrailingQuote || hasTrailingSlash
    let printAsMultipleLines = preferMultipleLines || !isSingleLine || value.unicodeScalars.count > 70
        || forceTrailingNewLine || forceLeadingNewLine || hasTrailingTripleQuotes
    let first = value.unicodeScalars.first?.value
    let startsWithWhitespace = first == 0x20 || first == 0x09
    let skipLeadingNewLine = isSingleLine && startsWithWhitespace
    // Python's line breaks include U+000B, U+000C, U+001C–U+001E, U+0085, U+2028 and
    // U+2029, GraphQL's do not: a value such as " x\u{1E}y" is one GraphQL line, and a
    // newline before it would make its indentation common indentation that the parser
    // strips (graphql-core prints it so and loses the space; graphql-js keeps it).
    let isOneGraphQLLine = !bytes.contains(0x0A) && !bytes.contains(0x0D)
    let leadingNewLineWouldDedent = isOneGraphQLLine && startsWithWhitespace
    let before = ((printAsMultipleLines && !skipLeadingNewLine) || forceLeadingNewLine) && !leadingNewLineWouldDedent ? "\n" : ""
    let after = printAsMultipleLines || forceTrailingNewLine ? "\n" : ""
    return "\"\"\"" + before + escapedValue + after + "\"\"\""
}
