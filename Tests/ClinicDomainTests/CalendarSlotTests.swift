import XCTest
@testable import ClinicDomain

final class CalendarSlotTests: XCTestCase {
    private func date(_ s: String) -> LocalDate { LocalDate(iso: s)! }
    private func time(_ s: String) -> LocalTime { LocalTime(iso: s)! }
    private func instant(_ s: String) -> Instant { Instant(rfc3339: s)! }
    private let madrid = ClinicTimeZone(identifier: "Europe/Madrid")!

    /// Monday–Friday 08:00–12:00 and 14:00–18:00, 30-minute slots.
    private var weekdays: [SlotCalendar.WorkingRange] {
        (1...5).flatMap { w in [
            SlotCalendar.WorkingRange(weekday: w, start: time("08:00"), end: time("12:00"), slotMinutes: 30),
            SlotCalendar.WorkingRange(weekday: w, start: time("14:00"), end: time("18:00"), slotMinutes: 30),
        ] }
    }

    private func calendar(hours: [SlotCalendar.WorkingRange]? = nil, timeOff: [InstantRange] = [], busy: [InstantRange] = [],
                          now: String = "2026-11-01T00:00:00Z", horizon: Int? = nil) -> SlotCalendar {
        SlotCalendar(workingHours: hours ?? weekdays, timeZone: madrid, timeOff: timeOff, busy: busy,
                     now: instant(now), horizonDays: horizon)
    }

    private func times(_ slots: [SlotCalendar.Slot]) -> [String] { slots.map(\.time.iso) }

    private func range(_ a: String, _ b: String) -> InstantRange { InstantRange(start: instant(a), end: instant(b)) }

    // MARK: the grid

    func testSeveralRangesPerWeekdayGiveExactlyTheirGrid() {
        let slots = calendar().freeSlots(on: date("2026-12-01"))   // Tuesday
        XCTAssertEqual(slots.count, 16)
        XCTAssertEqual(times(slots).first, "08:00")
        XCTAssertEqual(times(slots).last, "17:30")
        XCTAssertFalse(times(slots).contains("12:00"))
        XCTAssertFalse(times(slots).contains("13:30"))
        XCTAssertTrue(times(slots).contains("14:00"))
        // Winter in Madrid is UTC+1.
        XCTAssertEqual(slots[0].startsAt, instant("2026-12-01T07:00:00Z"))
        XCTAssertEqual(slots[0].endsAt, instant("2026-12-01T07:30:00Z"))
    }

    func testNoSlotsOnADayWithoutWorkingHours() {
        XCTAssertEqual(calendar().freeSlots(on: date("2026-12-06")), [])   // Sunday
    }

    func testARangeThatTheSlotLengthDoesNotDivideDropsTheShortTail() {
        let hours = [SlotCalendar.WorkingRange(weekday: 2, start: time("09:00"), end: time("10:10"), slotMinutes: 20)]
        XCTAssertEqual(times(calendar(hours: hours).freeSlots(on: date("2026-12-01"))), ["09:00", "09:20", "09:40"])
    }

    func testASlotLengthOfZeroOffersNothingInsteadOfLooping() {
        let hours = [SlotCalendar.WorkingRange(weekday: 2, start: time("09:00"), end: time("10:00"), slotMinutes: 0)]
        XCTAssertEqual(calendar(hours: hours).freeSlots(on: date("2026-12-01")), [])
    }

    // MARK: time off and busy

    func testTimeOffRemovesPartlyOverlappedSlotsButNotTouchingOnes() {
        // 10:15–11:00 local (UTC+1) touches 11:00 and starts after 10:00's start.
        let cal = calendar(timeOff: [range("2026-12-01T09:15:00Z", "2026-12-01T10:00:00Z")])
        let t = times(cal.freeSlots(on: date("2026-12-01")))
        XCTAssertTrue(t.contains("09:30"))
        XCTAssertFalse(t.contains("10:00"))
        XCTAssertFalse(t.contains("10:30"))
        XCTAssertTrue(t.contains("11:00"))
        XCTAssertEqual(t.count, 14)
    }

    func testBusyAppointmentOfAnotherLengthRemovesEverySlotItOverlaps() {
        // A 45-minute appointment 09:00–09:45 booked under older hours takes 09:00 and 09:30.
        let cal = calendar(busy: [range("2026-12-01T08:00:00Z", "2026-12-01T08:45:00Z")])
        let t = times(cal.freeSlots(on: date("2026-12-01")))
        XCTAssertEqual(Array(t.prefix(3)), ["08:00", "08:30", "10:00"])
        // A 20-minute grid against a 60-minute appointment 10:10–11:10.
        let hours = [SlotCalendar.WorkingRange(weekday: 2, start: time("10:00"), end: time("12:00"), slotMinutes: 20)]
        let cal20 = calendar(hours: hours, busy: [range("2026-12-01T09:10:00Z", "2026-12-01T10:10:00Z")])
        XCTAssertEqual(times(cal20.freeSlots(on: date("2026-12-01"))), ["11:20", "11:40"])
    }

    func testSlotsAreRemovedExactlyWhenTheyOverlapSomeRange() {
        // Random busy and time-off ranges (deterministic) against a brute-force check.
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % n
        }
        let dayStart = instant("2026-12-01T07:00:00Z")   // 08:00 local
        for _ in 0..<60 {
            let hours = [SlotCalendar.WorkingRange(weekday: 2, start: time("08:00"), end: time("18:00"),
                                                   slotMinutes: [10, 15, 20, 30, 60][next(5)])]
            func randomRanges() -> [InstantRange] {
                (0..<next(6)).map { _ in
                    let start = dayStart.adding(minutes: next(660) - 30)
                    return InstantRange(start: start, end: start.adding(minutes: 1 + next(180)))
                }
            }
            let off = randomRanges(), busy = randomRanges()
            let cal = calendar(hours: hours, timeOff: off, busy: busy)
            let all = cal.slots(on: date("2026-12-01"))
            XCTAssertEqual(all.count, 600 / hours[0].slotMinutes)
            for s in all {
                let expected: SlotCalendar.SlotStatus = off.contains(where: { $0.overlaps(s.slot.range) }) ? .timeOff
                    : busy.contains(where: { $0.overlaps(s.slot.range) }) ? .taken : .free
                XCTAssertEqual(s.status, expected, "\(s.slot.time) off \(off) busy \(busy)")
            }
            XCTAssertEqual(cal.freeSlots(on: date("2026-12-01")), all.filter(\.available).map(\.slot))
        }
    }

    // MARK: now and horizon

    func testPastSlotsAreExcludedIncludingOneStartingNow() {
        let cal = calendar(now: "2026-12-01T09:00:00Z")   // 10:00 local
        let t = times(cal.freeSlots(on: date("2026-12-01")))
        XCTAssertEqual(t.first, "10:30")
        XCTAssertEqual(calendar(now: "2026-12-01T09:00:01Z").freeSlots(on: date("2026-12-01")).first?.time, time("10:30"))
        XCTAssertEqual(calendar(now: "2026-12-01T08:59:59Z").freeSlots(on: date("2026-12-01")).first?.time, time("10:00"))
        XCTAssertEqual(calendar(now: "2026-12-02T00:00:00Z").freeSlots(on: date("2026-12-01")), [])
    }

    func testHorizonCountsClinicLocalDaysFromToday() {
        // 23:30 UTC on Nov 30 is already Dec 1 in Madrid: today = Dec 1, horizon 2 → last Dec 3.
        let cal = calendar(now: "2026-11-30T23:30:00Z", horizon: 2)
        XCTAssertEqual(cal.today, date("2026-12-01"))
        XCTAssertEqual(cal.lastBookableDate, date("2026-12-03"))
        XCTAssertEqual(cal.freeSlots(on: date("2026-12-03")).count, 16)
        XCTAssertEqual(cal.freeSlots(on: date("2026-12-04")), [])
        XCTAssertThrowsError(try cal.validateBooking(date: date("2026-12-04"), time: time("09:00"))) {
            XCTAssertEqual($0 as? SlotCalendar.BookingRejection, .beyondHorizon(lastBookableDate: date("2026-12-03")))
        }
        XCTAssertEqual(calendar(now: "2026-11-30T23:30:00Z", horizon: nil).freeSlots(on: date("2027-06-01")).count, 16)
    }

    // MARK: schedule

    func testScheduleMarksEachSlotsAvailability() throws {
        let cal = calendar(busy: [range("2026-12-01T07:00:00Z", "2026-12-01T07:30:00Z")], now: "2026-11-30T12:00:00Z")
        let days = try cal.schedule(from: date("2026-11-30"), to: date("2026-12-06"))
        XCTAssertEqual(days.map(\.date.iso), ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"])
        XCTAssertEqual(days[0].slots.filter { !$0.available }.map { $0.slot.time.iso },
                       ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30"])
        XCTAssertEqual(days[0].slots.first?.status, .past)
        XCTAssertEqual(days[1].slots.first?.status, .taken)
        XCTAssertEqual(days[1].slots.filter(\.available).count, 15)
        XCTAssertEqual(days[5].slots, [])
        XCTAssertEqual(days[2].slots.filter(\.available).map(\.slot), cal.freeSlots(on: date("2026-12-02")))
    }

    func testScheduleAcceptsThirtyOneDaysAndRejectsThirtyTwo() throws {
        XCTAssertEqual(try calendar().schedule(from: date("2026-12-01"), to: date("2026-12-31")).count, 31)
        XCTAssertEqual(try calendar().schedule(from: date("2026-12-01"), to: date("2026-12-01")).count, 1)
        XCTAssertThrowsError(try calendar().schedule(from: date("2026-12-01"), to: date("2027-01-01"))) {
            XCTAssertEqual($0 as? SlotCalendar.ScheduleRangeError, .tooManyDays(days: 32, maximum: 31))
        }
        XCTAssertThrowsError(try calendar().schedule(from: date("2026-12-02"), to: date("2026-12-01"))) {
            XCTAssertEqual(($0 as? SlotCalendar.ScheduleRangeError)?.message, "`to` (2026-12-01) is before `from` (2026-12-02)")
        }
    }

    // MARK: validateBooking

    private func rejection(_ cal: SlotCalendar, _ d: String, _ t: String) -> SlotCalendar.BookingRejection? {
        do { _ = try cal.validateBooking(date: date(d), time: time(t)); return nil } catch { return error }
    }

    func testBookingAFreeSlotReturnsItsInstants() throws {
        let slot = try calendar().validateBooking(date: date("2026-12-01"), time: time("14:30"))
        XCTAssertEqual(slot.startsAt, instant("2026-12-01T13:30:00Z"))
        XCTAssertEqual(slot.endsAt, instant("2026-12-01T14:00:00Z"))
    }

    func testBookingOnADayOffNamesTheWeekday() {
        let r = rejection(calendar(), "2026-12-06", "09:00")
        XCTAssertEqual(r, .notWorkingOnWeekday(weekday: 7))
        XCTAssertEqual(r?.message(doctor: "Dr. García"), "Dr. García does not work on Sunday")
        XCTAssertEqual(r?.code, "CONFLICT")
    }

    func testBookingOutsideWorkingHoursIsAConflict() {
        XCTAssertEqual(rejection(calendar(), "2026-12-01", "12:00"), .outsideWorkingHours(date: date("2026-12-01"), time: time("12:00")))
        XCTAssertEqual(rejection(calendar(), "2026-12-01", "18:00"), .outsideWorkingHours(date: date("2026-12-01"), time: time("18:00")))
        XCTAssertEqual(rejection(calendar(), "2026-12-01", "07:30"), .outsideWorkingHours(date: date("2026-12-01"), time: time("07:30")))
    }

    func testBookingOffTheGridIsBadInput() {
        let r = rejection(calendar(), "2026-12-01", "09:10")
        XCTAssertEqual(r, .notOnSlotGrid(time: time("09:10"), rangeStart: time("08:00"), slotMinutes: 30))
        XCTAssertEqual(r?.code, "BAD_USER_INPUT")
        XCTAssertEqual(r?.message(doctor: "Dr. García"), "09:10 is not a slot start: Dr. García's slots start every 30 minutes from 08:00")
        // The tail a 20-minute grid cannot fill is outside the hours, not off the grid.
        let hours = [SlotCalendar.WorkingRange(weekday: 2, start: time("09:00"), end: time("10:10"), slotMinutes: 20)]
        XCTAssertEqual(rejection(calendar(hours: hours), "2026-12-01", "10:00"), .outsideWorkingHours(date: date("2026-12-01"), time: time("10:00")))
    }

    func testBookingInThePastInTimeOffOrTakenSaysWhy() {
        XCTAssertEqual(rejection(calendar(now: "2026-12-01T09:00:00Z"), "2026-12-01", "10:00"), .inPast)
        XCTAssertEqual(rejection(calendar(timeOff: [range("2026-11-30T23:00:00Z", "2026-12-01T23:00:00Z")]), "2026-12-01", "10:00"), .inTimeOff)
        let taken = rejection(calendar(busy: [range("2026-12-01T09:00:00Z", "2026-12-01T09:30:00Z")]), "2026-12-01", "10:00")
        XCTAssertEqual(taken, .taken)
        XCTAssertEqual(taken?.message(doctor: "Dr. García"), "That slot was just taken")
    }
}

final class CalendarWorkingHoursValidationTests: XCTestCase {
    private func r(_ w: Int, _ a: String, _ b: String, _ m: Int = 30) -> SlotCalendar.WorkingRange {
        SlotCalendar.WorkingRange(weekday: w, start: LocalTime(iso: a)!, end: LocalTime(iso: b)!, slotMinutes: m)
    }
    private typealias Range = SlotCalendar.WorkingRange

    func testAValidWeekWithSeveralRangesPerDayHasNoProblem() {
        XCTAssertNil(Range.firstProblem(in: [r(1, "08:00", "12:00"), r(1, "12:00", "18:00", 20), r(2, "08:00", "12:00"), r(7, "00:00", "23:30", 15)]))
        XCTAssertNil(Range.firstProblem(in: []))
    }

    func testWeekdayOutsideOneToSevenIsReported() {
        XCTAssertEqual(Range.firstProblem(in: [r(1, "08:00", "12:00"), r(8, "08:00", "12:00")])?.path, "hours.1.weekday")
        XCTAssertEqual(Range.firstProblem(in: [r(0, "08:00", "12:00")])?.field, "weekday")
    }

    func testStartMustBeBeforeEnd() {
        XCTAssertEqual(Range.firstProblem(in: [r(1, "12:00", "12:00")])?.message, "end (12:00) must be after start (12:00)")
        XCTAssertEqual(Range.firstProblem(in: [r(1, "13:00", "12:00")])?.path, "hours.0.end")
    }

    func testSlotLengthMustDivideTheRange() {
        XCTAssertEqual(Range.firstProblem(in: [r(1, "09:00", "10:10", 20)])?.message, "20-minute slots do not divide 09:00–10:10 (70 minutes)")
        XCTAssertEqual(Range.firstProblem(in: [r(1, "09:00", "10:00", 0)])?.field, "slotMinutes")
        XCTAssertEqual(Range.firstProblem(in: [r(1, "09:00", "10:00", 1000)])?.field, "slotMinutes")
    }

    func testOverlappingRangesOnTheSameWeekdayAreRejectedButTouchingOnesAreNot() {
        let p = Range.firstProblem(in: [r(3, "08:00", "12:00"), r(4, "11:00", "13:00"), r(3, "11:30", "14:00")])
        XCTAssertEqual(p?.path, "hours.2.start")
        XCTAssertEqual(p?.message, "Wednesday 11:30–14:00 overlaps 08:00–12:00")
        XCTAssertNil(Range.firstProblem(in: [r(3, "08:00", "12:00"), r(3, "12:00", "14:00")]))
    }
}
