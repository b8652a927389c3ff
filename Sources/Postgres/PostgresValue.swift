/// A query parameter. Every value is sent in PostgreSQL's text format with an
/// explicit type OID, except `.text`, which is sent as "unknown" (OID 0) so the
/// server infers the column's type (text, varchar, enum, ...) from context.
/// `nil` (a `PostgresValue?` of `.none`) is SQL NULL, also with OID 0: write
/// `$1::int IS NULL` where the type cannot be inferred.
///
/// Dates, times and timestamps travel as text in PostgreSQL's ISO input form
/// (`2026-12-01`, `09:30`, `2026-12-01T09:30:00Z`) with their type's OID: this
/// module converts nothing between calendars and instants. The clinic's one
/// time model (ClinicDomain's LocalDate, LocalTime, Instant) formats and parses
/// those texts; ClinicStore binds them.
public enum PostgresValue: Sendable, Hashable {
    case int(Int)              // int8
    case int32(Int32)          // int4
    case double(Double)        // float8
    case bool(Bool)
    case text(String)          // unknown: inferred by the server
    case uuid(String)
    case bytea([UInt8])
    case date(String)          // date, ISO text
    case time(String)          // time, ISO text
    case timestamp(String)     // timestamptz, ISO text with offset
    case numeric(PGNumeric)
    case jsonb(String)
    case intArray([Int])       // int8[]
    case textArray([String])   // unknown: inferred (text[], varchar[], enum[])
    case boolArray([Bool])
    case uuidArray([String])

    /// The type OID sent with the parameter (0 lets the server infer it).
    public var typeOID: UInt32 {
        switch self {
        case .int: return PostgresType.int8
        case .int32: return PostgresType.int4
        case .double: return PostgresType.float8
        case .bool: return PostgresType.bool
        case .text, .textArray: return 0
        case .uuid: return PostgresType.uuid
        case .bytea: return PostgresType.bytea
        case .date: return PostgresType.date
        case .time: return PostgresType.time
        case .timestamp: return PostgresType.timestamptz
        case .numeric: return PostgresType.numeric
        case .jsonb: return PostgresType.jsonb
        case .intArray: return PostgresType.int8Array
        case .boolArray: return PostgresType.boolArray
        case .uuidArray: return PostgresType.uuidArray
        }
    }

    /// The value in PostgreSQL's text input format.
    public var textValue: String {
        switch self {
        case .int(let value): return String(value)
        case .int32(let value): return String(value)
        case .double(let value): return PostgresValue.doubleText(value)
        case .bool(let value): return value ? "t" : "f"
        case .text(let value), .uuid(let value), .jsonb(let value), .date(let value), .time(let value), .timestamp(let value):
            return value
        case .bytea(let bytes): return PostgresValue.hexBytea(bytes)
        case .numeric(let value): return value.text
        case .intArray(let values): return "{" + values.map(String.init).joined(separator: ",") + "}"
        case .textArray(let values), .uuidArray(let values):
            return "{" + values.map(PostgresValue.quotedArrayElement).joined(separator: ",") + "}"
        case .boolArray(let values): return "{" + values.map { $0 ? "t" : "f" }.joined(separator: ",") + "}"
        }
    }

    static func doubleText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }

    static func hexBytea(_ bytes: [UInt8]) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var text = "\\x"
        text.reserveCapacity(2 + bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return text
    }

    static func quotedArrayElement(_ value: String) -> String {
        var text = "\""
        for character in value {
            if character == "\"" || character == "\\" { text.append("\\") }
            text.append(character)
        }
        text.append("\"")
        return text
    }
}

extension PostgresValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral
{
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
}

/// Swift values that know their parameter form: `conn.query(sql, [id.postgresValue])`.
public protocol PostgresEncodable {
    var postgresValue: PostgresValue { get }
}
extension Int: PostgresEncodable { public var postgresValue: PostgresValue { .int(self) } }
extension Int32: PostgresEncodable { public var postgresValue: PostgresValue { .int32(self) } }
extension Double: PostgresEncodable { public var postgresValue: PostgresValue { .double(self) } }
extension Bool: PostgresEncodable { public var postgresValue: PostgresValue { .bool(self) } }
extension String: PostgresEncodable { public var postgresValue: PostgresValue { .text(self) } }
extension PGNumeric: PostgresEncodable { public var postgresValue: PostgresValue { .numeric(self) } }
extension Optional where Wrapped: PostgresEncodable {
    /// `nil` stays SQL NULL.
    public var postgresValue: PostgresValue? { self?.postgresValue }
}

/// Type OIDs of the built-in types this module knows.
public enum PostgresType {
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let json: UInt32 = 114
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let boolArray: UInt32 = 1000
    public static let int4Array: UInt32 = 1007
    public static let textArray: UInt32 = 1009
    public static let int8Array: UInt32 = 1016
    public static let varchar: UInt32 = 1043
    public static let date: UInt32 = 1082
    public static let time: UInt32 = 1083
    public static let timestamp: UInt32 = 1114
    public static let timestamptz: UInt32 = 1184
    public static let numeric: UInt32 = 1700
    public static let uuid: UInt32 = 2950
    public static let uuidArray: UInt32 = 2951
    public static let jsonb: UInt32 = 3802
}
