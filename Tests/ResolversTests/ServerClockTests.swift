// The server's notion of time is its Clock (ClinicDomain), never PostgreSQL's
// now(): moved by a test's hand here, by faketime in the web e2e's shifted runs
// (WebEndToEndTests), the database's clock stays where it is. What the server
// stamps for a decision must then follow the Clock.
import ClinicDomain
import ClinicStore
@testable import Jobs
import Postgres
@testable import Resolvers
import XCTest

final class ServerClockTests: XCTestCase {
    /// The booking's message is due at the Clock's now and the worker sends it at
    /// once; a reminder moved by a settings change is not put before that now.
    /// Was: `scheduled_at` took now() (three days behind here), so a server whose
    /// clock ran behind the database's held the message back until it caught up.
    func testMessagesAreDueAtTheClocksNowNotTheDatabases() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let f = try await ClinicFixture.make(h)
        // The Clock three days behind PostgreSQL's.
        h.services.clock.advance(seconds: -3 * 86_400)
        defer { h.services.clock.advance(seconds: 3 * 86_400) }
        let doctor = try await f.doctor(lastName: "Clockwise")
        let patient = try await f.patient(lastName: "Clockwise")
        let before = h.services.clock.now
        let booked = await f.book(as: patient.viewer, doctor: doctor, date: try await f.date(5), time: "10:00")
        XCTAssertEqual(booked.clinicCodes, [], "\(booked)")
        let id = clinicRawID(booked.at("data.bookAppointment.id")?.stringValue)
        let after = h.services.clock.now
        let rows = try await h.sql("""
            SELECT kind, scheduled_at FROM notifications WHERE appointment_id = $1 AND kind = 'BOOKING_CONFIRMATION'
            """, [.int(Int(id))])
        XCTAssertFalse(rows.isEmpty)
        for r in rows {
            let at = try r.instant("scheduled_at")
            XCTAssertTrue(at >= before && at <= after, "scheduled at \(at), the Clock said \(before)…\(after)")
        }
        let due = try await h.services.database.read { conn in try OutboxStore.dueCount(conn, now: h.services.clock.now) }
        XCTAssertGreaterThanOrEqual(due, rows.count, "the confirmation is due by the Clock")

        // A reminder stored without its own offset, moved to 30 days before the start
        // (already past), goes to the Clock's now, not the database's.
        try await h.sql("""
            DELETE FROM notifications WHERE appointment_id = $1 AND kind = 'REMINDER' AND id NOT IN
              (SELECT min(id) FROM notifications WHERE appointment_id = $1 AND kind = 'REMINDER')
            """, [.int(Int(id))])
        try await h.sql("UPDATE notifications SET reminder_offset_minutes = NULL WHERE appointment_id = $1 AND kind = 'REMINDER'",
                        [.int(Int(id))])
        let movedFrom = h.services.clock.now
        let moved = try await h.services.pool.transaction { conn in
            try NotificationWorker.rescheduleReminders(ClinicStore.Connection(conn), reminderHoursBefore: 24 * 30,
                                                       now: h.services.clock.now)
        }
        XCTAssertGreaterThanOrEqual(moved, 1)
        let reminder = try await h.sql("SELECT scheduled_at FROM notifications WHERE appointment_id = $1 AND kind = 'REMINDER'",
                                       [.int(Int(id))])
        let at = try XCTUnwrap(reminder.first).instant("scheduled_at")
        XCTAssertTrue(at >= movedFrom && at <= h.services.clock.now, "reminder at \(at), the Clock said \(movedFrom)")
    }
}
