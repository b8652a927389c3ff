// Free-slot lists keep whole calendars (SlotCalendarCache) while a session listens for changes
// (migration 0022's triggers, ChangeListener): a kept list costs no statement; every change under
// it, made through the API or by any other session, shows in the next list; nothing is kept while
// the listener is down; a read that began before a change keeps nothing.
import ClinicDomain
@testable import ClinicStore
import Foundation
import JSON
import Postgres
import Synchronization
@testable import Resolvers
import XCTest

final class SlotCalendarCacheTests: XCTestCase {
    func fixture() async throws -> ClinicFixture {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        return try await ClinicFixture.make(h)
    }

    /// After a change this process made: the very next list shows it, having read (the write
    /// dropped what was kept); once the commit's own notice has come too, lists are kept again.
    private func expectChanged(_ f: ClinicFixture, _ doc: HarnessUser, _ day: LocalDate, _ times: [String],
                               file: StaticString = #filePath, line: UInt = #line) async throws {
        try await f.expectSlots(doc, day, times, statements: 1, file: file, line: line)
        let delivered = try await f.h.services.pool.withConnection { try f.h.calendarListener!.waitForDelivery(using: $0) }
        XCTAssertTrue(delivered, file: file, line: line)
        let again = try await f.freeSlots(doc, day).times
        XCTAssertEqual(again, times, file: file, line: line)
        try await f.expectSlots(doc, day, times, statements: 0, file: file, line: line)
    }

    func testAKeptListCostsNoStatementAndEveryBookingChangeShowsInTheNext() async throws {
        let f = try await fixture()
        try await f.setZone("UTC")
        let cache = f.h.services.database.slotCalendars
        XCTAssertTrue(cache.isListening)
        let doc = try await f.doctor(lastName: "Kept", start: "09:00", end: "12:00", slot: 60)
        let day = try await f.weekday(12)
        _ = try await RequestContext(services: f.h.services, viewer: nil, ip: nil, requestID: "warm").settings()
        let all = ["09:00", "10:00", "11:00"]
        try await f.expectSlots(doc, day, all, statements: 1)
        let hits = cache.hits
        try await f.expectSlots(doc, day, all, statements: 0)
        try await f.expectSlots(doc, day, all, statements: 0)
        XCTAssertEqual(cache.hits - hits, 2)

        // Booked, moved, confirmed, cancelled.
        let pat = try await f.patient()
        let booked = await f.book(as: pat.viewer, doctor: doc, date: day, time: "09:00")
        let id = try XCTUnwrap(booked.at("data.bookAppointment.id")?.stringValue, "\(booked)")
        try await expectChanged(f, doc, day, ["10:00", "11:00"])
        _ = await f.mutate("rescheduleAppointment(id: \"\(id)\", date: \"\(day.iso)\", time: \"10:00\") { id }", as: pat.viewer)
        try await expectChanged(f, doc, day, ["09:00", "11:00"])
        _ = await f.mutate("setAppointmentStatus(id: \"\(id)\", status: CONFIRMED) { id }", as: f.admin.viewer)
        try await expectChanged(f, doc, day, ["09:00", "11:00"])
        _ = await f.mutate("cancelAppointment(id: \"\(id)\", reason: \"better\") { id }", as: pat.viewer)
        try await expectChanged(f, doc, day, all)

        // Time off added, moved, removed.
        let off = await f.mutate("""
            requestTimeOff(input: {from: "\(day.iso)T11:00:00Z", to: "\(day.iso)T12:00:00Z", reason: "errand"}) { id }
            """, as: doc.viewer)
        let offID = try XCTUnwrap(off.at("data.requestTimeOff.id")?.stringValue, "\(off)")
        try await expectChanged(f, doc, day, ["09:00", "10:00"])
        _ = await f.mutate("updateTimeOff(id: \"\(offID)\", input: {from: \"\(day.iso)T09:00:00Z\", to: \"\(day.iso)T10:00:00Z\"}) { id }",
                         as: doc.viewer)
        try await expectChanged(f, doc, day, ["10:00", "11:00"])
        _ = await f.mutate("removeTimeOff(id: \"\(offID)\")", as: doc.viewer)
        try await expectChanged(f, doc, day, all)
    }

    func testCommitsOfOtherSessionsDropWhatIsKeptWithoutWaitingForTheKeptTime() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Other", start: "09:00", end: "11:00", slot: 60)
        let other = try await f.doctor(lastName: "Untouched", start: "09:00", end: "11:00", slot: 60)
        let pat = try await f.patient()
        let day = try await f.weekday(15)
        try await f.expectSlots(doc, day, ["09:00", "10:00"], statements: 1)
        try await f.expectSlots(other, day, ["09:00", "10:00"], statements: 1)
        try await f.expectSlots(doc, day, ["09:00", "10:00"], statements: 0)

        // Another process books 09:00 (its own session, committed; this process learns it only from
        // the notice). The clock is not moved: the kept time plays no part.
        let zone = try await f.zone()
        let start = try XCTUnwrap(zone.instant(date: day, time: XCTUnwrap(LocalTime(hour: 9, minute: 0))))
        let session = try Postgres.Connection(f.h.databaseURI)
        defer { session.close() }
        _ = try session.query("""
            INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at)
            VALUES ($1, $2, $3::date, '09:00', $4, $5)
            """, [.int(Int(pat.patientID!)), .int(Int(doc.doctorID!)), .text(day.iso), start.postgresValue, start.adding(minutes: 60).postgresValue])
        var seen: [String] = []
        for _ in 0..<500 {
            seen = try await f.freeSlots(doc, day).times
            if seen == ["10:00"] { break }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertEqual(seen, ["10:00"], "the other session's booking never showed")
        // Only that doctor's calendars were dropped.
        try await f.expectSlots(other, day, ["09:00", "10:00"], statements: 0)

        // A change of notes leaves the calendar kept; the other session cancelling drops it.
        _ = try session.query("UPDATE appointments SET notes = 'bring results' WHERE doctor_id = $1", [.int(Int(doc.doctorID!))])
        XCTAssertTrue(try f.h.calendarListener!.waitForDelivery(using: session))
        try await f.expectSlots(doc, day, ["10:00"], statements: 0)
        _ = try session.query("UPDATE appointments SET status = 'CANCELLED' WHERE doctor_id = $1", [.int(Int(doc.doctorID!))])
        XCTAssertTrue(try f.h.calendarListener!.waitForDelivery(using: session))
        try await f.expectSlots(doc, day, ["09:00", "10:00"], statements: 1)

        // A closure (configuration): every kept calendar goes.
        _ = try session.query("INSERT INTO clinic_closures (first_day, last_day, reason) VALUES ($1::date, $1::date, 'flood')", [.text(day.iso)])
        XCTAssertTrue(try f.h.calendarListener!.waitForDelivery(using: session))
        try await f.expectSlots(other, day, [], statements: 1)
        _ = try session.query("DELETE FROM clinic_closures WHERE reason = 'flood'")
        XCTAssertTrue(try f.h.calendarListener!.waitForDelivery(using: session))
        try await f.expectSlots(other, day, ["09:00", "10:00"], statements: 1)
        // A transaction rolled back notifies nobody: still kept.
        _ = try session.execute("BEGIN; DELETE FROM working_hours WHERE doctor_id = \(other.doctorID!); ROLLBACK")
        XCTAssertTrue(try f.h.calendarListener!.waitForDelivery(using: session))
        try await f.expectSlots(other, day, ["09:00", "10:00"], statements: 0)
    }

    func testNothingIsKeptWhileTheListenerIsDownAndEverythingIsDroppedWhenItListensAgain() async throws {
        let f = try await fixture()
        let cache = f.h.services.database.slotCalendars
        let listener = try XCTUnwrap(f.h.calendarListener)
        let doc = try await f.doctor(lastName: "Down", start: "09:00", end: "12:00", slot: 60)
        let pat = try await f.patient()
        let day = try await f.weekday(16)
        let session = try Postgres.Connection(f.h.databaseURI)
        defer { session.close() }
        func insert(_ hour: Int) async throws {
            let zone = try await f.zone()
            let start = try XCTUnwrap(zone.instant(date: day, time: XCTUnwrap(LocalTime(hour: hour, minute: 0))))
            _ = try session.query("""
                INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at)
                VALUES ($1, $2, $3::date, $4::time, $5, $6)
                """, [.int(Int(pat.patientID!)), .int(Int(doc.doctorID!)), .text(day.iso), .text(String(format: "%02d:00", hour)),
                      start.postgresValue, start.adding(minutes: 60).postgresValue])
        }
        try await f.expectSlots(doc, day, ["09:00", "10:00", "11:00"], statements: 1)
        try await f.expectSlots(doc, day, ["09:00", "10:00", "11:00"], statements: 0)

        // Stopped: nothing kept, every list reads, so a change no notice reports shows at once.
        listener.stop()
        XCTAssertFalse(cache.isListening)
        try await insert(11)
        try await f.expectSlots(doc, day, ["09:00", "10:00"], statements: 1)
        try await f.expectSlots(doc, day, ["09:00", "10:00"], statements: 1)
        listener.start()
        for _ in 0..<1000 where !cache.isListening { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertTrue(cache.isListening)
        try await f.expectSlots(doc, day, ["09:00", "10:00"], statements: 1)
        try await f.expectSlots(doc, day, ["09:00", "10:00"], statements: 0)

        // The listener's session terminated (a server restart or a failover does the same) and a
        // change committed meanwhile: once it listens again, what was kept is gone.
        let sessions = listener.sessionsStarted
        let terminated = try session.query("""
            SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
             WHERE datname = current_database() AND query = 'LISTEN clinic_calendar'
            """)
        XCTAssertEqual(try terminated.first!.int("n"), 1)
        try await insert(10)
        for _ in 0..<1000 where listener.sessionsStarted == sessions || !listener.isListening {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertTrue(listener.isListening, "the listener did not reconnect")
        XCTAssertTrue(try listener.waitForDelivery(using: session))
        try await f.expectSlots(doc, day, ["09:00"], statements: 1)
        try await f.expectSlots(doc, day, ["09:00"], statements: 0)
    }

    /// Bookings through the API and by another session race with lists of the same day: whatever
    /// interleaving, once they are done the list is exactly the slots left, never a kept list from
    /// before one of them.
    func testListsRacingBookingsNeverKeepAStaleDay() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Race", start: "08:00", end: "16:00", slot: 30)
        let day = try await f.weekday(20)
        let zone = try await f.zone()
        let all = (0..<16).map { String(format: "%02d:%02d", 8 + $0 / 2, $0 % 2 * 30) }
        let patients = try await (0..<16).asyncMap { _ in try await f.patient() }
        for round in 0..<2 {
            try await f.expectSlots(doc, day, all, statements: 1)
            // Even slots booked through the API, odd ones by another session, all at once, while
            // lists of the day run beside them.
            let uri = f.h.databaseURI
            let listQuery = "{ availableSlots(doctorId: \"\(ClinicFixture.doctorID(doc))\", date: \"\(day.iso)\") { time } }"
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, time) in all.enumerated() {
                    let pat = patients[i]
                    if i % 2 == 0 {
                        group.addTask {
                            let booked = await f.book(as: pat.viewer, doctor: doc, date: day, time: time)
                            XCTAssertEqual(booked.clinicCodes, [], "\(booked)")
                        }
                    } else {
                        let start = try XCTUnwrap(zone.instant(date: day, time: XCTUnwrap(LocalTime(iso: time))))
                        group.addTask {
                            try await Task.detached {
                                let session = try Postgres.Connection(uri)
                                defer { session.close() }
                                _ = try session.query("""
                                    INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at)
                                    VALUES ($1, $2, $3::date, $4::time, $5, $6)
                                    """, [.int(Int(pat.patientID!)), .int(Int(doc.doctorID!)), .text(day.iso), .text(time),
                                          start.postgresValue, start.adding(minutes: 30).postgresValue])
                            }.value
                        }
                    }
                    group.addTask { _ = try await f.counted(listQuery, as: nil) }
                }
                try await group.waitForAll()
            }
            let delivered = try await f.h.services.pool.withConnection { try f.h.calendarListener!.waitForDelivery(using: $0) }
            XCTAssertTrue(delivered)
            let left = try await f.freeSlots(doc, day).times
            XCTAssertEqual(left, [], "round \(round)")
            try await f.expectSlots(doc, day, [], statements: 0)
            // Everything cancelled by another session at once: every slot free again.
            try await f.h.sql("UPDATE appointments SET status = 'CANCELLED' WHERE doctor_id = $1", [.int(Int(doc.doctorID!))])
            let freed = try await f.freeSlots(doc, day).times
            XCTAssertEqual(freed, all, "round \(round)")
            f.h.services.database.slotCalendars.dropAll()
        }
    }

    /// What each kind of commit notifies (migration 0022): the doctor whose busy ranges changed,
    /// 'c' for configuration, nothing for what no slot list shows.
    func testTheTriggersNotifyWhatChanged() async throws {
        let f = try await fixture()
        let a = try await f.doctor(lastName: "Notice A"), b = try await f.doctor(lastName: "Notice B")
        let pat = try await f.patient()
        let heard = Mutex<[String]>([])
        let listener = ChangeListener(connectionString: f.h.databaseURI, channel: SlotCalendarCache.channel) { event in
            if case .notification(let payload) = event { heard.withLock { $0.append(payload) } }
        }
        listener.start()
        defer { listener.stop() }
        for _ in 0..<1000 where !listener.isListening { try await Task.sleep(nanoseconds: 10_000_000) }
        let session = try Postgres.Connection(f.h.databaseURI)
        defer { session.close() }
        let (ba, bb) = ("b\(a.doctorID!)", "b\(b.doctorID!)")
        func after(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> [String] {
            heard.withLock { $0.removeAll() }
            _ = try session.query(sql, parameters)
            XCTAssertTrue(try listener.waitForDelivery(using: session))
            return heard.withLock { $0 }
        }
        let appointment = try session.query("""
            INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at)
            VALUES ($1, $2, '2031-03-17', '10:00', '2031-03-17T10:00:00Z', '2031-03-17T10:30:00Z') RETURNING id
            """, [.int(Int(pat.patientID!)), .int(Int(a.doctorID!))]).first!.id("id")
        XCTAssertTrue(try listener.waitForDelivery(using: session))
        XCTAssertEqual(heard.withLock { $0 }, [ba])
        let id = PostgresValue.int(Int(appointment))
        XCTAssertEqual(try after("UPDATE appointments SET notes = 'x', reason = 'y' WHERE id = $1", [id]), [])
        XCTAssertEqual(try after("UPDATE appointments SET status = 'CONFIRMED' WHERE id = $1", [id]), [ba])
        XCTAssertEqual(try after("UPDATE appointments SET starts_at = starts_at + interval '1 hour', ends_at = ends_at + interval '1 hour' WHERE id = $1", [id]), [ba])
        XCTAssertEqual(Set(try after("UPDATE appointments SET doctor_id = $2 WHERE id = $1", [id, .int(Int(b.doctorID!))])), [ba, bb])
        XCTAssertEqual(try after("INSERT INTO time_off (doctor_id, during) VALUES ($1, '[2031-03-18T00:00Z,2031-03-19T00:00Z)')",
                                 [.int(Int(a.doctorID!))]), [ba])
        XCTAssertEqual(try after("DELETE FROM time_off WHERE doctor_id = $1", [.int(Int(a.doctorID!))]), [ba])
        XCTAssertEqual(try after("UPDATE doctors SET experience_years = 11 WHERE id = $1", [.int(Int(a.doctorID!))]), [])
        XCTAssertEqual(try after("UPDATE doctors SET buffer_after_minutes = 5 WHERE id = $1", [.int(Int(a.doctorID!))]), ["c"])
        XCTAssertEqual(try after("UPDATE working_hours SET slot_minutes = 60 WHERE doctor_id = $1", [.int(Int(a.doctorID!))]), ["c"])
        XCTAssertEqual(try after("INSERT INTO clinic_closures (first_day, last_day, reason) VALUES ('2031-12-24', '2031-12-26', 'holidays')"), ["c"])
        XCTAssertEqual(try after("TRUNCATE time_off"), ["c"])
        XCTAssertEqual(try after("UPDATE system_settings SET booking_horizon_days = booking_horizon_days"), [])
    }

    /// A read that took its ticket before a change (its statement may have seen the old rows) keeps
    /// nothing; a kept calendar answers for its window only, within the kept time, and only while listening.
    func testAReadBegunBeforeAChangeKeepsNothing() {
        let cache = SlotCalendarCache()
        let now = Instant(secondsSinceEpoch: 2_000_000_000)
        let window = InstantRange(start: now, end: now.adding(minutes: 60 * 24))
        let data = ClinicLoad.CalendarData(busy: [InstantRange(start: now, end: now.adding(minutes: 30))])
        XCTAssertNil(cache.ticket(), "nothing is kept before a listener listens")
        cache.setListening(true)
        var ticket = try! XCTUnwrap(cache.ticket())
        cache.drop(doctorID: 8)
        cache.store(7, window, data, ticket: ticket, now: now)
        XCTAssertNil(cache.lookup(7, window, now: now))
        ticket = cache.ticket()!
        cache.store(7, window, data, ticket: ticket, now: now)
        XCTAssertEqual(cache.lookup(7, window, now: now)?.busy, data.busy)
        XCTAssertNil(cache.lookup(7, InstantRange(start: now, end: now.adding(minutes: 60)), now: now))
        XCTAssertNil(cache.lookup(8, window, now: now))
        XCTAssertNil(cache.lookup(7, window, now: now.adding(seconds: SlotCalendarCache.ttlMicros / 1_000_000)))
        XCTAssertNil(cache.lookup(7, window, now: now.adding(seconds: -1)))
        cache.drop(doctorID: 7)
        XCTAssertNil(cache.lookup(7, window, now: now))
        cache.store(7, window, data, ticket: cache.ticket()!, now: now)
        cache.setListening(false)
        XCTAssertNil(cache.lookup(7, window, now: now))
        XCTAssertNil(cache.ticket())
    }
}
