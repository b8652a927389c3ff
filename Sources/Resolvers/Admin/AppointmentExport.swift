// `Query.exportAppointments`: RFC 4180 CSV (header row, CRLF line ends,
// fields with commas, quotes, CR or LF quoted with quotes doubled, UTF-8;
// fields a spreadsheet would run as formulas neutralized, see `quoted`),
// the same filter semantics as `Query.appointments`, from the read pool.
import ClinicDomain
import ClinicStore
import JSON
import Schema

enum AppointmentExport {
    /// At most this many rows per export; beyond it the caller must narrow the filter.
    static let maximumRows = 50_000

    static let header = ["id", "date", "time", "startsAt", "status", "doctor", "specialization", "patient",
                                "patientEmail", "reason", "createdAt", "cancellationReason"]

    static func csv(_ args: [String: JSON], ctx: RequestContext) async throws -> String {
        let filter = try ClinicPages.appointmentFilter(args)
        let rows = try await ctx.readReplica { conn in
            try AppointmentStore.exportRows(conn, filter: filter, limit: maximumRows + 1).map { r in
                [GlobalID.encode(type: "Appointment", id: r.id), r.date, r.time, r.startsAt.rfc3339, r.status, r.doctor, r.specialization,
                 r.patient, r.patientEmail, r.reason, r.createdAt.rfc3339, r.cancellationReason]
            }
        }
        guard rows.count <= maximumRows else {
            throw ClinicError.badInput("The export is limited to \(maximumRows) appointments; narrow the filter (e.g. a shorter date range)",
                                       field: "filter")
        }
        return encode(header: header, rows: rows)
    }

    /// RFC 4180: CRLF after every record (the last one included).
    static func encode(header: [String], rows: [[String]]) -> String {
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

    /// A field as it goes into the file. A field a spreadsheet would run as a
    /// formula (OWASP "CSV injection": it starts with `=`, `+`, `-`, `@`, tab
    /// or CR) gets a leading `'`, which spreadsheets show as text, and is
    /// always quoted so the neutralized cell is unmistakable; other fields are
    /// quoted only when RFC 4180 needs it.
    static func quoted(_ field: String) -> String {
        let isFormula = field.utf8.first.map(formulaTriggers.contains) ?? false
        let needsQuotes = isFormula
            || field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { return field }
        var s = isFormula ? "\"'" : "\""
        for c in field.unicodeScalars {
            if c == "\"" { s.append("\"\"") } else { s.unicodeScalars.append(c) }
        }
        s.append("\"")
        return s
    }

    /// First bytes that make a spreadsheet evaluate a cell.
    static let formulaTriggers: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D]
}
