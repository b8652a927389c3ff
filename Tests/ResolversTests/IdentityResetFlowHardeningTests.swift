// The reset flow beyond the link's secrecy: a password change kills every
// outstanding link, and one client cannot mail many inboxes at once.
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class IdentityResetFlowHardeningTests: XCTestCase {
    func testChangingThePasswordKillsOutstandingResetLinks() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "resetkill")
        let user = try await h.createUser(email: "mailbox@example.test")
        _ = await h.graphql("mutation { requestPasswordReset(email: \"mailbox@example.test\") }")
        let link = try await h.pendingResetToken(for: user.id)
        // The owner, fearing their mailbox was read, changes the password.
        let changed = await h.graphql("mutation { changePassword(currentPassword: \"\(user.password)\", newPassword: \"a brand new long passphrase\") }",
                                      token: try await h.token(for: user))
        XCTAssertEqual(changed.at("data.changePassword")?.boolValue, true, "\(changed)")
        let reuse = await h.graphql("mutation($t: String!) { resetPassword(token: $t, newPassword: \"the intruder's own passphrase\") }",
                                    variables: ["t": .string(link)])
        XCTAssertEqual(reuse.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED", "\(reuse)")
    }

    func testOneClientCannotMailManyInboxesWithAliasedResetRequests() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "resetspray")
        for i in 0..<25 { _ = try await h.createUser(email: "inbox\(i)@example.test") }
        let aliases = (0..<25).map { "r\($0): requestPasswordReset(email: \"inbox\($0)@example.test\")" }
        let r = await h.graphql("mutation { \(aliases.joined(separator: " ")) }", ip: "203.0.113.50")
        XCTAssertEqual(r.at("errors.0.extensions.code")?.stringValue, "RATE_LIMITED", "\(r)")
        XCTAssertEqual(r.at("errors.0.path.0")?.stringValue, "r\(AccountMutations.resetRequestsPerIPPerHour)")
        XCTAssertNotNil(r.at("errors.0.extensions.retryAfter")?.intValue)
        let queued = try await h.sql("SELECT count(*) AS n FROM notifications WHERE kind = 'PASSWORD_RESET'").first!.int("n")
        XCTAssertEqual(queued, AccountMutations.resetRequestsPerIPPerHour)
        let elsewhere = await h.graphql("mutation { requestPasswordReset(email: \"inbox24@example.test\") }", ip: "203.0.113.51")
        XCTAssertEqual(elsewhere.at("data.requestPasswordReset")?.boolValue, true, "\(elsewhere)")
    }
}
