// Booking, rescheduling, cancelling and statuses against real PostgreSQL.
import ClinicStore
import ClinicDomain
import Foundation
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class ClinicBookingTests: XCTestCase {
    func fixture() async throws -> ClinicFixture {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        return try await ClinicFixture.make(h)
    }

    func testClientBooksAFreeSlotWithAuditNotificationsAndReminder() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let pat = try await f.patient()
        try await f.h.sql("UPDATE users SET notify_by_sms = true, phone = '+5215550001' WHERE id = $1", [.int(Int(pat.id))])
        let day = try await f.date(3)
        let json = await f.book(as: pat.viewer, doctor: doc, date: day, time: "10:00")
        XCTAssertEqual(json.clinicCodes, [], "\(json)")
        XCTAssertEqual(json.at("data.bookAppointment.status")?.stringValue, "SCHEDULED")
        XCTAssertEqual(json.at("data.bookAppointment.time")?.stringValue, "10:00")
        let id = clinicRawID(json.at("data.bookAppointment.id")?.stringValue)
        // The slot is gone from the free list.
        let slots = await f.h.graphql("{ availableSlots(doctorId: \"\(ClinicFixture.doctorID(doc))\", date: \"\(day.iso)\") { time } }",
                                      as: pat.viewer)
        let times = slots.at("data.availableSlots")?.arrayValue?.compactMap { $0["time"]?.stringValue } ?? []
        XCTAssertFalse(times.contains("10:00"))
        XCTAssertTrue(times.contains("10:30"))
        // Audit and outbox written in the same transaction.
        let audit = try await f.h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'appointment.book' AND target_id = $1",
                                      [.text(ClinicFixture.appointmentID(id))])
        XCTAssertEqual(try audit.first!.int("n"), 1)
        let n = try await f.h.sql("SELECT kind, channel, recipient FROM notifications WHERE appointment_id = $1 ORDER BY kind, channel", [.int(Int(id))])
        let kinds = try n.rows.map { "\(try $0.string("kind"))/\(try $0.string("channel"))" }
        // Reminders at the default offsets, 24 h and 2 h, on each channel.
        XCTAssertEqual(kinds, ["BOOKING_CONFIRMATION/EMAIL", "BOOKING_CONFIRMATION/SMS", "REMINDER/EMAIL", "REMINDER/EMAIL",
                               "REMINDER/SMS", "REMINDER/SMS"])
        let reminder = try await f.h.sql("""
            SELECT array_agg(extract(epoch FROM a.starts_at - n.scheduled_at)::int ORDER BY n.scheduled_at) AS leads
              FROM notifications n JOIN appointments a ON a.id = n.appointment_id
             WHERE n.appointment_id = $1 AND n.kind = 'REMINDER' AND n.channel = 'EMAIL'
            """, [.int(Int(id))])
        XCTAssertEqual(try reminder.first!.string("leads"), "{86400,7200}")
    }

    func testBookingATakenSlotIsConflict() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let a = try await f.patient(), b = try await f.patient()
        let day = try await f.date(4)
        clinicEq(await f.book(as: a.viewer, doctor: doc, date: day, time: "11:00").clinicCodes, [])
        let second = await f.book(as: b.viewer, doctor: doc, date: day, time: "11:00")
        XCTAssertEqual(second.clinicCodes, ["CONFLICT"])
        XCTAssertEqual(second.clinicMessages.first, "That slot was just taken")
    }

    func testBookingRulesGiveTheContractsCodes() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Ruiz", weekdays: 1...5)
        let pat = try await f.patient()
        var day = try await f.date(2)
        while day.isoWeekday != 7 { day = day.adding(days: 1) }
        let sunday = await f.book(as: pat.viewer, doctor: doc, date: day, time: "10:00")
        XCTAssertEqual(sunday.clinicCodes, ["CONFLICT"])
        XCTAssertEqual(sunday.clinicMessages.first, "Dr. Ruiz does not work on Sunday")
        let monday = day.adding(days: 1)
        clinicEq(await f.book(as: pat.viewer, doctor: doc, date: monday, time: "18:00").clinicCodes, ["CONFLICT"])
        let offGrid = await f.book(as: pat.viewer, doctor: doc, date: monday, time: "10:10")
        XCTAssertEqual(offGrid.clinicCodes, ["BAD_USER_INPUT"])
        XCTAssertEqual(offGrid.clinicField, "input.time")
        let past = try await f.date(-1)
        clinicEq(await f.book(as: pat.viewer, doctor: doc, date: past, time: "10:00").clinicCodes, ["CONFLICT"])
        var far = try await f.date(120)
        while far.isoWeekday > 5 { far = far.adding(days: 1) }
        let beyond = await f.book(as: pat.viewer, doctor: doc, date: far, time: "10:00")
        XCTAssertEqual(beyond.clinicCodes, ["CONFLICT"])
        XCTAssertTrue(beyond.clinicMessages.first?.hasPrefix("Bookings are open only up to") == true)
        // Staff are not bound by the horizon.
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: far, time: "10:00", patient: pat).clinicCodes, [])
        // An unavailable doctor takes no bookings and offers no slots.
        try await f.h.sql("UPDATE doctors SET is_available = false WHERE id = $1", [.int(Int(doc.doctorID!))])
        clinicEq(await f.book(as: pat.viewer, doctor: doc, date: monday, time: "11:00").clinicCodes, ["CONFLICT"])
        let slots = await f.h.graphql("{ availableSlots(doctorId: \"\(ClinicFixture.doctorID(doc))\", date: \"\(monday.iso)\") { time } }", as: nil)
        XCTAssertEqual(slots.at("data.availableSlots")?.arrayValue?.count, 0)
    }

    func testWhoMayBookForWhom() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let pat = try await f.patient(), other = try await f.patient()
        let day = try await f.date(5)
        let staffWithout = await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "09:00")
        XCTAssertEqual(staffWithout.clinicCodes, ["BAD_USER_INPUT"])
        XCTAssertEqual(staffWithout.clinicField, "input.patientId")
        clinicEq(await f.book(as: pat.viewer, doctor: doc, date: day, time: "09:00", patient: other).clinicCodes, ["FORBIDDEN"])
        clinicEq(await f.book(as: nil, doctor: doc, date: day, time: "09:00").clinicCodes, ["UNAUTHENTICATED"])
        let noProfile = try await f.h.createUser()
        clinicEq(await f.book(as: noProfile.viewer, doctor: doc, date: day, time: "09:00").clinicCodes, ["FORBIDDEN"])
        let staff = await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "09:00", patient: other)
        XCTAssertEqual(staff.clinicCodes, [])
        // A patient ID where a doctor ID belongs is BAD_USER_INPUT.
        let wrong = await f.h.graphql("""
            mutation { bookAppointment(input: {doctorId: "\(ClinicFixture.patientID(pat))", date: "\(day.iso)", time: "09:30", reason: ""}) { id } }
            """, as: pat.viewer)
        XCTAssertEqual(wrong.clinicCodes, ["BAD_USER_INPUT"])
        XCTAssertEqual(wrong.clinicField, "input.doctorId")
        let tooLong = await f.book(as: pat.viewer, doctor: doc, date: day, time: "10:00", reason: String(repeating: "x", count: 1001))
        XCTAssertEqual(tooLong.clinicCodes, ["BAD_USER_INPUT"])
    }

    func testAPatientCannotHoldTwoOverlappingAppointments() async throws {
        let f = try await fixture()
        let d1 = try await f.doctor(), d2 = try await f.doctor(lastName: "Soto")
        let pat = try await f.patient()
        let day = try await f.date(6)
        clinicEq(await f.book(as: pat.viewer, doctor: d1, date: day, time: "12:00").clinicCodes, [])
        let clash = await f.book(as: pat.viewer, doctor: d2, date: day, time: "12:00")
        XCTAssertEqual(clash.clinicCodes, ["CONFLICT"])
        XCTAssertEqual(clash.clinicMessages.first, "The patient already has an appointment at that time")
    }

    func testOverlappingSlotsOfDifferentLengthsCannotBothHold() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(slot: 30)
        let a = try await f.patient(), b = try await f.patient()
        let day = try await f.date(7)
        clinicEq(await f.book(as: a.viewer, doctor: doc, date: day, time: "09:00").clinicCodes, [])   // 09:00–09:30
        try await f.h.sql("UPDATE working_hours SET slot_minutes = 20 WHERE doctor_id = $1", [.int(Int(doc.doctorID!))])
        clinicEq(await f.book(as: b.viewer, doctor: doc, date: day, time: "09:20").clinicCodes, ["CONFLICT"])  // 09:20–09:40
        clinicEq(await f.book(as: b.viewer, doctor: doc, date: day, time: "09:40").clinicCodes, [])
        // The database itself refuses the overlap, whatever the server checked.
        do {
            try await f.h.sql("""
                INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at)
                SELECT $1, doctor_id, local_date, '09:10', starts_at + interval '10 minutes', starts_at + interval '30 minutes'
                  FROM appointments WHERE doctor_id = $2 AND local_time = '09:00'
                """, [.int(Int(b.patientID!)), .int(Int(doc.doctorID!))])
            XCTFail("the exclusion constraint let an overlap through")
        } catch let e as PostgresError {
            XCTAssertTrue(e.isExclusionViolation)
        }
    }

    func testHundredConcurrentBookingsForOneSlotExactlyOneWins() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        var patients: [HarnessUser] = []
        for _ in 0..<100 { patients.append(try await f.patient()) }
        let day = try await f.date(8)
        let results = await withTaskGroup(of: [String].self) { group in
            for p in patients {
                group.addTask { await f.book(as: p.viewer, doctor: doc, date: day, time: "15:00").clinicCodes }
            }
            var all: [[String]] = []
            for await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(results.filter(\.isEmpty).count, 1)
        XCTAssertEqual(results.filter { $0 == ["CONFLICT"] }.count, 99, "\(Set(results.flatMap { $0 }))")
        let active = try await f.h.sql("SELECT count(*) AS n FROM appointments WHERE doctor_id = $1", [.int(Int(doc.doctorID!))])
        XCTAssertEqual(try active.first!.int("n"), 1)
    }

    func testRescheduleMovesTheAppointmentAndItsReminder() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let pat = try await f.patient(), other = try await f.patient()
        let day = try await f.date(9)
        let booked = await f.book(as: pat.viewer, doctor: doc, date: day, time: "09:00")
        let gid = booked.at("data.bookAppointment.id")!.stringValue!
        let moved = await f.h.graphql("mutation { rescheduleAppointment(id: \"\(gid)\", date: \"\(day.iso)\", time: \"14:00\") { time status canModify } }",
                                      as: pat.viewer)
        XCTAssertEqual(moved.clinicCodes, [], "\(moved)")
        XCTAssertEqual(moved.at("data.rescheduleAppointment.time")?.stringValue, "14:00")
        XCTAssertEqual(moved.at("data.rescheduleAppointment.canModify")?.boolValue, true)
        let r = try await f.h.sql("""
            SELECT count(*) FILTER (WHERE n.kind = 'REMINDER' AND n.status = 'PENDING') AS reminders,
                   bool_and(n.scheduled_at = a.starts_at - make_interval(mins => n.reminder_offset_minutes))
                       FILTER (WHERE n.kind = 'REMINDER') AS moved,
                   count(*) FILTER (WHERE n.kind = 'RESCHEDULED') AS rescheduled
              FROM notifications n JOIN appointments a ON a.id = n.appointment_id WHERE a.id = $1
            """, [.int(Int(clinicRawID(gid)))])
        XCTAssertEqual(try r.first!.int("reminders"), 2, "24 h and 2 h before")
        XCTAssertEqual(try r.first!.bool("moved"), true)
        XCTAssertEqual(try r.first!.int("rescheduled"), 1)
        // The old slot is free again.
        clinicEq(await f.book(as: other.viewer, doctor: doc, date: day, time: "09:00").clinicCodes, [])
        // Someone else's appointment does not exist for a client.
        let foreign = await f.h.graphql("mutation { rescheduleAppointment(id: \"\(gid)\", date: \"\(day.iso)\", time: \"15:00\") { id } }",
                                        as: other.viewer)
        XCTAssertEqual(foreign.clinicCodes, ["NOT_FOUND"])
        // Onto a taken slot: CONFLICT.
        let taken = await f.h.graphql("mutation { rescheduleAppointment(id: \"\(gid)\", date: \"\(day.iso)\", time: \"09:00\") { id } }",
                                      as: pat.viewer)
        XCTAssertEqual(taken.clinicCodes, ["CONFLICT"])
    }

    func testClientsCannotChangeInsideTheCancellationWindowButStaffCan() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let pat = try await f.patient()
        // Starts in about 3 hours: inside the default 24h window.
        let id = try await f.h.sql("""
            INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, reason)
            VALUES ($1, $2, current_date, '00:00', now() + interval '3 hours', now() + interval '3 hours 30 minutes', 'x') RETURNING id
            """, [.int(Int(pat.patientID!)), .int(Int(doc.doctorID!))]).first!.int("id")
        let gid = ClinicFixture.appointmentID(Int64(id))
        let day = try await f.date(10)
        let q = await f.h.graphql("{ appointment(id: \"\(gid)\") { canModify } }", as: pat.viewer)
        XCTAssertEqual(q.at("data.appointment.canModify")?.boolValue, false)
        clinicEq(await f.h.graphql("mutation { rescheduleAppointment(id: \"\(gid)\", date: \"\(day.iso)\", time: \"10:00\") { id } }",
                                         as: pat.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await f.h.graphql("mutation { cancelAppointment(id: \"\(gid)\") { id } }", as: pat.viewer).clinicCodes, ["FORBIDDEN"])
        // Changing only the reason is allowed until the start.
        let reason = await f.h.graphql("mutation { updateAppointmentReason(id: \"\(gid)\", reason: \"fever\") { reason } }", as: pat.viewer)
        XCTAssertEqual(reason.at("data.updateAppointmentReason.reason")?.stringValue, "fever")
        let staff = await f.h.graphql("{ appointment(id: \"\(gid)\") { canModify } }", as: f.admin.viewer)
        XCTAssertEqual(staff.at("data.appointment.canModify")?.boolValue, true)
        let cancelled = await f.h.graphql("mutation { cancelAppointment(id: \"\(gid)\", reason: \"sick\") { status canModify } }", as: f.admin.viewer)
        XCTAssertEqual(cancelled.at("data.cancelAppointment.status")?.stringValue, "CANCELLED")
        XCTAssertEqual(cancelled.at("data.cancelAppointment.canModify")?.boolValue, false)
        // Cancelled is final: no reschedule, no second cancel.
        clinicEq(await f.h.graphql("mutation { rescheduleAppointment(id: \"\(gid)\", date: \"\(day.iso)\", time: \"10:00\") { id } }",
                                         as: f.admin.viewer).clinicCodes, ["CONFLICT"])
        clinicEq(await f.h.graphql("mutation { cancelAppointment(id: \"\(gid)\") { id } }", as: f.admin.viewer).clinicCodes, ["CONFLICT"])
    }

    func testCancellingFreesTheSlotAndDropsThePendingReminder() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let pat = try await f.patient(), other = try await f.patient()
        let day = try await f.date(11)
        let gid = await f.book(as: pat.viewer, doctor: doc, date: day, time: "16:00").at("data.bookAppointment.id")!.stringValue!
        let c = await f.h.graphql("mutation { cancelAppointment(id: \"\(gid)\", reason: \"travel\") { status } }", as: pat.viewer)
        XCTAssertEqual(c.at("data.cancelAppointment.status")?.stringValue, "CANCELLED", "\(c)")
        let n = try await f.h.sql("""
            SELECT count(*) FILTER (WHERE kind = 'REMINDER') AS reminders, count(*) FILTER (WHERE kind = 'CANCELLED') AS cancelled
              FROM notifications WHERE appointment_id = $1
            """, [.int(Int(clinicRawID(gid)))])
        XCTAssertEqual(try n.first!.int("reminders"), 0)
        XCTAssertEqual(try n.first!.int("cancelled"), 1)
        clinicEq(await f.book(as: other.viewer, doctor: doc, date: day, time: "16:00").clinicCodes, [])
        let audit = try await f.h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'appointment.cancel' AND target_id = $1", [.text(gid)])
        XCTAssertEqual(try audit.first!.int("n"), 1)
    }

    func testStatusTransitions() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let pat = try await f.patient()
        let day = try await f.date(12)
        let gid = await f.book(as: pat.viewer, doctor: doc, date: day, time: "13:00").at("data.bookAppointment.id")!.stringValue!
        func set(_ s: String, _ viewer: Viewer? = nil, notes: String? = nil) async -> JSON {
            let n = notes.map { ", notes: \"\($0)\"" } ?? ""
            return await f.h.graphql("mutation { setAppointmentStatus(id: \"\(gid)\", status: \(s)\(n)) { status notes } }", as: viewer ?? f.admin.viewer)
        }
        clinicEq(await set("CONFIRMED", pat.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await set("CONFIRMED", nil as Viewer?).clinicCodes, [])  // as admin
        clinicEq(await f.h.graphql("mutation { setAppointmentStatus(id: \"\(gid)\", status: CONFIRMED) { id } }", as: nil).clinicCodes,
                       ["UNAUTHENTICATED"])
        let early = await set("COMPLETED")
        XCTAssertEqual(early.clinicCodes, ["CONFLICT"])
        // Move it into the past: now it can be completed, with notes.
        try await f.h.sql("UPDATE appointments SET starts_at = now() - interval '2 hours', ends_at = now() - interval '90 minutes' WHERE id = $1",
                          [.int(Int(clinicRawID(gid)))])
        let done = await set("COMPLETED", notes: "all good")
        XCTAssertEqual(done.clinicCodes, [])
        XCTAssertEqual(done.at("data.setAppointmentStatus.notes")?.stringValue, "all good")
        clinicEq(await set("CANCELLED").clinicCodes, ["CONFLICT"])
        clinicEq(await set("SCHEDULED").clinicCodes, ["CONFLICT"])
        clinicEq(await set("NO_SHOW").clinicCodes, ["CONFLICT"])
        // A started SCHEDULED visit closes directly (most are never confirmed); a future one does not.
        let started = try await f.h.createAppointment(patientID: pat.patientID!, doctorID: doc.doctorID!, daysFromNow: -3)
        let closed = await f.h.graphql("mutation { setAppointmentStatus(id: \"\(ClinicFixture.appointmentID(started))\", status: COMPLETED) { status } }",
                                       as: f.admin.viewer)
        XCTAssertEqual(closed.clinicCodes, [], "\(closed)")
        XCTAssertEqual(closed.at("data.setAppointmentStatus.status")?.stringValue, "COMPLETED")
        let missed = try await f.h.createAppointment(patientID: pat.patientID!, doctorID: doc.doctorID!, daysFromNow: -4)
        let noShow = await f.h.graphql("mutation { setAppointmentStatus(id: \"\(ClinicFixture.appointmentID(missed))\", status: NO_SHOW) { status } }",
                                       as: f.admin.viewer)
        XCTAssertEqual(noShow.at("data.setAppointmentStatus.status")?.stringValue, "NO_SHOW", "\(noShow)")
        let future = await f.book(as: pat.viewer, doctor: doc, date: try await f.date(13), time: "13:00").at("data.bookAppointment.id")!.stringValue!
        let tooEarly = await f.h.graphql("mutation { setAppointmentStatus(id: \"\(future)\", status: NO_SHOW) { id } }", as: f.admin.viewer)
        XCTAssertEqual(tooEarly.clinicCodes, ["CONFLICT"])
        let audit = try await f.h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'appointment.status_change' AND target_id = $1", [.text(gid)])
        XCTAssertEqual(try audit.first!.int("n"), 2)
    }

    func testSpringForwardDayOffersNoSkippedSlotAndBooksRealInstants() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "clinic_dst")
        let f = try await ClinicFixture.make(h)
        try await f.setZone("America/New_York")
        let doc = try await f.doctor(start: "00:00", end: "06:00", slot: 30)
        let pat = try await f.patient()
        let day = LocalDate(year: 2027, month: 3, day: 14)!   // US spring-forward: 02:00 → 03:00
        let slots = await h.graphql("{ doctor(id: \"\(ClinicFixture.doctorID(doc))\") { availableSlots(date: \"\(day.iso)\") { time startsAt } } }",
                                    as: f.admin.viewer)
        let list = slots.at("data.doctor.availableSlots")?.arrayValue ?? []
        let times = list.compactMap { $0["time"]?.stringValue }
        XCTAssertEqual(times, ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30", "04:00", "04:30", "05:00", "05:30"])
        XCTAssertEqual(list[3]["startsAt"]?.stringValue, "2027-03-14T06:30:00Z")   // 01:30 EST
        XCTAssertEqual(list[4]["startsAt"]?.stringValue, "2027-03-14T07:00:00Z")   // 03:00 EDT
        let skipped = await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "02:30", patient: pat)
        XCTAssertEqual(skipped.clinicCodes, ["CONFLICT"])
        let ok = await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "01:30", patient: pat)
        XCTAssertEqual(ok.at("data.bookAppointment.startsAt")?.stringValue, "2027-03-14T06:30:00Z")
        XCTAssertEqual(ok.at("data.bookAppointment.endsAt")?.stringValue, "2027-03-14T07:00:00Z")
        // 01:30–02:00 EST ends exactly when 03:00 EDT starts: both hold.
        let next = await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "03:00", patient: pat)
        XCTAssertEqual(next.clinicCodes, [], "\(next)")
        let sched = await h.graphql("{ doctor(id: \"\(ClinicFixture.doctorID(doc))\") { schedule(from: \"\(day.iso)\", to: \"\(day.iso)\") { date slots { time available } } } }",
                                    as: f.admin.viewer)
        let s = sched.at("data.doctor.schedule.0.slots")?.arrayValue ?? []
        XCTAssertEqual(s.count, 10)
        XCTAssertEqual(s.filter { $0["available"]?.boolValue == false }.compactMap { $0["time"]?.stringValue }, ["01:30", "03:00"])
    }

    func testFallBackDayOffersTheRepeatedHourOnceAtItsFirstOccurrence() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "clinic_dst_syd")
        let f = try await ClinicFixture.make(h)
        try await f.setZone("Australia/Sydney")
        let doc = try await f.doctor(start: "01:00", end: "04:00", slot: 30)
        let pat = try await f.patient()
        let day = LocalDate(year: 2027, month: 4, day: 4)!   // Sydney fall-back: 03:00 AEDT → 02:00 AEST
        let slots = await h.graphql("{ availableSlots(doctorId: \"\(ClinicFixture.doctorID(doc))\", date: \"\(day.iso)\") { time startsAt endsAt } }",
                                    as: f.admin.viewer)
        let list = slots.at("data.availableSlots")?.arrayValue ?? []
        XCTAssertEqual(list.compactMap { $0["time"]?.stringValue }, ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"])
        XCTAssertEqual(list[2]["startsAt"]?.stringValue, "2027-04-03T15:00:00Z")   // 02:00 AEDT, the first 02:00
        XCTAssertEqual(list[4]["startsAt"]?.stringValue, "2027-04-03T17:00:00Z")   // 03:00 AEST
        let booked = await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "02:30", patient: pat)
        XCTAssertEqual(booked.at("data.bookAppointment.startsAt")?.stringValue, "2027-04-03T15:30:00Z")
        XCTAssertEqual(booked.at("data.bookAppointment.endsAt")?.stringValue, "2027-04-03T16:00:00Z")
        let again = await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "02:30", patient: try await f.patient())
        XCTAssertEqual(again.clinicCodes, ["CONFLICT"])
        // The appointments filter uses the clinic-local date.
        let onDay = await h.graphql("{ appointments(filter: {from: \"\(day.iso)\", to: \"\(day.iso)\"}) { totalCount } }", as: f.admin.viewer)
        XCTAssertEqual(onDay.at("data.appointments.totalCount")?.intValue, 1)
        let dayBefore = await h.graphql("{ appointments(filter: {to: \"\(day.adding(days: -1).iso)\"}) { totalCount } }", as: f.admin.viewer)
        XCTAssertEqual(dayBefore.at("data.appointments.totalCount")?.intValue, 0)
    }

    func testReasonChangesFollowOwnershipAndTheStart() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let pat = try await f.patient(), other = try await f.patient()
        let past = try await f.h.createAppointment(patientID: pat.patientID!, doctorID: doc.doctorID!, daysFromNow: -2)
        let gid = ClinicFixture.appointmentID(past)
        clinicEq(await f.h.graphql("mutation { updateAppointmentReason(id: \"\(gid)\", reason: \"x\") { id } }", as: pat.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await f.h.graphql("mutation { updateAppointmentReason(id: \"\(gid)\", reason: \"x\") { id } }", as: other.viewer).clinicCodes, ["NOT_FOUND"])
        clinicEq(await f.h.graphql("mutation { updateAppointmentReason(id: \"\(gid)\", reason: \"x\") { reason } }", as: f.admin.viewer)
            .at("data.updateAppointmentReason.reason")?.stringValue, "x")
        let long = String(repeating: "y", count: 1001)
        clinicEq(await f.h.graphql("mutation { updateAppointmentReason(id: \"\(gid)\", reason: \"\(long)\") { id } }", as: f.admin.viewer).clinicCodes,
           ["BAD_USER_INPUT"])
        clinicEq(await f.h.graphql("mutation { cancelAppointment(id: \"\(GlobalID.encode(type: "Appointment", id: 99_999_999))\") { id } }",
                             as: f.admin.viewer).clinicCodes, ["NOT_FOUND"])
        clinicEq(await f.h.graphql("mutation { cancelAppointment(id: \"\(ClinicFixture.doctorID(doc))\") { id } }", as: f.admin.viewer).clinicCodes,
           ["BAD_USER_INPUT"])
    }

    func testTimeOffRacingBookingsNeverCoversAnActiveAppointment() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        var patients: [HarnessUser] = []
        for _ in 0..<16 { patients.append(try await f.patient()) }
        let day = try await f.date(15)
        let zone = try await f.zone()
        let from = zone.instant(date: day, time: LocalTime(hour: 9, minute: 0)!)!
        let to = zone.instant(date: day, time: LocalTime(hour: 17, minute: 0)!)!
        let times = (0..<16).map { LocalTime(minutesSinceMidnight: 9 * 60 + $0 * 30)!.iso }
        let timeOff = """
            mutation { addTimeOff(input: {doctorId: "\(ClinicFixture.doctorID(doc))", from: "\(from.rfc3339)", to: "\(to.rfc3339)"}) { id } }
            """
        let codes = await withTaskGroup(of: [String].self) { group in
            for (i, p) in patients.enumerated() {
                group.addTask { await f.book(as: p.viewer, doctor: doc, date: day, time: times[i]).clinicCodes }
                if i == 8 { group.addTask { await f.h.graphql(timeOff, as: f.admin.viewer).clinicCodes } }
            }
            var all: [[String]] = []
            for await c in group { all.append(c) }
            return all
        }
        XCTAssertFalse(codes.flatMap { $0 }.contains("INTERNAL_SERVER_ERROR"), "\(codes)")
        let overlap = try await f.h.sql("""
            SELECT count(*) AS n FROM appointments a JOIN time_off t ON t.doctor_id = a.doctor_id AND t.during && a.during
             WHERE a.doctor_id = $1 AND a.status IN ('SCHEDULED', 'CONFIRMED')
            """, [.int(Int(doc.doctorID!))])
        XCTAssertEqual(try overlap.first!.int("n"), 0)
    }

    func testNotificationsFollowThePatientsChannels() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let quiet = try await f.patient()
        try await f.h.sql("UPDATE users SET notify_by_email = false, notify_by_sms = false WHERE id = $1", [.int(Int(quiet.id))])
        let smsOnly = try await f.patient()
        try await f.h.sql("UPDATE users SET notify_by_email = false, notify_by_sms = true, phone = '+34600000000' WHERE id = $1", [.int(Int(smsOnly.id))])
        let day = try await f.date(16)
        let a = clinicRawID(await f.book(as: quiet.viewer, doctor: doc, date: day, time: "09:00").at("data.bookAppointment.id")?.stringValue)
        let b = clinicRawID(await f.book(as: smsOnly.viewer, doctor: doc, date: day, time: "09:30").at("data.bookAppointment.id")?.stringValue)
        let none = try await f.h.sql("SELECT count(*) AS n FROM notifications WHERE appointment_id = $1", [.int(Int(a))])
        XCTAssertEqual(try none.first!.int("n"), 0)
        let sms = try await f.h.sql("SELECT channel, recipient FROM notifications WHERE appointment_id = $1", [.int(Int(b))])
        XCTAssertEqual(sms.count, 3, "the confirmation and reminders 24 h and 2 h before")
        XCTAssertEqual(try Set(sms.rows.map { try $0.string("channel") }), ["SMS"])
        XCTAssertEqual(try sms.first!.string("recipient"), "+34600000000")
    }
}
