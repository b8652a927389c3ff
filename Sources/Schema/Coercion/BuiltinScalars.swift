// The five specified scalars (spec 3.5): Int (32-bit), Float, String, Boolean, ID.
// Messages follow graphql-js (`inspect` for JSON values, `print` for literals).
import JSON
import QueryLanguage

public enum BuiltinScalars {
    public static let all: [String: any ScalarCoercing] = [
        "Int": IntScalar(), "Float": FloatScalar(), "String": StringScalar(), "Boolean": BooleanScalar(), "ID": IDScalar(),
    ]
}

/// graphql-js `inspect` for a JSON value.
func inspectJSON(_ v: JSON) -> String {
    var out = ""
    writeInspected(v, into: &out)
    if out.utf8.count > inspectLimit {
        out = String(decoding: out.utf8.prefix(inspectLimit), as: UTF8.self) + "…"
    }
    return out
}

/// Longest value text an error message quotes. One value can cause many
/// errors (each unknown field of an object quotes the whole object), so the
/// text must not grow with the input: 60,000 unknown keys in a 1 MiB variable
/// once made a response of tens of gigabytes.
let inspectLimit = 500

private func writeInspected(_ v: JSON, into out: inout String) {
    guard out.utf8.count <= inspectLimit else { return }
    switch v {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d): out += formatDouble(d)
    case .string(let s):
        // A long string is cut before it is escaped.
        out += printString(s.utf8.count > inspectLimit ? String(decoding: s.utf8.prefix(inspectLimit + 1), as: UTF8.self) : s)
    case .array(let a):
        if a.isEmpty { out += "[]"; return }
        out += "["
        for (i, item) in a.enumerated() {
            if out.utf8.count > inspectLimit { return }
            if i > 0 { out += ", " }
            writeInspected(item, into: &out)
        }
        out += "]"
    case .object(let o):
        if o.isEmpty { out += "{}"; return }
        out += "{ "
        for (i, (key, value)) in o.enumerated() {
            if out.utf8.count > inspectLimit { return }
            if i > 0 { out += ", " }
            out += key + ": "
            writeInspected(value, into: &out)
        }
        out += " }"
    }
}

/// A double as JavaScript prints it: integral values below 1e21 in plain
/// digits (the shortest round-trip digits, then zeros: 1.2e19 is
/// "12000000000000000000"), others as Swift's shortest form.
func formatDouble(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    guard d == d.rounded(), abs(d) < 1e21 else { return "\(d)" }
    if abs(d) < 9.2e18 { return String(Int64(d)) }
    // Beyond Int64: expand Swift's shortest "d.ddde+XX" with zeros, as JavaScript does.
    let text = "\(abs(d))"
    guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else { return "\(d)" }
    let digits = text[..<e].filter { $0 != "." }
    let integerDigits = exponent + 1
    let body = integerDigits >= digits.count ? digits + String(repeating: "0", count: integerDigits - digits.count)
                                             : String(digits.prefix(integerDigits))
    return (d < 0 ? "-" : "") + body
}

private let minInt = -2147483648, maxInt = 2147483647

/// Parses a GraphQL IntValue's text exactly (no overflow for long literals).
func parseIntLiteralText(_ s: String) -> Int? { Int(s) }

struct IntScalar: ScalarCoercing {
    func parseValue(_ value: JSON) throws -> JSON {
        switch value {
        case .int(let i):
            guard i >= minInt && i <= maxInt else { throw CoercionFailure("Int cannot represent non 32-bit signed integer value: \(inspectJSON(value))") }
            return .int(i)
        case .double(let d) where d.isFinite && d == d.rounded():
            guard d >= Double(minInt) && d <= Double(maxInt) else { throw CoercionFailure("Int cannot represent non 32-bit signed integer value: \(inspectJSON(value))") }
            return .int(Int(d))
        default:
            throw CoercionFailure("Int cannot represent non-integer value: \(inspectJSON(value))")
        }
    }
    func parseLiteral(_ value: ValueNode) throws -> JSON {
        guard case .int(let s, _) = value else { throw CoercionFailure("Int cannot represent non-integer value: \(printValue(value))") }
        guard let i = Int(s), i >= minInt && i <= maxInt else {
            throw CoercionFailure("Int cannot represent non 32-bit signed integer value: \(printValue(value))")
        }
        return .int(i)
    }
    func serialize(_ value: JSON) throws -> JSON {
        switch value {
        case .bool(let b): return .int(b ? 1 : 0)
        case .int(let i) where i >= minInt && i <= maxInt: return .int(i)
        case .int: throw CoercionFailure("Int cannot represent non 32-bit signed integer value: \(inspectJSON(value))")
        case .double(let d) where d.isFinite && d == d.rounded():
            guard d >= Double(minInt) && d <= Double(maxInt) else { throw CoercionFailure("Int cannot represent non 32-bit signed integer value: \(inspectJSON(value))") }
            return .int(Int(d))
        case .string(let s):
            if let i = Int(s) {
                guard i >= minInt && i <= maxInt else { throw CoercionFailure("Int cannot represent non 32-bit signed integer value: \(inspectJSON(value))") }
                return .int(i)
            }
            throw CoercionFailure("Int cannot represent non-integer value: \(inspectJSON(value))")
        default: throw CoercionFailure("Int cannot represent non-integer value: \(inspectJSON(value))")
        }
    }
}

struct FloatScalar: ScalarCoercing {
    func parseValue(_ value: JSON) throws -> JSON {
        switch value {
        case .int(let i): return .double(Double(i))
        case .double(let d) where d.isFinite: return .double(d)
        default: throw CoercionFailure("Float cannot represent non numeric value: \(inspectJSON(value))")
        }
    }
    func parseLiteral(_ value: ValueNode) throws -> JSON {
        switch value {
        case .int(let s, _), .float(let s, _):
            if let d = Double(s) { return .double(d) }
            fallthrough
        default: throw CoercionFailure("Float cannot represent non numeric value: \(printValue(value))")
        }
    }
    func serialize(_ value: JSON) throws -> JSON {
        switch value {
        case .bool(let b): return .double(b ? 1 : 0)
        case .int(let i): return .double(Double(i))
        case .double(let d) where d.isFinite: return .double(d)
        case .string(let s): if let d = Double(s), d.isFinite { return .double(d) }
        default: break
        }
        throw CoercionFailure("Float cannot represent non numeric value: \(inspectJSON(value))")
    }
}

struct StringScalar: ScalarCoercing {
    func parseValue(_ value: JSON) throws -> JSON {
        guard case .string = value else { throw CoercionFailure("String cannot represent a non string value: \(inspectJSON(value))") }
        return value
    }
    func parseLiteral(_ value: ValueNode) throws -> JSON {
        guard case .string(let s, _, _) = value else { throw CoercionFailure("String cannot represent a non string value: \(printValue(value))") }
        return .string(s)
    }
    func serialize(_ value: JSON) throws -> JSON {
        switch value {
        case .string: return value
        case .bool(let b): return .string(b ? "true" : "false")
        case .int(let i): return .string(String(i))
        case .double(let d) where d.isFinite: return .string(formatDouble(d))
        default: throw CoercionFailure("String cannot represent value: \(inspectJSON(value))")
        }
    }
}

struct BooleanScalar: ScalarCoercing {
    func parseValue(_ value: JSON) throws -> JSON {
        guard case .bool = value else { throw CoercionFailure("Boolean cannot represent a non boolean value: \(inspectJSON(value))") }
        return value
    }
    func parseLiteral(_ value: ValueNode) throws -> JSON {
        guard case .boolean(let b, _) = value else { throw CoercionFailure("Boolean cannot represent a non boolean value: \(printValue(value))") }
        return .bool(b)
    }
    func serialize(_ value: JSON) throws -> JSON {
        switch value {
        case .bool: return value
        case .int(let i): return .bool(i != 0)
        case .double(let d) where d.isFinite: return .bool(d != 0)
        default: throw CoercionFailure("Boolean cannot represent a non boolean value: \(inspectJSON(value))")
        }
    }
}

struct IDScalar: ScalarCoercing {
    func parseValue(_ value: JSON) throws -> JSON {
        switch value {
        case .string: return value
        case .int(let i): return .string(String(i))
        case .double(let d) where d.isFinite && d == d.rounded() && abs(d) < 9.007199254740992e15: return .string(String(Int64(d)))
        default: throw CoercionFailure("ID cannot represent value: \(inspectJSON(value))")
        }
    }
    func parseLiteral(_ value: ValueNode) throws -> JSON {
        switch value {
        case .string(let s, _, _): return .string(s)
        case .int(let s, _): return .string(s)
        default: throw CoercionFailure("ID cannot represent a non-string and non-integer value: \(printValue(value))")
        }
    }
    func serialize(_ value: JSON) throws -> JSON {
        switch value {
        case .string: return value
        case .int(let i): return .string(String(i))
        case .double(let d) where d.isFinite && d == d.rounded() && abs(d) < 9.007199254740992e15: return .string(String(Int64(d)))
        default: throw CoercionFailure("ID cannot represent value: \(inspectJSON(value))")
        }
    }
}
