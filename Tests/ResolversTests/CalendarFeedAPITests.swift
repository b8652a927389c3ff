// Doctor.calendarFeedUrl and rotateCalendarFeed through the API: who may read
// and rotate, what the database and the audit log keep (never the token), and
// one statement for the URLs of a whole list of doctors.
import ClinicDomain
import Crypto
import JSON
import Postgres
@testable import Resolvers
import XCTest

final class CalendarFeedAPITests: XCTestCase {
    func testRotationKeepsOnlyAHashAndAuditsWithoutTheToken() async throws {
        let f = try await ClinicFixture.make(try await ClinicTestHarness.fresh(prefix: "feedapi"))
        let doc = try await f.doctor(lastName: "Feed")
        let rotated = await f.h.graphql("mutation { rotateCalendarFeed { id calendarFeedUrl } }", as: doc.viewer)
        let url = try XCTUnwrap(rotated.at("data.rotateCalendarFeed.calendarFeedUrl")?.stringValue, "\(rotated)")
        XCTAssertTrue(url.hasPrefix("https://clinic.test/calendar/") && url.hasSuffix(".ics"), url)
        let token = String(url.dropFirst("https://clinic.test/calendar/".count).dropLast(".ics".count))
        let stored = try await f.h.sql("SELECT token_hash, salt FROM doctor_calendar_feeds WHERE doctor_id = $1", [.int(Int(doc.doctorID!))])
        let hash = try stored.first!.bytes("token_hash")
        XCTAssertEqual(hash, CalendarFeedToken.hash(presented: token), "the table holds the token's hash")
        XCTAssertNotEqual(try stored.first!.bytes("salt"), Base64.urlDecode(token), "and not the token")
        let audit = try await f.h.sql("SELECT target_id, details::text AS d FROM audit_log WHERE action = 'doctor.calendar_feed_rotate'")
        XCTAssertEqual(try audit.first?.string("target_id"), ClinicFixture.doctorID(doc))
        XCTAssertFalse(try audit.first!.string("d").contains(token))

        // Another key (JWT_SECRET changed): the stored hash no longer matches, so no URL is shown rather than a dead one.
        XCTAssertNil(CalendarFeedToken.token(key: Array("another key".utf8), salt: try stored.first!.bytes("salt"), storedHash: hash))
    }

    func testOnlyTheDoctorAndStaffReadOrRotateAndBadIDsAreRefused() async throws {
        let f = try await ClinicFixture.make(try await ClinicTestHarness.fresh(prefix: "feedauth"))
        let (a, b) = (try await f.doctor(lastName: "Uno"), try await f.doctor(lastName: "Dos"))
        let pat = try await f.patient()
        let q = "query($id: ID!) { doctor(id: $id) { calendarFeedUrl } }"
        let vars: [String: JSON] = ["id": .string(ClinicFixture.doctorID(a))]
        clinicEq(await f.h.graphql("mutation($id: ID) { rotateCalendarFeed(doctorId: $id) { id } }", variables: vars,
                                         as: f.admin.viewer).clinicCodes, [], "staff rotate any doctor's")
        for viewer in [a.viewer, f.admin.viewer] {
            let r = await f.h.graphql(q, variables: vars, as: viewer)
            XCTAssertNotNil(r.at("data.doctor.calendarFeedUrl")?.stringValue, "\(r)")
        }
        for viewer in [b.viewer, pat.viewer] {
            let r = await f.h.graphql(q, variables: vars, as: viewer)
            XCTAssertEqual(r.clinicCodes, ["FORBIDDEN"], "\(r)")
            XCTAssertEqual(r.at("data.doctor.calendarFeedUrl"), .null)
        }
        clinicEq(await f.h.graphql(q, variables: vars, as: nil).clinicCodes, ["UNAUTHENTICATED"])
        let rotate = "mutation($id: ID) { rotateCalendarFeed(doctorId: $id) { id } }"
        clinicEq(await f.h.graphql(rotate, variables: vars, as: b.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await f.h.graphql(rotate, variables: vars, as: pat.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await f.h.graphql(rotate, as: pat.viewer).clinicCodes, ["BAD_USER_INPUT"], "a patient has no own feed")
        clinicEq(await f.h.graphql(rotate, as: nil).clinicCodes, ["UNAUTHENTICATED"])
        clinicEq(await f.h.graphql(rotate, variables: ["id": .string("bm9wZQ\u{0}")], as: f.admin.viewer).clinicCodes, ["BAD_USER_INPUT"])
        clinicEq(await f.h.graphql(rotate, variables: ["id": .string(GlobalID.encode(type: "Doctor", id: 999_999))],
                                         as: f.admin.viewer).clinicCodes, ["NOT_FOUND"])
        clinicEq(await f.h.graphql(rotate, variables: ["id": .string(ClinicFixture.patientID(pat))], as: f.admin.viewer).clinicCodes,
                       ["BAD_USER_INPUT"], "another type's ID")
    }

    func testURLsOfAListOfDoctorsCostOneStatement() async throws {
        let f = try await ClinicFixture.make(try await ClinicTestHarness.fresh(prefix: "feedbatch"))
        func statements() async throws -> (Int, Int) {
            let (json, n) = try await f.counted("{ doctors(first: 50) { nodes { calendarFeedUrl } } }", as: f.admin.viewer)
            let urls = (json.at("data.doctors.nodes")?.arrayValue ?? []).compactMap { $0["calendarFeedUrl"]?.stringValue }
            return (n, urls.count)
        }
        for _ in 0..<2 {
            let d = try await f.doctor()
            clinicEq(await f.h.graphql("mutation { rotateCalendarFeed { id } }", as: d.viewer).clinicCodes, [])
        }
        let (few, fewURLs) = try await statements()
        for _ in 0..<4 {
            let d = try await f.doctor()
            clinicEq(await f.h.graphql("mutation { rotateCalendarFeed { id } }", as: d.viewer).clinicCodes, [])
        }
        let (more, moreURLs) = try await statements()
        XCTAssertEqual([fewURLs, moreURLs], [2, 6])
        XCTAssertEqual(few, more, "the feeds of every doctor of the level in one statement")
    }
}
