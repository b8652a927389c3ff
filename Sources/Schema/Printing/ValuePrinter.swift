// graphql-js `print` for values, types and strings, as used in messages and
// by the SDL printer.
import QueryLanguage

/// `"…"` with graphql-js's escapes.
func printStringLiteral(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u.value {
        case 0x22: out += "\\\""
        case 0x5C: out += "\\\\"
        case 0x08: out += "\\b"
        case 0x09: out += "\\t"
        case 0x0A: out += "\\n"
        case 0x0C: out += "\\f"
        case 0x0D: out += "\\r"
        case 0x00...0x1F, 0x7F...0x9F:
            let hex = String(u.value, radix: 16, uppercase: true)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}

private func splitLines(_ s: String) -> [Substring] {
    var lines: [Substring] = []
    var start = s.startIndex
    var i = s.startIndex
    while i < s.endIndex {
        let c = s[i]
        if c == "\n" || c == "\r" || c == "\r\n" {
            lines.append(s[start..<i])
            i = s.index(after: i)
            start = i
        } else {
            i = s.index(after: i)
        }
    }
    if start < s.endIndex { lines.append(s[start..<s.endIndex]) }
    return lines
}

/// graphql-js `printBlockString`.
func blockStringLiteral(_ value: String, minimize: Bool = false) -> String {
    let escaped = value.replacingAll("\"\"\"", with: "\\\"\"\"")
    var lines = splitLines(escaped)
    if lines.isEmpty { lines = [""] }
    let isSingleLine = lines.count == 1
    let forceLeadingNewLine = lines.count > 1 && lines.dropFirst().allSatisfy { $0.isEmpty || $0.first == " " || $0.first == "\t" }
    let hasTrailingTripleQuotes = escaped.hasSuffix("\\\"\"\"")
    let hasTrailingQuote = value.hasSuffix("\"") && !hasTrailingTripleQuotes
    let hasTrailingSlash = value.hasSuffix("\\")
    let forceTrailingNewLine = hasTrailingQuote || hasTrailingSlash
    let printAsMultipleLines = !minimize && (!isSingleLine || value.count > 70 || forceTrailingNewLine || forceLeadingNewLine || hasTrailingTripleQuotes)
    let skipLeadingNewLine = isSingleLine && (value.first == " " || value.first == "\t")
    let before = (printAsMultipleLines && !skipLeadingNewLine) || forceLeadingNewLine ? "\n" : ""
    let after = printAsMultipleLines || forceTrailingNewLine ? "\n" : ""
    return "\"\"\"" + before + escaped + after + "\"\"\""
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, self.contains(target) else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[rest.startIndex..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        let u = self.utf8
        var i = u.startIndex
        while i != u.endIndex {
            var j = i, k = 0
            while k < t.count, j != u.endIndex, u[j] == t[k] { j = u.index(after: j); k += 1 }
            if k == t.count { return i..<j }
            i = u.index(after: i)
        }
        return nil
    }
}

/// graphql-js `print` of a value node.
func printValueNode(_ v: ValueNode) -> String {
    switch v {
    case .variable(let x): return "$" + x.name.value
    case .int(let s, _), .float(let s, _): return s
    case .string(let s, let block, _): return block ? blockStringLiteral(s) : printStringLiteral(s)
    case .boolean(let b, _): return b ? "true" : "false"
    case .null: return "null"
    case .enumValue(let s, _): return s
    case .list(let items, _): return "[" + items.map(printValueNode).joined(separator: ", ") + "]"
    case .object(let fields, _): return "{" + fields.map { $0.name.value + ": " + printValueNode($0.value) }.joined(separator: ", ") + "}"
    }
}

/// graphql-js `print` of a type node.
func printTypeNode(_ t: TypeReference) -> String {
    switch t {
    case .named(let n): return n.name.value
    case .list(let i, _): return "[" + printTypeNode(i) + "]"
    case .nonNull(let i, _): return printTypeNode(i) + "!"
    }
}
