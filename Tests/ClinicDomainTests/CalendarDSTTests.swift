import XCTest
import Foundation
@testable import ClinicDomain

/// Across spring-forward and fall-back weeks of 2026 in three zones, for hours
/// that cover the transition (00:00–04:00) and a normal day (08:00–17:00), no
/// slot is lost except wall times that do not exist, none is duplicated or
/// shifted an hour. The oracle is independent of `ClinicTimeZone`: it walks
/// real instants every 5 minutes and reads their wall clock with Foundation's
/// Calendar.
final class CalendarDSTTests: XCTestCase {
    private func date(_ s: String) -> LocalDate { LocalDate(iso: s)! }
    private func time(_ s: String) -> LocalTime { LocalTime(iso: s)! }
    private func instant(_ s: String) -> Instant { Instant(rfc3339: s)! }

    private struct WallTime: Hashable { var date: LocalDate; var time: LocalTime }

    /// Wall time → the instants (earliest first) that show it, for 5-minute steps.
    private func oracle(zone: String, from: LocalDate, through: LocalDate) -> [WallTime: [Instant]] {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: zone)!
        var map: [WallTime: [Instant]] = [:]
        var t = Int64(from.adding(days: -1).daysSinceEpoch) * 86_400
        let end = Int64(through.adding(days: 2).daysSinceEpoch) * 86_400
        while t < end {
            let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(t)))
            let w = WallTime(date: LocalDate(year: c.year!, month: c.month!, day: c.day!)!, time: LocalTime(hour: c.hour!, minute: c.minute!)!)
            map[w, default: []].append(Instant(secondsSinceEpoch: t))
            t += 300
        }
        return map
    }

    private func hours(slotMinutes: Int) -> [SlotCalendar.WorkingRange] {
        (1...7).flatMap { w in [
            SlotCalendar.WorkingRange(weekday: w, start: time("00:00"), end: time("04:00"), slotMinutes: slotMinutes),
            SlotCalendar.WorkingRange(weekday: w, start: time("08:00"), end: time("17:00"), slotMinutes: slotMinutes),
        ] }
    }

    /// Checks every day from `transition - 3` to `transition + 3`; returns the
    /// numbers of nonexistent and ambiguous grid times seen on the transition day.
    @discardableResult
    private func checkWeek(zone: String, transition: String, slotMinutes: Int,
                           file: StaticString = #filePath, line: UInt = #line) -> (missing: Int, ambiguous: Int) {
        let tz = ClinicTimeZone(identifier: zone)!
        let day0 = date(transition)
        let first = day0.adding(days: -3), last = day0.adding(days: 3)
        let walls = oracle(zone: zone, from: first, through: last)
        let cal = SlotCalendar(workingHours: hours(slotMinutes: slotMinutes), timeZone: tz, now: instant("2026-01-01T00:00:00Z"), horizonDays: nil)
        let gridPerDay = 240 / slotMinutes + 540 / slotMinutes
        var seenStarts = Set<Instant>()
        var transitionDay = (missing: 0, ambiguous: 0)
        var d = first
        while d <= last {
            let slots = cal.freeSlots(on: d)
            var missing = 0, ambiguous = 0
            var expected: [Instant] = []
            for m in stride(from: 0, to: 240, by: slotMinutes).map({ $0 }) + stride(from: 480, to: 1020, by: slotMinutes).map({ $0 }) {
                let instants = walls[WallTime(date: d, time: LocalTime(minutesSinceMidnight: m)!)] ?? []
                if instants.isEmpty { missing += 1 } else { expected.append(instants[0]) }
                if instants.count > 1 { ambiguous += 1 }
            }
            XCTAssertEqual(slots.map(\.startsAt), expected, "\(zone) \(d): starts differ from the oracle", file: file, line: line)
            XCTAssertEqual(slots.count, gridPerDay - missing, "\(zone) \(d)", file: file, line: line)
            if d != day0 {
                XCTAssertEqual(missing, 0, "\(zone) \(d) is not a transition day", file: file, line: line)
                XCTAssertEqual(slots.count, gridPerDay, "\(zone) \(d): a normal day has the whole grid", file: file, line: line)
            } else {
                transitionDay = (missing, ambiguous)
            }
            for (i, s) in slots.enumerated() {
                let back = tz.wallClock(at: s.startsAt)
                XCTAssertEqual(back.date, d, "\(zone) \(d) \(s.time)", file: file, line: line)
                XCTAssertEqual(back.time, s.time, "\(zone) \(d) \(s.time): shifted", file: file, line: line)
                XCTAssertEqual(back.second, 0, file: file, line: line)
                XCTAssertEqual(s.endsAt.microsecondsSinceEpoch - s.startsAt.microsecondsSinceEpoch, Int64(slotMinutes) * 60_000_000,
                               "\(zone) \(d) \(s.time): a slot lasts its minutes in real time", file: file, line: line)
                XCTAssertTrue(seenStarts.insert(s.startsAt).inserted, "\(zone) \(d) \(s.time): duplicated", file: file, line: line)
                if i > 0 {
                    XCTAssertLessThan(slots[i - 1].time, s.time, file: file, line: line)
                    XCTAssertLessThanOrEqual(slots[i - 1].endsAt, s.startsAt, "\(zone) \(d) \(s.time): overlaps the previous slot", file: file, line: line)
                }
            }
            d = d.adding(days: 1)
        }
        return transitionDay
    }

    private let transitions: [(zone: String, spring: String, fall: String)] = [
        ("America/New_York", "2026-03-08", "2026-11-01"),
        ("Europe/Madrid", "2026-03-29", "2026-10-25"),
        ("Australia/Sydney", "2026-10-04", "2026-04-05"),
    ]

    func testSpringForwardLosesExactlyTheSkippedWallTimes() {
        for t in transitions {
            for minutes in [15, 30, 60] {
                let r = checkWeek(zone: t.zone, transition: t.spring, slotMinutes: minutes)
                XCTAssertEqual(r.missing, 60 / minutes, "\(t.zone) \(minutes)")
                XCTAssertEqual(r.ambiguous, 0, "\(t.zone) \(minutes)")
            }
        }
    }

    func testFallBackOffersRepeatedWallTimesOnceAtTheFirstOccurrence() {
        for t in transitions {
            for minutes in [15, 30, 60] {
                let r = checkWeek(zone: t.zone, transition: t.fall, slotMinutes: minutes)
                XCTAssertEqual(r.missing, 0, "\(t.zone) \(minutes)")
                XCTAssertEqual(r.ambiguous, 60 / minutes, "\(t.zone) \(minutes)")
            }
        }
    }

    func testOddSlotLengthsAcrossTransitionsKeepTheProperties() {
        for t in transitions {
            checkWeek(zone: t.zone, transition: t.spring, slotMinutes: 20)
            checkWeek(zone: t.zone, transition: t.fall, slotMinutes: 20)
        }
    }

    // Hand-checked instants around each transition.

    private func slotsAround(_ zone: String, _ day: String) -> [String: (String, String)] {
        let cal = SlotCalendar(workingHours: hours(slotMinutes: 30), timeZone: ClinicTimeZone(identifier: zone)!,
                               now: instant("2026-01-01T00:00:00Z"), horizonDays: nil)
        var out: [String: (String, String)] = [:]
        for s in cal.freeSlots(on: date(day)) { out[s.time.iso] = (s.startsAt.rfc3339, s.endsAt.rfc3339) }
        return out
    }

    func testNewYorkTransitionsHandChecked() {
        let spring = slotsAround("America/New_York", "2026-03-08")
        XCTAssertEqual(spring["01:30"]?.0, "2026-03-08T06:30:00Z")
        XCTAssertEqual(spring["01:30"]?.1, "2026-03-08T07:00:00Z")   // 03:00 EDT
        XCTAssertNil(spring["02:00"]); XCTAssertNil(spring["02:30"])
        XCTAssertEqual(spring["03:00"]?.0, "2026-03-08T07:00:00Z")
        XCTAssertEqual(spring["08:00"]?.0, "2026-03-08T12:00:00Z")
        let fall = slotsAround("America/New_York", "2026-11-01")
        XCTAssertEqual(fall["01:00"]?.0, "2026-11-01T05:00:00Z")      // EDT, first occurrence
        XCTAssertEqual(fall["01:30"]?.0, "2026-11-01T05:30:00Z")
        XCTAssertEqual(fall["02:00"]?.0, "2026-11-01T07:00:00Z")      // EST
        XCTAssertEqual(fall["08:00"]?.0, "2026-11-01T13:00:00Z")
    }

    func testMadridTransitionsHandChecked() {
        let spring = slotsAround("Europe/Madrid", "2026-03-29")
        XCTAssertEqual(spring["01:30"]?.0, "2026-03-29T00:30:00Z")
        XCTAssertNil(spring["02:00"]); XCTAssertNil(spring["02:30"])
        XCTAssertEqual(spring["03:00"]?.0, "2026-03-29T01:00:00Z")
        XCTAssertEqual(spring["08:00"]?.0, "2026-03-29T06:00:00Z")
        let fall = slotsAround("Europe/Madrid", "2026-10-25")
        XCTAssertEqual(fall["02:00"]?.0, "2026-10-25T00:00:00Z")      // CEST, first occurrence
        XCTAssertEqual(fall["02:30"]?.0, "2026-10-25T00:30:00Z")
        XCTAssertEqual(fall["03:00"]?.0, "2026-10-25T02:00:00Z")      // CET
        XCTAssertEqual(fall["08:00"]?.0, "2026-10-25T07:00:00Z")
    }

    func testSydneyTransitionsHandChecked() {
        let fall = slotsAround("Australia/Sydney", "2026-04-05")
        XCTAssertEqual(fall["02:00"]?.0, "2026-04-04T15:00:00Z")      // AEDT (+11), first occurrence
        XCTAssertEqual(fall["02:30"]?.0, "2026-04-04T15:30:00Z")
        XCTAssertEqual(fall["03:00"]?.0, "2026-04-04T17:00:00Z")      // AEST (+10)
        let spring = slotsAround("Australia/Sydney", "2026-10-04")
        XCTAssertEqual(spring["01:30"]?.0, "2026-10-03T15:30:00Z")
        XCTAssertNil(spring["02:00"]); XCTAssertNil(spring["02:30"])
        XCTAssertEqual(spring["03:00"]?.0, "2026-10-03T16:00:00Z")
        XCTAssertEqual(spring["08:00"]?.0, "2026-10-03T21:00:00Z")
    }

    func testBookingASkippedWallTimeIsRefusedAndARepeatedOneGetsTheFirst() throws {
        let ny = ClinicTimeZone(identifier: "America/New_York")!
        let cal = SlotCalendar(workingHours: hours(slotMinutes: 30), timeZone: ny, now: instant("2026-01-01T00:00:00Z"), horizonDays: nil)
        XCTAssertThrowsError(try cal.validateBooking(date: date("2026-03-08"), time: time("02:30"))) {
            XCTAssertEqual($0 as? SlotCalendar.BookingRejection,
                           .nonexistentLocalTime(date: date("2026-03-08"), time: time("02:30"), timeZone: "America/New_York"))
        }
        XCTAssertEqual(try cal.validateBooking(date: date("2026-11-01"), time: time("01:30")).startsAt, instant("2026-11-01T05:30:00Z"))
    }

    func testAppointmentAtTheSecondOccurrenceDoesNotTakeTheFirst() {
        // 01:30 EST (06:30Z) is the repeated hour's second pass; the offered 01:30 is EDT (05:30Z).
        let ny = ClinicTimeZone(identifier: "America/New_York")!
        let busy = [InstantRange(start: instant("2026-11-01T06:30:00Z"), end: instant("2026-11-01T07:00:00Z"))]
        let cal = SlotCalendar(workingHours: hours(slotMinutes: 30), timeZone: ny, busy: busy, now: instant("2026-01-01T00:00:00Z"), horizonDays: nil)
        XCTAssertTrue(cal.freeSlots(on: date("2026-11-01")).contains { $0.time == time("01:30") })
        let busyFirst = [InstantRange(start: instant("2026-11-01T05:30:00Z"), end: instant("2026-11-01T06:00:00Z"))]
        let cal2 = SlotCalendar(workingHours: hours(slotMinutes: 30), timeZone: ny, busy: busyFirst, now: instant("2026-01-01T00:00:00Z"), horizonDays: nil)
        XCTAssertFalse(cal2.freeSlots(on: date("2026-11-01")).contains { $0.time == time("01:30") })
    }
}
