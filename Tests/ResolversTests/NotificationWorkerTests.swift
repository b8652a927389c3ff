// The outbox worker against a real PostgreSQL, a real SMTP sink and a real
// HTTP sink (both in Delivery/Testing, on loopback ports). Time moves through
// services.clock.advance and scheduled_at, never by sleeping.
import Server
@testable import Jobs
import ClinicDomain
import ClinicStore
import Delivery
import DeliveryTesting
import Postgres
@testable import Resolvers
import Schema
import Synchronization
import XCTest

/// Collects log lines.
final class NotificationLogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var sink: @Sendable (String) -> Void { { line in self.lines.withLock { $0.append(line) } } }
}

/// People and an appointment to notify about.
struct NotificationFixture {
    var patient: HarnessUser
    var doctor: HarnessUser
    var appointmentID: Int64
}

extension ClinicTestHarness {
    /// Lucía Peña (patient, +52 phone) and Dr. Ramón Núñez (Cardiology), an appointment in `days` days at 10:00 UTC.
    func notificationFixture(days: Int = 3, locale: String = "es") async throws -> NotificationFixture {
        let patient = try await createUser(firstName: "Lucía", lastName: "Peña", patient: true)
        let doctor = try await createUser(firstName: "Ramón", lastName: "Núñez", doctor: true)
        try await sql("UPDATE users SET locale = $2, phone = '+52 55 1234 5678' WHERE id = $1", [.int(Int(patient.id)), .text(locale)])
        try await sql("UPDATE system_settings SET time_zone = 'UTC'")
        let appointment = try await createAppointment(patientID: patient.patientID!, doctorID: doctor.doctorID!, daysFromNow: days)
        return NotificationFixture(patient: patient, doctor: doctor, appointmentID: appointment)
    }

    /// Inserts an outbox row the way the booking mutations do (placeholder text; the worker renders).
    @discardableResult
    func enqueueNotification(_ f: NotificationFixture, kind: String = "BOOKING_CONFIRMATION", channel: String = "EMAIL",
                 scheduledAt: String = "now()") async throws -> Int64 {
        let recipient = channel == "EMAIL" ? f.patient.email : "+52 55 1234 5678"
        return Int64(try await sql("""
            INSERT INTO notifications (user_id, appointment_id, channel, kind, subject, body, recipient, scheduled_at)
            VALUES ($1, $2, $3, $4, 'placeholder', 'placeholder', $5, \(scheduledAt)) RETURNING id
            """, [.int(Int(f.patient.id)), .int(Int(f.appointmentID)), .text(channel), .text(kind), .text(recipient)]).first!.int("id"))
    }

    func notificationRow(_ id: Int64) async throws -> Row {
        try await sql("""
            SELECT status, attempts, last_error, scheduled_at, sent_at, subject, body, locked_by, delivery_key::text AS delivery_key
              FROM notifications WHERE id = $1
            """, [.int(Int(id))]).first!
    }

    func notificationWorker(smtp: SMTPSink? = nil, sms: HTTPSink? = nil, log: NotificationLogLines = NotificationLogLines(), id: String? = nil) throws -> NotificationWorker {
        var options = NotificationWorker.Options()
        options.pollInterval = .milliseconds(50)
        let email: any EmailTransport = try smtp.map { SMTPTransport(configuration: try SMTPConfiguration.parse($0.url)) }
            ?? LogEmailTransport(log: log.sink)
        let text: any SMSTransport = try sms.map { SMSWebhookTransport(configuration: try SMSWebhookConfiguration.parse($0.url, timeout: 2)) }
            ?? LogSMSTransport(log: log.sink)
        return NotificationWorker(inputs: NotificationInputs(services: services), email: email, sms: text, mailFrom: "clinic@clinic.test", options: options,
                                  workerID: id, log: log.sink)
    }
}

// XCTAssert's autoclosures cannot await; these can.
func notifyAssertEqual<T: Equatable>(_ a: @autoclosure () async throws -> T, _ b: @autoclosure () async throws -> T,
                                       _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) async throws {
    let x = try await a(), y = try await b()
    XCTAssertEqual(x, y, message(), file: file, line: line)
}
func notifyAssertTrue(_ a: @autoclosure () async throws -> Bool, _ message: @autoclosure () -> String = "",
                        file: StaticString = #filePath, line: UInt = #line) async throws {
    let x = try await a()
    XCTAssertTrue(x, message(), file: file, line: line)
}
func notifyAssertGreaterThan<T: Comparable>(_ a: @autoclosure () async throws -> T, _ b: @autoclosure () async throws -> T,
                                              _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) async throws {
    let x = try await a(), y = try await b()
    XCTAssertGreaterThan(x, y, message(), file: file, line: line)
}

final class NotificationWorkerTests: XCTestCase {
    static var withoutPerPersonLimit: RateLimitSettings {
        var limits = RateLimitSettings()
        limits.notificationsPerUser = (1_000_000, 3600)
        return limits
    }

    func testBookingConfirmationArrivesWithEncodedHeadersAndSpanishText() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "notify")
        let f = try await h.notificationFixture()
        let id = try await h.enqueueNotification(f)
        let sink = try SMTPSink()
        defer { sink.stop() }
        let worker = try h.notificationWorker(smtp: sink)
        let claimed = try await worker.runOnce()
        XCTAssertEqual(claimed, 1)

        let got = try XCTUnwrap(sink.messages.first)
        XCTAssertEqual(sink.messages.count, 1)
        XCTAssertEqual(got.recipients, ["<\(f.patient.email)>"])
        let subject = try XCTUnwrap(got.header("Subject"))
        XCTAssertTrue(subject.hasPrefix("=?UTF-8?B?"), subject)
        XCTAssertEqual(MIME.decodeHeader(subject), "Cita reservada – Dr. Núñez")
        XCTAssertEqual(MIME.decodeHeader(try XCTUnwrap(got.header("From"))), "Clínica Central <clinic@clinic.test>")
        XCTAssertEqual(MIME.decodeHeader(try XCTUnwrap(got.header("To"))), "Lucía Peña <\(f.patient.email)>")
        let row = try await h.notificationRow(id)
        XCTAssertEqual(got.header("Message-ID"), "<\(try row.string("delivery_key"))@clinic.test>")
        XCTAssertNotNil(got.header("Date"))
        // The text goes first in the multipart beside the calendar file (NotificationCalendarFileTests).
        XCTAssertEqual(got.parts.first?.headers["content-transfer-encoding"], "quoted-printable")

        let body = got.decodedBody
        XCTAssertTrue(body.contains("Hola Lucía:"), body)
        XCTAssertTrue(body.contains("Dr. Núñez"), body)
        XCTAssertTrue(body.contains("Clínica Central"), body)
        XCTAssertTrue(body.contains("a las 10:00"), body)
        let date = try await h.sql("SELECT local_date::text AS d FROM appointments WHERE id = $1", [.int(Int(f.appointmentID))]).first!.string("d")
        let local = try XCTUnwrap(LocalDate(iso: date))
        XCTAssertTrue(body.contains(NotificationTemplates.longDate(local, .es)), body)
        XCTAssertFalse(body.contains("checkup"), "emails leave out the reason")

        XCTAssertEqual(try row.string("status"), "SENT")
        XCTAssertEqual(try row.int("attempts"), 1)
        XCTAssertNotNil(try row.decode(Instant.self, "sent_at") as Instant?)
        XCTAssertNil(try row.optionalString("locked_by"))
        XCTAssertEqual(try row.string("subject"), "Cita reservada – Dr. Núñez", "the row shows what was sent")
        XCTAssertEqual(worker.metrics.sent, 1)
        XCTAssertEqual(worker.metrics.latencyCount, 1)
        try await notifyAssertEqual(try await worker.runOnce(), 0, "nothing is sent twice")
        XCTAssertEqual(sink.messages.count, 1)
    }

    func testEnglishPatientGetsEnglishEmailAndSMSWithoutClinicalData() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "notify")
        let f = try await h.notificationFixture(locale: "en")
        try await h.enqueueNotification(f, kind: "RESCHEDULED")
        let smsID = try await h.enqueueNotification(f, kind: "RESCHEDULED", channel: "SMS")
        let smtp = try SMTPSink(), web = try HTTPSink()
        defer { smtp.stop(); web.stop() }
        try await notifyAssertEqual(try await h.notificationWorker(smtp: smtp, sms: web).runOnce(), 2)
        XCTAssertEqual(MIME.decodeHeader(try XCTUnwrap(smtp.messages.first?.header("Subject"))), "Appointment rescheduled – Dr. Núñez")
        XCTAssertTrue(try XCTUnwrap(smtp.messages.first).decodedBody.contains("Hello Lucía,"))
        let req = try XCTUnwrap(web.requests.first)
        let json = try JSONSerialization.jsonObject(with: Data(req.body.utf8)) as? [String: String]
        XCTAssertEqual(json?["to"], "+52 55 1234 5678")
        let text = try XCTUnwrap(json?["body"])
        XCTAssertTrue(text.contains("Clínica Central") && text.contains("10:00") && text.contains("A-"), text)
        XCTAssertFalse(text.contains("checkup") || text.contains("Cardiology"), "no clinical data in SMS: \(text)")
        try await notifyAssertEqual(req.header("Idempotency-Key"), try await h.notificationRow(smsID).string("delivery_key"))
    }

    func testTemporaryRefusalRetriesWithBackoffThenFailsAfterFiveAttempts() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "notify")
        let f = try await h.notificationFixture()
        let id = try await h.enqueueNotification(f)
        let sink = try SMTPSink(behaviour: .init(rcpt: "451 4.3.0 mailbox busy"))
        defer { sink.stop() }
        let worker = try h.notificationWorker(smtp: sink)
        var lastScheduled = try await h.notificationRow(id).decode(Instant.self, "scheduled_at").microsecondsSinceEpoch
        for attempt in 1...5 {
            try await notifyAssertEqual(try await worker.runOnce(), 1, "attempt \(attempt)")
            let row = try await h.notificationRow(id)
            XCTAssertEqual(try row.int("attempts"), attempt)
            let lastError = try row.string("last_error")
            XCTAssertTrue(lastError.contains("451"), lastError)
            if attempt < 5 {
                XCTAssertEqual(try row.string("status"), "PENDING")
                let scheduled = try row.decode(Instant.self, "scheduled_at").microsecondsSinceEpoch
                let delay = Double(scheduled - h.services.clock.now.microsecondsSinceEpoch) / 1e6
                let base = 30.0 * Double(1 << (attempt - 1))
                XCTAssertGreaterThan(delay, base * 0.75, "backoff after attempt \(attempt)")
                XCTAssertLessThan(delay, base * 1.25, "backoff after attempt \(attempt)")
                XCTAssertGreaterThan(scheduled, lastScheduled)
                lastScheduled = scheduled
                try await notifyAssertEqual(try await worker.runOnce(), 0, "not due before its backoff")
                h.services.clock.advance(seconds: 600)
            } else {
                XCTAssertEqual(try row.string("status"), "FAILED")
            }
        }
        h.services.clock.advance(seconds: 3600)
        try await notifyAssertEqual(try await worker.runOnce(), 0, "a FAILED row is never claimed again")
        XCTAssertTrue(sink.messages.isEmpty)
        XCTAssertEqual(worker.metrics.retried, 4)
        XCTAssertEqual(worker.metrics.failed, 1)
    }

    func testPermanentRefusalFailsAtOnce() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "notify")
        let f = try await h.notificationFixture()
        let id = try await h.enqueueNotification(f)
        let sink = try SMTPSink(behaviour: .init(endOfData: "550 5.7.1 message refused"))
        defer { sink.stop() }
        try await notifyAssertEqual(try await h.notificationWorker(smtp: sink).runOnce(), 1)
        let row = try await h.notificationRow(id)
        XCTAssertEqual(try row.string("status"), "FAILED")
        XCTAssertEqual(try row.int("attempts"), 1)
        XCTAssertTrue(try row.string("last_error").contains("550"))
    }

    func testWebhookClientErrorFailsAtOnceAndServerErrorRetries() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "notify")
        let f = try await h.notificationFixture()
        let web = try HTTPSink(status: 400)
        defer { web.stop() }
        let worker = try h.notificationWorker(sms: web)
        let refused = try await h.enqueueNotification(f, channel: "SMS")
        try await notifyAssertEqual(try await worker.runOnce(), 1)
        try await notifyAssertEqual(try await h.notificationRow(refused).string("status"), "FAILED")
        try await notifyAssertTrue(try await h.notificationRow(refused).string("last_error").contains("400"))

        web.respond(status: 502)
        let retried = try await h.enqueueNotification(f, kind: "REMINDER", channel: "SMS")
        try await notifyAssertEqual(try await worker.runOnce(), 1)
        var row = try await h.notificationRow(retried)
        XCTAssertEqual(try row.string("status"), "PENDING")
        XCTAssertEqual(try row.int("attempts"), 1)
        web.respond(status: 204)
        h.services.clock.advance(seconds: 600)
        try await notifyAssertEqual(try await worker.runOnce(), 1)
        row = try await h.notificationRow(retried)
        XCTAssertEqual(try row.string("status"), "SENT")
        XCTAssertEqual(try row.int("attempts"), 2)
        XCTAssertEqual(web.requests.count, 3)
    }

    func testTwoWorkersOverFiveHundredRowsNeverSendOneTwice() async throws {
        // Hundreds of rows for one person: the per-person limit is not what this tests.
        let h = try await ClinicTestHarness.fresh(prefix: "notify", rateLimits: Self.withoutPerPersonLimit)
        let f = try await h.notificationFixture()
        try await h.sql("""
            INSERT INTO notifications (user_id, channel, kind, subject, body, recipient)
            SELECT $1, 'EMAIL', 'CUSTOM', 'Aviso nº ' || g, 'Mensaje ' || g, 'p' || g || '@example.test' FROM generate_series(1, 500) g
            """, [.int(Int(f.patient.id))])
        let sink = try SMTPSink()
        defer { sink.stop() }
        let a = try h.notificationWorker(smtp: sink, id: "worker-a"), b = try h.notificationWorker(smtp: sink, id: "worker-b")
        a.start(); b.start()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let pending = try await h.sql("SELECT count(*) AS n FROM notifications WHERE status <> 'SENT'").first!.int("n")
            if pending == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        await a.stop(); await b.stop()
        let ids = sink.messages.compactMap { $0.header("Message-ID") }
        XCTAssertEqual(ids.count, 500)
        XCTAssertEqual(Set(ids).count, 500, "no message was delivered twice")
        try await notifyAssertEqual(try await h.sql("SELECT count(*) AS n FROM notifications WHERE status = 'SENT'").first!.int("n"), 500)
        XCTAssertEqual(a.metrics.sent + b.metrics.sent, 500)
        XCTAssertGreaterThan(a.metrics.sent, 0, "both workers shared the work")
        XCTAssertGreaterThan(b.metrics.sent, 0, "both workers shared the work")
    }

    func testWorkerKilledMidBatchLosesNothingAndFlagsPossibleDuplicates() async throws {
        // Hundreds of rows for one person: the per-person limit is not what this tests.
        let h = try await ClinicTestHarness.fresh(prefix: "notify", rateLimits: Self.withoutPerPersonLimit)
        let f = try await h.notificationFixture()
        try await h.sql("""
            INSERT INTO notifications (user_id, channel, kind, subject, body, recipient)
            SELECT $1, 'EMAIL', 'CUSTOM', 'Aviso ' || g, 'Mensaje ' || g, 'p' || g || '@example.test' FROM generate_series(1, 25) g
            """, [.int(Int(f.patient.id))])
        let sink = try SMTPSink()
        defer { sink.stop() }
        let logs = NotificationLogLines()
        let dying = try h.notificationWorker(smtp: sink, log: logs, id: "dying")
        // Dies after sending its first batch, before marking it…
        let now = h.services.clock.now
        let sentBatch = try await dying.claim(now: now)
        _ = await dying.deliver(sentBatch, now: now)
        // …and after claiming a second batch it never sent.
        let unsentBatch = try await dying.claim(now: now)
        XCTAssertEqual(sentBatch.count, 10); XCTAssertEqual(unsentBatch.count, 10)
        XCTAssertEqual(sink.messages.count, 10)

        let survivor = try h.notificationWorker(smtp: sink, log: logs, id: "survivor")
        try await notifyAssertEqual(try await survivor.runOnce(), 5, "leased rows are left alone while the lease lasts")
        try await notifyAssertEqual(try await survivor.runOnce(), 0)
        h.services.clock.advance(seconds: 61)
        while try await survivor.runOnce() > 0 {}
        try await notifyAssertEqual(try await h.sql("SELECT count(*) AS n FROM notifications WHERE status = 'SENT'").first!.int("n"), 25,
                       "nothing was lost")
        let ids = sink.messages.compactMap { $0.header("Message-ID") }
        XCTAssertEqual(Set(ids).count, 25)
        XCTAssertEqual(ids.count, 35, "the 10 sent-but-unmarked rows went out again…")
        let duplicated = Set(sentBatch.map { "<\($0.deliveryKey)@clinic.test>" })
        XCTAssertEqual(Set(ids.filter { id in ids.filter { $0 == id }.count == 2 }), duplicated, "…with the same Message-ID")
        let flagged = logs.all.filter { $0.contains("possibly duplicated") }
        XCTAssertEqual(flagged.count, 20, "each row taken over from the dead worker is logged once: \(flagged)")
        XCTAssertEqual(survivor.metrics.reclaimed, 20)

        // A worker stopped cleanly leaves nothing leased.
        try await h.sql("INSERT INTO notifications (user_id, channel, kind, subject, body, recipient) VALUES ($1, 'EMAIL', 'CUSTOM', 's', 'b', 'x@example.test')",
                        [.int(Int(f.patient.id))])
        let clean = try h.notificationWorker(smtp: sink, log: logs, id: "clean")
        clean.start()
        clean.signal()
        await clean.stop()
        try await notifyAssertEqual(try await h.sql("SELECT count(*) AS n FROM notifications WHERE locked_by IS NOT NULL").first!.int("n"), 0)
    }

    func testReminderFollowsTheSettingAndIsSentWhenDue() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "notify")
        let f = try await h.notificationFixture(days: 3)
        // As the clinic enqueues it: starts_at − reminderHoursBefore (24 h).
        let id = try await h.enqueueNotification(f, kind: "REMINDER",
                                     scheduledAt: "(SELECT starts_at - interval '24 hours' FROM appointments WHERE id = \(f.appointmentID))")
        let sink = try SMTPSink()
        defer { sink.stop() }
        let worker = try h.notificationWorker(smtp: sink)
        try await notifyAssertEqual(try await worker.runOnce(), 0, "not due yet")

        // Changing the setting moves reminders not yet sent.
        let moved = try await h.services.pool.transaction { conn in
            _ = try conn.query("UPDATE system_settings SET reminder_hours_before = 48")
            return try NotificationWorker.rescheduleReminders(ClinicStore.Connection(conn), reminderHoursBefore: 48, now: h.services.clock.now)
        }
        XCTAssertEqual(moved, 1)
        let check = try await h.sql("""
            SELECT n.scheduled_at = a.starts_at - interval '48 hours' AS ok FROM notifications n JOIN appointments a ON a.id = n.appointment_id
             WHERE n.id = $1
            """, [.int(Int(id))]).first!.bool("ok")
        XCTAssertTrue(check)

        let dueIn = Int64(try await h.sql("SELECT extract(epoch FROM scheduled_at - $2)::int8 AS s FROM notifications WHERE id = $1",
                                          [.int(Int(id)), h.services.clock.now.postgresValue]).first!.int("s"))
        XCTAssertGreaterThan(dueIn, 3600)
        h.services.clock.advance(seconds: dueIn - 3600)
        try await notifyAssertEqual(try await worker.runOnce(), 0, "still 1 h early")
        h.services.clock.advance(seconds: 2 * 3600)
        try await notifyAssertEqual(try await worker.runOnce(), 1)
        XCTAssertEqual(MIME.decodeHeader(try XCTUnwrap(sink.messages.first?.header("Subject"))), "Recordatorio de cita – Dr. Núñez")
        try await notifyAssertEqual(try await h.notificationRow(id).string("status"), "SENT")
    }

    func testReminderOfCancelledAppointmentIsNotSent() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "notify")
        let f = try await h.notificationFixture(days: 3)
        let id = try await h.enqueueNotification(f, kind: "REMINDER")
        try await h.sql("UPDATE appointments SET status = 'CANCELLED' WHERE id = $1", [.int(Int(f.appointmentID))])
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await notifyAssertEqual(try await h.notificationWorker(smtp: sink).runOnce(), 1)
        XCTAssertTrue(sink.messages.isEmpty)
        let row = try await h.notificationRow(id)
        XCTAssertEqual(try row.string("status"), "FAILED")
        XCTAssertTrue(try row.string("last_error").contains("no longer upcoming"))
    }

    func testWithoutURLsMessagesAreLoggedAsNotSentAndTheOutboxDrains() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "notify")
        let f = try await h.notificationFixture()
        let email = try await h.enqueueNotification(f), sms = try await h.enqueueNotification(f, channel: "SMS")
        let logs = NotificationLogLines()
        let worker = try NotificationWorker.makeWorker(inputs: NotificationInputs(services: h.services), smtpURL: nil, mailFrom: "Clínica <clinic@clinic.test>",
                                                       smsWebhookURL: "", log: logs.sink)
        try await notifyAssertEqual(try await worker.runOnce(), 2)
        try await notifyAssertEqual(try await h.notificationRow(email).string("status"), "SENT")
        try await notifyAssertEqual(try await h.notificationRow(sms).string("status"), "SENT")
        XCTAssertTrue(logs.all.contains { $0.hasPrefix("EMAIL NOT SENT") && $0.contains(f.patient.email) })
        XCTAssertTrue(logs.all.contains { $0.hasPrefix("SMS NOT SENT") })
    }

    func testMakeWorkerRejectsBadConfigurationWithOneLine() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "notify")
        for (smtp, from, sms) in [("smtp//x", "a@b.test", nil), ("smtp://x:25", "not-an-address", nil), (nil, "a@b.test", "ftp://x")] as [(String?, String, String?)] {
            XCTAssertThrowsError(try NotificationWorker.makeWorker(inputs: NotificationInputs(services: h.services), smtpURL: smtp, mailFrom: from,
                                                                   smsWebhookURL: sms, log: { _ in })) { error in
                XCTAssertFalse("\(error)".contains("\n"))
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
    }

    func testMetricsRenderAsPrometheusText() {
        let r = NotificationMetricsRecorder()
        r.recordSent(latencySeconds: 0.5)
        r.recordSent(latencySeconds: 7)
        let text = r.snapshot.prometheusText
        XCTAssertTrue(text.contains("clinic_notifications_sent_total 2"))
        XCTAssertTrue(text.contains("clinic_notifications_delivery_latency_seconds_bucket{le=\"1.0\"} 1"))
        XCTAssertTrue(text.contains("clinic_notifications_delivery_latency_seconds_bucket{le=\"10.0\"} 2"))
        XCTAssertTrue(text.contains("clinic_notifications_delivery_latency_seconds_count 2"))
    }
}
