// A password-reset link is a bearer credential for the account. It reaches
// the person by email and nowhere else: not through `notifications`,
// `node(id:)` or the audit log, before or after sending, and not in the
// database row once the email is out (security review, issue #15 item 1).
import ClinicDomain
import Delivery
import DeliveryTesting
import Postgres
@testable import Resolvers
import PostgresTesting
import Schema
import XCTest

final class IdentityResetSecrecyTests: XCTestCase {
    /// Everything an ADMIN (or the SUPERADMIN) can read about notifications and the audit trail.
    func everythingReadable(_ h: ClinicTestHarness, admin: String, superadmin: String, notificationID: String) async -> String {
        var seen: [String] = []
        for token in [admin, superadmin] {
            let list = await h.graphql("{ notifications(first: 100) { nodes { id kind subject body lastError } } }", token: token)
            XCTAssertNotNil(list.at("data.notifications.nodes"), "\(list)")
            seen.append("\(list)")
            let node = await h.graphql("query($id: ID!) { node(id: $id) { ... on Notification { id subject body lastError } } }",
                                       variables: ["id": .string(notificationID)], token: token)
            seen.append("\(node)")
        }
        let audit = await h.graphql("{ auditLog(first: 100) { nodes { action targetId details } } }", token: superadmin)
        XCTAssertNotNil(audit.at("data.auditLog.nodes"), "\(audit)")
        seen.append("\(audit)")
        return seen.joined(separator: "\n")
    }

    func testAnAdminCannotReadTheSuperadminsResetLinkAndTheEmailStillWorks() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "resetsecret")
        let superadmin = try await h.createUser(email: "root@example.test", role: .SUPERADMIN)
        let admin = try await h.createUser(email: "office@example.test", role: .ADMIN)
        let adminToken = try await h.token(for: admin), rootToken = try await h.token(for: superadmin)

        let ask = await h.graphql("mutation { requestPasswordReset(email: \"root@example.test\") }", token: adminToken)
        XCTAssertEqual(ask.at("data.requestPasswordReset")?.boolValue, true, "\(ask)")
        let row = try await h.sql("SELECT id, body, sealed_secret FROM notifications WHERE kind = 'PASSWORD_RESET'").first!
        let notificationID = GlobalID.encode(type: "Notification", id: try row.id("id"))
        let storedBody = try row.string("body")
        XCTAssertTrue(storedBody.contains(PasswordResetEmail.linkPlaceholder), storedBody)
        XCTAssertNotNil(try row.optionalBytes("sealed_secret"), "the worker needs the sealed token")
        let beforeSending = await everythingReadable(h, admin: adminToken, superadmin: rootToken, notificationID: notificationID)

        let sink = try SMTPSink()
        defer { sink.stop() }
        let worker = try h.notificationWorker(smtp: sink)
        try await notifyAssertEqual(try await worker.runOnce(), 1)
        let email = try XCTUnwrap(sink.messages.first).decodedBody
        let marker = try XCTUnwrap(email.range(of: "https://clinic.test/reset?token="), email)
        let token = String(email[marker.upperBound...].prefix(43))
        XCTAssertEqual(token.count, 43, email)
        XCTAssertFalse(email.contains(PasswordResetEmail.linkPlaceholder), "the person gets the link itself")

        XCTAssertFalse(beforeSending.contains(token), "the token was readable before sending:\n\(beforeSending)")
        let afterSending = await everythingReadable(h, admin: adminToken, superadmin: rootToken, notificationID: notificationID)
        XCTAssertFalse(afterSending.contains(token), "the token was readable after sending:\n\(afterSending)")
        XCTAssertTrue(afterSending.contains("reset link hidden"), afterSending)
        let stored = try await h.sql("SELECT n::text AS everything, sealed_secret IS NULL AS cleared, status FROM notifications n WHERE kind = 'PASSWORD_RESET'").first!
        XCTAssertEqual(try stored.string("status"), "SENT")
        XCTAssertTrue(try stored.bool("cleared"), "the sealed token is gone once sent")
        XCTAssertFalse(try stored.string("everything").contains(token))

        // The link in the email works, once.
        let reset = await h.graphql("mutation($t: String!) { resetPassword(token: $t, newPassword: \"a brand new passphrase 42\") }",
                                    variables: ["t": .string(token)])
        XCTAssertEqual(reset.at("data.resetPassword")?.boolValue, true, "\(reset)")
        let login = await h.graphql("mutation { login(email: \"root@example.test\", password: \"a brand new passphrase 42\") { accessToken } }")
        XCTAssertNotNil(login.at("data.login.accessToken")?.stringValue, "\(login)")
    }

    func testAResetRowWhoseSealCannotBeOpenedFailsInsteadOfSendingABrokenLink() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "resetseal")
        _ = try await h.createUser(email: "sealed@example.test")
        _ = await h.graphql("mutation { requestPasswordReset(email: \"sealed@example.test\") }")
        // As if JWT_SECRET changed between the request and the sending.
        try await h.sql("UPDATE notifications SET sealed_secret = $1 WHERE kind = 'PASSWORD_RESET'", [.bytea(Array(repeating: 7, count: 75))])
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await notifyAssertEqual(try await h.notificationWorker(smtp: sink).runOnce(), 1)
        XCTAssertEqual(sink.messages.count, 0)
        let row = try await h.sql("SELECT status, last_error, sealed_secret IS NULL AS cleared FROM notifications").first!
        XCTAssertEqual(try row.string("status"), "FAILED")
        let why = try row.string("last_error")
        XCTAssertTrue(why.contains("request a new link"), why)
        XCTAssertTrue(try row.bool("cleared"))
    }

    /// Rows written before migration 0009 kept the raw link in `body`: the
    /// migration hides the token and fails the pending ones (no working link
    /// can be rebuilt for them).
    func testMigrationRedactsResetLinksStoredBeforeSealing() async throws {
        let all = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("db/migrations").path
        let before = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-0008-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: before, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: before) }
        for file in try FileManager.default.contentsOfDirectory(atPath: all) where file.hasSuffix(".sql") && file < "0009" {
            try FileManager.default.copyItem(atPath: all + "/" + file, toPath: before.appendingPathComponent(file).path)
        }
        let uri = try TestCluster.shared().createDatabase(prefix: "legacyreset")
        let pool = ConnectionPool(connectionString: uri, size: 1)
        defer { pool.close() }
        _ = try await Migrator(directory: before.path).migrate(pool: pool)
        let token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"
        try await pool.withConnection { conn in
            let user = try conn.query("INSERT INTO users (email, password_hash, first_name, last_name) VALUES ('old@example.test', '!', 'O', 'L') RETURNING id")
                .first!.id("id")
            for status in ["PENDING", "SENT"] {
                _ = try conn.query("""
                    INSERT INTO notifications (user_id, channel, kind, subject, body, recipient, status, sent_at)
                    VALUES ($1, 'EMAIL', 'PASSWORD_RESET', 'Reset', $2, 'old@example.test', $3, CASE WHEN $3 = 'SENT' THEN now() END)
                    """, [.int(Int(user)), .text("Open:\n\nhttps://clinic.test/reset-password?token=\(token)\n\nThanks"), .text(status)])
            }
        }
        _ = try await Migrator(directory: all).migrate(pool: pool)
        let rows = try await pool.withConnection { conn in
            try conn.query("SELECT n::text AS everything, body, status, last_error FROM notifications n ORDER BY id").rows
        }
        XCTAssertEqual(rows.count, 2)
        for r in rows {
            XCTAssertFalse(try r.string("everything").contains(token))
            let body = try r.string("body")
            XCTAssertTrue(body.contains("/reset-password?token=[hidden]"), body)
        }
        XCTAssertEqual(try rows[0].string("status"), "FAILED")
        XCTAssertEqual(try rows[0].optionalString("last_error")?.contains("request a new link"), true)
        XCTAssertEqual(try rows[1].string("status"), "SENT")
    }
}
