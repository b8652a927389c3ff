// The one place the clinic's time model meets PostgreSQL's wire: instants,
// dates and times go out as ISO text with their type's OID and come back
// from PostgreSQL's text output.
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
