// The booking rules' plain values (issue #17): notice on a DST day, buffers,
// patient limits, reminder plans and doctor alerts, with fixed instants.
import ClinicDomain
import XCTest

final class BookingRulesTests: XCTestCase {
    let ny = ClinicTimeZone(identifier: "America/New_York")!
    // 2027-03-14: New York springs forward at 02:00 → 03:00.
    let springDay = LocalDate(year: 2027, month: 3, day: 14)!

    func at(_ h: Int, _ m: Int, on day: LocalDate? = nil) -> Instant { ny.instant(date: day ?? springDay, time: LocalTime(hour: h, minute: m)!)! }

    func calendar(now: Instant, notice: Int = 0, busy: [InstantRange] = [], buffers: Buffers = Buffers()) -> SlotCalendar {
        SlotCalendar(workingHours: (1...7).map { .init(weekday: $0, start: LocalTime(hour: 0, minute: 0)!, end: LocalTime(hour: 6, minute: 0)!, slotMinutes: 30) },
                     timeZone: ny, busy: busy, now: now, horizonDays: nil, minimumNoticeMinutes: notice, buffers: buffers)
    }

    func testNoticeCountsRealMinutesAcrossTheSpringForward() {
        let cal = calendar(now: at(0, 29), notice: 120)
        XCTAssertEqual(cal.freeSlots(on: springDay).map(\.time.iso), ["03:30", "04:00", "04:30", "05:00", "05:30"])
        XCTAssertEqual(cal.slots(on: springDay).first { $0.slot.time.iso == "03:00" }?.status, .tooSoon)
        XCTAssertThrowsError(try cal.validateBooking(date: springDay, time: LocalTime(hour: 3, minute: 0)!)) {
            XCTAssertEqual($0 as? SlotCalendar.BookingRejection, .tooSoon(minimumNoticeMinutes: 120))
        }
        XCTAssertEqual(calendar(now: at(0, 29)).freeSlots(on: springDay).first?.time.iso, "00:30", "no notice: only the past is gone")
    }

    func testBuffersWidenBothTheSlotAndTheBusyRangeInRealMinutes() {
        // 01:30 EST with 60 minutes after: blocked until 04:00 EDT.
        let booked = Buffers(after: 60).blocked(InstantRange(start: at(1, 30), end: at(1, 30).adding(minutes: 30)))
        XCTAssertEqual(booked.end, at(4, 0))
        let cal = calendar(now: at(0, 0, on: springDay.adding(days: -1)), busy: [booked], buffers: Buffers(after: 60))
        XCTAssertEqual(cal.freeSlots(on: springDay).map(\.time.iso), ["00:00", "04:00", "04:30", "05:00", "05:30"])
    }

    func testPatientLimitsBindClientsOnly() {
        let rules = BookingRules()
        let day = LocalDate(year: 2030, month: 1, day: 7)!
        let full = BookingRules.PatientStanding(activeFuture: 3, sameDoctorSameDay: false, recentNoShows: 0)
        XCTAssertThrowsError(try rules.check(full, isStaff: false, isNewBooking: true, doctor: "Dr. X", date: day))
        XCTAssertNoThrow(try rules.check(full, isStaff: false, isNewBooking: false, doctor: "Dr. X", date: day), "a move adds none")
        XCTAssertNoThrow(try rules.check(full, isStaff: true, isNewBooking: true, doctor: "Dr. X", date: day))
        let sameDay = BookingRules.PatientStanding(activeFuture: 0, sameDoctorSameDay: true, recentNoShows: 0)
        XCTAssertThrowsError(try rules.check(sameDay, isStaff: false, isNewBooking: false, doctor: "Dr. X", date: day)) {
            XCTAssertEqual($0 as? BookingRules.Refusal, .sameDoctorSameDay(doctor: "Dr. X", date: day))
        }
        var relaxed = rules
        relaxed.onePerDoctorPerDay = false
        XCTAssertNoThrow(try relaxed.check(sameDay, isStaff: false, isNewBooking: true, doctor: "Dr. X", date: day))
        let missed = BookingRules.PatientStanding(activeFuture: 0, sameDoctorSameDay: false, recentNoShows: 3)
        XCTAssertThrowsError(try rules.check(missed, isStaff: false, isNewBooking: true, doctor: "Dr. X", date: day)) {
            XCTAssertEqual(($0 as? BookingRules.Refusal)?.code, "FORBIDDEN")
        }
        XCTAssertNoThrow(try BookingRules(noShowLimit: 0).check(missed, isStaff: false, isNewBooking: true, doctor: "Dr. X", date: day))
        XCTAssertEqual(BookingRules.describe(minutes: 120), "2 hours")
        XCTAssertEqual(BookingRules.describe(minutes: 90), "90 minutes")
        XCTAssertEqual(BookingRules.describe(minutes: 1440), "1 day")
    }

    func testReminderPlansKeepOffsetsStillAheadAndTheShortestAtShortNotice() {
        let plan = ReminderPlan(email: [120, 1440, 120], sms: [])
        XCTAssertEqual(plan.email, [1440, 120])
        let start = Instant(secondsSinceEpoch: 1_900_000_000)
        XCTAssertEqual(plan.due(channel: "EMAIL", startsAt: start, now: start.adding(minutes: -2000)).map(\.offset), [1440, 120])
        XCTAssertEqual(plan.due(channel: "EMAIL", startsAt: start, now: start.adding(minutes: -600)).map(\.offset), [120])
        let late = plan.due(channel: "EMAIL", startsAt: start, now: start.adding(minutes: -30))
        XCTAssertEqual(late.map(\.offset), [120])
        XCTAssertEqual(late.first?.at, start.adding(minutes: -30), "sent at once")
        XCTAssertEqual(plan.due(channel: "EMAIL", startsAt: start, now: start.adding(minutes: 1)).count, 0)
        XCTAssertEqual(plan.due(channel: "SMS", startsAt: start, now: start.adding(minutes: -2000)).count, 0)
        XCTAssertEqual(plan.replacingLongest(hours: 48), ReminderPlan(email: [2880, 120], sms: []))
        XCTAssertEqual(plan.replacingLongest(hours: 1), ReminderPlan(email: [60], sms: []))
        XCTAssertEqual(plan.longestHours, 24)
        XCTAssertNotNil(ReminderPlan.problem([1]))
        XCTAssertNotNil(ReminderPlan.problem([10, 20, 30, 40, 50, 60]))
        XCTAssertNil(ReminderPlan.problem([]))
    }

    func testDoctorAlertsOnlyWithinTheWindowAndNeverForThePast() {
        let now = Instant(secondsSinceEpoch: 1_900_000_000)
        let rule = DoctorAlertRule(hours: 48)
        XCTAssertTrue(rule.applies(to: [now.adding(minutes: 47 * 60)], now: now))
        XCTAssertFalse(rule.applies(to: [now.adding(minutes: 49 * 60)], now: now))
        XCTAssertTrue(rule.applies(to: [now.adding(minutes: 49 * 60), now.adding(minutes: 60)], now: now), "a move from or to soon")
        XCTAssertFalse(rule.applies(to: [now.adding(minutes: -10)], now: now))
        XCTAssertFalse(DoctorAlertRule(hours: 0).applies(to: [now.adding(minutes: 60)], now: now))
    }
}
