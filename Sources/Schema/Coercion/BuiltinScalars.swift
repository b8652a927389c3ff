// The five specified scalars (spec 3.5): Int (32-bit), Float, String, Boolean, ID.
// Messages follow graphql-js (`inspect` for JSON values, `print` for literals).
import QueryLanguage

public enum BuiltinScalars {
    public static let all: [String: any ScalarCoercing] = [
        "Int": IntScalar(), "Float": FloatScalar(), "String": StringScalar(), "Boolean": BooleanScalar(), "ID": IDScalar(),
    ]
}

/// graphql-js `inspect` for a JSON value.
func inspectJSON(_ v: JSON) -> String {
    switch v {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .double(let d): return formatDouble(d)
    case .string(let s): return printStringLiteral(s)
    case .array(let a): return a.isEmpty ? "[]" : "[" + a.map(inspectJSON).joined(separator: ", ") + "]"
    case .object(let o): return o.isEmpty ? "{}" : "{ " + o.map { "\($0.0): \(inspectJSON($0.1))" }.joined(separator: ", ") + " }"
    }
}

/// A double as JavaScript prints it (integral values without ".0").
func formatDouble(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    if d == d.rounded(), abs(d) < 1e21 { return String(Int64(d)) }
    return "\(d)"
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
        guard case .int(let s, _) = value else { throw CoercionFailure("Int cannot represent non-integer value: \(printValueNode(value))") }
        guard let i = Int(s), i >= minInt && i <= maxInt else {
            throw CoercionFailure("Int cannot represent non 32-bit signed integer value: \(printValueNode(value))")
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
        default: throw CoercionFailure("Float cannot represent non numeric value: \(printValueNode(value))")
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
        guard case .string(let s, _, _) = value else { throw CoercionFailure("String cannot represent a non string value: \(printValueNode(value))") }
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
        guard case .boolean(let b, _) = value else { throw CoercionFailure("Boolean cannot represent a non boolean value: \(printValueNode(value))") }
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
        default: throw CoercionFailure("ID cannot represent a non-string and non-integer value: \(printValueNode(value))")
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
