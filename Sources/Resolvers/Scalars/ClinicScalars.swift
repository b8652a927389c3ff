// The contract's custom scalars. Internally each is a JSON string in its
// canonical form (Date `2026-12-01`, Time `09:30`, DateTime
// `2026-12-01T09:30:00Z`, Decimal `45.00`), so resolvers read arguments with
// `LocalDate(iso:)`, `LocalTime(iso:)`, `Instant(rfc3339:)`, `Money(input:)`
// without re-validating. A bad literal becomes GRAPHQL_VALIDATION_FAILED, a
// bad variable BAD_USER_INPUT; that mapping is the engine's.
#if canImport(ClinicDomain)
// fuzz/ compiles this file in one module with the domain files it needs.
import ClinicDomain
#endif
import JSON
import QueryLanguage
import Schema

public enum ClinicScalars {
    public static let all: [String: any ScalarCoercing] = [
        "Date": DateScalar(),
        "Time": TimeScalar(),
        "DateTime": DateTimeScalar(),
        "Decimal": DecimalScalar(),
    ]
}

/// How the scalars describe a non-string value in messages.
func describeInput(_ value: JSON) -> String {
    switch value {
    case .null: return "null"
    case .bool(let b): return String(b)
    case .int(let i): return String(i)
    case .double(let d): return String(d)
    case .string(let s): return quotedInput(s)
    case .array: return "a list"
    case .object: return "an object"
    }
}

func describeInput(_ node: ValueNode) -> String {
    switch node {
    case .variable(let v): return "$\(v.name.value)"
    case .int(let s, _), .float(let s, _): return s
    case .string(let s, _, _): return quotedInput(s)
    case .boolean(let b, _): return String(b)
    case .null: return "null"
    case .enumValue(let e, _): return e
    case .list: return "a list"
    case .object: return "an object"
    }
}

/// A user's text quoted for a message (a GraphQL string literal, as the
/// engine's own messages quote), cut short so an error never echoes a
/// megabyte back.
func quotedInput(_ s: String) -> String {
    let limit = 40
    let shown = s.count > limit ? String(s.prefix(limit)) + "…" : s
    return printString(shown)
}

/// Shared shape: the scalar is a string in one canonical form.
protocol CanonicalStringScalar: ScalarCoercing {
    /// The canonical form of `text`, nil when invalid.
    func canonical(_ text: String) -> String?
    /// "Time must be HH:MM (24h)".
    var expectation: String { get }
    /// A more precise message for a string that looks right but is not (2026-02-30).
    func detail(_ text: String) -> String?
}

extension CanonicalStringScalar {
    func detail(_ text: String) -> String? { nil }

    func coerce(_ text: String) throws -> JSON {
        if let c = canonical(text) { return .string(c) }
        throw CoercionFailure(detail(text) ?? "\(expectation), got \(quotedInput(text))")
    }

    public func parseValue(_ value: JSON) throws -> JSON {
        guard case .string(let s) = value else { throw CoercionFailure("\(expectation), got \(describeInput(value))") }
        return try coerce(s)
    }

    public func parseLiteral(_ value: ValueNode) throws -> JSON {
        guard case .string(let s, _, _) = value else { throw CoercionFailure("\(expectation), got \(describeInput(value))") }
        return try coerce(s)
    }

    public func serialize(_ value: JSON) throws -> JSON {
        guard case .string(let s) = value, let c = canonical(s) else {
            throw CoercionFailure("cannot serialize \(describeInput(value)) as \(expectation.prefix { $0 != " " })")
        }
        return .string(c)
    }
}

/// `YYYY-MM-DD`, a date that exists.
public struct DateScalar: CanonicalStringScalar {
    public init() {}
    var expectation: String { "Date must be YYYY-MM-DD" }
    func canonical(_ text: String) -> String? { LocalDate(iso: text)?.iso }

    /// A date that parses is already canonical (exactly YYYY-MM-DD): handed back as it is.
    public func serialize(_ value: JSON) throws -> JSON {
        if case .string(let s) = value, LocalDate(iso: s) != nil { return value }
        throw CoercionFailure("cannot serialize \(describeInput(value)) as Date")
    }

    func detail(_ text: String) -> String? {
        let b = Array(text.utf8)
        if b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
           DigitParsing.number(b, 0, 4) != nil, DigitParsing.number(b, 5, 2) != nil, DigitParsing.number(b, 8, 2) != nil {
            return "Date \(quotedInput(text)) does not exist"
        }
        return nil
    }
}

/// `HH:MM` (24h); input also `HH:MM:00`; output always `HH:MM`.
public struct TimeScalar: CanonicalStringScalar {
    public init() {}
    var expectation: String { "Time must be HH:MM (24h)" }
    func canonical(_ text: String) -> String? { LocalTime(iso: text)?.iso }

    /// `HH:MM` that parses is already canonical: handed back as it is; `HH:MM:00` is shortened.
    public func serialize(_ value: JSON) throws -> JSON {
        if case .string(let s) = value, let t = LocalTime(iso: s) { return s.utf8.count == 5 ? value : .string(t.iso) }
        throw CoercionFailure("cannot serialize \(describeInput(value)) as Time")
    }
}

/// RFC 3339 with an offset on input; UTC `Z` on output.
public struct DateTimeScalar: CanonicalStringScalar {
    public init() {}
    var expectation: String { "DateTime must be RFC 3339 with an offset, e.g. 2026-12-01T09:30:00Z" }
    func canonical(_ text: String) -> String? { Instant(rfc3339: text)?.rfc3339 }

    public func serialize(_ value: JSON) throws -> JSON {
        // Resolvers may hand over PostgreSQL's text form as well.
        if case .string(let s) = value, let i = Instant(rfc3339: s) ?? Instant(postgresText: s) {
            return .string(i.rfc3339)
        }
        throw CoercionFailure("cannot serialize \(describeInput(value)) as DateTime")
    }
}

/// Exact money. Input: a string with at most two decimals or an integer;
/// floats are rejected (45.1 as a float may already be 45.099999…).
public struct DecimalScalar: ScalarCoercing {
    public init() {}
    static let expectation = "Decimal must be a string with at most two decimals (\"45.50\") or an integer"

    static func fromString(_ s: String) throws -> JSON {
        if let m = Money(input: s) { return .string(m.formatted) }
        throw CoercionFailure("\(expectation), got \(quotedInput(s))" + tooLarge(s))
    }

    static func fromInteger(_ text: String) throws -> JSON {
        if let n = Int(text), let m = Money(units: n) { return .string(m.formatted) }
        throw CoercionFailure("Decimal \(text) is out of range (at most \(Money(cents: Money.maximumInputCents).formatted))")
    }

    private static func tooLarge(_ s: String) -> String {
        if let m = Money(databaseText: s), m.cents.magnitude > UInt64(Money.maximumInputCents) { return " (at most \(Money(cents: Money.maximumInputCents).formatted))" }
        return ""
    }

    public func parseValue(_ value: JSON) throws -> JSON {
        switch value {
        case .string(let s): return try Self.fromString(s)
        case .int(let i): return try Self.fromInteger(String(i))
        case .double(let d): throw CoercionFailure("Decimal must not be a float, got \(d); send it as a string, e.g. \"45.50\"")
        default: throw CoercionFailure("\(Self.expectation), got \(describeInput(value))")
        }
    }

    public func parseLiteral(_ value: ValueNode) throws -> JSON {
        switch value {
        case .string(let s, _, _): return try Self.fromString(s)
        case .int(let s, _): return try Self.fromInteger(s)
        case .float(let s, _): throw CoercionFailure("Decimal must not be a float, got \(s); send it as a string, e.g. \"45.50\"")
        default: throw CoercionFailure("\(Self.expectation), got \(describeInput(value))")
        }
    }

    /// `-?(0|[1-9][0-9]*)\.[0-9][0-9]`, not `-0.00`, within 15 integer digits: what `Money.formatted`
    /// makes, so PostgreSQL's `numeric(10,2)` text is handed back as it is.
    static func isCanonical(_ s: String) -> Bool {
        s.utf8.withContiguousStorageIfAvailable { b -> Bool in
            let n = b.count
            var i = b.first == UInt8(ascii: "-") ? 1 : 0
            guard n - i >= 4, n - i <= 18, b[n - 3] == UInt8(ascii: "."),
                  (b[i] != UInt8(ascii: "0") || n - i == 4) else { return false }
            var zero = true
            while i < n {
                if i != n - 3 {
                    guard b[i] >= 0x30, b[i] <= 0x39 else { return false }
                    if b[i] != 0x30 { zero = false }
                }
                i += 1
            }
            return !(zero && b.first == UInt8(ascii: "-"))
        } ?? false
    }

    public func serialize(_ value: JSON) throws -> JSON {
        switch value {
        case .string(let s):
            if Self.isCanonical(s) { return value }
            if let m = Money(databaseText: s) { return .string(m.formatted) }
        case .int(let i):
            let (c, o) = Int64(i).multipliedReportingOverflow(by: 100)
            if !o { return .string(Money(cents: c).formatted) }
        default: break
        }
        throw CoercionFailure("cannot serialize \(describeInput(value)) as Decimal")
    }
}
