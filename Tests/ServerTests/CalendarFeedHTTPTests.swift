// A doctor's private iCal feed over real HTTP from the `clinic` binary: the
// URL from the API, the file parsed back by Python's icalendar, only that
// doctor's appointments of the window and never clinical text, two SQL
// statements per request, the token kept out of the log, rotation killing the
// old URL, and every unknown token answered like any missing page.
import ClinicDomain
import Foundation
import JSON
import Postgres
import TestSupport
import XCTest

final class CalendarFeedHTTPTests: XCTestCase {
    func get(_ server: ClinicProcess, _ path: String, headers: String = "") throws -> RawResponse {
        try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)Connection: close\r\n\r\n")
    }

    /// The path of a feed URL the API returned.
    func feedPath(_ json: JSON, _ field: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        var node: JSON? = json["data"]
        for key in field.split(separator: ".") { node = node?[String(key)] }
        guard case .string(let url)? = node, let r = url.range(of: "/calendar/") else {
            XCTFail("no feed URL at \(field): \(json.serializedString)", file: file, line: line)
            throw XCTSkip("no URL")
        }
        return String(url[r.lowerBound...])
    }

    func uids(_ body: String) throws -> [String] {
        switch ICalendarOracle.check(body) {
        case .parsed(let text):
            guard case .array(let events)? = try JSONParser.parse(text)["events"] else { return [] }
            return events.compactMap { if case .string(let u)? = $0["uid"] { return u }; return nil }
        case .invalid(let why):
            XCTFail("icalendar refused the feed: \(why)")
            return []
        case .unavailable(let why): throw XCTSkip(why)
        }
    }

    func testDoctorFeedOverHTTPShowsOnlyTheirAppointmentsAndRotationKillsTheOldURL() throws {
        let server = try ClinicProcess(seedDemo: true, environment: ["LOG_LEVEL": "info", "LOG_FORMAT": "json"])
        defer { server.stop() }
        let db = try Connection(server.databaseURL)
        let doctorToken = try server.login("dr.garcia@clinic.test", "doctor-demo-pass")
        let staffToken = try server.login("admin@clinic.test", "admin-demo-pass")
        let patientToken = try server.login("patient@clinic.test", "patient-demo-pass")
        let garcia = try db.query("SELECT d.id FROM doctors d JOIN users u ON u.id = d.user_id WHERE u.email = 'dr.garcia@clinic.test'")
            .first!.int("id")
        let other = try db.query("""
            SELECT d.id FROM doctors d JOIN users u ON u.id = d.user_id WHERE u.email <> 'dr.garcia@clinic.test' ORDER BY d.id LIMIT 1
            """).first!.int("id")
        let patient = try db.query("SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.email = 'patient@clinic.test'")
            .first!.int("id")
        try db.query("UPDATE patients SET medical_history = 'asma SECRETO-HISTORIA' WHERE id = $1", [.int(patient)])
        // At night (UTC), away from the demo's working hours, so no overlap with its bookings.
        func appointment(_ doctor: Int, days: Int, hour: Int = 3, status: String = "SCHEDULED", reason: String = "Control") throws -> Int {
            try db.query("""
                WITH t AS (SELECT date_trunc('day', now()) + make_interval(days => $2::int, hours => $6::int) AS s)
                INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status, reason)
                SELECT $1, $3, (t.s AT TIME ZONE z.time_zone)::date, (t.s AT TIME ZONE z.time_zone)::time, t.s, t.s + interval '30 minutes',
                       $4, $5 FROM t, system_settings z
                RETURNING id
                """, [.int(patient), .int(days), .int(doctor), .text(status), .text(reason), .int(hour)]).first!.int("id")
        }
        let soon = try appointment(garcia, days: 2, reason: "dolor torácico SECRETO-MOTIVO")
        let held = try appointment(garcia, days: -3, status: "COMPLETED")
        let cancelled = try appointment(garcia, days: 4, status: "CANCELLED")
        let tooOld = try appointment(garcia, days: -45, status: "COMPLETED")
        let tooFar = try appointment(garcia, days: 200)
        let othersOwn = try appointment(other, days: 2, hour: 4)

        // No feed until the doctor asks for one; then the API shows the URL.
        let before = try server.graphql("{ me { doctor { calendarFeedUrl } } }", token: doctorToken)
        XCTAssertEqual(before.json["data"]?["me"]?["doctor"]?["calendarFeedUrl"], .null, before.json.serializedString)
        let rotated = try server.graphql("mutation { rotateCalendarFeed { id calendarFeedUrl } }", token: doctorToken)
        let path = try feedPath(rotated.json, "rotateCalendarFeed.calendarFeedUrl")
        let token = String(path.dropFirst("/calendar/".count).dropLast(".ics".count))
        XCTAssertEqual(token.count, 43, path)
        let again = try server.graphql("{ me { doctor { calendarFeedUrl } } }", token: doctorToken)
        XCTAssertEqual(try feedPath(again.json, "me.doctor.calendarFeedUrl"), path, "the URL can be shown again")

        let feed = try get(server, path)
        XCTAssertEqual(feed.status, 200, feed.text)
        XCTAssertEqual(feed.header("content-type"), "text/calendar; charset=utf-8")
        XCTAssertEqual(feed.header("cache-control"), "private, max-age=300")
        let etag = try XCTUnwrap(feed.header("etag"))
        let got = Set(try uids(feed.text))
        let expected = Set(try db.query("""
            SELECT id FROM appointments WHERE doctor_id = $1 AND status <> 'CANCELLED'
               AND starts_at < now() + interval '180 days' AND ends_at > now() - interval '30 days'
            """, [.int(garcia)]).rows.map { "appointment-\(try $0.int("id"))@127.0.0.1" })
        XCTAssertEqual(got, expected, "exactly the doctor's appointments of the window (demo ones included)")
        XCTAssertTrue(got.isSuperset(of: ["appointment-\(soon)@127.0.0.1", "appointment-\(held)@127.0.0.1"]))
        for absent in [cancelled, tooOld, tooFar, othersOwn] { XCTAssertFalse(got.contains("appointment-\(absent)@127.0.0.1"), "\(absent)") }
        for secret in ["SECRETO-MOTIVO", "SECRETO-HISTORIA", "torácico"] { XCTAssertFalse(feed.text.contains(secret), secret) }
        XCTAssertTrue(feed.text.contains("SUMMARY:"), feed.text)

        // Unchanged: the same ETag answers 304 without a body.
        let cached = try get(server, path, headers: "If-None-Match: \(etag)\r\n")
        XCTAssertEqual(cached.status, 304)
        XCTAssertTrue(cached.body.isEmpty)

        // Staff read and rotate any doctor's feed; the other doctor's never shows Dr. García's.
        let staffView = try server.graphql("query($id: ID!) { node(id: $id) { ... on Doctor { calendarFeedUrl } } }",
                                           variables: [("id", .string(doctorGlobalID(garcia)))], token: staffToken)
        XCTAssertEqual(try feedPath(staffView.json, "node.calendarFeedUrl"), path)
        let otherRotated = try server.graphql("mutation($id: ID!) { rotateCalendarFeed(doctorId: $id) { calendarFeedUrl } }",
                                              variables: [("id", .string(doctorGlobalID(other)))], token: staffToken)
        let otherFeed = try get(server, try feedPath(otherRotated.json, "rotateCalendarFeed.calendarFeedUrl"))
        XCTAssertEqual(otherFeed.status, 200)
        let otherUIDs = Set(try uids(otherFeed.text))
        XCTAssertTrue(otherUIDs.contains("appointment-\(othersOwn)@127.0.0.1"))
        XCTAssertTrue(otherUIDs.isDisjoint(with: got), "no appointment of Dr. García in another doctor's feed")

        // Neither a doctor nor a patient reaches another doctor's URL or rotation.
        let peek = try server.graphql("query($id: ID!) { node(id: $id) { ... on Doctor { calendarFeedUrl } } }",
                                      variables: [("id", .string(doctorGlobalID(other)))], token: doctorToken)
        XCTAssertEqual(peek.json["errors"]?.arrayFirst?["extensions"]?["code"], .string("FORBIDDEN"), peek.json.serializedString)
        let steal = try server.graphql("mutation($id: ID!) { rotateCalendarFeed(doctorId: $id) { id } }",
                                       variables: [("id", .string(doctorGlobalID(other)))], token: doctorToken)
        XCTAssertEqual(steal.json["errors"]?.arrayFirst?["extensions"]?["code"], .string("FORBIDDEN"), steal.json.serializedString)
        let client = try server.graphql("mutation { rotateCalendarFeed { id } }", token: patientToken)
        XCTAssertEqual(client.json["errors"]?.arrayFirst?["extensions"]?["code"], .string("BAD_USER_INPUT"), client.json.serializedString)

        // Rotation: the old URL is gone at once, the new one works.
        let second = try server.graphql("mutation { rotateCalendarFeed { calendarFeedUrl } }", token: doctorToken)
        let newPath = try feedPath(second.json, "rotateCalendarFeed.calendarFeedUrl")
        XCTAssertNotEqual(newPath, path)
        XCTAssertEqual(try get(server, newPath).status, 200)
        let dead = try get(server, path)
        let unknown = try get(server, "/calendar/" + String(repeating: "A", count: 43) + ".ics")
        let malformed = try get(server, "/calendar/..%2F..%2Fetc%2Fpasswd.ics")
        for r in [dead, unknown, malformed] {
            XCTAssertEqual(r.status, 404)
            XCTAssertEqual(r.text, "not found\n", "nothing tells a dead, unknown or malformed token apart")
            XCTAssertEqual(r.header("content-type"), "text/plain; charset=utf-8")
        }

        // The access log has the statement count and never the token.
        let log = server.serverLog
        for t in [token, String(newPath.dropFirst("/calendar/".count).dropLast(".ics".count))] { XCTAssertFalse(log.contains(t), "token in the log") }
        let lines = try log.split(separator: "\n").compactMap { line -> JSON? in
            guard line.contains("/calendar/[redacted]") else { return nil }
            return try JSONParser.parse(Array(line.utf8))
        }
        let served = lines.filter { $0["status"] == .int(200) }
        XCTAssertGreaterThanOrEqual(served.count, 3, log)
        for line in served { XCTAssertEqual(line["sql"], .int(2), "two statements per feed, whatever it holds: \(line.serializedString)") }
        XCTAssertTrue(lines.contains { $0["status"] == .int(404) && $0["sql"] == .int(1) }, "an unknown token costs one lookup")
    }

    func doctorGlobalID(_ id: Int) -> String { GlobalID.encode(type: "Doctor", id: Int64(id)) }
}

private extension JSON {
    var arrayFirst: JSON? { if case .array(let a) = self { return a.first }; return nil }
}
