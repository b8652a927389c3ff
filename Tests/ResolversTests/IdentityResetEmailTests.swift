// requestPasswordReset enqueues the final email text in the user's language
// (with the link hidden: IdentityResetSecrecyTests).
import ClinicDomain
import Foundation
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class IdentityResetEmailTests: XCTestCase {
    func resetRow(_ h: ClinicTestHarness, _ user: HarnessUser) async throws -> (subject: String, body: String) {
        let rows = try await h.sql("SELECT subject, body FROM notifications WHERE user_id = $1 AND kind = 'PASSWORD_RESET'", [.int(Int(user.id))])
        XCTAssertEqual(rows.count, 1)
        let r = try XCTUnwrap(rows.first)
        return (try r.string("subject"), try r.string("body"))
    }

    func testPasswordResetEmailIsSpanishForASpanishUser() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let user = try await h.createUser(email: "reset-es@example.test", firstName: "Lucía")
        try await h.sql("UPDATE users SET locale = 'es' WHERE id = $1", [.int(Int(user.id))])
        let clinic = try await h.sql("SELECT clinic_name FROM system_settings").first!.string("clinic_name")
        let ask = await h.graphql("mutation { requestPasswordReset(email: \"reset-es@example.test\") }")
        XCTAssertEqual(ask.at("data.requestPasswordReset")?.boolValue, true, "\(ask)")
        let (subject, body) = try await resetRow(h, user)
        XCTAssertEqual(subject, "Restablecer su contraseña – \(clinic)")
        XCTAssertTrue(body.hasPrefix("Hola Lucía:"), body)
        XCTAssertTrue(body.contains("durante 30 minutos"), body)
        XCTAssertEqual(body, PasswordResetEmail.redacted(locale: "es", firstName: "Lucía", minutes: 30, clinicName: clinic).body,
                       "the stored text has a placeholder where the link goes")
    }

    func testPasswordResetEmailIsEnglishForAnEnglishUser() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let user = try await h.createUser(email: "reset-en@example.test", firstName: "Jane")
        try await h.sql("UPDATE users SET locale = 'en' WHERE id = $1", [.int(Int(user.id))])
        let clinic = try await h.sql("SELECT clinic_name FROM system_settings").first!.string("clinic_name")
        _ = await h.graphql("mutation { requestPasswordReset(email: \"reset-en@example.test\") }")
        let (subject, body) = try await resetRow(h, user)
        XCTAssertEqual(subject, "Reset your password – \(clinic)")
        XCTAssertTrue(body.hasPrefix("Hello Jane,"), body)
        XCTAssertTrue(body.contains("for 30 minutes"), body)
    }
}
