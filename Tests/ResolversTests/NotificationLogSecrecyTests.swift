// Without SMTP_URL / SMS_WEBHOOK_URL messages go to the log. In production the
// log says a message was not sent (kind, masked recipient), never its text:
// reset links and appointment details do not belong in logs (issue #15 item 9).
import Server
import Jobs
import Crypto
import Delivery
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class NotificationLogSecrecyTests: XCTestCase {
    func services(_ h: ClinicTestHarness, production: Bool) throws -> ClinicServices {
        ClinicServices(pool: h.services.pool, signer: try JWTSigner(secret: ClinicTestHarness.jwtSecret), hasher: PasswordHasher(cost: .low),
                       isProduction: production, publicURL: "https://clinic.test")
    }

    func testProductionLogsThatMessagesAreNotSentButNeverTheirText() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "logsecret")
        let f = try await h.notificationFixture()
        try await h.sql("UPDATE users SET email = 'lucia.pena@example.test' WHERE id = $1", [.int(Int(f.patient.id))])
        _ = await h.graphql("mutation { requestPasswordReset(email: \"lucia.pena@example.test\") }")
        let token = try await h.pendingResetToken(for: f.patient.id)
        try await h.enqueueNotification(f, kind: "BOOKING_CONFIRMATION", channel: "SMS")

        let lines = NotificationLogLines()
        let worker = try NotificationWorker.makeWorker(inputs: NotificationInputs(services: try services(h, production: true)), smtpURL: nil,
                                                       mailFrom: "clinic@clinic.test", smsWebhookURL: nil, log: lines.sink)
        try await notifyAssertEqual(try await worker.runOnce(), 2)
        let log = lines.all.joined(separator: "\n")
        XCTAssertFalse(log.contains(token), log)
        XCTAssertFalse(log.contains("/reset?token="), log)
        XCTAssertFalse(log.contains("Lucía"), "no names or appointment text: \(log)")
        XCTAssertFalse(log.contains("Núñez"), log)
        XCTAssertFalse(log.contains("lucia.pena@"), "the recipient is masked: \(log)")
        XCTAssertFalse(log.contains("1234 5678"), log)
        XCTAssertTrue(log.contains("EMAIL NOT SENT (no SMTP_URL configured) to=l***@example.test kind=PASSWORD_RESET"), log)
        XCTAssertTrue(log.contains("SMS NOT SENT (no SMS_WEBHOOK_URL configured) to=***78 kind=BOOKING_CONFIRMATION"), log)
    }

    func testDevelopmentLogsTheWholeEmailSoDevelopersGetTheResetLink() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "logdev")
        let user = try await h.createUser(email: "dev@example.test")
        _ = await h.graphql("mutation { requestPasswordReset(email: \"dev@example.test\") }")
        let token = try await h.pendingResetToken(for: user.id)
        let lines = NotificationLogLines()
        let worker = try NotificationWorker.makeWorker(inputs: NotificationInputs(services: try services(h, production: false)), smtpURL: nil,
                                                       mailFrom: "clinic@clinic.test", smsWebhookURL: nil, log: lines.sink)
        try await notifyAssertEqual(try await worker.runOnce(), 1)
        let log = lines.all.joined(separator: "\n")
        XCTAssertTrue(log.contains("https://clinic.test/reset?token=" + token), log)
    }

    func testRecipientMasks() {
        XCTAssertEqual(RecipientMask.email("lucia@example.test"), "l***@example.test")
        XCTAssertEqual(RecipientMask.email("nonsense"), "***")
        XCTAssertEqual(RecipientMask.phone("+52 55 1234 5678"), "***78")
    }
}
