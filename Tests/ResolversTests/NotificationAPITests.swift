// The notification queries and the sendNotification mutation through the
// executable schema, against a real database.
import ClinicDomain
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class NotificationAPITests: XCTestCase {
    /// Two patients with rows of their own, an admin.
    struct World {
        var h: ClinicTestHarness
        var alice: HarnessUser
        var bob: HarnessUser
        var admin: HarnessUser
        var doctor: HarnessUser
        var aliceAppointment: Int64
    }

    func world() async throws -> World {
        let h = try await ClinicTestHarness.fresh(prefix: "notifyapi")
        let alice = try await h.createUser(firstName: "Alicia", lastName: "Ibáñez", patient: true)
        let bob = try await h.createUser(firstName: "Bob", patient: true)
        let admin = try await h.createUser(role: .ADMIN)
        let doctor = try await h.createUser(lastName: "Núñez", doctor: true)
        let appointment = try await h.createAppointment(patientID: alice.patientID!, doctorID: doctor.doctorID!, daysFromNow: 5)
        // Alice: 3 rows (one SENT, one FAILED) created a second apart; Bob: 2.
        try await h.sql("""
            INSERT INTO notifications (user_id, appointment_id, channel, kind, subject, body, recipient, status, sent_at, created_at)
            VALUES ($1, $3, 'EMAIL', 'BOOKING_CONFIRMATION', 'a1', 'b', 'a@x.test', 'SENT', now(), now() - interval '5 s'),
                   ($1, $3, 'EMAIL', 'REMINDER', 'a2', 'b', 'a@x.test', 'PENDING', NULL, now() - interval '4 s'),
                   ($1, NULL, 'SMS', 'CUSTOM', 'a3', 'b', '+1', 'FAILED', NULL, now() - interval '3 s'),
                   ($2, NULL, 'EMAIL', 'CUSTOM', 'b1', 'b', 'b@x.test', 'PENDING', NULL, now() - interval '2 s'),
                   ($2, NULL, 'EMAIL', 'CUSTOM', 'b2', 'b', 'b@x.test', 'PENDING', NULL, now() - interval '1 s')
            """, [.int(Int(alice.id)), .int(Int(bob.id)), .int(Int(appointment))])
        return World(h: h, alice: alice, bob: bob, admin: admin, doctor: doctor, aliceAppointment: appointment)
    }

    static let page = """
        query($first: Int, $after: String, $status: NotificationStatus) {
          notifications(first: $first, after: $after, status: $status) {
            totalCount
            edges { cursor node { id subject status kind channel attempts sentAt scheduledAt user { id } } }
            pageInfo { hasNextPage endCursor }
          }
        }
        """

    func subjects(_ json: JSON) -> [String] {
        (json.at("data.notifications.edges")?.arrayValue ?? []).compactMap { $0.at("node.subject")?.stringValue }
    }

    func testClientSeesOnlyOwnRowsNewestFirstInKeysetPages() async throws {
        let w = try await world()
        let first = await w.h.graphql(Self.page, variables: ["first": .int(2)], as: w.alice.viewer)
        XCTAssertNil(first["errors"], "\(first)")
        XCTAssertEqual(subjects(first), ["a3", "a2"])
        XCTAssertEqual(first.at("data.notifications.totalCount")?.intValue, 3)
        XCTAssertEqual(first.at("data.notifications.pageInfo.hasNextPage")?.boolValue, true)
        XCTAssertEqual(first.at("data.notifications.edges.0.node.user.id")?.stringValue, w.alice.globalID)
        let cursor = try XCTUnwrap(first.at("data.notifications.pageInfo.endCursor")?.stringValue)
        let second = await w.h.graphql(Self.page, variables: ["first": .int(2), "after": .string(cursor)], as: w.alice.viewer)
        XCTAssertEqual(subjects(second), ["a1"])
        XCTAssertEqual(second.at("data.notifications.pageInfo.hasNextPage")?.boolValue, false)
        XCTAssertEqual(second.at("data.notifications.edges.0.node.status")?.stringValue, "SENT")
        XCTAssertNotNil(second.at("data.notifications.edges.0.node.sentAt")?.stringValue)

        let failed = await w.h.graphql(Self.page, variables: ["status": .string("FAILED")], as: w.alice.viewer)
        XCTAssertEqual(subjects(failed), ["a3"])
        XCTAssertEqual(failed.at("data.notifications.totalCount")?.intValue, 1)
        let bobs = await w.h.graphql(Self.page, variables: [:], as: w.bob.viewer)
        XCTAssertEqual(subjects(bobs), ["b2", "b1"])
    }

    func testStaffSeeEveryoneAndBadCursorsAreBadInput() async throws {
        let w = try await world()
        let all = await w.h.graphql(Self.page, variables: ["first": .int(10)], as: w.admin.viewer)
        XCTAssertEqual(subjects(all), ["b2", "b1", "a3", "a2", "a1"])
        XCTAssertEqual(all.at("data.notifications.totalCount")?.intValue, 5)
        let bad = await w.h.graphql(Self.page, variables: ["after": .string("garbage")], as: w.admin.viewer)
        XCTAssertEqual(bad.at("errors.0.extensions.code")?.stringValue, "BAD_USER_INPUT")
        XCTAssertEqual(bad.at("errors.0.extensions.field")?.stringValue, "after")
        let tooMany = await w.h.graphql(Self.page, variables: ["first": .int(101)], as: w.admin.viewer)
        XCTAssertEqual(tooMany.at("errors.0.extensions.code")?.stringValue, "BAD_USER_INPUT")
        let anonymous = await w.h.graphql(Self.page, variables: [:], as: nil)
        XCTAssertEqual(anonymous.at("errors.0.extensions.code")?.stringValue, "UNAUTHENTICATED")
    }

    func testRelationsCostOneStatementPerLevelWhateverTheRowCount() async throws {
        let w = try await world()
        let query = "{ notifications(first: %d) { nodes { subject user { fullName email } appointment { id status } } } }"
        let token = try await w.h.token(for: w.admin)
        let small = await w.h.request(String(format: query, 1), token: token)
        let large = await w.h.request(String(format: query, 5), token: token)
        XCTAssertNil(large.json["errors"], "\(large.json)")
        XCTAssertEqual(small.statements, large.statements, "statements must not grow with the rows")
        let nodes = try XCTUnwrap(large.json.at("data.notifications.nodes")?.arrayValue)
        XCTAssertEqual(nodes.count, 5)
        let a1 = try XCTUnwrap(nodes.first { $0["subject"]?.stringValue == "a1" })
        XCTAssertEqual(a1.at("user.fullName")?.stringValue, "Alicia Ibáñez")
        XCTAssertEqual(a1.at("appointment.id")?.stringValue, GlobalID.encode(type: "Appointment", id: w.aliceAppointment))
        XCTAssertTrue(nodes.first { $0["subject"]?.stringValue == "b1" }?["appointment"]?.isNull == true)
    }

    static let send = """
        mutation($input: SendNotificationInput!) {
          sendNotification(input: $input) { id kind channel subject body status attempts user { id } }
        }
        """

    func input(_ fields: [(String, JSON)]) -> [String: JSON] { ["input": .object(fields)] }

    func testSendNotificationToExplicitUsersAndToEveryoneBookedOnADate() async throws {
        let w = try await world()
        let explicit = await w.h.graphql(Self.send, variables: input([
            ("userIds", .array([.string(w.alice.globalID), .string(w.bob.globalID)])), ("channel", .string("EMAIL")),
            ("subject", .string("Cierre por mantenimiento – Núñez")), ("body", .string("La clínica cierra el lunes.")),
        ]), as: w.admin.viewer)
        XCTAssertNil(explicit["errors"], "\(explicit)")
        let rows = try XCTUnwrap(explicit.at("data.sendNotification")?.arrayValue)
        XCTAssertEqual(Set(rows.compactMap { $0.at("user.id")?.stringValue }), [w.alice.globalID, w.bob.globalID])
        XCTAssertTrue(rows.allSatisfy { $0["kind"]?.stringValue == "CUSTOM" && $0["status"]?.stringValue == "PENDING"
            && $0["subject"]?.stringValue == "Cierre por mantenimiento – Núñez" })
        let recipients = try await w.h.sql("SELECT recipient FROM notifications WHERE kind = 'CUSTOM' AND subject LIKE 'Cierre%' ORDER BY recipient")
            .rows.map { try $0.string("recipient") }
        XCTAssertEqual(recipients, [w.alice.email, w.bob.email].sorted())
        let audit = try await w.h.sql("SELECT actor_id, details->>'recipients' AS n FROM audit_log WHERE action = 'notification.send'")
        XCTAssertEqual(audit.count, 1)
        XCTAssertEqual(try audit.first?.int("actor_id"), Int(w.admin.id))
        XCTAssertEqual(try audit.first?.string("n"), "2")

        // By date: Alice is booked in 5 days; Bob's cancelled appointment that day does not count.
        let bobs = try await w.h.createAppointment(patientID: w.bob.patientID!, doctorID: w.doctor.doctorID!, daysFromNow: 5, status: "CANCELLED")
        _ = bobs
        let date = try await w.h.sql("SELECT local_date::text AS d FROM appointments WHERE id = $1", [.int(Int(w.aliceAppointment))]).first!.string("d")
        try await w.h.sql("UPDATE users SET phone = '+34 600 000 000' WHERE id = $1", [.int(Int(w.alice.id))])
        let byDate = await w.h.graphql(Self.send, variables: input([
            ("appointmentsOn", .string(date)), ("channel", .string("SMS")), ("subject", .string("")), ("body", .string("Traiga su tarjeta.")),
        ]), as: w.admin.viewer)
        XCTAssertNil(byDate["errors"], "\(byDate)")
        let dated = try XCTUnwrap(byDate.at("data.sendNotification")?.arrayValue)
        XCTAssertEqual(dated.compactMap { $0.at("user.id")?.stringValue }, [w.alice.globalID])
        XCTAssertEqual(dated.first?["channel"]?.stringValue, "SMS")
        let phone = try await w.h.sql("SELECT recipient FROM notifications WHERE channel = 'SMS' AND kind = 'CUSTOM' AND body LIKE 'Traiga%'")
        XCTAssertEqual(try phone.first?.string("recipient"), "+34 600 000 000")
    }

    func testSendNotificationRejectsBadInputAndUnknownUsersAndNonStaff() async throws {
        let w = try await world()
        func codeAndField(_ fields: [(String, JSON)], as viewer: Viewer?) async -> (String?, String?) {
            let r = await w.h.graphql(Self.send, variables: input(fields), as: viewer)
            return (r.at("errors.0.extensions.code")?.stringValue, r.at("errors.0.extensions.field")?.stringValue)
        }
        let base: [(String, JSON)] = [("channel", .string("EMAIL")), ("subject", .string("s")), ("body", .string("b"))]
        let ids = { (s: String) -> (String, JSON) in ("userIds", .array([.string(s)])) }
        var r = await codeAndField(base + [ids("not-an-id")], as: w.admin.viewer)
        XCTAssertEqual(r.0, "BAD_USER_INPUT"); XCTAssertEqual(r.1, "input.userIds.0")
        r = await codeAndField(base + [ids(GlobalID.encode(type: "Doctor", id: w.doctor.doctorID!))], as: w.admin.viewer)
        XCTAssertEqual(r.0, "BAD_USER_INPUT", "an ID of another type")
        r = await codeAndField(base + [ids(GlobalID.encode(type: "User", id: 999_999))], as: w.admin.viewer)
        XCTAssertEqual(r.0, "NOT_FOUND")
        r = await codeAndField(base, as: w.admin.viewer)
        XCTAssertEqual(r.0, "BAD_USER_INPUT", "no recipients given")
        r = await codeAndField([("channel", .string("EMAIL")), ("subject", .string(String(repeating: "x", count: 201))),
                                ("body", .string("b")), ids(w.alice.globalID)], as: w.admin.viewer)
        XCTAssertEqual(r.0, "BAD_USER_INPUT"); XCTAssertEqual(r.1, "input.subject")
        r = await codeAndField([("channel", .string("EMAIL")), ("subject", .string("s")),
                                ("body", .string(String(repeating: "ñ", count: 2001))), ids(w.alice.globalID)], as: w.admin.viewer)
        XCTAssertEqual(r.0, "BAD_USER_INPUT"); XCTAssertEqual(r.1, "input.body")
        r = await codeAndField(base + [ids(w.alice.globalID)], as: w.alice.viewer)
        XCTAssertEqual(r.0, "FORBIDDEN")
        let written = try await w.h.sql("SELECT count(*) AS n FROM notifications WHERE subject = 's'").first!.int("n")
        XCTAssertEqual(written, 0, "nothing is written on a refused request")
        // Exactly 200 and 2000 characters are fine.
        r = await codeAndField([("channel", .string("EMAIL")), ("subject", .string(String(repeating: "é", count: 200))),
                                ("body", .string(String(repeating: "ñ", count: 2000))), ids(w.alice.globalID)], as: w.admin.viewer)
        XCTAssertNil(r.0)
    }
}
