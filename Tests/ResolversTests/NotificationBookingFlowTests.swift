// From a booking through the API to the email at the SMTP sink: the clinic's
// mutation enqueues the outbox rows, the worker renders and delivers them.
import ClinicDomain
import Delivery
import DeliveryTesting
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class NotificationBookingFlowTests: XCTestCase {
    func testBookingThroughTheAPIDeliversSpanishConfirmationAndSchedulesReminder() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "notifyflow")
        let patient = try await h.createUser(firstName: "Lucía", lastName: "Núñez Peña", patient: true)
        let doctor = try await h.createUser(firstName: "Ramón", lastName: "Núñez", doctor: true)
        try await h.sql("""
            INSERT INTO working_hours (doctor_id, weekday, start_time, end_time, slot_minutes)
            SELECT $1, d, '08:00', '17:00', 30 FROM generate_series(1, 7) d
            """, [.int(Int(doctor.doctorID!))])
        let date = try await h.sql("""
            SELECT ((now() AT TIME ZONE (SELECT time_zone FROM system_settings))::date + 3)::text AS d
            """).first!.string("d")
        let booked = await h.graphql("""
            mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id startsAt } }
            """, variables: ["input": .object([("doctorId", .string(GlobalID.encode(type: "Doctor", id: doctor.doctorID!))),
                                               ("date", .string(date)), ("time", .string("10:30")),
                                               ("reason", .string("dolor torácico"))])],
            as: patient.viewer)
        XCTAssertNil(booked["errors"], "\(booked)")
        let appointmentGID = try XCTUnwrap(booked.at("data.bookAppointment.id")?.stringValue)

        let sink = try SMTPSink()
        defer { sink.stop() }
        let worker = try h.notificationWorker(smtp: sink)
        try await notifyAssertEqual(try await worker.runOnce(), 1, "the confirmation is due now; the reminder is not")
        let mail = try XCTUnwrap(sink.messages.first)
        XCTAssertEqual(MIME.decodeHeader(try XCTUnwrap(mail.header("Subject"))), "Cita reservada – Dr. Núñez")
        XCTAssertEqual(MIME.decodeHeader(try XCTUnwrap(mail.header("To"))), "Lucía Núñez Peña <\(patient.email)>")
        let body = mail.decodedBody
        XCTAssertTrue(body.contains("a las 10:30"), body)
        XCTAssertTrue(body.contains(NotificationTemplates.longDate(LocalDate(iso: date)!, .es)), body)
        XCTAssertFalse(body.contains("torácico"), "emails leave out the reason")

        // The reminders wait at starts_at − 24 h and − 2 h; the API shows the rows to the patient.
        let reminder = try await h.sql("""
            SELECT extract(epoch FROM a.starts_at - n.scheduled_at)::int8 AS lead FROM notifications n
              JOIN appointments a ON a.id = n.appointment_id WHERE n.kind = 'REMINDER' AND n.status = 'PENDING'
             ORDER BY n.scheduled_at
            """)
        XCTAssertEqual(try reminder.rows.map { try $0.int("lead") }, [24 * 3600, 2 * 3600])
        let listed = await h.graphql("{ notifications { nodes { kind status appointment { id } } } }", as: patient.viewer)
        let kinds = (listed.at("data.notifications.nodes")?.arrayValue ?? []).compactMap { $0["kind"]?.stringValue }
        XCTAssertEqual(Set(kinds), ["BOOKING_CONFIRMATION", "REMINDER"])
        XCTAssertEqual(listed.at("data.notifications.nodes.0.appointment.id")?.stringValue, appointmentGID)

        // Each reminder goes out at its own time: the 24 h one, then the 2 h one (issue #17).
        let startsAt = try XCTUnwrap(Instant(rfc3339: try XCTUnwrap(booked.at("data.bookAppointment.startsAt")?.stringValue)))
        func advance(to instant: Instant) {
            h.services.clock.advance(seconds: instant.secondsSinceEpoch - h.services.clock.now.secondsSinceEpoch)
        }
        advance(to: startsAt.adding(minutes: -24 * 60 - 5))
        try await notifyAssertEqual(try await worker.runOnce(), 0, "5 minutes before the first reminder")
        advance(to: startsAt.adding(minutes: -24 * 60 + 1))
        try await notifyAssertEqual(try await worker.runOnce(), 1, "the 24 h reminder")
        advance(to: startsAt.adding(minutes: -121))
        try await notifyAssertEqual(try await worker.runOnce(), 0, "the 2 h reminder is not due yet")
        advance(to: startsAt.adding(minutes: -119))
        try await notifyAssertEqual(try await worker.runOnce(), 1, "the 2 h reminder")
        XCTAssertEqual(sink.messages.count, 3)
        XCTAssertEqual(sink.messages.dropFirst().map { MIME.decodeHeader($0.header("Subject") ?? "") },
                       ["Recordatorio de cita – Dr. Núñez", "Recordatorio de cita – Dr. Núñez"])
    }
}
