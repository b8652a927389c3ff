// Issue #17's booking rules through the API against real PostgreSQL: minimum
// notice and buffers (on a DST day of a zone that has DST), per-patient limits
// (also under concurrency), the no-show stop, reminders at several offsets and
// the doctor's alerts. Every test makes its own data; tests that set the clock
// use a private harness.
import ClinicStore
import ClinicDomain
import Foundation
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class ClinicBookingRulesTests: XCTestCase {
    func fixture() async throws -> ClinicFixture {
        try await ClinicFixture.make(try await ClinicTestHarness.shared(for: Self.self))
    }

    /// A private database and clock, the clinic in New York (DST), bookable far ahead.
    func dstFixture() async throws -> (ClinicFixture, ClinicTimeZone, LocalDate) {
        let f = try await ClinicFixture.make(try await ClinicTestHarness.fresh(prefix: "rules"))
        try await f.setZone("America/New_York")
        try await f.settingsSQL("booking_horizon_days = 730")
        let zone = try await f.zone()
        // The next spring-forward day: 02:30 does not exist on it.
        var day = try await f.date(1)
        while zone.instant(date: day, time: LocalTime(hour: 2, minute: 30)!) != nil { day = day.adding(days: 1) }
        return (f, zone, day)
    }

    func times(_ json: JSON, _ path: String) -> [String] {
        json.at(path)?.arrayValue?.compactMap { $0["time"]?.stringValue } ?? []
    }

    func slots(_ f: ClinicFixture, _ doc: HarnessUser, _ day: LocalDate, as viewer: Viewer) async -> [String] {
        times(await f.h.graphql("{ availableSlots(doctorId: \"\(ClinicFixture.doctorID(doc))\", date: \"\(day.iso)\") { time } }",
                                as: viewer), "data.availableSlots")
    }

    func reschedule(_ f: ClinicFixture, _ id: String, _ day: LocalDate, _ time: String, as viewer: Viewer) async -> JSON {
        await f.h.graphql("mutation { rescheduleAppointment(id: \"\(id)\", date: \"\(day.iso)\", time: \"\(time)\") { id date time } }",
                          as: viewer)
    }

    func settings(_ f: ClinicFixture, _ input: String) async -> JSON {
        await f.h.graphql("""
            mutation { updateSystemSettings(input: {\(input)}) { minimumNoticeMinutes maxActiveAppointmentsPerPatient noShowLimit
              onePerDoctorPerDay emailReminderOffsetsMinutes smsReminderOffsetsMinutes reminderHoursBefore doctorAlertHours } }
            """, as: f.superadmin.viewer)
    }

    // MARK: - minimum notice

    func testMinimumNoticeCountsRealMinutesOnASpringForwardDayAndStaffOverrideIt() async throws {
        let (f, zone, day) = try await dstFixture()
        let doc = try await f.doctor(start: "00:00", end: "06:00", slot: 30)
        let pat = try await f.patient()
        // Now is 00:29 on the DST day: two real hours later it is 03:29, not 02:29.
        let now = zone.instant(date: day, time: LocalTime(hour: 0, minute: 29)!)!
        f.h.services.clock.advance(seconds: now.secondsSinceEpoch - f.h.services.clock.now.secondsSinceEpoch)
        clinicEq(await slots(f, doc, day, as: pat.viewer), ["03:30", "04:00", "04:30", "05:00", "05:30"])
        clinicEq(await slots(f, doc, day, as: f.admin.viewer), ["00:30", "01:00", "01:30", "03:00", "03:30", "04:00", "04:30", "05:00", "05:30"])
        let schedule = await f.h.graphql("""
            { doctor(id: "\(ClinicFixture.doctorID(doc))") { schedule(from: "\(day.iso)", to: "\(day.iso)") { slots { time available } } } }
            """, as: pat.viewer)
        let three = schedule.at("data.doctor.schedule.0.slots")?.arrayValue?.first { $0["time"]?.stringValue == "03:00" }
        XCTAssertEqual(three?["available"]?.boolValue, false, "\(schedule)")

        // The client is refused with the reason; staff book the same slot.
        let refused = await f.book(as: pat.viewer, doctor: doc, date: day, time: "03:00")
        XCTAssertEqual(refused.clinicCodes, ["CONFLICT"])
        XCTAssertEqual(refused.clinicMessages.first, "Online bookings need at least 2 hours notice; please call the clinic for an earlier time")
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "03:00", patient: pat).clinicCodes, [])
        clinicEq(await f.book(as: pat.viewer, doctor: doc, date: day.adding(days: 1), time: "03:30").clinicCodes, [])
        // Rescheduling into a slot inside the notice is refused too (another patient: one per doctor and day).
        let mover = try await f.patient()
        let later = await f.book(as: mover.viewer, doctor: doc, date: day.adding(days: 3), time: "04:00")
        let laterID = try XCTUnwrap(later.at("data.bookAppointment.id")?.stringValue, "\(later)")
        let moved = await reschedule(f, laterID, day, "01:30", as: mover.viewer)
        XCTAssertEqual(moved.clinicCodes, ["CONFLICT"])
        XCTAssertTrue(moved.clinicMessages.first?.hasPrefix("Online bookings need at least 2 hours notice") == true, "\(moved)")

        // The setting, through the API: 30 minutes opens 01:00; bad values name the field.
        let changed = await settings(f, "minimumNoticeMinutes: 30")
        XCTAssertEqual(changed.at("data.updateSystemSettings.minimumNoticeMinutes")?.intValue, 30, "\(changed)")
        clinicEq(await slots(f, doc, day, as: pat.viewer), ["01:00", "01:30", "03:30", "04:00", "04:30", "05:00", "05:30"])
        let bad = await settings(f, "minimumNoticeMinutes: -1")
        XCTAssertEqual(bad.clinicCodes, ["BAD_USER_INPUT"])
        XCTAssertEqual(bad.clinicField, "input.minimumNoticeMinutes")
    }

    // MARK: - buffers

    func testBuffersBlockRealMinutesAroundAppointmentsOnADSTDay() async throws {
        let (f, _, day) = try await dstFixture()
        let doc = try await f.doctor(start: "00:00", end: "06:00", slot: 30)
        let a = try await f.patient(), b = try await f.patient()
        let docID = ClinicFixture.doctorID(doc)
        let set = await f.h.graphql("mutation { updateDoctor(id: \"\(docID)\", input: {bufferAfterMinutes: 60}) { bufferBeforeMinutes bufferAfterMinutes } }",
                                    as: f.admin.viewer)
        XCTAssertEqual(set.at("data.updateDoctor.bufferAfterMinutes")?.intValue, 60, "\(set)")
        let badBuffer = await f.h.graphql("mutation { updateDoctor(id: \"\(docID)\", input: {bufferBeforeMinutes: 241}) { id } }", as: f.admin.viewer)
        XCTAssertEqual(badBuffer.clinicCodes, ["BAD_USER_INPUT"])
        XCTAssertEqual(badBuffer.clinicField, "input.bufferBeforeMinutes")

        // 01:30 EST lasts until 07:00 UTC; its hour after ends 08:00 UTC = 04:00 EDT
        // (wall-clock arithmetic would end it at 03:00 and offer 03:00).
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "01:30", patient: a).clinicCodes, [])
        clinicEq(await slots(f, doc, day, as: f.admin.viewer), ["00:00", "04:00", "04:30", "05:00", "05:30"])
        let inBuffer = await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "03:30", patient: b)
        XCTAssertEqual(inBuffer.clinicCodes, ["CONFLICT"], "staff cannot override a buffer")
        XCTAssertEqual(inBuffer.clinicMessages.first, "That slot was just taken")
        // A slot whose own buffer would run into the next appointment is taken as well.
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "00:30", patient: b).clinicCodes, ["CONFLICT"])
        let fits = await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "04:00", patient: b)
        XCTAssertEqual(fits.clinicCodes, [], "\(fits)")
        // Rescheduling into the buffer is refused; the appointment's own range is free for itself.
        let bID = try XCTUnwrap(fits.at("data.bookAppointment.id")?.stringValue)
        clinicEq(await reschedule(f, bID, day, "03:00", as: f.admin.viewer).clinicCodes, ["CONFLICT"])
        clinicEq(await reschedule(f, bID, day, "04:30", as: f.admin.viewer).clinicCodes, [])
        let stored = try await f.h.sql("""
            SELECT lower(blocked) = starts_at AND upper(blocked) = ends_at + interval '60 minutes' AS ok FROM appointments WHERE id = $1
            """, [.int(Int(clinicRawID(bID)))])
        XCTAssertEqual(try stored.first!.bool("ok"), true)
    }

    func testTheDatabaseRefusesOverlappingBuffersFromTwoConcurrentConnections() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let a = try await f.patient(), b = try await f.patient()
        let pool = f.h.services.pool
        let start = Instant(secondsSinceEpoch: 1_900_000_000)  // 2030: clear of every other test's rows
        @Sendable func insert(_ conn: Postgres.Connection, _ patient: HarnessUser, minutesAfter: Int, before: Int, after: Int) throws {
            let s = start.adding(minutes: minutesAfter)
            _ = try conn.query("""
                INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, buffer_before_minutes,
                                          buffer_after_minutes)
                VALUES ($1, $2, '2030-03-17', '17:46', $3, $4, $5, $6)
                """, [.int(Int(patient.patientID!)), .int(Int(doc.doctorID!)), s.postgresValue, s.adding(minutes: 30).postgresValue,
                      .int(before), .int(after)])
        }
        // The first transaction holds its row uncommitted while the second, whose
        // range touches the first's only through the 15-minute buffer, tries.
        let first = Task {
            try await pool.transaction { conn in
                try insert(conn, a, minutesAfter: 0, before: 0, after: 15)
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        try await Task.sleep(nanoseconds: 150_000_000)
        let second: Error? = await {
            do {
                try await pool.transaction { conn in try insert(conn, b, minutesAfter: 40, before: 0, after: 0) }
                return nil
            } catch { return error }
        }()
        try await first.value
        let pg = try XCTUnwrap(second as? PostgresError, "the second insert must fail")
        XCTAssertTrue(pg.isExclusionViolation, "\(pg)")
        XCTAssertEqual(pg.constraint, "appointments_doctor_no_overlap")
        // Outside the buffer, or once the first is cancelled, the same insert holds.
        try await pool.transaction { conn in try insert(conn, b, minutesAfter: 45, before: 0, after: 0) }
        let n = try await f.h.sql("SELECT count(*) AS n FROM appointments WHERE doctor_id = $1", [.int(Int(doc.doctorID!))])
        XCTAssertEqual(try n.first!.int("n"), 2)
    }

    // MARK: - per-patient limits

    func testAClientHoldsAtMostThreeUpcomingAppointmentsAndStaffMayBookMore() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Limit")
        let pat = try await f.patient()
        for d in 10...12 { clinicEq(await f.book(as: pat.viewer, doctor: doc, date: try await f.date(d), time: "10:00").clinicCodes, []) }
        let fourth = await f.book(as: pat.viewer, doctor: doc, date: try await f.date(13), time: "10:00")
        XCTAssertEqual(fourth.clinicCodes, ["CONFLICT"])
        XCTAssertEqual(fourth.clinicMessages.first,
                       "You already have 3 upcoming appointments, the most that can be booked online; cancel one or call the clinic")
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: try await f.date(13), time: "10:00", patient: pat).clinicCodes, [])
        // Moving one of them is not a new one.
        let mine = try await f.h.sql("SELECT id FROM appointments WHERE patient_id = $1 ORDER BY starts_at LIMIT 1", [.int(Int(pat.patientID!))])
        let firstID = ClinicFixture.appointmentID(Int64(try mine.first!.int("id")))
        clinicEq(await reschedule(f, firstID, try await f.date(14), "11:00", as: pat.viewer).clinicCodes, [])
        // Cancelling frees a place... but staff's fourth still counts: cancel two.
        for _ in 0..<2 {
            let next = try await f.h.sql("""
                SELECT id FROM appointments WHERE patient_id = $1 AND status = 'SCHEDULED' ORDER BY starts_at LIMIT 1
                """, [.int(Int(pat.patientID!))])
            let id = ClinicFixture.appointmentID(Int64(try next.first!.int("id")))
            clinicEq(await f.h.graphql("mutation { cancelAppointment(id: \"\(id)\") { status } }", as: pat.viewer).clinicCodes, [])
        }
        clinicEq(await f.book(as: pat.viewer, doctor: doc, date: try await f.date(15), time: "10:00").clinicCodes, [])
        // The setting moves the limit.
        let one = await settings(f, "maxActiveAppointmentsPerPatient: 1")
        XCTAssertEqual(one.at("data.updateSystemSettings.maxActiveAppointmentsPerPatient")?.intValue, 1, "\(one)")
        let other = try await f.patient()
        clinicEq(await f.book(as: other.viewer, doctor: doc, date: try await f.date(16), time: "10:00").clinicCodes, [])
        let second = await f.book(as: other.viewer, doctor: doc, date: try await f.date(17), time: "10:00")
        XCTAssertEqual(second.clinicMessages.first,
                       "You already have 1 upcoming appointment, the most that can be booked online; cancel one or call the clinic")
        clinicEq(await settings(f, "maxActiveAppointmentsPerPatient: 0").clinicCodes, ["BAD_USER_INPUT"])
        clinicEq(await settings(f, "maxActiveAppointmentsPerPatient: 3").clinicCodes, [])
    }

    func testOneAppointmentPerDoctorAndDayForClients() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Daily"), other = try await f.doctor(lastName: "Otro")
        let pat = try await f.patient()
        let day = try await f.date(20)
        clinicEq(await f.book(as: pat.viewer, doctor: doc, date: day, time: "09:00").clinicCodes, [])
        let again = await f.book(as: pat.viewer, doctor: doc, date: day, time: "15:00")
        XCTAssertEqual(again.clinicCodes, ["CONFLICT"])
        XCTAssertEqual(again.clinicMessages.first,
                       "You already have an appointment with Dr. Daily on \(day.iso); only one per doctor per day can be booked online")
        // Another doctor the same day is fine, and so is staff booking the second one.
        let elsewhere = await f.book(as: pat.viewer, doctor: other, date: day, time: "15:00")
        XCTAssertEqual(elsewhere.clinicCodes, [])
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "13:00", patient: pat).clinicCodes, [])
        // Moving the other doctor's appointment within the day is not affected.
        let id = try XCTUnwrap(elsewhere.at("data.bookAppointment.id")?.stringValue)
        clinicEq(await reschedule(f, id, day, "16:00", as: pat.viewer).clinicCodes, [])
        // Rescheduling onto a day with another appointment with the same doctor: refused; within its own day: fine.
        let plain = try await f.patient()
        let x = await f.book(as: plain.viewer, doctor: doc, date: day.adding(days: 1), time: "09:00")
        let xID = try XCTUnwrap(x.at("data.bookAppointment.id")?.stringValue)
        clinicEq(await f.book(as: plain.viewer, doctor: doc, date: day.adding(days: 2), time: "09:00").clinicCodes, [])
        let clash = await reschedule(f, xID, day.adding(days: 2), "11:00", as: plain.viewer)
        XCTAssertEqual(clash.clinicCodes, ["CONFLICT"], "\(clash)")
        XCTAssertTrue(clash.clinicMessages.first?.hasPrefix("You already have an appointment with Dr. Daily on") == true)
        clinicEq(await reschedule(f, xID, day.adding(days: 1), "11:00", as: plain.viewer).clinicCodes, [])
        // The setting turns the rule off (and back on).
        let off = await settings(f, "onePerDoctorPerDay: false")
        XCTAssertEqual(off.at("data.updateSystemSettings.onePerDoctorPerDay")?.boolValue, false, "\(off)")
        clinicEq(await f.book(as: plain.viewer, doctor: doc, date: day.adding(days: 2), time: "14:00").clinicCodes, [])
        clinicEq(await settings(f, "onePerDoctorPerDay: true").clinicCodes, [])
    }

    func testParallelBookingsOfOnePatientNeverPassTheLimit() async throws {
        let f = try await fixture()
        var doctors: [HarnessUser] = []
        for i in 0..<6 { doctors.append(try await f.doctor(lastName: "Race\(i)")) }
        let day = try await f.date(25)
        // Different doctors and hours, so neither the doctors' locks nor the patient
        // overlap guard serialize them; the patient's row lock does.
        let other = try await f.patient()
        let hours = ["09:00", "10:00", "11:00", "13:00", "14:00", "15:00"]
        let outcomes = await withTaskGroup(of: [String].self) { group in
            for (d, t) in zip(doctors, hours) {
                group.addTask { await f.book(as: other.viewer, doctor: d, date: day, time: t).clinicCodes }
            }
            var all: [[String]] = []
            for await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(outcomes.filter(\.isEmpty).count, 3, "\(outcomes)")
        XCTAssertEqual(outcomes.filter { $0 == ["CONFLICT"] }.count, 3, "\(outcomes)")
        let held = try await f.h.sql("SELECT count(*) AS n FROM appointments WHERE patient_id = $1 AND status = 'SCHEDULED'",
                                     [.int(Int(other.patientID!))])
        XCTAssertEqual(try held.first!.int("n"), 3)
    }

    // MARK: - no-shows

    func testNoShowsStopClientSelfBookingButNotStaff() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Ausente")
        let pat = try await f.patient(), fine = try await f.patient()
        // Three missed visits in the last year; `fine` has two recent ones and one 13 months ago.
        for (p, months) in [(pat, 1), (pat, 3), (pat, 11), (fine, 2), (fine, 5), (fine, 13)] {
            try await f.h.sql("""
                INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status)
                SELECT $1, $2, (t AT TIME ZONE 'UTC')::date, (t AT TIME ZONE 'UTC')::time, t, t + interval '30 minutes', 'NO_SHOW'
                  FROM (SELECT $3::timestamptz - make_interval(months => $4::int) AS t) x
                """, [.int(Int(p.patientID!)), .int(Int(doc.doctorID!)), f.h.services.clock.now.postgresValue, .int(months)])
        }
        let day = try await f.date(30)
        let refused = await f.book(as: pat.viewer, doctor: doc, date: day, time: "10:00")
        XCTAssertEqual(refused.clinicCodes, ["FORBIDDEN"])
        XCTAssertEqual(refused.clinicMessages.first,
                       "Online booking is paused after 3 missed appointments in the last 12 months (the limit is 3); please call the clinic to book")
        clinicEq(await f.book(as: fine.viewer, doctor: doc, date: day, time: "10:30").clinicCodes, [])
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "10:00", patient: pat).clinicCodes, [])
        // The report counts them per patient.
        let report = await f.h.graphql("""
            { report(from: "\(try await f.date(-360).iso)", to: "\(try await f.date(0).iso)") { noShowsByPatient { patient { id } noShows } } }
            """, as: f.admin.viewer)
        let rows = report.at("data.report.noShowsByPatient")?.arrayValue ?? []
        let mine = rows.first { $0.at("patient.id")?.stringValue == ClinicFixture.patientID(pat) }
        XCTAssertEqual(mine?["noShows"]?.intValue, 3, "\(report)")
        // 0 turns the stop off; a higher limit lets the patient book again.
        clinicEq(await settings(f, "noShowLimit: 4").clinicCodes, [])
        clinicEq(await f.book(as: pat.viewer, doctor: doc, date: day.adding(days: 1), time: "10:00").clinicCodes, [])
        clinicEq(await settings(f, "noShowLimit: -2").clinicCodes, ["BAD_USER_INPUT"])
        clinicEq(await settings(f, "noShowLimit: 3").clinicCodes, [])
    }

    // MARK: - reminders

    func testReminderOffsetsPerChannelFollowSettingsReschedulesAndCancellation() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Recuerda")
        let pat = try await f.patient()
        try await f.h.sql("UPDATE users SET notify_by_sms = true, phone = '+5215550002' WHERE id = $1", [.int(Int(pat.id))])
        func plan(_ id: String) async throws -> [String] {
            try await f.h.sql("""
                SELECT n.channel || ':' || (extract(epoch FROM a.starts_at - n.scheduled_at)::int / 60) AS p
                  FROM notifications n JOIN appointments a ON a.id = n.appointment_id
                 WHERE a.id = $1 AND n.kind = 'REMINDER' AND n.status = 'PENDING' ORDER BY n.channel, n.scheduled_at
                """, [.int(Int(clinicRawID(id)))]).rows.map { try $0.string("p") }
        }
        let booked = await f.book(as: pat.viewer, doctor: doc, date: try await f.date(9), time: "10:00")
        let id = try XCTUnwrap(booked.at("data.bookAppointment.id")?.stringValue)
        clinicEq(try await plan(id), ["EMAIL:1440", "EMAIL:120", "SMS:1440", "SMS:120"])

        let changed = await settings(f, "emailReminderOffsetsMinutes: [60, 2880, 60], smsReminderOffsetsMinutes: []")
        XCTAssertEqual(changed.clinicCodes, [], "\(changed)")
        XCTAssertEqual(changed.at("data.updateSystemSettings.emailReminderOffsetsMinutes")?.arrayValue?.compactMap(\.intValue), [2880, 60])
        XCTAssertEqual(changed.at("data.updateSystemSettings.reminderHoursBefore")?.intValue, 48)
        clinicEq(try await plan(id), ["EMAIL:2880", "EMAIL:60"])

        // A reschedule moves them with the appointment.
        clinicEq(await reschedule(f, id, try await f.date(11), "12:00", as: pat.viewer).clinicCodes, [])
        clinicEq(try await plan(id), ["EMAIL:2880", "EMAIL:60"])
        let sameDay = try await f.h.sql("""
            SELECT bool_and(scheduled_at = a.starts_at - make_interval(mins => reminder_offset_minutes)) AS ok
              FROM notifications n JOIN appointments a ON a.id = n.appointment_id WHERE a.id = $1 AND n.kind = 'REMINDER'
               AND n.status = 'PENDING'
            """, [.int(Int(clinicRawID(id)))])
        XCTAssertEqual(try sameDay.first!.bool("ok"), true)
        // Cancelling removes every pending one.
        clinicEq(await f.h.graphql("mutation { cancelAppointment(id: \"\(id)\") { status } }", as: pat.viewer).clinicCodes, [])
        clinicEq(try await plan(id), [])

        // reminderHoursBefore alone replaces the longest offset of each list.
        let legacy = await settings(f, "reminderHoursBefore: 24")
        XCTAssertEqual(legacy.at("data.updateSystemSettings.emailReminderOffsetsMinutes")?.arrayValue?.compactMap(\.intValue), [1440, 60])
        let bad = await settings(f, "emailReminderOffsetsMinutes: [1]")
        XCTAssertEqual(bad.clinicCodes, ["BAD_USER_INPUT"])
        XCTAssertEqual(bad.clinicField, "input.emailReminderOffsetsMinutes")
        clinicEq(await settings(f, "emailReminderOffsetsMinutes: [1440, 120], smsReminderOffsetsMinutes: [1440, 120]").clinicCodes, [])
    }

    // MARK: - doctor alerts

    func testTheDoctorHearsOfChangesWithinFortyEightHoursOnly() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Aviso")
        let pat = try await f.patient(firstName: "Lola", lastName: "Paz")
        func alerts() async throws -> [String] {
            try await f.h.sql("SELECT body FROM notifications WHERE user_id = $1 AND kind = 'DOCTOR_ALERT' ORDER BY id",
                              [.int(Int(doc.id))]).rows.map { try $0.string("body") }
        }
        // Five days ahead: no alert.
        let far = await f.book(as: pat.viewer, doctor: doc, date: try await f.date(5), time: "10:00")
        let farID = try XCTUnwrap(far.at("data.bookAppointment.id")?.stringValue)
        clinicEq(try await alerts(), [])
        // Tomorrow (10 to 34 hours from now): the doctor is told, in their language.
        let soonDay = try await f.date(1)
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: soonDay, time: "10:00", patient: pat).clinicCodes, [])
        var got = try await alerts()
        XCTAssertEqual(got.count, 1)
        XCTAssertTrue(got.last?.hasPrefix("Nueva cita: Lola Paz, ") == true, "\(got)")
        // Moving the far one into tomorrow is announced with both times; cancelling it too.
        clinicEq(await reschedule(f, farID, soonDay, "15:00", as: f.admin.viewer).clinicCodes, [])
        got = try await alerts()
        XCTAssertEqual(got.count, 2)
        XCTAssertTrue(got.last?.contains("a \(NotificationTemplates.shortDate(soonDay, .es)) 15:00") == true, "\(got)")
        clinicEq(await f.h.graphql("mutation { cancelAppointment(id: \"\(farID)\") { status } }", as: f.admin.viewer).clinicCodes, [])
        got = try await alerts()
        XCTAssertEqual(got.count, 3)
        XCTAssertTrue(got.last?.hasPrefix("Cita cancelada: Lola Paz") == true, "\(got)")
        // The doctor reads them through the API.
        let listed = await f.h.graphql("{ notifications { nodes { kind } } }", as: doc.viewer)
        XCTAssertEqual(Set((listed.at("data.notifications.nodes")?.arrayValue ?? []).compactMap { $0["kind"]?.stringValue }), ["DOCTOR_ALERT"])
        // 0 turns them off.
        let off = await settings(f, "doctorAlertHours: 0")
        XCTAssertEqual(off.at("data.updateSystemSettings.doctorAlertHours")?.intValue, 0)
        let other = try await f.patient()
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: soonDay, time: "11:00", patient: other).clinicCodes, [])
        clinicEq(try await alerts().count, 3)
        clinicEq(await settings(f, "doctorAlertHours: 48").clinicCodes, [])
    }
}
