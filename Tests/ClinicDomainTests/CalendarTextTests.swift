import XCTest
@testable import ClinicDomain
import TestSupport

/// Dates, times and instants are written into byte buffers and parsed from the string's bytes;
/// the oracle is the obvious way (string concatenation, `Array(utf8)`), which they replaced:
/// 50,000 generated values across years 1–9999, offsets (whole minutes and not), fractions
/// (none, milliseconds, microseconds), and texts near the valid forms.
final class CalendarTextTests: XCTestCase {
    private func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }

    private func oracle(_ i: Instant, offsetSeconds: Int) -> String {
        let offset = offsetSeconds % 60 == 0 ? offsetSeconds : 0
        let seconds = i.secondsSinceEpoch + Int64(offset)
        let fraction = Int(i.microsecondsSinceEpoch - i.secondsSinceEpoch * 1_000_000)
        let (days, s) = Instant.floorDivide(seconds, 86_400)
        let d = LocalDate(daysSinceEpoch: Int(days))
        var out = pad(d.year, 4) + "-" + pad(d.month, 2) + "-" + pad(d.day, 2) + "T" + pad(Int(s) / 3600, 2) + ":" + pad(Int(s) % 3600 / 60, 2) + ":" + pad(Int(s) % 60, 2)
        if fraction != 0 { out += fraction % 1000 == 0 ? "." + pad(fraction / 1000, 3) : "." + pad(fraction, 6) }
        if offset == 0 { return out + "Z" }
        return out + (offset < 0 ? "-" : "+") + pad(abs(offset) / 3600, 2) + ":" + pad(abs(offset) % 3600 / 60, 2)
    }

    func testFormattingEqualsConcatenation() {
        var rng = SplitMix64(seed: 35)
        let first = LocalDate(year: 1, month: 1, day: 1)!.daysSinceEpoch, last = LocalDate(year: 9999, month: 12, day: 31)!.daysSinceEpoch
        var failures: [String] = []
        for n in 0..<50_000 {
            let day = Int64.random(in: Int64(first)...Int64(last), using: &rng)
            var micros = day * 86_400_000_000 + Int64.random(in: 0..<86_400_000_000, using: &rng)
            switch n % 3 { case 0: micros -= micros % 1_000_000; case 1: micros -= micros % 1000; default: break }
            let instant = Instant(microsecondsSinceEpoch: micros)
            let offset = n % 5 == 0 ? Int.random(in: -50_400...50_400, using: &rng) : Int.random(in: -840...840, using: &rng) * 60
            let got = instant.formatted(offsetSeconds: offset), want = oracle(instant, offsetSeconds: offset)
            if got != want, failures.count < 5 { failures.append("\(micros) \(offset): \(got) ≠ \(want)") }
            let date = LocalDate(daysSinceEpoch: Int(day))
            if date.iso != pad(date.year, 4) + "-" + pad(date.month, 2) + "-" + pad(date.day, 2), failures.count < 5 { failures.append("date \(day)") }
            if LocalDate(iso: date.iso) != date, failures.count < 5 { failures.append("date round trip \(date.iso)") }
        }
        // Years of more than four digits are written by LocalDate.iso before the buffer's time part.
        for day in [LocalDate(year: 9999, month: 12, day: 31)!.daysSinceEpoch + 1, LocalDate(year: 9999, month: 12, day: 31)!.daysSinceEpoch + 400] {
            let instant = Instant(microsecondsSinceEpoch: Int64(day) * 86_400_000_000 + 45_296_789_000)
            for offset in [0, 3600, -19_800, 37] {
                XCTAssertEqual(instant.formatted(offsetSeconds: offset), oracle(instant, offsetSeconds: offset))
            }
        }
        for m in 0..<1440 {
            let t = LocalTime(minutesSinceMidnight: m)!
            XCTAssertEqual(t.iso, pad(m / 60, 2) + ":" + pad(m % 60, 2))
            XCTAssertEqual(LocalTime(iso: t.iso), t)
            XCTAssertEqual(LocalTime(iso: t.iso + ":00"), t)
        }
        XCTAssertEqual(failures, [])
    }

    func testParsingRefusesWhatItRefusedBefore() {
        for text in ["", "9:30", "09:3", "09:60", "24:00", "09:30:01", "09-30", "09:30:0", "0９:30", "09:30 ", " 09:30", "ab:cd", "09:30:00:00"] {
            XCTAssertNil(LocalTime(iso: text), text)
        }
        for text in ["", "2026-2-01", "2026-02-30", "2026/02/01", "２026-02-01", "2026-02-01T", "20260201", "2026-13-01", "2026-00-10"] {
            XCTAssertNil(LocalDate(iso: text), text)
        }
        XCTAssertEqual(LocalDate(iso: "2028-02-29")?.iso, "2028-02-29")
        XCTAssertEqual(LocalTime(iso: "23:59:00")?.iso, "23:59")
        // A string that is a slice of a longer one (not its own storage) parses the same.
        let long = "x2026-12-07T09:30y"
        XCTAssertEqual(LocalDate(iso: String(long.dropFirst().prefix(10)))?.iso, "2026-12-07")
        XCTAssertEqual(LocalTime(iso: String(long.dropFirst(12).prefix(5)))?.iso, "09:30")
    }
}
