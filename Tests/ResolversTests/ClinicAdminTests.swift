// Doctor administration and settings: createDoctor, updateDoctor,
// setWorkingHours, addTimeOff, updateSystemSettings.
import ClinicDomain
import Foundation
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class ClinicAdminTests: XCTestCase {
    func fixture() async throws -> ClinicFixture {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        return try await ClinicFixture.make(h)
    }

    func testCreateDoctorWithANewOrAnExistingUser() async throws {
        let f = try await fixture()
        let created = await f.h.graphql("""
            mutation { createDoctor(input: {email: "New.Doc@Example.test", password: "a long enough passphrase here", firstName: "Nora",
              lastName: "Vega", licenseNumber: "LIC-NEW-1", specialization: "Oncology", experienceYears: 12, consultationFee: "80.50"}) {
              id specialization consultationFee isAvailable user { fullName email } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(created.clinicCodes, [], "\(created)")
        XCTAssertEqual(created.at("data.createDoctor.user.fullName")?.stringValue, "Nora Vega")
        XCTAssertEqual(created.at("data.createDoctor.user.email")?.stringValue, "new.doc@example.test")
        XCTAssertEqual(created.at("data.createDoctor.consultationFee")?.stringValue, "80.50")
        let existing = try await f.h.createUser(firstName: "Ex", lastName: "Isting")
        let linked = await f.h.graphql("""
            mutation { createDoctor(input: {userId: "\(existing.globalID)", licenseNumber: "LIC-EX-1", specialization: "ENT",
              experienceYears: 3, consultationFee: 40}) { user { id } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(linked.at("data.createDoctor.user.id")?.stringValue, existing.globalID)
        // Twice the same user, the same license, the same email: CONFLICT.
        let again = await f.h.graphql("""
            mutation { createDoctor(input: {userId: "\(existing.globalID)", licenseNumber: "LIC-EX-2", specialization: "ENT",
              experienceYears: 3, consultationFee: 40}) { id } }
            """, as: f.admin.viewer)
        XCTAssertEqual(again.clinicCodes, ["CONFLICT"])
        let other = try await f.h.createUser()
        let license = await f.h.graphql("""
            mutation { createDoctor(input: {userId: "\(other.globalID)", licenseNumber: "LIC-EX-1", specialization: "ENT",
              experienceYears: 3, consultationFee: 40}) { id } }
            """, as: f.admin.viewer)
        XCTAssertEqual(license.clinicCodes, ["CONFLICT"])
        let email = await f.h.graphql("""
            mutation { createDoctor(input: {email: "new.doc@example.test", password: "a long enough passphrase here", firstName: "A",
              lastName: "B", licenseNumber: "LIC-NEW-2", specialization: "Oncology", experienceYears: 1, consultationFee: 1}) { id } }
            """, as: f.admin.viewer)
        XCTAssertEqual(email.clinicCodes, ["CONFLICT"])
        // Nothing of a refused creation is left behind.
        let users = try await f.h.sql("SELECT count(*) AS n FROM doctors WHERE license_number = 'LIC-NEW-2'")
        XCTAssertEqual(try users.first!.int("n"), 0)
        let bad = await f.h.graphql("""
            mutation { createDoctor(input: {email: "x@example.test", password: "short", firstName: "A", lastName: "B",
              licenseNumber: "LIC-NEW-3", specialization: "Oncology", experienceYears: 1, consultationFee: 1}) { id } }
            """, as: f.admin.viewer)
        XCTAssertEqual(bad.clinicCodes, ["BAD_USER_INPUT"])
        XCTAssertEqual(bad.clinicField, "input.password")
        let noUser = await f.h.graphql("""
            mutation { createDoctor(input: {licenseNumber: "LIC-NEW-4", specialization: "Oncology", experienceYears: 1, consultationFee: 1}) { id } }
            """, as: f.admin.viewer)
        XCTAssertEqual(noUser.clinicCodes, ["BAD_USER_INPUT"])
        clinicEq(await f.h.graphql("""
            mutation { createDoctor(input: {userId: "\(other.globalID)", licenseNumber: "L", specialization: "ENT", experienceYears: 1, consultationFee: 1}) { id } }
            """, as: existing.viewer).clinicCodes, ["FORBIDDEN"])
        let audit = try await f.h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'doctor.create'")
        XCTAssertEqual(try audit.first!.int("n"), 2)
    }

    func testUpdateDoctorChangesOnlyTheGivenFields() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let json = await f.h.graphql("""
            mutation { updateDoctor(id: "\(ClinicFixture.doctorID(doc))", input: {bio: "Heart things", isAvailable: false}) {
              bio isAvailable specialization experienceYears } }
            """, as: f.admin.viewer)
        XCTAssertEqual(json.at("data.updateDoctor.bio")?.stringValue, "Heart things")
        XCTAssertEqual(json.at("data.updateDoctor.isAvailable")?.boolValue, false)
        XCTAssertEqual(json.at("data.updateDoctor.specialization")?.stringValue, "Cardiology")
        XCTAssertEqual(json.at("data.updateDoctor.experienceYears")?.intValue, 10)
        let missing = await f.h.graphql("mutation { updateDoctor(id: \"\(GlobalID.encode(type: "Doctor", id: 987_654))\", input: {bio: \"x\"}) { id } }",
                                        as: f.admin.viewer)
        XCTAssertEqual(missing.clinicCodes, ["NOT_FOUND"])
        clinicEq(await f.h.graphql("mutation { updateDoctor(id: \"\(ClinicFixture.doctorID(doc))\", input: {experienceYears: 99}) { id } }",
                                         as: f.admin.viewer).clinicCodes, ["BAD_USER_INPUT"])
        let audit = try await f.h.sql("SELECT details::text AS d FROM audit_log WHERE action = 'doctor.update' AND target_id = $1",
                                      [.text(ClinicFixture.doctorID(doc))])
        XCTAssertTrue(try audit.first!.string("d").contains("isAvailable"))
    }

    func testSetWorkingHoursValidatesAndReplacesTheWeek() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let id = ClinicFixture.doctorID(doc)
        func set(_ hours: String) async -> JSON {
            await f.h.graphql("mutation { setWorkingHours(doctorId: \"\(id)\", hours: [\(hours)]) { workingHours { weekday start end slotMinutes } } }",
                              as: f.admin.viewer)
        }
        let ok = await set("{weekday: 1, start: \"08:00\", end: \"12:00\"}, {weekday: 1, start: \"14:00\", end: \"18:00\", slotMinutes: 20}")
        XCTAssertEqual(ok.clinicCodes, [], "\(ok)")
        XCTAssertEqual(ok.at("data.setWorkingHours.workingHours")?.arrayValue?.count, 2)
        XCTAssertEqual(ok.at("data.setWorkingHours.workingHours.1.slotMinutes")?.intValue, 20)
        let cases: [(String, String)] = [
            ("{weekday: 8, start: \"08:00\", end: \"12:00\"}", "hours.0.weekday"),
            ("{weekday: 1, start: \"12:00\", end: \"08:00\"}", "hours.0.end"),
            ("{weekday: 1, start: \"08:00\", end: \"09:00\", slotMinutes: 25}", "hours.0.slotMinutes"),
            ("{weekday: 2, start: \"08:00\", end: \"12:00\"}, {weekday: 2, start: \"11:00\", end: \"13:00\"}", "hours.1.start"),
        ]
        for (hours, field) in cases {
            let bad = await set(hours)
            XCTAssertEqual(bad.clinicCodes, ["BAD_USER_INPUT"], hours)
            XCTAssertEqual(bad.clinicField, field, hours)
        }
        // A refused week leaves the previous one in place.
        let rows = try await f.h.sql("SELECT count(*) AS n FROM working_hours WHERE doctor_id = $1", [.int(Int(doc.doctorID!))])
        XCTAssertEqual(try rows.first!.int("n"), 2)
        clinicEq(await set("").at("data.setWorkingHours.workingHours")?.arrayValue?.count, 0)
        let audit = try await f.h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'doctor.hours_set' AND target_id = $1", [.text(id)])
        XCTAssertEqual(try audit.first!.int("n"), 2)
    }

    func testTimeOffRemovesSlotsAndRefusesToCoverActiveAppointments() async throws {
        let f = try await fixture()
        try await f.setZone("UTC")
        let doc = try await f.doctor(lastName: "Mora")
        let pat = try await f.patient(firstName: "Ana", lastName: "López")
        let day = try await f.date(5)
        clinicEq(await f.book(as: pat.viewer, doctor: doc, date: day, time: "10:00").clinicCodes, [])
        func timeOff(_ from: String, _ to: String) async -> JSON {
            await f.h.graphql("""
                mutation { addTimeOff(input: {doctorId: "\(ClinicFixture.doctorID(doc))", from: "\(day.iso)T\(from):00Z", to: "\(day.iso)T\(to):00Z",
                  reason: "congress"}) { availableSlots(date: "\(day.iso)") { time } } }
                """, as: f.admin.viewer)
        }
        let clash = await timeOff("09:00", "12:00")
        XCTAssertEqual(clash.clinicCodes, ["CONFLICT"])
        XCTAssertTrue(clash.clinicMessages.first?.contains("\(day.iso) 10:00 (Ana López)") == true, "\(clash.clinicMessages)")
        let ok = await timeOff("13:00", "15:00")
        XCTAssertEqual(ok.clinicCodes, [], "\(ok)")
        let times = ok.at("data.addTimeOff.availableSlots")?.arrayValue?.compactMap { $0["time"]?.stringValue } ?? []
        XCTAssertTrue(times.contains("12:30") && times.contains("15:00"))
        XCTAssertFalse(times.contains("13:00") || times.contains("14:30") || times.contains("10:00"))
        clinicEq(await f.book(as: pat.viewer, doctor: doc, date: day, time: "13:30").clinicCodes, ["CONFLICT"])
        clinicEq(await timeOff("15:00", "14:00").clinicCodes, ["BAD_USER_INPUT"])
        try await f.setZone("America/Mexico_City")
    }

    func testSystemSettingsValidateTheZoneAndTakeEffect() async throws {
        let f = try await fixture()
        let bad = await f.h.graphql("mutation { updateSystemSettings(input: {timeZone: \"Mars/Olympus\"}) { timeZone } }", as: f.superadmin.viewer)
        XCTAssertEqual(bad.clinicCodes, ["BAD_USER_INPUT"])
        XCTAssertEqual(bad.clinicField, "input.timeZone")
        clinicEq(await f.h.graphql("mutation { updateSystemSettings(input: {timeZone: \"EST\"}) { timeZone } }", as: f.superadmin.viewer).clinicCodes,
                       ["BAD_USER_INPUT"])
        clinicEq(await f.h.graphql("mutation { updateSystemSettings(input: {bookingHorizonDays: 0}) { timeZone } }", as: f.superadmin.viewer).clinicCodes,
                       ["BAD_USER_INPUT"])
        // India's current tz database name, which the system's ICU-based list of zones lacks (it has Asia/Calcutta).
        let india = await f.h.graphql("mutation { updateSystemSettings(input: {timeZone: \"Asia/Kolkata\"}) { timeZone } }", as: f.superadmin.viewer)
        XCTAssertEqual(india.at("data.updateSystemSettings.timeZone")?.stringValue, "Asia/Kolkata", "\(india)")
        let ok = await f.h.graphql("""
            mutation { updateSystemSettings(input: {timeZone: "Europe/Madrid", cancellationWindowHours: 48, clinicName: "Clínica Norte"}) {
              timeZone cancellationWindowHours clinicName bookingHorizonDays } }
            """, as: f.superadmin.viewer)
        XCTAssertEqual(ok.clinicCodes, [], "\(ok)")
        XCTAssertEqual(ok.at("data.updateSystemSettings.timeZone")?.stringValue, "Europe/Madrid")
        XCTAssertEqual(ok.at("data.updateSystemSettings.bookingHorizonDays")?.intValue, 90)
        let read = await f.h.graphql("{ systemSettings { timeZone cancellationWindowHours clinicName } }", as: f.superadmin.viewer)
        XCTAssertEqual(read.at("data.systemSettings.cancellationWindowHours")?.intValue, 48)
        XCTAssertEqual(read.at("data.systemSettings.clinicName")?.stringValue, "Clínica Norte")
        let audit = try await f.h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'settings.update' AND details ? 'clinicName'")
        XCTAssertEqual(try audit.first!.int("n"), 1)
        // Madrid's spring-forward (2027-03-28, 02:00 → 03:00) is now the one that counts.
        let doc = try await f.doctor(start: "01:00", end: "04:00", slot: 30)
        let day = LocalDate(year: 2027, month: 3, day: 28)!
        let slots = await f.h.graphql("{ doctor(id: \"\(ClinicFixture.doctorID(doc))\") { availableSlots(date: \"\(day.iso)\") { time startsAt } } }",
                                      as: f.admin.viewer)
        let times = slots.at("data.doctor.availableSlots")?.arrayValue?.compactMap { $0["time"]?.stringValue }
        XCTAssertEqual(times, ["01:00", "01:30", "03:00", "03:30"])
        XCTAssertEqual(slots.at("data.doctor.availableSlots.2.startsAt")?.stringValue, "2027-03-28T01:00:00Z")
        _ = await f.h.graphql("mutation { updateSystemSettings(input: {timeZone: \"America/Mexico_City\", cancellationWindowHours: 24}) { timeZone } }",
                              as: f.superadmin.viewer)
    }

    func testChangingTheReminderLeadTimeMovesPendingReminders() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let pat = try await f.patient()
        let day = try await f.date(10)
        let gid = await f.book(as: pat.viewer, doctor: doc, date: day, time: "10:00").at("data.bookAppointment.id")!.stringValue!
        let changed = await f.h.graphql("mutation { updateSystemSettings(input: {reminderHoursBefore: 2}) { reminderHoursBefore } }",
                                        as: f.superadmin.viewer)
        XCTAssertEqual(changed.at("data.updateSystemSettings.reminderHoursBefore")?.intValue, 2, "\(changed)")
        let r = try await f.h.sql("""
            SELECT bool_and(n.scheduled_at = a.starts_at - interval '2 hours') AS ok FROM notifications n JOIN appointments a ON a.id = n.appointment_id
             WHERE a.id = $1 AND n.kind = 'REMINDER'
            """, [.int(Int(clinicRawID(gid)))])
        XCTAssertEqual(try r.first!.bool("ok"), true)
        // New bookings use the new lead time as well.
        // Another day: one appointment per doctor and day is the most a client can book online.
        let second = await f.book(as: pat.viewer, doctor: doc, date: day.adding(days: 1), time: "15:00").at("data.bookAppointment.id")!.stringValue!
        let r2 = try await f.h.sql("""
            SELECT bool_and(n.scheduled_at = a.starts_at - interval '2 hours') AS ok FROM notifications n JOIN appointments a ON a.id = n.appointment_id
             WHERE a.id = $1 AND n.kind = 'REMINDER'
            """, [.int(Int(clinicRawID(second)))])
        XCTAssertEqual(try r2.first!.bool("ok"), true)
        _ = await f.h.graphql("mutation { updateSystemSettings(input: {reminderHoursBefore: 24}) { reminderHoursBefore } }", as: f.superadmin.viewer)
    }
}
