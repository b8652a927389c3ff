// `Query.exportAppointments`: RFC 4180 CSV (header row, CRLF line ends,
// fields with commas, quotes, CR or LF quoted with quotes doubled, UTF-8),
// the same filter semantics as `Query.appointments`, from the read pool.
import Postgres
import Schema

public enum AppointmentExport {
    /// At most this many rows per export; beyond it the caller must narrow the filter.
    public static let maximumRows = 50_000

    public static let header = ["id", "date", "time", "startsAt", "status", "doctor", "specialization", "patient",
                                "patientEmail", "reason", "createdAt"]

    static func csv(_ args: [String: JSON], ctx: RequestContext) async throws -> String {
        var p = SQLParams()
        let conds = try ClinicPages.appointmentFilter(args, &p)
        let whereSQL = conds.isEmpty ? "" : "WHERE " + conds.joined(separator: " AND ")
        let sql = """
            SELECT a.id, a.local_date::text AS local_date, to_char(a.local_time, 'HH24:MI') AS local_time, a.starts_at, a.status,
                   du.first_name || ' ' || du.last_name AS doctor, d.specialization,
                   pu.first_name || ' ' || pu.last_name AS patient, pu.email AS patient_email, a.reason, a.created_at
              FROM appointments a
              JOIN doctors d ON d.id = a.doctor_id JOIN users du ON du.id = d.user_id
              JOIN patients pt ON pt.id = a.patient_id JOIN users pu ON pu.id = pt.user_id
              \(whereSQL)
             ORDER BY a.starts_at, a.id
             LIMIT \(maximumRows + 1)
            """
        let params = p.values
        let rows = try await ctx.readReplica { conn -> [[String]] in
            try conn.query(sql, params).rows.map { r in
                [GlobalID.encode(type: "Appointment", id: try r.id("id")), try r.string("local_date"), try r.string("local_time"),
                 try r.instant("starts_at").rfc3339, try r.string("status"), try r.string("doctor"), try r.string("specialization"),
                 try r.string("patient"), try r.string("patient_email"), try r.string("reason"), try r.instant("created_at").rfc3339]
            }
        }
        guard rows.count <= maximumRows else {
            throw ClinicError.badInput("The export is limited to \(maximumRows) appointments; narrow the filter (e.g. a shorter date range)",
                                       field: "filter")
        }
        return encode(header: header, rows: rows)
    }

    /// RFC 4180: CRLF after every record (the last one included).
    public static func encode(header: [String], rows: [[String]]) -> String {
        var out = ""
        out.reserveCapacity(128 * (rows.count + 1))
        func append(_ record: [String]) {
            for (i, field) in record.enumerated() {
                if i > 0 { out.append(",") }
                out.append(quoted(field))
            }
            out.append("\r\n")
        }
        append(header)
        for r in rows { append(r) }
        return out
    }

    public static func quoted(_ field: String) -> String {
        let needsQuotes = field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { return field }
        var s = "\""
        for c in field.unicodeScalars {
            if c == "\"" { s.append("\"\"") } else { s.unicodeScalars.append(c) }
        }
        s.append("\"")
        return s
    }
}
