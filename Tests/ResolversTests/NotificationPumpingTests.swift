// Nobody can turn the clinic into an SMS/email cannon (issue #15 item 8):
// the worker sends each person at most RateLimitSettings.notificationsPerUser
// messages per window (NOTIFY_LIMIT_PER_USER), whatever enqueued them; the
// mutations still succeed, the extra rows end FAILED with the reason and an
// audit entry. Reset emails have their own limit and are not held back. And
// the number SMS go to is an international phone number, not free text.
import Delivery
import DeliveryTesting
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class NotificationPumpingTests: XCTestCase {
    func testAliasedReschedulesCannotSendMoreThanTheHourlyLimit() async throws {
        var limits = RateLimitSettings()
        limits.notificationsPerUser = (5, 3600)
        let f = try await ClinicFixture.make(try await ClinicTestHarness.fresh(prefix: "pumping", rateLimits: limits))
        let doc = try await f.doctor()
        let pat = try await f.patient()
        try await f.h.sql("UPDATE users SET notify_by_sms = true, phone = '+34 600 000 001' WHERE id = $1", [.int(Int(pat.id))])
        let day = try await f.date(9)
        let booked = await f.book(as: pat.viewer, doctor: doc, date: day, time: "09:00")
        let gid = try XCTUnwrap(booked.at("data.bookAppointment.id")?.stringValue, "\(booked)")
        // Ten reschedules back and forth in one document: 20 more messages (email + SMS each).
        let moves = (0..<10).map { i in
            "m\(i): rescheduleAppointment(id: \"\(gid)\", date: \"\(day.iso)\", time: \"\(i % 2 == 0 ? "14:00" : "09:00")\") { id }"
        }
        let moved = await f.h.graphql("mutation { \(moves.joined(separator: " ")) }", as: pat.viewer)
        XCTAssertEqual(moved.clinicCodes, [], "the mutation itself succeeds: \(moved)")

        let smtp = try SMTPSink(), web = try HTTPSink()
        defer { smtp.stop(); web.stop() }
        let worker = try f.h.notificationWorker(smtp: smtp, sms: web)
        while try await worker.runOnce() > 0 {}
        XCTAssertEqual(smtp.messages.count + web.requests.count, 5, "at most the limit reaches the person")
        let rows = try await f.h.sql("""
            SELECT count(*) FILTER (WHERE status = 'SENT') AS sent,
                   count(*) FILTER (WHERE status = 'FAILED' AND last_error LIKE 'not sent: this person already got 5 messages%') AS held
              FROM notifications WHERE user_id = $1 AND kind <> 'REMINDER'
            """, [.int(Int(pat.id))]).first!
        XCTAssertEqual(try rows.int("sent"), 5)
        XCTAssertEqual(try rows.int("held"), 17, "2 booking + 20 reschedule messages, 5 sent")
        let audited = try await f.h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'notification.suppressed'").first!.int("n")
        XCTAssertEqual(audited, 17)

        // A reset email still goes out: it has its own limit.
        _ = await f.h.graphql("mutation { requestPasswordReset(email: \"\(pat.email)\") }")
        try await notifyAssertEqual(try await worker.runOnce(), 1)
        XCTAssertEqual(smtp.messages.last?.decodedBody.contains("/reset?token="), true)

        // After the window the person gets messages again.
        f.h.services.clock.advance(seconds: 3600)
        let again = await f.h.graphql("mutation { rescheduleAppointment(id: \"\(gid)\", date: \"\(day.iso)\", time: \"15:00\") { id } }",
                                      as: pat.viewer)
        XCTAssertEqual(again.clinicCodes, [], "\(again)")
        let before = smtp.messages.count + web.requests.count
        while try await worker.runOnce() > 0 {}
        XCTAssertEqual(smtp.messages.count + web.requests.count, before + 2)
    }

    func testPhoneNumbersMustBeInternationalWhereSMSGoes() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "phones")
        let user = try await h.createUser(email: "phone@example.test", patient: true)
        let token = try await h.token(for: user)
        for bad in ["call me maybe", "555-0199", "+1", "+52 55 1234 5678 ext 9", "+52 55 1234 5678 9012 3456", "++52 55 1234 5678",
                    "+52\n55 1234 5678", "https://example.test/?n=+52"] {
            let r = await h.graphql("mutation($p: String) { updateProfile(input: { phone: $p }) { phone } }", variables: ["p": .string(bad)],
                                    token: token)
            XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "BAD_USER_INPUT", "\(bad): \(r)")
            XCTAssertEqual(r.at("errors.0.extensions.field")?.stringValue, "input.phone", "\(bad): \(r)")
        }
        for good in ["+52 55 1234 5678", "+1 (555) 010-0199", "+34600000000", "+44 20.7946.0000"] {
            let r = await h.graphql("mutation($p: String) { updateProfile(input: { phone: $p }) { phone } }", variables: ["p": .string(good)],
                                    token: token)
            XCTAssertEqual(r.at("data.updateProfile.phone")?.stringValue, good, "\(r)")
        }
        let cleared = await h.graphql("mutation { updateProfile(input: { phone: \"\" }) { phone } }", token: token)
        XCTAssertEqual(cleared.at("data.updateProfile.phone"), .null, "\(cleared)")

        // An emergency contact's number may be local, but is still a number.
        let local = await h.graphql("mutation { updatePatientProfile(input: { emergencyPhone: \"55 1234 5678\" }) { id } }", token: token)
        XCTAssertNotNil(local.at("data.updatePatientProfile.id")?.stringValue, "\(local)")
        let junk = await h.graphql("mutation { updatePatientProfile(input: { emergencyPhone: \"ask the neighbour\" }) { id } }", token: token)
        XCTAssertEqual(junk.at("errors.0.extensions.field")?.stringValue, "input.emergencyPhone", "\(junk)")
    }

    func testAnSMSToAFreeTextNumberStoredBeforeTheCheckIsNotSent() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "legacyphone")
        let f = try await h.notificationFixture()
        let id = try await h.enqueueNotification(f, channel: "SMS")
        try await h.sql("UPDATE notifications SET recipient = 'ask at the front desk' WHERE id = $1", [.int(Int(id))])
        let web = try HTTPSink()
        defer { web.stop() }
        try await notifyAssertEqual(try await h.notificationWorker(sms: web).runOnce(), 1)
        XCTAssertTrue(web.requests.isEmpty)
        let row = try await h.notificationRow(id)
        XCTAssertEqual(try row.string("status"), "FAILED")
        let why = try row.string("last_error")
        XCTAssertTrue(why.contains("not an international phone number"), why)
    }
}
