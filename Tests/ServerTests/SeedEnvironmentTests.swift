// `clinic seed --demo` and `--scale` create accounts with published passwords:
// the real binary refuses them outside CLINIC_ENV=development, before it
// touches the database (issue #15 item 11).
import Foundation
import Postgres
import PostgresTesting
import XCTest

final class SeedEnvironmentTests: XCTestCase {
    func testSeedsRefuseOutsideDevelopmentAndLeaveTheDatabaseUntouched() throws {
        let database = try TestCluster.shared().createDatabase(prefix: "seedenv")
        let secret = "a-production-secret-of-at-least-32-bytes!!"
        for (environment, arguments) in [("production", ["seed", "--scale", "1"]), ("production", ["seed", "--demo"]),
                                         ("staging", ["seed", "--scale=2"])] {
            let (status, _, err) = try ClinicProcess.runCommand(arguments, environment: [
                "CLINIC_ENV": environment, "DATABASE_URL": database, "JWT_SECRET": secret, "LOG_LEVEL": "warn"])
            XCTAssertNotEqual(status, 0, "\(environment) \(arguments)")
            XCTAssertTrue(err.contains("refusing to seed") && err.contains("CLINIC_ENV=development"), err)
        }
        let conn = try Connection(database)
        defer { conn.close() }
        let untouched = try conn.query("SELECT to_regclass('public.users') IS NULL AS empty").first!.bool("empty")
        XCTAssertTrue(untouched, "nothing was migrated or seeded")
    }
}
