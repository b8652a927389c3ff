import XCTest
import Foundation
@testable import ClinicDomain

final class CalendarValueTests: XCTestCase {
    private func date(_ s: String) -> LocalDate { LocalDate(iso: s)! }
    private func time(_ s: String) -> LocalTime { LocalTime(iso: s)! }
    private func instant(_ s: String) -> Instant { Instant(rfc3339: s)! }

    // MARK: LocalDate

    func testDayCountMatchesFoundationGregorianCalendar() {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = TimeZone(identifier: "UTC")!
        // Every 13th day from 1583 to 2500 (leap centuries included).
        var day = LocalDate(year: 1583, month: 1, day: 1)!.daysSinceEpoch
        while day < LocalDate(year: 2500, month: 1, day: 1)!.daysSinceEpoch {
            let d = LocalDate(daysSinceEpoch: day)
            let c = gregorian.dateComponents([.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(day) * 86_400))
            XCTAssertEqual([d.year, d.month, d.day], [c.year!, c.month!, c.day!])
            XCTAssertEqual(d.isoWeekday, (c.weekday! + 5) % 7 + 1)   // Foundation: 1 = Sunday
            XCTAssertEqual(d.daysSinceEpoch, day)
            day += 13
        }
    }

    func testIsoWeekdayIsOneForMondayAndSevenForSunday() {
        XCTAssertEqual(date("2026-11-30").isoWeekday, 1)
        XCTAssertEqual(date("2026-11-27").isoWeekday, 5)
        XCTAssertEqual(date("2026-11-29").isoWeekday, 7)
        XCTAssertEqual(date("1970-01-01").isoWeekday, 4)
        XCTAssertEqual(date("1969-12-28").isoWeekday, 7)
    }

    func testAddingDaysCrossesMonthsYearsAndLeapDays() {
        XCTAssertEqual(date("2024-02-28").adding(days: 1), date("2024-02-29"))
        XCTAssertEqual(date("2026-02-28").adding(days: 1), date("2026-03-01"))
        XCTAssertEqual(date("2026-12-31").adding(days: 1), date("2027-01-01"))
        XCTAssertEqual(date("2026-03-01").adding(days: -1), date("2026-02-28"))
        XCTAssertEqual(date("2026-01-01").days(to: date("2027-01-01")), 365)
        XCTAssertEqual(date("2024-01-01").days(to: date("2025-01-01")), 366)
        XCTAssertEqual(date("2026-03-10").days(to: date("2026-03-01")), -9)
    }

    func testDatesCompareChronologically() {
        XCTAssertLessThan(date("2026-01-31"), date("2026-02-01"))
        XCTAssertLessThan(date("2025-12-31"), date("2026-01-01"))
        XCTAssertEqual(date("2026-12-01").iso, "2026-12-01")
        XCTAssertEqual(LocalDate(year: 7, month: 3, day: 9)!.iso, "0007-03-09")
    }

    // MARK: LocalTime

    func testTimeOfDayMinutesRoundTrip() {
        for m in 0..<1440 {
            let t = LocalTime(minutesSinceMidnight: m)!
            XCTAssertEqual(t.minutesSinceMidnight, m)
            XCTAssertEqual(LocalTime(iso: t.iso), t)
        }
        XCTAssertNil(LocalTime(minutesSinceMidnight: 1440))
        XCTAssertNil(LocalTime(minutesSinceMidnight: -1))
        XCTAssertNil(LocalTime(iso: "09:00:30"))
        XCTAssertEqual(LocalTime(iso: "09:00:00"), time("09:00"))
    }

    // MARK: Instant

    func testInstantRoundTripsThroughRFC3339() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            // Years ~1970–2100, microsecond precision.
            let micros = Int64(state >> 23) % 4_102_444_800_000_000
            let i = Instant(microsecondsSinceEpoch: micros)
            XCTAssertEqual(Instant(rfc3339: i.rfc3339), i, i.rfc3339)
            for offset in [-36_000, -16_200, 0, 3_600, 19_800, 46_800] {
                XCTAssertEqual(Instant(rfc3339: i.formatted(offsetSeconds: offset)), i)
            }
        }
    }

    func testInstantReadsPostgresOutputFromTextAndBytesAlike() {
        for text in ["2026-12-01 09:30:00+00", "2026-12-01 09:30:00.5+05:30", "2026-12-01 09:30:00.123456-03:30:15",
                     "0001-01-01 00:00:00+00", "2026-12-01T09:30:00+00", "2026-12-01 09:30:00Z", "2026-13-01 09:30:00+00",
                     "2026-12-01 09:30", "", "2026-12-01 09:30:00+0x"] {
            let bytes = Array(text.utf8)
            let fromBytes = bytes.withUnsafeBufferPointer { Instant(postgresBytes: $0) }
            XCTAssertEqual(fromBytes, Instant(postgresText: text), text)
        }
        XCTAssertNotNil(Array("2026-12-01 09:30:00+00".utf8).withUnsafeBufferPointer { Instant(postgresBytes: $0) })
    }

    func testInstantFormatsBeforeEpochAndWithOffsets() {
        let i = Instant(microsecondsSinceEpoch: -1)
        XCTAssertEqual(i.rfc3339, "1969-12-31T23:59:59.999999Z")
        XCTAssertEqual(instant("2026-12-01T09:30:00Z").formatted(offsetSeconds: -21_600), "2026-12-01T03:30:00-06:00")
        XCTAssertEqual(instant("2026-12-01T09:30:00Z").formatted(offsetSeconds: 19_800), "2026-12-01T15:00:00+05:30")
        XCTAssertEqual(instant("2026-12-01T09:30:00Z").secondsSinceEpoch, 1_796_117_400)
    }

    func testInstantRangesTouchingAtTheEndDoNotOverlap() {
        let a = InstantRange(start: instant("2026-12-01T09:00:00Z"), end: instant("2026-12-01T09:30:00Z"))
        let b = InstantRange(start: instant("2026-12-01T09:30:00Z"), end: instant("2026-12-01T10:00:00Z"))
        let c = InstantRange(start: instant("2026-12-01T09:29:59Z"), end: instant("2026-12-01T09:45:00Z"))
        XCTAssertFalse(a.overlaps(b))
        XCTAssertFalse(b.overlaps(a))
        XCTAssertTrue(a.overlaps(c))
        XCTAssertTrue(c.overlaps(b))
    }

    // MARK: ClinicTimeZone

    func testTimeZoneAcceptsOnlyIANANames() {
        XCTAssertNotNil(ClinicTimeZone(identifier: "America/Mexico_City"))
        XCTAssertNotNil(ClinicTimeZone(identifier: "Europe/Madrid"))
        XCTAssertNotNil(ClinicTimeZone(identifier: "UTC"))
        // The tz database's current name, which the system's ICU-based list calls Asia/Calcutta.
        XCTAssertEqual(ClinicTimeZone(identifier: "Asia/Kolkata")?.offsetSeconds(at: instant("2026-06-01T00:00:00Z")), 19_800)
        XCTAssertNotNil(ClinicTimeZone(identifier: "America/Argentina/Buenos_Aires"))
        for bad in ["EST", "GMT+5", "Nowhere/Land", "america/new_york", "", "../etc/passwd", "+01:00", "Etc/GMT+5",
                    "Asia/Nowhere", "Asia/../../etc/passwd", "Asia/", "Asia//Kolkata", "Asia/kolkata", "Asia/Kolkata\0"] {
            XCTAssertNil(ClinicTimeZone(identifier: bad), bad)
        }
    }

    func testWallClockOfInstantUsesTheOffsetInForce() {
        let ny = ClinicTimeZone(identifier: "America/New_York")!
        let winter = ny.wallClock(at: instant("2026-12-01T14:30:00Z"))
        XCTAssertEqual(winter.date, date("2026-12-01"))
        XCTAssertEqual(winter.time, time("09:30"))
        let summer = ny.wallClock(at: instant("2026-07-01T03:30:00Z"))
        XCTAssertEqual(summer.date, date("2026-06-30"))
        XCTAssertEqual(summer.time, time("23:30"))
        XCTAssertEqual(ny.offsetSeconds(at: instant("2026-07-01T03:30:00Z")), -14_400)
    }

    func testWallTimesInTheSpringGapHaveNoInstantAndFallBackTimesHaveTwo() {
        let ny = ClinicTimeZone(identifier: "America/New_York")!
        XCTAssertEqual(ny.instants(date: date("2026-03-08"), time: time("02:30")), [])
        XCTAssertEqual(ny.instants(date: date("2026-03-08"), time: time("03:00")), [instant("2026-03-08T07:00:00Z")])
        XCTAssertEqual(ny.instants(date: date("2026-11-01"), time: time("01:30")),
                       [instant("2026-11-01T05:30:00Z"), instant("2026-11-01T06:30:00Z")])
        XCTAssertEqual(ny.instant(date: date("2026-11-01"), time: time("01:30")), instant("2026-11-01T05:30:00Z"))
    }

    func testStartOfDayIsTheEndOfTheGapWhenMidnightIsSkipped() {
        // Chile springs forward at 24:00 on 2026-09-05: 2026-09-06 begins at 01:00 (-03).
        let santiago = ClinicTimeZone(identifier: "America/Santiago")!
        XCTAssertEqual(santiago.instants(date: date("2026-09-06"), time: time("00:30")), [])
        XCTAssertEqual(santiago.startOfDay(date("2026-09-06")), instant("2026-09-06T04:00:00Z"))
        XCTAssertEqual(santiago.wallClock(at: instant("2026-09-06T04:00:00Z")).time, time("01:00"))
        let madrid = ClinicTimeZone(identifier: "Europe/Madrid")!
        XCTAssertEqual(madrid.startOfDay(date("2026-12-01")), instant("2026-11-30T23:00:00Z"))
    }

    /// A day's wall times converted together (one tz lookup for a day without an offset change
    /// near it) and one by one agree with asking the tz database around each wall time, on every
    /// day of a year, in zones with DST at 02:00, at midnight (Santiago), by half an hour (Lord Howe),
    /// none (Kathmandu, UTC).
    func testWallTimesOfADayConvertTogetherAsTheTzDatabaseSays() {
        var checked = 0
        for name in ["America/New_York", "America/Santiago", "Australia/Lord_Howe", "Europe/Madrid", "Asia/Kathmandu", "UTC"] {
            let zone = ClinicTimeZone(identifier: name)!
            let times = stride(from: 0, to: 1440, by: 30).map { LocalTime(minutesSinceMidnight: $0)! }
            for offset in 0..<365 {
                let day = date("2026-01-01").adding(days: offset)
                let together = zone.instants(on: day, at: times)
                for (time, instant) in zip(times, together) {
                    let local = Int64(day.daysSinceEpoch) * 86_400 + Int64(time.minutesSinceMidnight) * 60
                    let expected = zone.searchInstants(local: local).first
                    XCTAssertEqual(instant, expected, "\(name) \(day) \(time)")
                    XCTAssertEqual(zone.instant(date: day, time: time), expected, "\(name) \(day) \(time)")
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 6 * 365 * 48)
    }

    func testInclusiveDateRangeCoversWholeLocalDays() {
        let madrid = ClinicTimeZone(identifier: "Europe/Madrid")!
        let r = madrid.range(from: date("2026-03-28"), through: date("2026-03-29"))
        XCTAssertEqual(r.start, instant("2026-03-27T23:00:00Z"))
        XCTAssertEqual(r.end, instant("2026-03-29T22:00:00Z"))   // 2026-03-30 00:00 CEST
    }
}

final class CalendarInstantBoundsTests: XCTestCase {
    func testInstantsOutsideFourDigitUTCYearsAreRejected() {
        XCTAssertNil(Instant(rfc3339: "9999-12-31T23:30:00-01:00"))
        XCTAssertNil(Instant(rfc3339: "0001-01-01T00:30:00+01:00"))
        XCTAssertEqual(Instant(rfc3339: "9999-12-31T23:59:59.999999Z")?.rfc3339, "9999-12-31T23:59:59.999999Z")
        XCTAssertEqual(Instant(rfc3339: "0001-01-01T00:00:00Z"), Instant.earliest)
    }
}
