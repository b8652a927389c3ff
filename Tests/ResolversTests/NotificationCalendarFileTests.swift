// The patient's booking, reschedule and cancellation emails carry the
// appointment's `.ics` (RFC 5545): read off the SMTP sink and parsed back by
// Python's icalendar, one UID for the three, SEQUENCE growing, REQUEST then
// CANCEL, times in the clinic's zone; reminders carry none.
import ClinicDomain
import Delivery
import DeliveryTesting
import JSON
import Postgres
@testable import Resolvers
import TestSupport
import XCTest

/// The oracle's reading of a calendar file, or a skip when python3-icalendar is absent.
func parsedCalendar(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> JSON {
    switch ICalendarOracle.check(text) {
    case .parsed(let json): return try JSONParser.parse(json)
    case .invalid(let why):
        XCTFail("icalendar refused the file: \(why)\n\(text)", file: file, line: line)
        throw XCTSkip("invalid calendar file")
    case .unavailable(let why): throw XCTSkip(why)
    }
}

final class NotificationCalendarFileTests: XCTestCase {
    func testBookingRescheduleAndCancellationEmailsCarryOneEventInItsVersions() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "icsmail")
        try await h.sql("UPDATE system_settings SET time_zone = 'America/Mexico_City', clinic_name = 'Clínica Santa Fe'")
        let patient = try await h.createUser(firstName: "Lucía", lastName: "Peña", patient: true)
        let doctor = try await h.createUser(firstName: "Ramón", lastName: "Núñez", doctor: true)
        try await h.sql("""
            INSERT INTO working_hours (doctor_id, weekday, start_time, end_time, slot_minutes)
            SELECT $1, d, '08:00', '17:00', 30 FROM generate_series(1, 7) d
            """, [.int(Int(doctor.doctorID!))])
        let day = try await h.sql("""
            SELECT ((now() AT TIME ZONE 'America/Mexico_City')::date + 4)::text AS d,
                   ((now() AT TIME ZONE 'America/Mexico_City')::date + 5)::text AS e
            """).first!
        let (date, later) = (try day.string("d"), try day.string("e"))
        let booked = await h.graphql("""
            mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }
            """, variables: ["input": .object([("doctorId", .string(GlobalID.encode(type: "Doctor", id: doctor.doctorID!))),
                                               ("date", .string(date)), ("time", .string("10:30")),
                                               ("reason", .string("dolor torácico"))])], as: patient.viewer)
        let gid = try XCTUnwrap(booked.at("data.bookAppointment.id")?.stringValue, "\(booked)")
        let appointmentID = try XCTUnwrap(GlobalID.decode(gid)?.id)

        let sink = try SMTPSink()
        defer { sink.stop() }
        let worker = try h.notificationWorker(smtp: sink)
        _ = try await worker.runOnce()
        let moved = await h.graphql("mutation($id: ID!, $d: Date!) { rescheduleAppointment(id: $id, date: $d, time: \"12:00\") { id } }",
                                    variables: ["id": .string(gid), "d": .string(later)], as: patient.viewer)
        XCTAssertNil(moved["errors"], "\(moved)")
        _ = try await worker.runOnce()
        let cancelled = await h.graphql("mutation($id: ID!) { cancelAppointment(id: $id) { id } }", variables: ["id": .string(gid)],
                                        as: patient.viewer)
        XCTAssertNil(cancelled["errors"], "\(cancelled)")
        _ = try await worker.runOnce()

        let mails = sink.messages
        XCTAssertEqual(mails.count, 3, "confirmation, reschedule, cancellation (reminders are not due)")
        var files: [JSON] = []
        for (mail, method) in zip(mails, ["REQUEST", "REQUEST", "CANCEL"]) {
            XCTAssertTrue(try XCTUnwrap(mail.header("Content-Type")).hasPrefix("multipart/mixed;"))
            XCTAssertEqual(mail.parts.count, 2)
            XCTAssertTrue(mail.decodedBody.contains("Código de cita"), "the text part is unchanged: \(mail.decodedBody)")
            let part = try XCTUnwrap(mail.parts.last)
            XCTAssertEqual(part.headers["content-type"], "text/calendar; charset=UTF-8; method=\(method); name=\"cita.ics\"")
            XCTAssertEqual(part.headers["content-disposition"], "attachment; filename=\"cita.ics\"")
            let text = String(decoding: part.decoded, as: UTF8.self)
            XCTAssertFalse(text.contains("torácico"), "no clinical text in the file")
            let parsed = try parsedCalendar(text)
            XCTAssertEqual(parsed["method"], .string(method))
            files.append(try XCTUnwrap(parsed.at("events.0")))
        }
        XCTAssertEqual(files.map { $0["uid"] }, Array(repeating: .string("appointment-\(appointmentID)@clinic.test"), count: 3))
        XCTAssertEqual(files.map { $0["sequence"] }, [.int(0), .int(1), .int(2)])
        XCTAssertEqual(files.map { $0["status"] }, [.string("CONFIRMED"), .string("CONFIRMED"), .string("CANCELLED")])
        XCTAssertEqual(files.map { $0["start"] }, [.string(date + "T10:30:00"), .string(later + "T12:00:00"), .string(later + "T12:00:00")])
        XCTAssertEqual(files.map { $0["tzid"] }, Array(repeating: .string("America/Mexico_City"), count: 3))
        XCTAssertEqual(files[0]["startOffset"], .int(-6 * 3600), "Mexico City has kept UTC-6 since 2022")
        XCTAssertEqual(files[0]["summary"], .string("Cita con Dr. Núñez – Clínica Santa Fe"))
        XCTAssertEqual(files[0]["organizer"], .string("mailto:clinic@clinic.test"))
        XCTAssertEqual(files[0]["attendees"], .array([.string("mailto:" + patient.email)]))
    }

    func testRemindersAndDoctorAlertsStaySinglePart() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "icsplain")
        let patient = try await h.createUser(firstName: "Ana", patient: true)
        let doctor = try await h.createUser(firstName: "Luis", doctor: true)
        let id = try await h.createAppointment(patientID: patient.patientID!, doctorID: doctor.doctorID!, daysFromNow: 1)
        try await h.sql("""
            INSERT INTO notifications (user_id, appointment_id, channel, kind, subject, body, recipient)
            VALUES ($1, $3, 'EMAIL', 'REMINDER', 'r', 'r', $2), ($4, $3, 'EMAIL', 'DOCTOR_ALERT', 'a', 'a', $5)
            """, [.int(Int(patient.id)), .text(patient.email), .int(Int(id)), .int(Int(doctor.id)), .text(doctor.email)])
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await notifyAssertEqual(try await h.notificationWorker(smtp: sink).runOnce(), 2)
        XCTAssertEqual(sink.messages.count, 2)
        for m in sink.messages { XCTAssertEqual(m.header("Content-Type"), "text/plain; charset=UTF-8") }
    }
}
