// A JSON value that keeps object key order: variables arrive as JSON, results
// leave as JSON, and GraphQL requires response fields in selection order.

public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// Integers that fit in 64 bits keep their exactness.
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    /// Members in order; keys are unique.
    case object([(String, JSON)])

    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }
}
