// Free slots keep each doctor's booking configuration (availability, buffers, working hours)
// and the clinic's closures between requests (CalendarConfigCache): every change made through
// the API shows in the very next slot list, one made outside the process as soon as its commit's
// notice arrives (without the listener, within the kept time), bookings at once, and a list from
// kept configuration is the list the full statement gives.
import ClinicDomain
@testable import ClinicStore
import Foundation
import JSON
import Postgres
@testable import Resolvers
import XCTest

final class CalendarConfigCacheTests: XCTestCase {
    func fixture() async throws -> ClinicFixture {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        return try await ClinicFixture.make(h)
    }

    func testChangesThroughTheAPIShowInTheNextList() async throws {
        let f = try await fixture()
        let cache = f.h.services.database.calendarConfig
        let doc = try await f.doctor(lastName: "Kept", start: "09:00", end: "11:00", slot: 60)
        let id = ClinicFixture.doctorID(doc)
        let day = try await f.weekday(12)
        // The settings row read now, not inside the counts below.
        _ = try await RequestContext(services: f.h.services, viewer: nil, ip: nil, requestID: "warm").settings()

        // Read with the busy ranges (a miss), then from the kept configuration (a hit): one statement each, same list.
        // (The whole calendar kept, SlotCalendarCache, is dropped before each: it would answer without a statement.)
        let misses = cache.misses, hits = cache.hits
        f.h.services.database.slotCalendars.dropAll()
        let first = try await f.freeSlots(doc, day)
        XCTAssertEqual(first.times, ["09:00", "10:00"])
        XCTAssertEqual(first.statements, 1)
        f.h.services.database.slotCalendars.dropAll()
        let kept = try await f.freeSlots(doc, day)
        XCTAssertEqual(kept.times, ["09:00", "10:00"])
        XCTAssertEqual(kept.statements, 1)
        XCTAssertEqual(cache.misses - misses, 1)
        XCTAssertEqual(cache.hits - hits, 1)

        // Availability.
        await f.mutate("updateDoctor(id: \"\(id)\", input: {isAvailable: false}) { id }", as: f.admin.viewer)
        try await f.expectSlots(doc, day, [])
        await f.mutate("updateDoctor(id: \"\(id)\", input: {isAvailable: true}) { id }", as: f.admin.viewer)
        try await f.expectSlots(doc, day, ["09:00", "10:00"])

        // A booking shows at once (busy ranges are never kept); then a buffer before each appointment
        // makes 10:00 too close to it.
        let pat = try await f.patient()
        let booked = await f.book(as: pat.viewer, doctor: doc, date: day, time: "09:00")
        XCTAssertEqual(booked.clinicCodes, [], "\(booked)")
        try await f.expectSlots(doc, day, ["10:00"])
        await f.mutate("updateDoctor(id: \"\(id)\", input: {bufferBeforeMinutes: 30}) { id }", as: f.admin.viewer)
        try await f.expectSlots(doc, day, [])
        await f.mutate("updateDoctor(id: \"\(id)\", input: {bufferBeforeMinutes: 0}) { id }", as: f.admin.viewer)
        try await f.expectSlots(doc, day, ["10:00"])

        // Working hours.
        let week = (1...7).map { "{weekday: \($0), start: \"09:00\", end: \"12:00\", slotMinutes: 60}" }.joined(separator: ", ")
        await f.mutate("setWorkingHours(doctorId: \"\(id)\", hours: [\(week)]) { id }", as: f.admin.viewer)
        try await f.expectSlots(doc, day, ["10:00", "11:00"])

        // Closures: created, moved away, removed (the clinic's, not the doctor's: every doctor's list).
        let closed = await f.h.graphql("mutation { createClosure(input: {firstDay: \"\(day.adding(days: 1).iso)\", reason: \"Inventory\"}) { id } }",
                                       as: f.admin.viewer)
        let closure = try XCTUnwrap(closed.at("data.createClosure.id")?.stringValue, "\(closed)")
        try await f.expectSlots(doc, day, ["10:00", "11:00"])
        try await f.expectSlots(doc, day.adding(days: 1), [])
        let later = day.adding(days: 2)
        await f.mutate("updateClosure(id: \"\(closure)\", input: {firstDay: \"\(later.iso)\", lastDay: \"\(later.iso)\"}) { id }", as: f.admin.viewer)
        try await f.expectSlots(doc, day.adding(days: 1), ["09:00", "10:00", "11:00"])
        try await f.expectSlots(doc, later, [])
        await f.mutate("removeClosure(id: \"\(closure)\")", as: f.admin.viewer)
        try await f.expectSlots(doc, later, ["09:00", "10:00", "11:00"])

        // The doctor's account deleted: no more bookings, no more slots.
        let deleted = await f.h.graphql("mutation { deleteUser(id: \"\(GlobalID.encode(type: "User", id: doc.id))\") }", as: f.superadmin.viewer)
        XCTAssertEqual(deleted.clinicCodes, [], "\(deleted)")
        try await f.expectSlots(doc, day, [])
    }

    func testAChangeOutsideThisProcessShowsOnceItsNoticeArrives() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Elsewhere", start: "09:00", end: "11:00", slot: 60)
        let day = try await f.weekday(14)
        try await f.expectSlots(doc, day, ["09:00", "10:00"])
        // As another server process or `clinic` would change it: not through this process's writes
        // (`sql` returns once the listener has read the commit's notice; the clock stands still).
        try await f.h.sql("UPDATE working_hours SET end_time = '12:00' WHERE doctor_id = $1", [.int(Int(doc.doctorID!))])
        try await f.expectSlots(doc, day, ["09:00", "10:00", "11:00"])
    }

    /// A read that began before an invalidation (its statement saw the old rows) keeps nothing.
    func testAReadBegunBeforeAChangeKeepsNothing() {
        let cache = CalendarConfigCache()
        let now = Instant(secondsSinceEpoch: 2_000_000_000)
        let from = LocalDate(iso: "2033-05-17")!
        let doctor = CalendarConfigCache.Doctor(booking: .init(isAvailable: true, buffers: Buffers(before: 0, after: 0)), hours: [],
                                                loadedAt: now.microsecondsSinceEpoch)
        let closures = CalendarConfigCache.Closures(from: from, list: [], loadedAt: now.microsecondsSinceEpoch)
        XCTAssertNil(cache.lookup(7, closuresFrom: from, now: now))
        let begun = cache.generation
        cache.invalidate()
        cache.store(7, doctor, closures: closures, generation: begun)
        XCTAssertNil(cache.lookup(7, closuresFrom: from, now: now))
        cache.store(7, doctor, closures: closures, generation: cache.generation)
        XCTAssertNotNil(cache.lookup(7, closuresFrom: from, now: now))
        // Closures kept from a later date do not answer for an earlier one; past the kept time nothing answers.
        XCTAssertNil(cache.lookup(7, closuresFrom: from.adding(days: -1), now: now))
        XCTAssertNil(cache.lookup(7, closuresFrom: from, now: now.adding(seconds: 5)))
    }
}
