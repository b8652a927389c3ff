import XCTest
import Foundation
@testable import ClinicDomain

/// `ClinicTimeZone` remembers the stretches between offset changes; in every zone the system
/// knows, over two years walked forward and then backward (so stretches are found from both
/// sides), conversions through them equal the tz database asked directly: `offsetSeconds`
/// against `TimeZone.secondsFromGMT`, `instants` against the search around each wall time
/// (`searchInstants`, which CalendarDSTTests checks against an independent oracle).
final class TimeZoneSpanTests: XCTestCase {
    func testRememberedOffsetsEqualTheTzDatabaseInEveryZone() {
        let first = LocalDate(iso: "2025-01-01")!.daysSinceEpoch, last = LocalDate(iso: "2026-12-31")!.daysSinceEpoch
        let times = ["00:00", "01:30", "02:30", "12:00", "23:30"].map { LocalTime(iso: $0)! }
        var zones = 0, mismatches: [String] = []
        for name in TimeZone.knownTimeZoneIdentifiers {
            guard let zone = ClinicTimeZone(identifier: name), let tz = TimeZone(identifier: name) else { continue }
            zones += 1
            for day in Array(first...last) + Array((first...last).reversed()) {
                for time in times {
                    let local = Int64(day) * 86_400 + Int64(time.minutesSinceMidnight) * 60
                    let got = zone.instants(date: LocalDate(daysSinceEpoch: day), time: time)
                    let want = zone.searchInstants(local: local)
                    if got != want, mismatches.count < 10 { mismatches.append("\(name) day \(day) \(time.iso): \(got) ≠ \(want)") }
                    let t = Instant(secondsSinceEpoch: local)
                    if zone.offsetSeconds(at: t) != tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local))), mismatches.count < 10 {
                        mismatches.append("\(name) offset at \(local)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(zones, 300)
        XCTAssertEqual(mismatches, [])
    }

    func testOneValuePerNameAndUnknownNamesRefused() {
        XCTAssertNil(ClinicTimeZone(identifier: "EST"))
        XCTAssertNil(ClinicTimeZone(identifier: "Mars/Olympus_Mons"))
        let a = ClinicTimeZone(identifier: "America/Mexico_City")!, b = ClinicTimeZone(identifier: "America/Mexico_City")!
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.identifier, "America/Mexico_City")
    }
}
