// The outbox rows the clinic mutations enqueue carry their final text, in the
// patient's language (users.locale), so pending rows read right in the
// `notifications` query before the worker sends them.
import ClinicDomain
import Foundation
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class ClinicNotificationTextTests: XCTestCase {
    func fixture() async throws -> ClinicFixture {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        return try await ClinicFixture.make(h)
    }

    /// kind/channel → (subject, body) of the appointment's rows.
    func texts(_ f: ClinicFixture, _ id: Int64) async throws -> [String: (subject: String, body: String)] {
        let rows = try await f.h.sql("SELECT kind, channel, subject, body FROM notifications WHERE appointment_id = $1", [.int(Int(id))])
        var out: [String: (subject: String, body: String)] = [:]
        for r in rows.rows { out["\(try r.string("kind"))/\(try r.string("channel"))"] = (try r.string("subject"), try r.string("body")) }
        return out
    }

    func clinicName(_ f: ClinicFixture) async throws -> String {
        try await f.h.sql("SELECT clinic_name FROM system_settings").first!.string("clinic_name")
    }

    func testSpanishPatientsBookingIsEnqueuedInSpanishWithTheTemplatesText() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Núñez")
        let pat = try await f.patient(firstName: "Lucía")
        try await f.h.sql("UPDATE users SET locale = 'es', notify_by_sms = true, phone = '+5215550002' WHERE id = $1", [.int(Int(pat.id))])
        let day = try await f.date(5)
        let json = await f.book(as: pat.viewer, doctor: doc, date: day, time: "10:30")
        XCTAssertEqual(json.clinicCodes, [], "\(json)")
        let id = clinicRawID(json.at("data.bookAppointment.id")?.stringValue)
        let t = try await texts(f, id)
        let details = NotificationTemplates.AppointmentDetails(
            clinicName: try await clinicName(f), doctorName: "Dr. Núñez", patientFirstName: "Lucía", date: day,
            time: LocalTime(iso: "10:30")!, appointmentID: id)
        let email = NotificationTemplates.appointment(kind: "BOOKING_CONFIRMATION", channel: "EMAIL", locale: "es", details)
        XCTAssertEqual(t["BOOKING_CONFIRMATION/EMAIL"]?.subject, "Cita reservada – Dr. Núñez")
        XCTAssertEqual(t["BOOKING_CONFIRMATION/EMAIL"]?.body, email.body)
        XCTAssertTrue(email.body.hasPrefix("Hola Lucía:"), email.body)
        XCTAssertTrue(email.body.contains(NotificationTemplates.longDate(day, .es) + " a las 10:30"), email.body)
        let sms = NotificationTemplates.appointment(kind: "BOOKING_CONFIRMATION", channel: "SMS", locale: "es", details)
        XCTAssertEqual(t["BOOKING_CONFIRMATION/SMS"]?.subject, "")
        XCTAssertEqual(t["BOOKING_CONFIRMATION/SMS"]?.body, sms.body)
        XCTAssertFalse(sms.body.contains("Dr."), "no clinical data in an SMS: \(sms.body)")
        XCTAssertEqual(t["REMINDER/EMAIL"]?.subject, "Recordatorio de cita – Dr. Núñez")
        XCTAssertEqual(t["REMINDER/SMS"]?.body, NotificationTemplates.appointment(kind: "REMINDER", channel: "SMS", locale: "es", details).body)
        // The patient's own list shows the Spanish text while the rows are pending.
        let listed = await f.h.graphql("{ notifications { nodes { kind channel subject status } } }", as: pat.viewer)
        let subjects = (listed.at("data.notifications.nodes")?.arrayValue ?? [])
            .filter { $0["channel"]?.stringValue == "EMAIL" }.compactMap { $0["subject"]?.stringValue }
        XCTAssertEqual(Set(subjects), ["Cita reservada – Dr. Núñez", "Recordatorio de cita – Dr. Núñez"], "\(listed)")
    }

    func testEnglishPatientsBookingRescheduleAndCancelAreEnqueuedInEnglish() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Ortega")
        let pat = try await f.patient(firstName: "Jane")
        try await f.h.sql("UPDATE users SET locale = 'en' WHERE id = $1", [.int(Int(pat.id))])
        let day = try await f.date(6)
        let json = await f.book(as: pat.viewer, doctor: doc, date: day, time: "11:00")
        XCTAssertEqual(json.clinicCodes, [], "\(json)")
        let gid = try XCTUnwrap(json.at("data.bookAppointment.id")?.stringValue)
        let id = clinicRawID(gid)
        var t = try await texts(f, id)
        XCTAssertEqual(t["BOOKING_CONFIRMATION/EMAIL"]?.subject, "Appointment booked – Dr. Ortega")
        XCTAssertTrue(t["BOOKING_CONFIRMATION/EMAIL"]?.body.hasPrefix("Hello Jane,") == true, "\(String(describing: t["BOOKING_CONFIRMATION/EMAIL"]))")
        XCTAssertTrue(t["BOOKING_CONFIRMATION/EMAIL"]?.body.contains(NotificationTemplates.longDate(day, .en) + " at 11:00") == true)
        XCTAssertEqual(t["REMINDER/EMAIL"]?.subject, "Appointment reminder – Dr. Ortega")

        let moved = await f.h.graphql("mutation { rescheduleAppointment(id: \"\(gid)\", date: \"\(day.iso)\", time: \"15:00\") { time } }",
                                      as: pat.viewer)
        XCTAssertEqual(moved.clinicCodes, [], "\(moved)")
        t = try await texts(f, id)
        XCTAssertEqual(t["RESCHEDULED/EMAIL"]?.subject, "Appointment rescheduled – Dr. Ortega")
        XCTAssertTrue(t["RESCHEDULED/EMAIL"]?.body.contains(NotificationTemplates.longDate(day, .en) + " at 15:00") == true)
        XCTAssertTrue(t["REMINDER/EMAIL"]?.body.contains("at 15:00") == true, "the pending reminder follows the new time")

        let cancelled = await f.h.graphql("mutation { cancelAppointment(id: \"\(gid)\") { status } }", as: pat.viewer)
        XCTAssertEqual(cancelled.clinicCodes, [], "\(cancelled)")
        t = try await texts(f, id)
        XCTAssertEqual(t["CANCELLED/EMAIL"]?.subject, "Appointment cancelled – Dr. Ortega")
        XCTAssertNil(t["REMINDER/EMAIL"])
    }

    func testStaffCancellationThroughStatusIsEnqueuedInThePatientsLanguage() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Vega")
        let pat = try await f.patient(firstName: "Marta")
        try await f.h.sql("UPDATE users SET locale = 'es' WHERE id = $1", [.int(Int(pat.id))])
        let day = try await f.date(7)
        let booked = await f.book(as: pat.viewer, doctor: doc, date: day, time: "09:30")
        let gid = try XCTUnwrap(booked.at("data.bookAppointment.id")?.stringValue)
        let r = await f.h.graphql("mutation { setAppointmentStatus(id: \"\(gid)\", status: CANCELLED) { status } }", as: f.admin.viewer)
        XCTAssertEqual(r.clinicCodes, [], "\(r)")
        let t = try await texts(f, clinicRawID(gid))
        XCTAssertEqual(t["CANCELLED/EMAIL"]?.subject, "Cita cancelada – Dr. Vega")
        XCTAssertTrue(t["CANCELLED/EMAIL"]?.body.contains("Hola Marta:") == true)
    }
}
