// Doctors' private calendar feeds: the stored salt and token hash per doctor
// (CalendarFeedToken), and what one feed request reads.
import ClinicDomain
import Postgres

public enum CalendarFeedStore {
    /// The salt and token hash a doctor's feed URL is checked against.
    public struct Stored: Sendable {
        public var salt: [UInt8]
        public var tokenHash: [UInt8]
    }

    /// Creates or replaces the doctor's feed (the old token stops matching in this transaction).
    public static func replace(_ conn: Connection, doctorID: Int64, salt: [UInt8], tokenHash: [UInt8], at now: Instant) throws {
        _ = try conn.query("""
            INSERT INTO doctor_calendar_feeds (doctor_id, token_hash, salt, created_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (doctor_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, salt = EXCLUDED.salt,
                                                  created_at = EXCLUDED.created_at
            """, [.int(Int(doctorID)), .bytea(tokenHash), .bytea(salt), now.postgresValue])
    }

    /// The feeds of several doctors in one statement (a level of `Doctor.calendarFeedUrl`).
    public static func stored(_ conn: Connection, doctorIDs: [Int64]) throws -> [Int64: Stored] {
        var result: [Int64: Stored] = [:]
        for r in try conn.query("SELECT doctor_id, salt, token_hash FROM doctor_calendar_feeds WHERE doctor_id = ANY($1)",
                                [.ids(doctorIDs)]) {
            result[try r.id("doctor_id")] = Stored(salt: try r.bytes("salt"), tokenHash: try r.bytes("token_hash"))
        }
        return result
    }

    /// What a feed shows.
    public struct Feed: Sendable {
        public var doctorID: Int64
        /// "Dr. Núñez".
        public var doctorName: String
        public var clinicName: String
        public var timeZone: String
        public var entries: [AppointmentCalendarFile.FeedEntry]
    }

    /// The feed whose token hashes to `tokenHash`, with the doctor's
    /// appointments overlapping `window` that were not cancelled, earliest
    /// first, at most `limit`; nil for an unknown token or a doctor whose
    /// account is deactivated or deleted. Two statements, whatever the data.
    public static func feed(_ conn: Connection, tokenHash: [UInt8], window: InstantRange, limit: Int) throws -> Feed? {
        guard let head = try conn.query("""
            SELECT f.doctor_id, u.last_name, s.clinic_name, s.time_zone
              FROM doctor_calendar_feeds f
              JOIN doctors d ON d.id = f.doctor_id
              JOIN users u ON u.id = d.user_id AND u.deleted_at IS NULL AND u.is_active
             CROSS JOIN system_settings s
             WHERE f.token_hash = $1
            """, [.bytea(tokenHash)]).first else { return nil }
        let doctorID = try head.id("doctor_id")
        let doctorName = "Dr. " + (try head.string("last_name"))
        let clinicName = try head.string("clinic_name")
        let rows = try conn.query("""
            SELECT a.id, a.starts_at, a.ends_at, a.status, a.calendar_sequence, a.updated_at,
                   pu.first_name || ' ' || pu.last_name AS patient_name
              FROM appointments a
              JOIN patients p ON p.id = a.patient_id
              JOIN users pu ON pu.id = p.user_id
             WHERE a.doctor_id = $1 AND a.status <> 'CANCELLED' AND a.starts_at < $3 AND a.ends_at > $2
             ORDER BY a.starts_at, a.id
             LIMIT $4
            """, [.int(Int(doctorID)), window.start.postgresValue, window.end.postgresValue, .int(limit)])
        let entries = try rows.rows.compactMap { r -> AppointmentCalendarFile.FeedEntry? in
            guard let status = AppointmentStatus(rawValue: try r.string("status")) else { return nil }
            let facts = AppointmentCalendarFile.Facts(appointmentID: try r.id("id"), start: try r.instant("starts_at"),
                                                      end: try r.instant("ends_at"), status: status,
                                                      sequence: try r.int("calendar_sequence"), clinicName: clinicName,
                                                      doctorName: doctorName)
            return .init(facts: facts, patientName: try r.string("patient_name"), updatedAt: try r.instant("updated_at"))
        }
        return Feed(doctorID: doctorID, doctorName: doctorName, clinicName: clinicName, timeZone: try head.string("time_zone"),
                    entries: entries)
    }
}
