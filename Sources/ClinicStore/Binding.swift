// The one parameter-binding helper: the clinic's time model meets
// PostgreSQL's wire here (instants, dates and times go out as ISO text with
// their type's OID and come back from PostgreSQL's text output), ids go out
// as int8 arrays, and dynamically built SQL numbers its parameters.
import ClinicDomain
import Postgres

extension Instant: PostgresEncodable, PostgresDecodable {
    public var postgresValue: PostgresValue { .timestamp(rfc3339) }
    public static func decode(postgresText text: String) throws -> Instant {
        guard let value = Instant(postgresText: text) else { throw PostgresError.decoding("not a timestamptz: \(text)") }
        return value
    }
}

extension LocalDate: PostgresEncodable {
    public var postgresValue: PostgresValue { .date(iso) }
}

extension LocalTime: PostgresEncodable {
    public var postgresValue: PostgresValue { .time(iso) }
}

extension PostgresValue {
    /// Keys for `= ANY($n)`.
    public static func ids(_ xs: [Int64]) -> PostgresValue { .intArray(xs.map { Int($0) }) }
    public static func id(_ x: Int64) -> PostgresValue { .int(Int(x)) }
}

/// Numbered parameters for dynamically built SQL.
public struct SQLParams: Sendable {
    public private(set) var values: [PostgresValue?] = []
    public init() {}
    public mutating func bind(_ v: PostgresValue?) -> String {
        values.append(v)
        return "$\(values.count)"
    }
}

/// An ILIKE pattern (with ESCAPE '\\') matching any text that contains `s`:
/// `%`, `_` and `\\` in `s` match themselves.
func likeContains(_ s: String) -> String {
    var out = "%"
    for c in s {
        if c == "%" || c == "_" || c == "\\" { out.append("\\") }
        out.append(c)
    }
    return out + "%"
}

/// Builds `SET a = $2, b = $3` lists for partial updates.
public struct UpdateBuilder: Sendable {
    public private(set) var assignments: [String] = []
    public private(set) var parameters: [PostgresValue?] = []
    let firstIndex: Int

    public init(firstIndex: Int) { self.firstIndex = firstIndex }

    public mutating func set(_ column: String, _ value: PostgresValue?) {
        parameters.append(value)
        assignments.append("\(column) = $\(firstIndex + parameters.count - 1)")
    }
    public var isEmpty: Bool { assignments.isEmpty }
    var sql: String { assignments.joined(separator: ", ") }
}
