// The calendar files the clinic writes (RFC 5545), read back by Python's
// icalendar package: folding, escaping, TZID with its VTIMEZONE (offsets across
// DST resolved from the file itself), UID and SEQUENCE.
@testable import ClinicDomain
import JSON
import TestSupport
import XCTest

final class ICalendarTests: XCTestCase {
    let madrid = ClinicTimeZone(identifier: "Europe/Madrid")!
    let mexico = ClinicTimeZone(identifier: "America/Mexico_City")!
    let stamp = Instant(rfc3339: "2026-12-05T15:00:00Z")!

    func facts(id: Int64 = 77, start: String, minutes: Int = 30, status: AppointmentStatus = .SCHEDULED, sequence: Int = 0,
               zone: ClinicTimeZone) -> AppointmentCalendarFile.Facts {
        let parts = start.split(separator: " ")
        let s = zone.instant(date: LocalDate(iso: String(parts[0]))!, time: LocalTime(iso: String(parts[1]))!)!
        return .init(appointmentID: id, start: s, end: s.adding(minutes: minutes), status: status, sequence: sequence,
                     clinicName: "Clínica Santa Fe, S.C.", doctorName: "Dr. Núñez")
    }

    func invitation(_ kind: String, _ f: AppointmentCalendarFile.Facts, zone: ClinicTimeZone, locale: String = "es") -> String? {
        AppointmentCalendarFile.invitation(kind: kind, facts: f, zone: zone, domain: "citas.example.mx",
                                           organizer: .init(name: "Clínica Santa Fe", email: "citas@example.mx"),
                                           patient: .init(name: "Lucía \"Lu\" Peña", email: "lucia@example.test"),
                                           locale: locale, stamp: stamp)?.text
    }

    /// The oracle's reading, or a skip when python3-icalendar is absent.
    func parsed(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> JSON {
        switch ICalendarOracle.check(text) {
        case .parsed(let json): return try JSONParser.parse(json)
        case .invalid(let why):
            XCTFail("icalendar refused the file: \(why)\n\(text)", file: file, line: line)
            throw XCTSkip("invalid file")
        case .unavailable(let why): throw XCTSkip(why)
        }
    }

    func string(_ j: JSON?) -> String? { if case .string(let s)? = j { return s }; return nil }
    func int(_ j: JSON?) -> Int? { if case .int(let i)? = j { return i }; return nil }
    func events(_ j: JSON) -> [JSON] { if case .array(let a)? = j["events"] { return a }; return [] }

    func testFoldsAt75OctetsWithoutSplittingCharacters() {
        let line = "SUMMARY:" + String(repeating: "ñ", count: 60)
        let folded = ICalendar.fold(line)
        let physical = folded.components(separatedBy: "\r\n")
        XCTAssertGreaterThan(physical.count, 1)
        for p in physical { XCTAssertLessThanOrEqual(p.utf8.count, 75, p) }
        for p in physical.dropFirst() { XCTAssertTrue(p.hasPrefix(" "), "continuation lines start with a space") }
        XCTAssertEqual(physical.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined(), line,
                       "unfolding gives the line back")
        XCTAssertEqual(ICalendar.fold("UID:short"), "UID:short")
    }

    func testEscapesTextAndDropsControlCharacters() {
        XCTAssertEqual(ICalendar.escapeText("a,b;c\\d\ne\r\nf\rg\u{0}h\u{7}i\tj"), "a\\,b\\;c\\\\d\\ne\\nf\\ng" + "hi j")
    }

    func testBookingInvitationIsARequestInTheClinicZoneAndParsesBack() throws {
        let f = facts(start: "2026-12-01 10:30", zone: mexico)
        let text = try XCTUnwrap(invitation("BOOKING_CONFIRMATION", f, zone: mexico))
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF line ends only")
        XCTAssertTrue(text.contains("DTSTART;TZID=America/Mexico_City:20261201T103000\r\n"), text)
        XCTAssertTrue(text.contains("DTSTAMP:20261205T150000Z\r\n"), text)
        let j = try parsed(text)
        XCTAssertEqual(string(j["method"]), "REQUEST")
        XCTAssertEqual(j["timezones"], .array([.string("America/Mexico_City")]))
        let e = try XCTUnwrap(events(j).first)
        XCTAssertEqual(string(e["uid"]), "appointment-77@citas.example.mx")
        XCTAssertEqual(int(e["sequence"]), 0)
        XCTAssertEqual(string(e["status"]), "CONFIRMED")
        XCTAssertEqual(string(e["start"]), "2026-12-01T10:30:00")
        XCTAssertEqual(string(e["end"]), "2026-12-01T11:00:00")
        XCTAssertEqual(int(e["startOffset"]), -6 * 3600, "the file's own VTIMEZONE puts it at UTC-6")
        XCTAssertEqual(string(e["summary"]), "Cita con Dr. Núñez – Clínica Santa Fe, S.C.", "the comma came back unescaped")
        XCTAssertEqual(string(e["location"]), "Clínica Santa Fe, S.C.")
        XCTAssertEqual(string(e["description"]), "Código de cita: A-25")
        XCTAssertEqual(string(e["organizer"]), "mailto:citas@example.mx")
        XCTAssertEqual(e["attendees"], .array([.string("mailto:lucia@example.test")]))
        XCTAssertEqual(e["attendeeNames"], .array([.string("Lucía Lu Peña")]), "a double quote cannot be in a parameter value")
    }

    func testVTimeZoneCarriesTheDSTOffsetsOnBothSidesOfATransition() throws {
        // Madrid leaves summer time on 25 October 2026: one event before, one after.
        let summer = facts(id: 1, start: "2026-10-20 09:00", zone: madrid)
        let winter = facts(id: 2, start: "2026-10-30 09:00", zone: madrid)
        let text = ICalendar.document(method: .publish, events: [summer, winter].map {
            ICalendar.Event(uid: "u\($0.appointmentID)", sequence: 0, start: $0.start, end: $0.end, summary: "x", status: .confirmed)
        }, zone: madrid, stamp: stamp)
        XCTAssertTrue(text.contains("BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"), text)
        let j = try parsed(text)
        XCTAssertEqual(events(j).map { int($0["startOffset"]) }, [7200, 3600])
        XCTAssertEqual(events(j).map { string($0["start"]) }, ["2026-10-20T09:00:00", "2026-10-30T09:00:00"])
    }

    func testSecondOfTwoIdenticalWallTimesGoesOutInUTC() {
        // 02:30 happens twice in Madrid on 25 October 2026; TZID would mean the first.
        let second = Instant(rfc3339: "2026-10-25T01:30:00Z")!
        XCTAssertEqual(madrid.wallClock(at: second).time.iso, "02:30")
        XCTAssertEqual(ICalendar.dateTime("DTSTART", second, madrid), "DTSTART:20261025T013000Z")
        XCTAssertEqual(ICalendar.dateTime("DTSTART", second.adding(seconds: -3600), madrid), "DTSTART;TZID=Europe/Madrid:20261025T023000")
    }

    func testUIDStaysAndSequenceGrowsAcrossRescheduleAndCancel() throws {
        let booked = facts(start: "2026-12-01 10:30", zone: mexico)
        var moved = facts(start: "2026-12-02 12:00", sequence: 1, zone: mexico)
        moved.appointmentID = booked.appointmentID
        var cancelled = moved
        cancelled.status = .CANCELLED
        cancelled.sequence = 2
        let files = try [("BOOKING_CONFIRMATION", booked), ("RESCHEDULED", moved), ("CANCELLED", cancelled)].map { kind, f in
            try parsed(try XCTUnwrap(invitation(kind, f, zone: mexico)))
        }
        XCTAssertEqual(files.map { string($0["method"]) }, ["REQUEST", "REQUEST", "CANCEL"])
        let e = files.map { events($0)[0] }
        XCTAssertEqual(Set(e.map { string($0["uid"]) }), ["appointment-77@citas.example.mx"])
        XCTAssertEqual(e.map { int($0["sequence"]) }, [0, 1, 2])
        XCTAssertEqual(e.map { string($0["status"]) }, ["CONFIRMED", "CONFIRMED", "CANCELLED"])
        XCTAssertEqual(string(e[1]["start"]), "2026-12-02T12:00:00")
    }

    func testNoFileForOtherKindsOrForAStateTheMessageNoLongerDescribes() {
        let active = facts(start: "2026-12-01 10:30", zone: mexico)
        var cancelled = active
        cancelled.status = .CANCELLED
        XCTAssertNil(invitation("REMINDER", active, zone: mexico))
        XCTAssertNil(invitation("DOCTOR_ALERT", active, zone: mexico))
        XCTAssertNil(invitation("BOOKING_CONFIRMATION", cancelled, zone: mexico), "a late booking email must not re-add a cancelled event")
        XCTAssertNil(invitation("CANCELLED", active, zone: mexico))
    }

    func testHostileTextStaysInsideItsProperty() throws {
        var f = facts(start: "2026-12-01 10:30", zone: mexico)
        f.doctorName = "Dr. X\r\nATTENDEE:mailto:evil@example.test\u{0}"
        f.clinicName = String(repeating: "Clínica; larga, ", count: 40)
        let text = try XCTUnwrap(invitation("BOOKING_CONFIRMATION", f, zone: mexico, locale: "en"))
        let j = try parsed(text)
        let e = try XCTUnwrap(events(j).first)
        XCTAssertEqual(e["attendees"], .array([.string("mailto:lucia@example.test")]))
        XCTAssertTrue(string(e["summary"])?.hasPrefix("Appointment with Dr. X\nATTENDEE:mailto:evil@example.test – Clínica; larga, ") == true,
                      "\(e)")
    }

    func testDomainOfThePublicURL() {
        XCTAssertEqual(AppointmentCalendarFile.domain(publicURL: "https://Citas.Example.mx:8443/app?x=1"), "citas.example.mx")
        XCTAssertEqual(AppointmentCalendarFile.domain(publicURL: "http://127.0.0.1:8080"), "127.0.0.1")
        XCTAssertEqual(AppointmentCalendarFile.domain(publicURL: ""), "localhost")
    }
}
