// The status machine, the visit rules, and absences (time off, closures) as plain rules.
import XCTest
@testable import ClinicDomain

final class DoctorDayRuleTests: XCTestCase {
    private func instant(_ s: String) -> Instant { Instant(rfc3339: s)! }
    private func date(_ s: String) -> LocalDate { LocalDate(iso: s)! }

    func testStartedVisitsCloseFromScheduledOrConfirmedAndFinalStatusesStay() {
        let start = instant("2026-12-01T10:00:00Z")
        let before = instant("2026-12-01T09:59:00Z")
        let after = instant("2026-12-01T10:00:00Z")
        for from in [AppointmentStatus.SCHEDULED, .CONFIRMED] {
            for to in [AppointmentStatus.COMPLETED, .NO_SHOW] {
                XCTAssertNil(from.transitionProblem(to: to, startsAt: start, now: after), "\(from) → \(to)")
                XCTAssertEqual(from.transitionProblem(to: to, startsAt: start, now: before),
                               "An appointment can be marked \(to.word) only once it has started")
            }
            XCTAssertNil(from.transitionProblem(to: .CANCELLED, startsAt: start, now: before))
        }
        XCTAssertNil(AppointmentStatus.SCHEDULED.transitionProblem(to: .CONFIRMED, startsAt: start, now: before))
        XCTAssertNotNil(AppointmentStatus.CONFIRMED.transitionProblem(to: .SCHEDULED, startsAt: start, now: after))
        for final in [AppointmentStatus.COMPLETED, .NO_SHOW, .CANCELLED] {
            XCTAssertTrue(final.successors.isEmpty)
            XCTAssertNil(final.transitionProblem(to: final, startsAt: start, now: after), "staying put is no change")
            XCTAssertEqual(final.transitionProblem(to: .SCHEDULED, startsAt: start, now: after),
                           "A \(final.word) appointment cannot become scheduled")
        }
        XCTAssertEqual(VisitRules.outcomes, [.COMPLETED, .NO_SHOW])
        XCTAssertNotNil(VisitRules.notesProblem(status: .CANCELLED))
        XCTAssertNil(VisitRules.notesProblem(status: .SCHEDULED))
    }

    func testClashMessagesListTwentyAndSayWhenThereAreMore() {
        XCTAssertNil(AbsenceRules.clashMessage("The clinic has", []))
        let one = AppointmentClash(date: date("2026-12-01"), time: LocalTime(iso: "10:00")!, patientName: "Ana López", doctorName: "Dr. Mora")
        XCTAssertEqual(AbsenceRules.clashMessage("The clinic has", [one]),
                       "The clinic has active appointments in that period: 2026-12-01 10:00 (Ana López, Dr. Mora). Reschedule or cancel them first.")
        let many = AbsenceRules.clashMessage("Dr. Mora has", Array(repeating: one, count: 21))!
        XCTAssertEqual(many.components(separatedBy: "Ana López").count - 1, 20)
        XCTAssertTrue(many.contains(", and more."))
    }

    func testClosureDaysAndTimeOffSpansAreChecked() {
        XCTAssertNil(AbsenceRules.closureProblem(first: date("2026-12-24"), last: date("2026-12-24")))
        XCTAssertNotNil(AbsenceRules.closureProblem(first: date("2026-12-25"), last: date("2026-12-24")))
        XCTAssertNil(AbsenceRules.closureProblem(first: date("2026-01-01"), last: date("2027-01-01")))
        XCTAssertNotNil(AbsenceRules.closureProblem(first: date("2026-01-01"), last: date("2027-01-02")))
        let t = instant("2026-12-01T10:00:00Z")
        XCTAssertNotNil(AbsenceRules.timeOffProblem(InstantRange(start: t, end: t)))
        XCTAssertNil(AbsenceRules.timeOffProblem(InstantRange(start: t, end: t.adding(minutes: 1))))
    }

    func testAClosureBlocksTheDayBeforeTimeOffIsConsidered() throws {
        let zone = ClinicTimeZone(identifier: "Europe/Madrid")!
        let hours = (1...7).map { SlotCalendar.WorkingRange(weekday: $0, start: LocalTime(iso: "09:00")!, end: LocalTime(iso: "11:00")!, slotMinutes: 60) }
        let closed = zone.range(from: date("2026-12-08"), through: date("2026-12-08"))
        let cal = SlotCalendar(workingHours: hours, timeZone: zone, timeOff: [closed], closures: [closed],
                               now: instant("2026-11-01T00:00:00Z"), horizonDays: nil)
        XCTAssertEqual(cal.slots(on: date("2026-12-08")).map(\.status), [.closed, .closed])
        XCTAssertEqual(cal.slots(on: date("2026-12-09")).map(\.status), [.free, .free])
        XCTAssertThrowsError(try cal.validateBooking(date: date("2026-12-08"), time: LocalTime(iso: "09:00")!)) { error in
            XCTAssertEqual(error as? SlotCalendar.BookingRejection, .clinicClosed)
        }
    }
}
