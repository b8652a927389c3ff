// The doctor's working day (issue #16) through the API against PostgreSQL:
// closing their own started visits, clinical notes, their own time off,
// time off edited and removed by staff, clinic-wide closures, the licence.
// Data is made by each test: started visits yesterday, free days ahead.
import ClinicDomain
import Foundation
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class ClinicDoctorDayTests: XCTestCase {
    struct World {
        let f: ClinicFixture
        let data: AdminData
        let docA: HarnessUser
        let docB: HarnessUser
        let pat: HarnessUser
    }

    func world(_ suffix: String) async throws -> World {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let f = try await ClinicFixture.make(h)
        return World(f: f, data: AdminData(h: h), docA: try await f.doctor(lastName: "Alba\(suffix)"),
                     docB: try await f.doctor(lastName: "Bravo\(suffix)"), pat: try await f.patient(firstName: "Paz", lastName: "Rey\(suffix)"))
    }

    func gid(_ id: Int64) -> String { ClinicFixture.appointmentID(id) }

    /// An RFC 3339 instant for a clinic-local date and time.
    func at(_ f: ClinicFixture, _ date: LocalDate, _ time: String) async throws -> String {
        try await f.zone().instant(date: date, time: LocalTime(iso: time)!)!.rfc3339
    }

    func testDoctorsCloseTheirOwnStartedVisitsOnly() async throws {
        let w = try await world("Outcome")
        let yesterday = try await w.f.date(-1)
        let ahead = try await w.f.date(3)
        let started = try await w.data.appointment(doctor: w.docA, patient: w.pat, date: yesterday, time: "10:00", status: "SCHEDULED")
        let second = try await w.data.appointment(doctor: w.docA, patient: w.pat, date: yesterday, time: "11:00", status: "CONFIRMED")
        let others = try await w.data.appointment(doctor: w.docB, patient: w.pat, date: yesterday, time: "12:00", status: "SCHEDULED")
        let future = try await w.data.appointment(doctor: w.docA, patient: w.pat, date: ahead, time: "10:00", status: "SCHEDULED")
        func close(_ id: Int64, _ outcome: String, as viewer: Viewer) async -> JSON {
            await w.f.h.graphql("mutation { recordVisitOutcome(id: \"\(gid(id))\", outcome: \(outcome)) { id status } }", as: viewer)
        }
        // A SCHEDULED visit that has started closes directly (most are never confirmed).
        let done = await close(started, "COMPLETED", as: w.docA.viewer)
        XCTAssertEqual(done.clinicCodes, [], "\(done)")
        XCTAssertEqual(done.at("data.recordVisitOutcome.status")?.stringValue, "COMPLETED")
        clinicEq(await close(second, "NO_SHOW", as: w.docA.viewer).at("data.recordVisitOutcome.status")?.stringValue, "NO_SHOW")
        // Final statuses stay final; a visit that has not started cannot be closed.
        clinicEq(await close(started, "NO_SHOW", as: w.docA.viewer).clinicCodes, ["CONFLICT"])
        let early = await close(future, "COMPLETED", as: w.docA.viewer)
        XCTAssertEqual(early.clinicCodes, ["CONFLICT"])
        XCTAssertTrue(early.clinicMessages.first?.contains("once it has started") == true, "\(early)")
        // Another doctor's visit is not theirs to know about; the patient and staff are refused.
        clinicEq(await close(others, "COMPLETED", as: w.docA.viewer).clinicCodes, ["NOT_FOUND"])
        clinicEq(await close(others, "COMPLETED", as: w.pat.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await close(others, "COMPLETED", as: w.f.admin.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await close(others, "CANCELLED", as: w.docB.viewer).clinicCodes, ["GRAPHQL_VALIDATION_FAILED"])
        let status = try await w.f.h.sql("SELECT status FROM appointments WHERE id = $1", [.int(Int(others))]).first!.string("status")
        XCTAssertEqual(status, "SCHEDULED")
        let audit = try await w.f.h.sql("""
            SELECT details->>'to' AS t FROM audit_log WHERE action = 'appointment.status_change' AND target_id = $1 AND actor_id = $2
            """, [.text(gid(started)), .int(Int(w.docA.id))])
        XCTAssertEqual(try audit.rows.map { try $0.string("t") }, ["COMPLETED"])
        // Staff still close visits with setAppointmentStatus, through the same rule.
        let staff = await w.f.h.graphql("mutation { setAppointmentStatus(id: \"\(gid(others))\", status: COMPLETED) { status } }",
                                        as: w.f.admin.viewer)
        XCTAssertEqual(staff.at("data.setAppointmentStatus.status")?.stringValue, "COMPLETED", "\(staff)")
    }

    func testClinicalNotesAreTheTreatingDoctorsAndNeverThePatients() async throws {
        let w = try await world("Notes")
        let yesterday = try await w.f.date(-1)
        let visit = try await w.data.appointment(doctor: w.docA, patient: w.pat, date: yesterday, time: "09:00", status: "COMPLETED")
        let cancelled = try await w.data.appointment(doctor: w.docA, patient: w.pat, date: yesterday, time: "09:30", status: "CANCELLED")
        func write(_ id: Int64, _ text: String, as viewer: Viewer) async -> JSON {
            await w.f.h.graphql("mutation($t: String!) { setClinicalNotes(id: \"\(gid(id))\", notes: $t) { clinicalNotes } }",
                                variables: ["t": .string(text)], as: viewer)
        }
        let written = await write(visit, "BP 120/80; review in 3 months", as: w.docA.viewer)
        XCTAssertEqual(written.at("data.setClinicalNotes.clinicalNotes")?.stringValue, "BP 120/80; review in 3 months", "\(written)")
        let read = "{ appointment(id: \"\(gid(visit))\") { id clinicalNotes } }"
        clinicEq(await w.f.h.graphql(read, as: w.docA.viewer).at("data.appointment.clinicalNotes")?.stringValue, "BP 120/80; review in 3 months")
        clinicEq(await w.f.h.graphql(read, as: w.f.admin.viewer).at("data.appointment.clinicalNotes")?.stringValue, "BP 120/80; review in 3 months")
        // The patient sees their appointment, never its clinical notes.
        let patient = await w.f.h.graphql(read, as: w.pat.viewer)
        XCTAssertEqual(patient.clinicCodes, ["FORBIDDEN"])
        XCTAssertEqual(patient.at("data.appointment.id")?.stringValue, gid(visit))
        XCTAssertEqual(patient.at("data.appointment.clinicalNotes"), .null)
        let list = await w.f.h.graphql("{ appointments(first: 5) { nodes { clinicalNotes } } }", as: w.pat.viewer)
        XCTAssertTrue(list.clinicCodes.allSatisfy { $0 == "FORBIDDEN" } && !list.clinicCodes.isEmpty, "\(list)")
        // Only the treating doctor writes them.
        clinicEq(await write(visit, "x", as: w.docB.viewer).clinicCodes, ["NOT_FOUND"])
        clinicEq(await write(visit, "x", as: w.pat.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await write(visit, "x", as: w.f.admin.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await write(cancelled, "x", as: w.docA.viewer).clinicCodes, ["CONFLICT"])
        let long = await write(visit, String(repeating: "a", count: 10_001), as: w.docA.viewer)
        XCTAssertEqual(long.clinicCodes, ["BAD_USER_INPUT"])
        XCTAssertEqual(long.clinicField, "notes")
        clinicEq(await write(visit, "", as: w.docA.viewer).at("data.setClinicalNotes.clinicalNotes"), .null)
        let audit = try await w.f.h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'appointment.clinical_notes' AND target_id = $1",
                                        [.text(gid(visit))])
        XCTAssertEqual(try audit.first!.int("n"), 2)
    }

    func testDoctorsRequestSeeEditAndRemoveTheirOwnTimeOff() async throws {
        let w = try await world("Away")
        let day = try await w.f.date(6)
        let booked = await w.f.book(as: w.pat.viewer, doctor: w.docA, date: day, time: "10:00")
        XCTAssertEqual(booked.clinicCodes, [], "\(booked)")
        func request(_ from: String, _ to: String, as viewer: Viewer) async throws -> JSON {
            await w.f.h.graphql("""
                mutation { requestTimeOff(input: {from: "\(try await at(w.f, day, from))", to: "\(try await at(w.f, day, to))", reason: "course"}) {
                  id from to reason doctor { id } } }
                """, as: viewer)
        }
        let clash = try await request("09:00", "12:00", as: w.docA.viewer)
        XCTAssertEqual(clash.clinicCodes, ["CONFLICT"])
        XCTAssertTrue(clash.clinicMessages.first?.contains("\(day.iso) 10:00 (Paz ReyAway)") == true, "\(clash)")
        clinicEq(try await request("13:00", "15:00", as: w.pat.viewer).clinicCodes, ["FORBIDDEN"])
        // A period already over is not a request: doctors are refused (staff may record it, below).
        let yesterday = try await w.f.date(-1)
        let past = await w.f.h.graphql("""
            mutation { requestTimeOff(input: {from: "\(try await at(w.f, yesterday, "09:00"))", to: "\(try await at(w.f, yesterday, "11:00"))"}) { id } }
            """, as: w.docA.viewer)
        XCTAssertEqual(past.clinicCodes, ["BAD_USER_INPUT"], "\(past)")
        XCTAssertEqual(past.clinicField, "input.to")
        let ok = try await request("13:00", "15:00", as: w.docA.viewer)
        XCTAssertEqual(ok.clinicCodes, [], "\(ok)")
        XCTAssertEqual(ok.at("data.requestTimeOff.doctor.id")?.stringValue, ClinicFixture.doctorID(w.docA))
        let id = try XCTUnwrap(ok.at("data.requestTimeOff.id")?.stringValue)
        func slots() async -> [String] {
            await w.f.h.graphql("{ availableSlots(doctorId: \"\(ClinicFixture.doctorID(w.docA))\", date: \"\(day.iso)\") { time } }",
                                as: w.pat.viewer).at("data.availableSlots")?.arrayValue?.compactMap { $0["time"]?.stringValue } ?? []
        }
        var free = await slots()
        XCTAssertTrue(free.contains("12:30") && free.contains("15:00") && !free.contains("13:00") && !free.contains("14:30"), "\(free)")
        // The doctor's list holds it; staff see it; other doctors and patients do not.
        let own = await w.f.h.graphql("{ timeOff { totalCount nodes { id reason } } }", as: w.docA.viewer)
        XCTAssertEqual(own.at("data.timeOff.nodes")?.arrayValue?.compactMap { $0["id"]?.stringValue }, [id], "\(own)")
        let staff = await w.f.h.graphql("{ timeOff(doctorId: \"\(ClinicFixture.doctorID(w.docA))\") { totalCount nodes { id } } }",
                                        as: w.f.admin.viewer)
        XCTAssertEqual(staff.at("data.timeOff.totalCount")?.intValue, 1, "\(staff)")
        clinicEq(await w.f.h.graphql("{ timeOff(doctorId: \"\(ClinicFixture.doctorID(w.docA))\") { totalCount } }", as: w.docB.viewer).clinicCodes,
                 ["FORBIDDEN"])
        clinicEq(await w.f.h.graphql("{ timeOff { totalCount } }", as: w.docB.viewer).at("data.timeOff.totalCount")?.intValue, 0)
        clinicEq(await w.f.h.graphql("{ timeOff { totalCount } }", as: w.pat.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await w.f.h.graphql("{ node(id: \"\(id)\") { id } }", as: w.docB.viewer).clinicCodes, ["NOT_FOUND"])
        // Edit: over the appointment is refused; elsewhere it moves the slots.
        func update(_ input: String, as viewer: Viewer) async -> JSON {
            await w.f.h.graphql("mutation { updateTimeOff(id: \"\(id)\", input: {\(input)}) { from to reason } }", as: viewer)
        }
        clinicEq(await update("from: \"\(try await at(w.f, day, "09:30"))\"", as: w.docA.viewer).clinicCodes, ["CONFLICT"])
        clinicEq(await update("reason: \"x\"", as: w.docB.viewer).clinicCodes, ["NOT_FOUND"])
        clinicEq(await update("to: \"\(try await at(w.f, day, "12:00"))\"", as: w.docA.viewer).clinicCodes, ["BAD_USER_INPUT"])
        clinicEq(await update("from: \"\(try await at(w.f, yesterday, "09:00"))\", to: \"\(try await at(w.f, yesterday, "10:00"))\"",
                              as: w.docA.viewer).clinicCodes, ["BAD_USER_INPUT"])
        let moved = await update("from: \"\(try await at(w.f, day, "15:00"))\", to: \"\(try await at(w.f, day, "16:00"))\", reason: null",
                                 as: w.docA.viewer)
        XCTAssertEqual(moved.clinicCodes, [], "\(moved)")
        XCTAssertEqual(moved.at("data.updateTimeOff.reason"), .null)
        free = await slots()
        XCTAssertTrue(free.contains("13:00") && !free.contains("15:00") && !free.contains("15:30") && free.contains("16:00"), "\(free)")
        // Staff remove it; the slots come back; each change is audited.
        clinicEq(await w.f.h.graphql("mutation { removeTimeOff(id: \"\(id)\") }", as: w.docB.viewer).clinicCodes, ["NOT_FOUND"])
        clinicEq(await w.f.h.graphql("mutation { removeTimeOff(id: \"\(id)\") }", as: w.f.admin.viewer).at("data.removeTimeOff"), .bool(true))
        free = await slots()
        XCTAssertTrue(free.contains("15:00"), "\(free)")
        let actions = try await w.f.h.sql("""
            SELECT action FROM audit_log WHERE action LIKE 'doctor.time_off%' AND (target_id = $1 OR target_id = $2) ORDER BY id
            """, [.text(id), .text(ClinicFixture.doctorID(w.docA))]).rows.map { try $0.string("action") }
        XCTAssertEqual(actions, ["doctor.time_off", "doctor.time_off_update", "doctor.time_off_remove"])
        let recorded = await w.f.h.graphql("""
            mutation { addTimeOff(input: {doctorId: "\(ClinicFixture.doctorID(w.docA))", from: "\(try await at(w.f, yesterday, "09:00"))",
                                          to: "\(try await at(w.f, yesterday, "11:00"))"}) { id } }
            """, as: w.f.admin.viewer)
        XCTAssertEqual(recorded.clinicCodes, [], "\(recorded)")
    }

    func testTimeOffListPagesPerDoctor() async throws {
        let w = try await world("Pages")
        let base = try await w.f.date(20)
        var made: [String] = []
        for i in 0..<3 {
            let d = base.adding(days: i)
            let r = await w.f.h.graphql("""
                mutation { addTimeOff(input: {doctorId: "\(ClinicFixture.doctorID(w.docA))", from: "\(try await at(w.f, d, "09:00"))",
                  to: "\(try await at(w.f, d, "10:00"))"}) { id } }
                """, as: w.f.admin.viewer)
            XCTAssertEqual(r.clinicCodes, [], "\(r)")
            made.append(try await at(w.f, d, "09:00"))
        }
        let query = "query($after: String) { timeOff(doctorId: \"\(ClinicFixture.doctorID(w.docA))\", first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { from } } }"
        let one = await w.f.h.graphql(query, as: w.f.admin.viewer)
        XCTAssertEqual(one.at("data.timeOff.totalCount")?.intValue, 3, "\(one)")
        XCTAssertEqual(one.at("data.timeOff.pageInfo.hasNextPage"), .bool(true))
        let cursor = try XCTUnwrap(one.at("data.timeOff.pageInfo.endCursor")?.stringValue)
        let two = await w.f.h.graphql(query, variables: ["after": .string(cursor)], as: w.f.admin.viewer)
        XCTAssertEqual(two.at("data.timeOff.pageInfo.hasNextPage"), .bool(false))
        let froms = ((one.at("data.timeOff.nodes")?.arrayValue ?? []) + (two.at("data.timeOff.nodes")?.arrayValue ?? []))
            .compactMap { $0["from"]?.stringValue }.compactMap { Instant(rfc3339: $0) }
        XCTAssertEqual(froms, made.compactMap { Instant(rfc3339: $0) })
        let later = await w.f.h.graphql("{ timeOff(doctorId: \"\(ClinicFixture.doctorID(w.docA))\", from: \"\(base.adding(days: 1).iso)\") { totalCount } }",
                                        as: w.f.admin.viewer)
        XCTAssertEqual(later.at("data.timeOff.totalCount")?.intValue, 2)
        clinicEq(await w.f.h.graphql("{ timeOff(after: \"nonsense\") { totalCount } }", as: w.f.admin.viewer).clinicCodes, ["BAD_USER_INPUT"])
    }

    func testClosuresBlockEveryDoctorAndRefuseActiveAppointments() async throws {
        let w = try await world("Closed")
        let busyDay = try await w.f.date(8)
        let holiday = try await w.f.date(9)
        let other = try await w.f.date(11)
        clinicEq(await w.f.book(as: w.pat.viewer, doctor: w.docB, date: busyDay, time: "11:00").clinicCodes, [])
        func create(_ first: LocalDate, _ last: LocalDate?, as viewer: Viewer) async -> JSON {
            let l = last.map { ", lastDay: \"\($0.iso)\"" } ?? ""
            return await w.f.h.graphql("mutation { createClosure(input: {firstDay: \"\(first.iso)\"\(l), reason: \"Holiday\"}) { id firstDay lastDay reason } }",
                                       as: viewer)
        }
        let clash = await create(busyDay, holiday, as: w.f.admin.viewer)
        XCTAssertEqual(clash.clinicCodes, ["CONFLICT"])
        XCTAssertTrue(clash.clinicMessages.first?.contains("\(busyDay.iso) 11:00 (Paz ReyClosed, Dr. BravoClosed)") == true, "\(clash)")
        clinicEq(await create(holiday, nil, as: w.docA.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await create(holiday, busyDay, as: w.f.admin.viewer).clinicField, "input.lastDay")
        let made = await create(holiday, nil, as: w.f.superadmin.viewer)
        XCTAssertEqual(made.clinicCodes, [], "\(made)")
        XCTAssertEqual(made.at("data.createClosure.lastDay")?.stringValue, holiday.iso)
        let id = try XCTUnwrap(made.at("data.createClosure.id")?.stringValue)
        func free(_ doctor: HarnessUser, _ day: LocalDate) async -> Int {
            await w.f.h.graphql("{ availableSlots(doctorId: \"\(ClinicFixture.doctorID(doctor))\", date: \"\(day.iso)\") { time } }",
                                as: w.pat.viewer).at("data.availableSlots")?.arrayValue?.count ?? -1
        }
        clinicEq(await free(w.docA, holiday), 0)
        clinicEq(await free(w.docB, holiday), 0)
        clinicTrue(await free(w.docA, other) > 0)
        let booking = await w.f.book(as: w.pat.viewer, doctor: w.docA, date: holiday, time: "10:00")
        XCTAssertEqual(booking.clinicCodes, ["CONFLICT"])
        XCTAssertTrue(booking.clinicMessages.first?.contains("closed") == true, "\(booking)")
        let schedule = await w.f.h.graphql("""
            { doctor(id: "\(ClinicFixture.doctorID(w.docA))") { schedule(from: "\(holiday.iso)", to: "\(other.iso)") { date slots { state available } } } }
            """, as: w.pat.viewer)
        let days = schedule.at("data.doctor.schedule")?.arrayValue ?? []
        XCTAssertEqual(Set(days.first?["slots"]?.arrayValue?.compactMap { $0["state"]?.stringValue } ?? []), ["CLOSED"], "\(schedule)")
        XCTAssertTrue(days.last?["slots"]?.arrayValue?.contains { $0["state"]?.stringValue == "FREE" } == true)
        // Listed, moved, refused over the busy day, removed; all audited.
        let list = await w.f.h.graphql("{ closures(from: \"\(holiday.iso)\") { totalCount nodes { id reason } } }", as: w.f.admin.viewer)
        XCTAssertTrue(list.at("data.closures.nodes")?.arrayValue?.contains { $0["id"]?.stringValue == id } == true, "\(list)")
        clinicEq(await w.f.h.graphql("{ closures { totalCount } }", as: w.docA.viewer).clinicCodes, ["FORBIDDEN"])
        clinicEq(await w.f.h.graphql("mutation { updateClosure(id: \"\(id)\", input: {firstDay: \"\(busyDay.iso)\"}) { id } }",
                                     as: w.f.admin.viewer).clinicCodes, ["CONFLICT"])
        let moved = await w.f.h.graphql("""
            mutation { updateClosure(id: "\(id)", input: {firstDay: "\(other.iso)", lastDay: "\(other.iso)", reason: "Founders' day"}) { firstDay reason } }
            """, as: w.f.admin.viewer)
        XCTAssertEqual(moved.at("data.updateClosure.reason")?.stringValue, "Founders' day", "\(moved)")
        clinicTrue(await free(w.docA, holiday) > 0)
        clinicEq(await free(w.docB, other), 0)
        clinicEq(await w.f.h.graphql("mutation { removeClosure(id: \"\(id)\") }", as: w.f.admin.viewer).at("data.removeClosure"), .bool(true))
        clinicTrue(await free(w.docB, other) > 0)
        clinicEq(await w.f.h.graphql("mutation { removeClosure(id: \"\(id)\") }", as: w.f.admin.viewer).clinicCodes, ["NOT_FOUND"])
        let actions = try await w.f.h.sql("SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id", [.text(id)])
            .rows.map { try $0.string("action") }
        XCTAssertEqual(actions, ["closure.create", "closure.update", "closure.remove"])
    }

    func testUpdateDoctorChangesTheLicence() async throws {
        let w = try await world("Licence")
        func update(_ doctor: HarnessUser, _ licence: String) async -> JSON {
            await w.f.h.graphql("mutation { updateDoctor(id: \"\(ClinicFixture.doctorID(doctor))\", input: {licenseNumber: \"\(licence)\"}) { licenseNumber } }",
                                as: w.f.admin.viewer)
        }
        let licence = "LIC-\(w.docA.id)-NEW"
        clinicEq(await update(w.docA, " \(licence) ").at("data.updateDoctor.licenseNumber")?.stringValue, licence)
        clinicEq(await update(w.docB, licence).clinicCodes, ["CONFLICT"])
        clinicEq(await update(w.docB, "  ").clinicField, "input.licenseNumber")
    }
}
