// Result coercion of the built-in scalars, with graphql-js's rules and
// messages (spec 3.5). Input coercion lives in Schema/Coercion.
import JSON

enum BuiltinScalarCoercion {
    static let names: Set<String> = ["Int", "Float", "String", "Boolean", "ID"]

    static func describe(_ v: JSON) -> String {
        if case .double(let d) = v { return JSONWriter.javaScriptNumber(d) }
        return v.serializedString
    }

    /// Like JavaScript's Number(string) for the strings graphql-js accepts.
    private static func number(_ s: String) -> Double? {
        let t = s.trimmingSpaces()
        if t.isEmpty { return nil }
        if let i = Int(t) { return Double(i) }
        return Double(t)
    }

    /// Serializes `value` for built-in scalar `name`; nil when `name` is not built in.
    static func serialize(_ name: String, _ value: JSON) -> Result<JSON, CoercionFailure>? {
        switch name {
        case "Int":
            var d: Double
            switch value {
            case .int(let i):
                if i >= Int(Int32.min) && i <= Int(Int32.max) { return .success(value) }
                return .failure(CoercionFailure("Int cannot represent non 32-bit signed integer value: \(i)"))
            case .bool(let b): return .success(.int(b ? 1 : 0))
            case .double(let x): d = x
            case .string(let s):
                guard let x = number(s) else { return .failure(CoercionFailure("Int cannot represent non-integer value: \(describe(value))")) }
                d = x
            default: return .failure(CoercionFailure("Int cannot represent non-integer value: \(describe(value))"))
            }
            guard d.isFinite, d == d.rounded() else { return .failure(CoercionFailure("Int cannot represent non-integer value: \(describe(value))")) }
            guard d >= Double(Int32.min) && d <= Double(Int32.max) else {
                return .failure(CoercionFailure("Int cannot represent non 32-bit signed integer value: \(describe(value))"))
            }
            return .success(.int(Int(d)))
        case "Float":
            switch value {
            case .int(let i): return .success(.double(Double(i)))
            case .double(let d):
                return d.isFinite ? .success(value) : .failure(CoercionFailure("Float cannot represent non numeric value: \(describe(value))"))
            case .bool(let b): return .success(.double(b ? 1 : 0))
            case .string(let s):
                if let d = number(s), d.isFinite { return .success(.double(d)) }
                return .failure(CoercionFailure("Float cannot represent non numeric value: \(describe(value))"))
            default: return .failure(CoercionFailure("Float cannot represent non numeric value: \(describe(value))"))
            }
        case "String":
            switch value {
            case .string: return .success(value)
            case .bool(let b): return .success(.string(b ? "true" : "false"))
            case .int(let i): return .success(.string(String(i)))
            case .double(let d):
                return d.isFinite ? .success(.string(JSONWriter.javaScriptNumber(d))) : .failure(CoercionFailure("String cannot represent value: \(describe(value))"))
            default: return .failure(CoercionFailure("String cannot represent value: \(describe(value))"))
            }
        case "Boolean":
            switch value {
            case .bool: return .success(value)
            case .int(let i): return .success(.bool(i != 0))
            case .double(let d):
                return d.isFinite ? .success(.bool(d != 0)) : .failure(CoercionFailure("Boolean cannot represent a non boolean value: \(describe(value))"))
            default: return .failure(CoercionFailure("Boolean cannot represent a non boolean value: \(describe(value))"))
            }
        case "ID":
            switch value {
            case .string: return .success(value)
            case .int(let i): return .success(.string(String(i)))
            case .double(let d) where d.isFinite && d == d.rounded() && abs(d) < 9.007199254740992e15:
                return .success(.string(String(Int64(d))))
            default: return .failure(CoercionFailure("ID cannot represent value: \(describe(value))"))
            }
        default:
            return nil
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        let ws: Set<UInt32> = [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0xA0, 0xFEFF]
        while start < end, ws.contains(scalars[start].value) { start = scalars.index(after: start) }
        while end > start, ws.contains(scalars[scalars.index(before: end)].value) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }
}

extension JSON {
    /// True when no NaN or infinity hides anywhere inside.
    var isFiniteJSON: Bool {
        switch self {
        case .double(let d): return d.isFinite
        case .array(let a): return a.allSatisfy(\.isFiniteJSON)
        case .object(let m): return m.allSatisfy { $0.1.isFiniteJSON }
        default: return true
        }
    }
}
