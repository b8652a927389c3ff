// The daily backup's rules with fixed instants: when a day is due, when the
// next run starts, what retention deletes, and archive names.
import ClinicDomain
import XCTest

final class BackupPlanTests: XCTestCase {
    let mexico = ClinicTimeZone(identifier: "America/Mexico_City")!  // UTC-6, no DST since 2022
    func at(_ text: String) -> Instant { Instant(rfc3339: text)! }
    func schedule(_ time: String = "03:00", days: Int = 14, count: Int = 0, enabled: Bool = true) -> BackupSchedule {
        BackupSchedule(enabled: enabled, time: LocalTime(iso: time)!, retentionDays: days, retentionCount: count)
    }

    func testADayIsDueFromItsLocalTimeOn() {
        let s = schedule("03:00")
        XCTAssertNil(s.dueDay(now: at("2031-03-04T08:59:59Z"), zone: mexico), "02:59:59 local")
        XCTAssertEqual(s.dueDay(now: at("2031-03-04T09:00:00Z"), zone: mexico), LocalDate(iso: "2031-03-04"))
        XCTAssertEqual(s.dueDay(now: at("2031-03-05T05:59:00Z"), zone: mexico), LocalDate(iso: "2031-03-04"),
                       "23:59 local: still the 4th (a worker that was down catches up the same day)")
        XCTAssertNil(s.dueDay(now: at("2031-03-05T06:00:00Z"), zone: mexico), "00:00 local on the 5th, before 03:00")
        XCTAssertNil(schedule(enabled: false).dueDay(now: at("2031-03-04T12:00:00Z"), zone: mexico))
    }

    func testNextRun() {
        let s = schedule("03:00")
        XCTAssertEqual(s.nextRun(now: at("2031-03-04T08:00:00Z"), zone: mexico, todayHasRun: false), at("2031-03-04T09:00:00Z"))
        XCTAssertEqual(s.nextRun(now: at("2031-03-04T10:00:00Z"), zone: mexico, todayHasRun: true), at("2031-03-05T09:00:00Z"))
        XCTAssertEqual(s.nextRun(now: at("2031-03-04T10:00:00Z"), zone: mexico, todayHasRun: false), at("2031-03-04T10:00:00Z"),
                       "due now: the next poll takes it")
        XCTAssertNil(schedule(enabled: false).nextRun(now: at("2031-03-04T08:00:00Z"), zone: mexico, todayHasRun: false))
        // A time skipped by a spring-forward (Madrid, 2031-03-30 02:00 → 03:00) starts at the end of the gap.
        let madrid = ClinicTimeZone(identifier: "Europe/Madrid")!
        XCTAssertEqual(schedule("02:30").start(of: LocalDate(iso: "2031-03-30")!, zone: madrid), at("2031-03-30T01:00:00Z"))
    }

    func testRetentionByAgeAndCount() {
        let now = at("2031-03-20T09:00:00Z")
        let archives = (0..<6).map { i in (name: "a\(i)", madeAt: now.adding(seconds: -Int64(i) * 5 * 86_400)) }  // 0, 5, …, 25 days old
        XCTAssertEqual(Set(schedule(days: 14).pruned(archives, now: now)), ["a3", "a4", "a5"], "older than 14 days")
        XCTAssertEqual(Set(schedule(days: 0, count: 2).pruned(archives, now: now)), ["a2", "a3", "a4", "a5"], "beyond the newest 2")
        XCTAssertEqual(Set(schedule(days: 7, count: 4).pruned(archives, now: now)), ["a2", "a3", "a4", "a5"], "either limit")
        XCTAssertEqual(schedule(days: 0, count: 0).pruned(archives, now: now), [], "no limits: keep all")
        let stale = [(name: "only", madeAt: now.adding(seconds: -100 * 86_400))]
        XCTAssertEqual(schedule(days: 1, count: 1).pruned(stale, now: now), [], "the newest archive is never deleted")
    }

    func testArchiveNames() {
        let made = at("2031-03-04T09:00:07Z")
        let name = BackupArchiveName.make(at: made, suffix: "k3f9")
        XCTAssertEqual(name, "clinic-20310304-090007Z-k3f9.dump")
        XCTAssertEqual(BackupArchiveName.madeAt(name), made)
        for other in ["notes.txt", "clinic-20310304-090007Z-k3f9.dump.partial", "clinic-20311304-090007Z-k3f9.dump",
                      "clinic-20310304-090007Z-.dump", "clinic-20310304-090007Z-K/9.dump", "Clinic-20310304-090007Z-k3f9.dump"] {
            XCTAssertNil(BackupArchiveName.madeAt(other), other)
        }
    }
}
