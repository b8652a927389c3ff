import ClinicDomain
import XCTest

final class CancellationWindowTests: XCTestCase {
    private let start = Instant(rfc3339: "2026-12-10T09:00:00Z")!
    private let window = CancellationWindow(hours: 24)

    func testClientCanChangeBeforeWindowOpens() {
        XCTAssertTrue(window.allowsClientChange(startingAt: start, now: Instant(rfc3339: "2026-12-09T08:59:59Z")!))
    }

    func testClientCannotChangeAtTheWindowEdge() {
        XCTAssertEqual(window.closes(forStartAt: start), Instant(rfc3339: "2026-12-09T09:00:00Z")!)
        XCTAssertFalse(window.allowsClientChange(startingAt: start, now: Instant(rfc3339: "2026-12-09T09:00:00Z")!))
    }

    func testClientCannotChangeInsideWindowOrAfterStart() {
        XCTAssertFalse(window.allowsClientChange(startingAt: start, now: Instant(rfc3339: "2026-12-10T08:00:00Z")!))
        XCTAssertFalse(window.allowsClientChange(startingAt: start, now: Instant(rfc3339: "2026-12-10T10:00:00Z")!))
    }

    func testZeroHourWindowAllowsChangesUntilTheStart() {
        let none = CancellationWindow(hours: 0)
        XCTAssertTrue(none.allowsClientChange(startingAt: start, now: start.adding(seconds: -1)))
        XCTAssertFalse(none.allowsClientChange(startingAt: start, now: start))
    }

    func testRefusalNamesTheHours() {
        XCTAssertEqual(CancellationWindow(hours: 48).refusal("cancelled"),
                       "Appointments can be cancelled online only until 48 hours before they start; please call the clinic")
    }

    func testStaffMayChangeAnyActiveAppointmentInsideWindow() {
        let late = start.adding(seconds: -60)
        XCTAssertTrue(AppointmentStatus.SCHEDULED.allowsChange(isStaff: true, isOwner: false, window: window, startsAt: start, now: late))
        XCTAssertTrue(AppointmentStatus.CONFIRMED.allowsChange(isStaff: true, isOwner: false, window: window, startsAt: start, now: late))
    }

    func testClientMayChangeOnlyOwnAppointmentOutsideWindow() {
        let early = start.adding(seconds: -48 * 3600)
        XCTAssertTrue(AppointmentStatus.SCHEDULED.allowsChange(isStaff: false, isOwner: true, window: window, startsAt: start, now: early))
        XCTAssertFalse(AppointmentStatus.SCHEDULED.allowsChange(isStaff: false, isOwner: false, window: window, startsAt: start, now: early))
        XCTAssertFalse(AppointmentStatus.SCHEDULED.allowsChange(isStaff: false, isOwner: true, window: window, startsAt: start,
                                                                now: start.adding(seconds: -3600)))
    }

    func testFinishedAppointmentsCannotChange() {
        let early = start.adding(seconds: -48 * 3600)
        for status in [AppointmentStatus.COMPLETED, .CANCELLED, .NO_SHOW] {
            XCTAssertFalse(status.allowsChange(isStaff: true, isOwner: true, window: window, startsAt: start, now: early), "\(status)")
        }
    }
}
