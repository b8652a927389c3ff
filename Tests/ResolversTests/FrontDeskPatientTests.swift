// Issue #16, patients at the front desk, through the API against PostgreSQL:
// staff register a patient without email (no login until claimed through a
// reset link), duplicates by phone + date of birth are CONFLICT, staff edit a
// patient (audited), find patients by name, email or phone with paging, read
// the no-show count and the ADMIN-only notes; the cancellation reason as a
// field, in the CSV and in the report; users.locale settable; the clinic's
// time zone readable by staff.
import ClinicDomain
import Foundation
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class FrontDeskPatientTests: XCTestCase {
    func fixture() async throws -> ClinicFixture {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        return try await ClinicFixture.make(h)
    }

    static let patientFields = "id dateOfBirth notes noShowCount user { id fullName email phone hasLogin locale }"

    func register(_ f: ClinicFixture, _ input: String, as viewer: Viewer? = nil) async -> JSON {
        await f.h.graphql("mutation { registerPatient(input: {\(input)}) { \(Self.patientFields) } }", as: viewer ?? f.admin.viewer)
    }

    func testStaffRegisterAPatientWithoutEmailWhoClaimsTheAccountLater() async throws {
        let f = try await fixture()
        let r = await register(f, #"firstName: "Rosa", lastName: "Caller", phone: "+52 55 7001 0001", dateOfBirth: "1980-04-02", notes: "prefers mornings""#)
        XCTAssertEqual(r.clinicCodes, [], "\(r)")
        let patientID = try XCTUnwrap(r.at("data.registerPatient.id")?.stringValue)
        let userID = try XCTUnwrap(r.at("data.registerPatient.user.id")?.stringValue)
        XCTAssertEqual(r.at("data.registerPatient.user.fullName")?.stringValue, "Rosa Caller")
        XCTAssertEqual(r.at("data.registerPatient.user.email")?.isNull, true, "\(r)")
        XCTAssertEqual(r.at("data.registerPatient.user.hasLogin")?.boolValue, false)
        XCTAssertEqual(r.at("data.registerPatient.user.locale")?.stringValue, "es")
        XCTAssertEqual(r.at("data.registerPatient.dateOfBirth")?.stringValue, "1980-04-02")
        XCTAssertEqual(r.at("data.registerPatient.notes")?.stringValue, "prefers mornings")
        XCTAssertEqual(r.at("data.registerPatient.noShowCount")?.intValue, 0)
        let audit = try await f.h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'patient.register' AND target_id = $1", [.text(patientID)])
        XCTAssertEqual(try audit.first!.int("n"), 1)

        // Staff book for them right away.
        let doctor = try await f.doctor(lastName: "Desk")
        let date = try await f.date(12)
        let booked = await f.h.graphql("""
            mutation { bookAppointment(input: {doctorId: "\(ClinicFixture.doctorID(doctor))", date: "\(date.iso)", time: "10:00",
              reason: "phone call", patientId: "\(patientID)"}) { id status } }
            """, as: f.admin.viewer)
        XCTAssertEqual(booked.at("data.bookAppointment.status")?.stringValue, "SCHEDULED", "\(booked)")

        // Staff set an email; the reset link gives the patient a password; they sign in.
        let claim = await f.h.graphql("""
            mutation { updatePatient(id: "\(patientID)", input: {email: "Rosa.Caller@Example.test"}) { user { email hasLogin } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(claim.at("data.updatePatient.user.email")?.stringValue, "rosa.caller@example.test", "\(claim)")
        XCTAssertEqual(claim.at("data.updatePatient.user.hasLogin")?.boolValue, false, "an email alone is no password")
        let ask = await f.h.graphql(#"mutation { requestPasswordReset(email: "rosa.caller@example.test") }"#)
        XCTAssertEqual(ask.at("data.requestPasswordReset")?.boolValue, true)
        let token = try await f.h.pendingResetToken(for: clinicRawID(userID))
        let reset = await f.h.graphql("mutation($t: String!) { resetPassword(token: $t, newPassword: \"rosa's own long passphrase\") }",
                                      variables: ["t": .string(token)])
        XCTAssertEqual(reset.at("data.resetPassword")?.boolValue, true, "\(reset)")
        let login = await f.h.graphql(#"mutation { login(email: "rosa.caller@example.test", password: "rosa's own long passphrase") { user { hasLogin patient { id } } } }"#)
        XCTAssertEqual(login.at("data.login.user.patient.id")?.stringValue, patientID, "\(login)")
        XCTAssertEqual(login.at("data.login.user.hasLogin")?.boolValue, true)
    }

    func testDuplicatesAndBadInputAndWhoMayRegister() async throws {
        let f = try await fixture()
        let first = await register(f, #"firstName: "Dup", lastName: "One", phone: "+52 55 7002 0002", dateOfBirth: "1975-01-30""#)
        XCTAssertEqual(first.clinicCodes, [], "\(first)")
        // The same digits typed differently, the same date of birth: CONFLICT.
        let again = await register(f, #"firstName: "Other", lastName: "Name", phone: "+52 (55) 7002-0002", dateOfBirth: "1975-01-30""#)
        XCTAssertEqual(again.clinicCodes, ["CONFLICT"], "\(again)")
        XCTAssertTrue(again.clinicMessages.first?.contains("phone number and date of birth") == true, "\(again)")
        // Another date of birth (a twin's phone): fine.
        let twin = await register(f, #"firstName: "Twin", lastName: "One", phone: "+52 55 7002 0002", dateOfBirth: "1975-01-31""#)
        XCTAssertEqual(twin.clinicCodes, [], "\(twin)")
        // An email already taken: CONFLICT.
        let patient = try await f.patient()
        let taken = await register(f, "firstName: \"E\", lastName: \"Mail\", phone: \"+52 55 7002 0003\", dateOfBirth: \"1990-01-01\", email: \"\(patient.email)\"")
        XCTAssertEqual(taken.clinicCodes, ["CONFLICT"], "\(taken)")
        // Bad input names the field.
        let badPhone = await register(f, #"firstName: "B", lastName: "P", phone: "12", dateOfBirth: "1990-01-01""#)
        XCTAssertEqual(badPhone.clinicCodes, ["BAD_USER_INPUT"]); XCTAssertEqual(badPhone.clinicField, "input.phone")
        let badEmail = await register(f, #"firstName: "B", lastName: "E", phone: "+52 55 7002 0004", dateOfBirth: "1990-01-01", email: "nope""#)
        XCTAssertEqual(badEmail.clinicCodes, ["BAD_USER_INPUT"]); XCTAssertEqual(badEmail.clinicField, "input.email")
        let future = await register(f, #"firstName: "B", lastName: "F", phone: "+52 55 7002 0005", dateOfBirth: "2999-01-01""#)
        XCTAssertEqual(future.clinicCodes, ["BAD_USER_INPUT"])
        let badLocale = await register(f, #"firstName: "B", lastName: "L", phone: "+52 55 7002 0006", dateOfBirth: "1990-01-01", locale: "fr""#)
        XCTAssertEqual(badLocale.clinicCodes, ["BAD_USER_INPUT"]); XCTAssertEqual(badLocale.clinicField, "input.locale")
        // Clients may not register others.
        let asClient = await register(f, #"firstName: "C", lastName: "L", phone: "+52 55 7002 0007", dateOfBirth: "1990-01-01""#, as: patient.viewer)
        XCTAssertEqual(asClient.clinicCodes, ["FORBIDDEN"])
        let count = try await f.h.sql("SELECT count(*) AS n FROM users WHERE phone LIKE '+52 55 7002%' OR phone LIKE '+52 (55) 7002%'")
        XCTAssertEqual(try count.first!.int("n"), 2, "only the first and the twin exist")
    }

    func testStaffEditAPatientAuditedAndNotesAreStaffOnly() async throws {
        let f = try await fixture()
        let created = await register(f, #"firstName: "Edit", lastName: "Me", phone: "+52 55 7003 0001", dateOfBirth: "1985-06-07""#)
        let patientID = try XCTUnwrap(created.at("data.registerPatient.id")?.stringValue)
        let edit = await f.h.graphql("""
            mutation { updatePatient(id: "\(patientID)", input: {firstName: "Edited", phone: "+52 55 7003 0009", dateOfBirth: "1985-06-08",
              email: "edited@example.test", notes: "calls back after 5pm", allergies: "latex", locale: "en"}) {
              dateOfBirth notes allergies user { fullName phone email locale } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(edit.clinicCodes, [], "\(edit)")
        XCTAssertEqual(edit.at("data.updatePatient.user.fullName")?.stringValue, "Edited Me")
        XCTAssertEqual(edit.at("data.updatePatient.user.phone")?.stringValue, "+52 55 7003 0009")
        XCTAssertEqual(edit.at("data.updatePatient.user.email")?.stringValue, "edited@example.test")
        XCTAssertEqual(edit.at("data.updatePatient.user.locale")?.stringValue, "en")
        XCTAssertEqual(edit.at("data.updatePatient.dateOfBirth")?.stringValue, "1985-06-08")
        XCTAssertEqual(edit.at("data.updatePatient.notes")?.stringValue, "calls back after 5pm")
        XCTAssertEqual(edit.at("data.updatePatient.allergies")?.stringValue, "latex")
        let audit = try await f.h.sql("SELECT details::text AS d FROM audit_log WHERE action = 'patient.update' AND target_id = $1 AND actor_id = $2",
                                      [.text(patientID), .int(Int(f.admin.id))])
        XCTAssertEqual(audit.rows.count, 1)
        let details = try audit.first!.string("d")
        XCTAssertTrue(details.contains("notes"), details)

        // Onto another patient's phone and date of birth: CONFLICT, nothing changed.
        let other = await register(f, #"firstName: "Other", lastName: "Person", phone: "+52 55 7003 0002", dateOfBirth: "1970-02-02""#)
        XCTAssertEqual(other.clinicCodes, [])
        let clash = await f.h.graphql("""
            mutation { updatePatient(id: "\(patientID)", input: {phone: "+52 55 7003 0002", dateOfBirth: "1970-02-02"}) { id } }
            """, as: f.admin.viewer)
        XCTAssertEqual(clash.clinicCodes, ["CONFLICT"], "\(clash)")
        let existing = try await f.patient()
        let takenEmail = await f.h.graphql("mutation { updatePatient(id: \"\(patientID)\", input: {email: \"\(existing.email)\"}) { id } }", as: f.admin.viewer)
        XCTAssertEqual(takenEmail.clinicCodes, ["CONFLICT"], "\(takenEmail)")
        let noEmail = await f.h.graphql("mutation { updatePatient(id: \"\(patientID)\", input: {email: null}) { id } }", as: f.admin.viewer)
        XCTAssertEqual(noEmail.clinicCodes, ["BAD_USER_INPUT"], "\(noEmail)")
        let unknown = await f.h.graphql("mutation { updatePatient(id: \"\(GlobalID.encode(type: "Patient", id: 999_999))\", input: {notes: \"x\"}) { id } }",
                                        as: f.admin.viewer)
        XCTAssertEqual(unknown.clinicCodes, ["NOT_FOUND"])
        // A client cannot edit through it, not even themselves; nor read the notes.
        let selfEdit = await f.h.graphql("mutation { updatePatient(id: \"\(ClinicFixture.patientID(existing))\", input: {notes: \"x\"}) { id } }",
                                         as: existing.viewer)
        XCTAssertEqual(selfEdit.clinicCodes, ["FORBIDDEN"])
        let ownNotes = await f.h.graphql("{ me { patient { id notes noShowCount } } }", as: existing.viewer)
        XCTAssertEqual(ownNotes.clinicCodes, ["FORBIDDEN"], "\(ownNotes)")
        XCTAssertEqual(ownNotes.at("data.me.patient.notes")?.isNull, true)
        XCTAssertEqual(ownNotes.at("data.me.patient.noShowCount")?.intValue, 0)
    }

    func testFindPatientsByNamePhoneOrEmailWithPaging() async throws {
        let f = try await fixture()
        for (i, phone) in ["+52 55 7104 1111", "+52 (55) 7104-2222", "+1 555 7104 3333"].enumerated() {
            let r = await register(f, "firstName: \"Zebulon\", lastName: \"Finder\(i)\", phone: \"\(phone)\", dateOfBirth: \"1960-0\(i + 1)-01\"")
            XCTAssertEqual(r.clinicCodes, [], "\(r)")
        }
        func search(_ text: String, first: Int = 20, after: String? = nil) async -> JSON {
            var vars: [String: JSON] = ["s": .string(text), "n": .int(first)]
            if let after { vars["a"] = .string(after) }
            return await f.h.graphql("""
                query($s: String, $n: Int, $a: String) { patients(search: $s, first: $n, after: $a) {
                  totalCount pageInfo { hasNextPage endCursor } nodes { user { fullName phone } } } }
                """, variables: vars, as: f.admin.viewer)
        }
        func names(_ r: JSON) -> [String] { (r.at("data.patients.nodes")?.arrayValue ?? []).compactMap { $0.at("user.fullName")?.stringValue } }
        // By name, for patients without email (the 0012 index expression was NULL for them).
        let byName = await search("zebulon fin")
        XCTAssertEqual(names(byName), ["Zebulon Finder0", "Zebulon Finder1", "Zebulon Finder2"], "\(byName)")
        // By phone, whatever the spacing on either side.
        let spaced = await search("7104 2222")
        XCTAssertEqual(names(spaced), ["Zebulon Finder1"])
        let bracketed = await search("(55) 71041111")
        XCTAssertEqual(names(bracketed), ["Zebulon Finder0"])
        let fragment = await search("7104")
        XCTAssertEqual(names(fragment), ["Zebulon Finder0", "Zebulon Finder1", "Zebulon Finder2"])
        let across = await search("55 7")
        XCTAssertEqual(names(across).filter { $0.hasPrefix("Zebulon") }.count, 3, "digits across the separators")
        // By email.
        let withEmail = try await f.patient(firstName: "Mailo")
        let byEmail = await search(String(withEmail.email.prefix(8)))
        XCTAssertTrue(names(byEmail).contains { $0.hasPrefix("Mailo") }, "\(byEmail)")
        // Paging: two, then the rest.
        let page1 = await search("zebulon", first: 2)
        XCTAssertEqual(page1.at("data.patients.totalCount")?.intValue, 3)
        XCTAssertEqual(page1.at("data.patients.pageInfo.hasNextPage")?.boolValue, true)
        let page2 = await search("zebulon", first: 2, after: page1.at("data.patients.pageInfo.endCursor")?.stringValue)
        XCTAssertEqual(names(page1) + names(page2), ["Zebulon Finder0", "Zebulon Finder1", "Zebulon Finder2"])
        XCTAssertEqual(page2.at("data.patients.pageInfo.hasNextPage")?.boolValue, false)
        // A search that is no phone never matches digits: "a1" is a name fragment only.
        let nameWithDigit = await search("Finder1")
        XCTAssertEqual(names(nameWithDigit), ["Zebulon Finder1"])
    }

    func testNoShowCountAndCancellationReasonEverywhere() async throws {
        let f = try await fixture()
        let doctor = try await f.doctor(lastName: "Reasons")
        let patient = try await f.patient(firstName: "Cancel")
        let other = try await f.patient(firstName: "Stranger")
        for days in [1, 2] {
            _ = try await f.h.createAppointment(patientID: patient.patientID!, doctorID: doctor.doctorID!, daysFromNow: -days - 40, status: "NO_SHOW")
        }
        let date = try await f.date(15)
        let booked = await f.book(as: patient.viewer, doctor: doctor, date: date, time: "11:00")
        let id = try XCTUnwrap(booked.at("data.bookAppointment.id")?.stringValue, "\(booked)")
        let cancelled = await f.h.graphql("mutation { cancelAppointment(id: \"\(id)\", reason: \"  Se mudó de ciudad \") { status cancellationReason } }",
                                          as: patient.viewer)
        XCTAssertEqual(cancelled.at("data.cancelAppointment.cancellationReason")?.stringValue, "  Se mudó de ciudad ", "\(cancelled)")
        // A second one cancelled by staff with the same reason, a third without one.
        for (time, reason) in [("12:00", "\"Se mudó de ciudad\""), ("13:00", "null")] {
            let b = await f.book(as: f.admin.viewer, doctor: doctor, date: date, time: time, patient: patient)
            let bid = try XCTUnwrap(b.at("data.bookAppointment.id")?.stringValue, "\(b)")
            let c = await f.h.graphql("mutation { cancelAppointment(id: \"\(bid)\", reason: \(reason)) { status } }", as: f.admin.viewer)
            XCTAssertEqual(c.at("data.cancelAppointment.status")?.stringValue, "CANCELLED", "\(c)")
        }
        let q = "query($id: ID!) { appointment(id: $id) { status cancellationReason } }"
        let asStaff = await f.h.graphql(q, variables: ["id": .string(id)], as: f.admin.viewer)
        XCTAssertEqual(asStaff.at("data.appointment.cancellationReason")?.stringValue, "  Se mudó de ciudad ")
        let asPatient = await f.h.graphql(q, variables: ["id": .string(id)], as: patient.viewer)
        XCTAssertEqual(asPatient.at("data.appointment.cancellationReason")?.stringValue, "  Se mudó de ciudad ")
        // The treating doctor reads the appointment but not why it was cancelled.
        let asDoctor = await f.h.graphql(q, variables: ["id": .string(id)], as: doctor.viewer)
        XCTAssertEqual(asDoctor.at("data.appointment.status")?.stringValue, "CANCELLED", "\(asDoctor)")
        XCTAssertEqual(asDoctor.clinicCodes, ["FORBIDDEN"], "\(asDoctor)")
        let asStranger = await f.h.graphql(q, variables: ["id": .string(id)], as: other.viewer)
        XCTAssertEqual(asStranger.clinicCodes, ["NOT_FOUND"])

        let page = await f.h.graphql("{ patient(id: \"\(ClinicFixture.patientID(patient))\") { noShowCount } }", as: f.admin.viewer)
        XCTAssertEqual(page.at("data.patient.noShowCount")?.intValue, 2, "\(page)")

        let export = await f.h.graphql("""
            { exportAppointments(filter: {patientId: "\(ClinicFixture.patientID(patient))", from: "\(date.iso)", to: "\(date.iso)"}) }
            """, as: f.admin.viewer)
        let csv = try XCTUnwrap(export.at("data.exportAppointments")?.stringValue, "\(export)")
        let lines = csv.split(separator: "\r\n").map(String.init)
        XCTAssertTrue(lines[0].hasSuffix(",createdAt,cancellationReason"), lines[0])
        XCTAssertEqual(lines.count, 4, csv)
        XCTAssertTrue(lines[1].hasSuffix(",  Se mudó de ciudad "), lines[1])

        let report = await f.h.graphql("""
            { report(from: "\(date.iso)", to: "\(date.iso)") { cancellationsByReason { reason count } } }
            """, as: f.admin.viewer)
        let groups = (report.at("data.report.cancellationsByReason")?.arrayValue ?? []).map {
            "\($0.at("reason")?.stringValue ?? "?")=\($0.at("count")?.intValue ?? -1)"
        }
        XCTAssertEqual(groups, ["Se mudó de ciudad=2", "=1"], "\(report)")
    }

    func testLocaleIsSetAtRegistrationAndInTheProfileAndDecidesTheEmailLanguage() async throws {
        let f = try await fixture()
        let r = await f.h.graphql("""
            mutation { register(input: {email: "english.speaker@example.test", password: "a long english passphrase", firstName: "Eng",
              lastName: "Lish", dateOfBirth: "1990-03-03", gender: OTHER, address: "", emergencyContact: "", emergencyPhone: "555 123 4567",
              locale: "en"}) { user { locale } } }
            """)
        XCTAssertEqual(r.at("data.register.user.locale")?.stringValue, "en", "\(r)")
        let bad = await f.h.graphql("""
            mutation { register(input: {email: "x.speaker@example.test", password: "a long english passphrase", firstName: "X",
              lastName: "Y", dateOfBirth: "1990-03-03", gender: OTHER, address: "", emergencyContact: "", emergencyPhone: "555 123 4567",
              locale: "xx"}) { user { locale } } }
            """)
        XCTAssertEqual(bad.clinicCodes, ["BAD_USER_INPUT"], "\(bad)")

        let patient = try await f.patient(firstName: "Bilingual")
        let doctor = try await f.doctor(lastName: "Idioma")
        let toEnglish = await f.h.graphql(#"mutation { updateProfile(input: {locale: "en"}) { locale } }"#, as: patient.viewer)
        XCTAssertEqual(toEnglish.at("data.updateProfile.locale")?.stringValue, "en", "\(toEnglish)")
        let wrong = await f.h.graphql(#"mutation { updateProfile(input: {locale: "EN-us"}) { locale } }"#, as: patient.viewer)
        XCTAssertEqual(wrong.clinicCodes, ["BAD_USER_INPUT"])
        XCTAssertEqual(wrong.clinicField, "input.locale")
        let day = try await f.date(16)
        let booked = await f.book(as: patient.viewer, doctor: doctor, date: day, time: "09:30")
        XCTAssertEqual(booked.clinicCodes, [], "\(booked)")
        let subject = try await f.h.sql("""
            SELECT subject FROM notifications WHERE user_id = $1 AND kind = 'BOOKING_CONFIRMATION' AND channel = 'EMAIL'
            """, [.int(Int(patient.id))])
        XCTAssertEqual(try subject.first?.string("subject"), "Appointment booked – Dr. Idioma")
        let me = await f.h.graphql("{ me { locale } }", as: patient.viewer)
        XCTAssertEqual(me.at("data.me.locale")?.stringValue, "en")
    }

    func testStaffAndVisitorsReadTheClinicTimeZone() async throws {
        let f = try await fixture()
        try await f.setZone("America/Bogota")
        let q = "{ clinic { clinicName timeZone } }"
        for viewer in [f.admin.viewer, nil] {
            let r = await f.h.graphql(q, as: viewer)
            XCTAssertEqual(r.at("data.clinic.timeZone")?.stringValue, "America/Bogota", "\(r)")
        }
        // The settings themselves stay the superadmin's.
        let settings = await f.h.graphql("{ systemSettings { timeZone } }", as: f.admin.viewer)
        XCTAssertEqual(settings.clinicCodes, ["FORBIDDEN"])
    }

    /// Defect of issue #16: users created by staff had no patient profile, so nobody could book for them.
    func testCreateUserWithADateOfBirthGivesACLIENTAPatientProfileStaffBookFor() async throws {
        let f = try await fixture()
        let created = await f.h.graphql("""
            mutation { createUser(input: {email: "made.by.staff@example.test", password: "a long enough staff passphrase", firstName: "Made",
              lastName: "ByStaff", dateOfBirth: "1992-08-09"}) { id role patient { id dateOfBirth } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(created.clinicCodes, [], "\(created)")
        XCTAssertEqual(created.at("data.createUser.patient.dateOfBirth")?.stringValue, "1992-08-09")
        let patientID = try XCTUnwrap(created.at("data.createUser.patient.id")?.stringValue, "\(created)")
        let doctor = try await f.doctor(lastName: "ForMade")
        let date = try await f.date(13)
        let booked = await f.h.graphql("""
            mutation { bookAppointment(input: {doctorId: "\(ClinicFixture.doctorID(doctor))", date: "\(date.iso)", time: "10:30",
              reason: "first visit", patientId: "\(patientID)"}) { status patient { user { fullName } } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(booked.at("data.bookAppointment.patient.user.fullName")?.stringValue, "Made ByStaff", "\(booked)")
        // The patient signs in with the password staff gave and sees it.
        let login = await f.h.graphql(#"mutation { login(email: "made.by.staff@example.test", password: "a long enough staff passphrase") { user { patient { appointments { totalCount } } } } }"#)
        XCTAssertEqual(login.at("data.login.user.patient.appointments.totalCount")?.intValue, 1, "\(login)")
        // Staff accounts get no patient profile this way.
        let staff = await f.h.graphql("""
            mutation { createUser(input: {email: "staff.dob@example.test", password: "a long enough staff passphrase", firstName: "S",
              lastName: "Dob", role: ADMIN, dateOfBirth: "1992-08-09"}) { id } }
            """, as: f.superadmin.viewer)
        XCTAssertEqual(staff.clinicCodes, ["BAD_USER_INPUT"], "\(staff)")
        XCTAssertEqual(staff.clinicField, "input.dateOfBirth")
        // An explicit null is no date of birth (the web form sends it for staff roles).
        let staffNull = await f.h.graphql("""
            mutation { createUser(input: {email: "staff.null@example.test", password: "a long enough staff passphrase", firstName: "S",
              lastName: "Null", role: ADMIN, dateOfBirth: null}) { role patient { id } } }
            """, as: f.superadmin.viewer)
        XCTAssertEqual(staffNull.at("data.createUser.role")?.stringValue, "ADMIN", "\(staffNull)")
        XCTAssertEqual(staffNull.at("data.createUser.patient")?.isNull, true)
    }

    /// Every CLIENT staff create is a patient (issue #16): without a date of birth
    /// the profile exists with it unknown (null), staff book for them, every reader
    /// of the profile copes, and staff or the patient enter the date later.
    func testCreateUserWithoutADateOfBirthStillGivesACLIENTAPatientProfileStaffBookFor() async throws {
        let f = try await fixture()
        let created = await f.h.graphql("""
            mutation { createUser(input: {email: "no.birth@example.test", password: "a long enough staff passphrase", firstName: "Nora",
              lastName: "SinFecha", phone: "+52 55 7091 0002"}) { id role patient { id dateOfBirth } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(created.clinicCodes, [], "\(created)")
        XCTAssertEqual(created.at("data.createUser.role")?.stringValue, "CLIENT")
        XCTAssertEqual(created.at("data.createUser.patient.dateOfBirth")?.isNull, true, "\(created)")
        let patientID = try XCTUnwrap(created.at("data.createUser.patient.id")?.stringValue, "\(created)")
        let audit = try await f.h.sql("""
            SELECT details->>'patient' AS patient FROM audit_log WHERE action = 'user.create' AND target_id = $1
            """, [.text(try XCTUnwrap(created.at("data.createUser.id")?.stringValue))])
        XCTAssertEqual(try audit.first?.string("patient"), "true")

        let doctor = try await f.doctor(lastName: "ForNoBirth")
        let date = try await f.date(14)
        let booked = await f.h.graphql("""
            mutation { bookAppointment(input: {doctorId: "\(ClinicFixture.doctorID(doctor))", date: "\(date.iso)", time: "11:00",
              reason: "called in", patientId: "\(patientID)"}) { status patient { dateOfBirth user { fullName } } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(booked.at("data.bookAppointment.status")?.stringValue, "SCHEDULED", "\(booked)")
        XCTAssertEqual(booked.at("data.bookAppointment.patient.user.fullName")?.stringValue, "Nora SinFecha")

        // Readers of the profile: the staff search and page, the treating doctor's chart, the patient's own.
        let found = await f.h.graphql(#"{ patients(search: "SinFecha", first: 5) { nodes { id dateOfBirth } } }"#, as: f.admin.viewer)
        XCTAssertEqual(found.at("data.patients.nodes")?.arrayValue?.count, 1, "\(found)")
        XCTAssertEqual(found.at("data.patients.nodes")?.arrayValue?.first?["dateOfBirth"]?.isNull, true)
        let chart = await f.h.graphql("query($id: ID!) { patient(id: $id) { dateOfBirth user { fullName } } }",
                                      variables: ["id": .string(patientID)], as: doctor.viewer)
        XCTAssertEqual(chart.clinicCodes, [], "\(chart)")
        XCTAssertEqual(chart.at("data.patient.dateOfBirth")?.isNull, true)
        let login = await f.h.graphql(#"mutation { login(email: "no.birth@example.test", password: "a long enough staff passphrase") { accessToken } }"#)
        let token = try XCTUnwrap(login.at("data.login.accessToken")?.stringValue, "\(login)")
        let own = await f.h.graphql("{ me { patient { dateOfBirth appointments { totalCount } } } }", token: token)
        XCTAssertEqual(own.at("data.me.patient.appointments.totalCount")?.intValue, 1, "\(own)")
        XCTAssertEqual(own.at("data.me.patient.dateOfBirth")?.isNull, true)

        // Staff change the phone while the date is unknown (no duplicate to check), then enter the date.
        let phone = await f.h.graphql("""
            mutation { updatePatient(id: "\(patientID)", input: {phone: "+52 55 7091 0003"}) { dateOfBirth user { phone } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(phone.at("data.updatePatient.user.phone")?.stringValue, "+52 55 7091 0003", "\(phone)")
        XCTAssertEqual(phone.at("data.updatePatient.dateOfBirth")?.isNull, true)
        let dated = await f.h.graphql("""
            mutation { updatePatient(id: "\(patientID)", input: {dateOfBirth: "1975-01-30"}) { dateOfBirth } }
            """, as: f.admin.viewer)
        XCTAssertEqual(dated.at("data.updatePatient.dateOfBirth")?.stringValue, "1975-01-30", "\(dated)")
    }

    /// A user made CLIENT by a role change becomes bookable too; a doctor's user does not become a patient.
    func testRoleChangeToCLIENTGivesAPatientProfileExceptToADoctor() async throws {
        let f = try await fixture()
        let staff = await f.h.graphql("""
            mutation { createUser(input: {email: "was.staff@example.test", password: "a long enough staff passphrase", firstName: "Was",
              lastName: "Staff", role: ADMIN}) { id patient { id } } }
            """, as: f.superadmin.viewer)
        XCTAssertEqual(staff.at("data.createUser.patient")?.isNull, true, "\(staff)")
        let userID = try XCTUnwrap(staff.at("data.createUser.id")?.stringValue)
        let demoted = await f.h.graphql("""
            mutation { updateUser(id: "\(userID)", input: {role: CLIENT}) { role patient { id dateOfBirth } } }
            """, as: f.superadmin.viewer)
        XCTAssertEqual(demoted.at("data.updateUser.role")?.stringValue, "CLIENT", "\(demoted)")
        XCTAssertNotNil(demoted.at("data.updateUser.patient.id")?.stringValue, "\(demoted)")

        let doctor = try await f.doctor(lastName: "StaysDoctor")
        let changed = await f.h.graphql("""
            mutation { updateUser(id: "\(doctor.globalID)", input: {role: CLIENT}) { role patient { id } } }
            """, as: f.superadmin.viewer)
        XCTAssertEqual(changed.at("data.updateUser.role")?.stringValue, "CLIENT", "\(changed)")
        XCTAssertEqual(changed.at("data.updateUser.patient")?.isNull, true, "\(changed)")
    }
}
