// Issue #17's front desk address: the superadmin sets it (checked like any
// account address), and it then gets a copy of each doctor alert, short-notice
// changes only, by email, without using up the doctor's per-user limit.
import ClinicDomain
import Delivery
import DeliveryTesting
import JSON
import Postgres
@testable import Resolvers
import XCTest

final class FrontDeskAlertTests: XCTestCase {
    func setFrontDesk(_ f: ClinicFixture, _ value: String, as viewer: Viewer? = nil) async -> JSON {
        await f.h.graphql("mutation($v: String!) { updateSystemSettings(input: {frontDeskEmail: $v}) { frontDeskEmail } }",
                          variables: ["v": .string(value)], as: viewer ?? f.superadmin.viewer)
    }

    func testSuperadminSetsAValidAddressAndClearsIt() async throws {
        let f = try await ClinicFixture.make(try await ClinicTestHarness.fresh(prefix: "frontdesk"))
        let set = await setFrontDesk(f, "  Recepcion@Clinica.Example ")
        XCTAssertEqual(set.at("data.updateSystemSettings.frontDeskEmail")?.stringValue, "recepcion@clinica.example", "\(set)")
        let read = await f.h.graphql("{ systemSettings { frontDeskEmail } }", as: f.superadmin.viewer)
        XCTAssertEqual(read.at("data.systemSettings.frontDeskEmail")?.stringValue, "recepcion@clinica.example")
        let audit = try await f.h.sql("SELECT details::text AS d FROM audit_log WHERE action = 'settings.update' ORDER BY id DESC LIMIT 1")
        XCTAssertTrue(try audit.first!.string("d").contains("recepcion@clinica.example"))

        for bad in ["no-at-sign", "a@b", "x\u{0}@clinica.example", "a@b.example\r\nBcc: evil@example.test",
                    String(repeating: "a", count: 300) + "@clinica.example"] {
            let refused = await setFrontDesk(f, bad)
            XCTAssertEqual(refused.clinicCodes, ["BAD_USER_INPUT"], bad)
            XCTAssertEqual(refused.clinicField, "input.frontDeskEmail")
        }
        clinicEq(await setFrontDesk(f, "otra@clinica.example", as: f.admin.viewer).clinicCodes, ["FORBIDDEN"],
                       "settings are the superadmin's")
        let kept = await f.h.graphql("{ systemSettings { frontDeskEmail } }", as: f.superadmin.viewer)
        XCTAssertEqual(kept.at("data.systemSettings.frontDeskEmail")?.stringValue, "recepcion@clinica.example")

        let cleared = await setFrontDesk(f, " ")
        XCTAssertEqual(cleared.at("data.updateSystemSettings.frontDeskEmail"), .null, "\(cleared)")
    }

    func testFrontDeskGetsShortNoticeAlertsBeyondTheDoctorsOwnLimit() async throws {
        var limits = RateLimitSettings()
        limits.notificationsPerUser = (1, 3600)
        let f = try await ClinicFixture.make(try await ClinicTestHarness.fresh(prefix: "frontdeskmail", rateLimits: limits))
        clinicEq(await setFrontDesk(f, "recepcion@clinica.example").clinicCodes, [])
        let doc = try await f.doctor(lastName: "Aviso")
        let pat = try await f.patient(firstName: "Lola", lastName: "Paz")
        func alerts() async throws -> [String] {
            try await f.h.sql("SELECT recipient FROM notifications WHERE kind = 'DOCTOR_ALERT' ORDER BY id").rows.map { try $0.string("recipient") }
        }
        // Far ahead: neither the doctor nor the front desk is told.
        let far = await f.book(as: f.admin.viewer, doctor: doc, date: try await f.date(6), time: "10:00", patient: pat)
        XCTAssertEqual(far.clinicCodes, [])
        clinicEq(try await alerts(), [])
        // Tomorrow: both, the front desk's filed under the doctor.
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: try await f.date(1), time: "10:00", patient: pat).clinicCodes, [])
        clinicEq(try await alerts(), [doc.email, "recepcion@clinica.example"])
        let owners = try await f.h.sql("SELECT DISTINCT user_id FROM notifications WHERE kind = 'DOCTOR_ALERT'").rows.map { try $0.int("user_id") }
        clinicEq(owners, [Int(doc.id)])

        let sink = try SMTPSink()
        defer { sink.stop() }
        let worker = try f.h.notificationWorker(smtp: sink)
        while try await worker.runOnce() > 0 {}
        let desk = sink.messages.filter { $0.recipients == ["<recepcion@clinica.example>"] }
        XCTAssertEqual(desk.count, 1)
        XCTAssertTrue(desk.first?.decodedBody.hasPrefix("Nueva cita: Lola Paz, ") == true, desk.first?.decodedBody ?? "")
        XCTAssertEqual(desk.first?.header("Content-Type"), "text/plain; charset=UTF-8", "no calendar file on staff alerts")

        // The doctor's limit (1 an hour) is used up by their own alert; the front desk still hears of the next change.
        let other = try await f.patient()
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: try await f.date(1), time: "11:00", patient: other).clinicCodes, [])
        while try await worker.runOnce() > 0 {}
        XCTAssertEqual(sink.messages.filter { $0.recipients == ["<recepcion@clinica.example>"] }.count, 2)
        XCTAssertEqual(sink.messages.filter { $0.recipients == ["<\(doc.email)>"] }.count, 1)
        let suppressed = try await f.h.sql("""
            SELECT recipient FROM notifications WHERE kind = 'DOCTOR_ALERT' AND status = 'FAILED' AND last_error LIKE '%NOTIFY_LIMIT_PER_USER%'
            """).rows.map { try $0.string("recipient") }
        clinicEq(suppressed, [doc.email])

        // Cleared: only the doctor again.
        clinicEq(await setFrontDesk(f, "").clinicCodes, [])
        let before = try await alerts().count
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: try await f.date(1), time: "12:00", patient: try await f.patient()).clinicCodes, [])
        clinicEq(Array(try await alerts().dropFirst(before)), [doc.email])
    }
}
