// CLINIC_CLOCK_OFFSET_SECONDS moves the process's Clock for tests (the web e2e at
// a Sunday night or a DST change day) and must never move a production server's.
import ClinicDomain
import Server
import XCTest

final class ClockOffsetConfigurationTests: XCTestCase {
    let secret = ["JWT_SECRET": String(repeating: "s", count: 40)]

    func testOffsetMovesTheClockBothWays() throws {
        for offset: Int64 in [-86_400 * 30, 3_600] {
            let config = try Configuration.fromEnvironment(secret.merging(["CLINIC_CLOCK_OFFSET_SECONDS": String(offset)]) { $1 })
            let real = Clock().now.microsecondsSinceEpoch
            let moved = config.makeClock().now.microsecondsSinceEpoch - offset * 1_000_000
            XCTAssertLessThan(abs(moved - real), 5_000_000, "offset \(offset)")
        }
    }

    func testProductionRefusesTheOffset() {
        let env = secret.merging(["CLINIC_ENV": "production", "DATABASE_URL": "postgres://localhost/clinic",
                                  "CLINIC_CLOCK_OFFSET_SECONDS": "60"]) { $1 }
        XCTAssertThrowsError(try Configuration.fromEnvironment(env)) { error in
            XCTAssertEqual("\(error)", "CLINIC_CLOCK_OFFSET_SECONDS is for tests only and refused with CLINIC_ENV=production")
        }
    }

    func testANonNumberIsRefused() {
        XCTAssertThrowsError(try Configuration.fromEnvironment(secret.merging(["CLINIC_CLOCK_OFFSET_SECONDS": "1h"]) { $1 }))
    }
}
