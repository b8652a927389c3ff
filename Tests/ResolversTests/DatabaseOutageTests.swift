import JSON
import Postgres
import PostgresTesting
import XCTest
@testable import Resolvers

/// A database that stops answering is SERVICE_UNAVAILABLE with `retryAfter` for every kind of
/// field (reads, reports without a replica, writes, which say the change may not have been saved),
/// never an internal error; the same services answer again once it does.
final class DatabaseOutageTests: XCTestCase {
    func testEveryFieldSaysTheDatabaseIsUnavailableAndRecovers() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "outage")
        let admin = try await h.createUser(role: .ADMIN, firstName: "Ada")
        let name = try await h.sql("SELECT current_database() AS d").first!.string("d")
        // The report's settings are cached now, so during the outage its own statement (a long read,
        // on the pool's threads) is the one that fails.
        let before = await h.graphql(#"{ report(from: "2026-01-01", to: "2026-12-31") { totalAppointments } }"#, as: admin.viewer)
        XCTAssertEqual(before["data"]?["report"]?["totalAppointments"], .int(0), before.serializedString)
        let control = try Connection(try TestCluster.shared().uri) // another database of the cluster
        let quoted = "\"" + name + "\""
        try control.execute("ALTER DATABASE \(quoted) ALLOW_CONNECTIONS false")
        try control.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [.text(name)])

        let cases: [(String, String)] = [
            ("{ doctors(first: 2) { nodes { id } } }", "The database is unavailable for a moment; try again."),
            (#"{ report(from: "2026-01-01", to: "2026-12-31") { totalAppointments } }"#, "The database is unavailable for a moment; try again."),
            (#"mutation { updateProfile(input: {firstName: "Bea"}) { firstName } }"#,
             "The database is unavailable for a moment; the change may not have been saved. Check, then try again."),
        ]
        for (query, message) in cases {
            let json = await h.graphql(query, as: admin.viewer)
            guard case .array(let errors)? = json["errors"], errors.count == 1, let error = errors.first else {
                XCTFail("\(query): \(json.serializedString)"); continue
            }
            XCTAssertEqual(error["extensions"]?["code"], .string("SERVICE_UNAVAILABLE"), "\(query): \(json.serializedString)")
            XCTAssertEqual(error["extensions"]?["retryAfter"], .int(1), query)
            XCTAssertEqual(error["message"], .string(message), query)
        }

        try control.execute("ALTER DATABASE \(quoted) ALLOW_CONNECTIONS true")
        let again = await h.graphql(#"mutation { updateProfile(input: {firstName: "Bea"}) { firstName } }"#, as: admin.viewer)
        XCTAssertEqual(again["data"]?["updateProfile"]?["firstName"], .string("Bea"), again.serializedString)
        let report = await h.graphql(#"{ report(from: "2026-01-01", to: "2026-12-31") { totalAppointments } }"#, as: admin.viewer)
        XCTAssertEqual(report["data"]?["report"]?["totalAppointments"], .int(0), report.serializedString)
    }
}
