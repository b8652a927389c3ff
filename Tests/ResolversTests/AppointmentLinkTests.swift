// Links in appointment messages (issue #17): booked through the API, minted by
// the worker as it sends, read out of the messages at the SMTP and SMS sinks,
// and used signed out through the API.
import ClinicDomain
import DeliveryTesting
import Foundation
import JSON
import Jobs
@testable import Resolvers
import Schema
import XCTest

final class AppointmentLinkTests: XCTestCase {
    /// A patient (email and SMS) with one appointment booked through the API
    /// three days ahead, and the worker that sends its messages.
    struct Scene {
        let f: ClinicFixture
        let patient: HarnessUser
        let doctor: HarnessUser
        let smtp: SMTPSink
        let sms: HTTPSink
        let worker: NotificationWorker
        var h: ClinicTestHarness { f.h }

        static func make(locale: String = "es") async throws -> Scene {
            let h = try await ClinicTestHarness.fresh(prefix: "links")
            let f = try await ClinicFixture.make(h)
            let doctor = try await f.doctor(lastName: "Núñez", start: "08:00", end: "17:00")
            let patient = try await f.patient(firstName: "Lucía")
            try await h.sql("UPDATE users SET locale = $2, notify_by_sms = true, phone = '+5215550002' WHERE id = $1",
                            [.int(Int(patient.id)), .text(locale)])
            let smtp = try SMTPSink(), sms = try HTTPSink()
            return Scene(f: f, patient: patient, doctor: doctor, smtp: smtp, sms: sms,
                         worker: try h.notificationWorker(smtp: smtp, sms: sms))
        }

        func stop() { smtp.stop(); sms.stop() }

        /// Books `time` on the day three days ahead; the appointment's GraphQL ID.
        func book(_ time: String = "10:30", days: Int = 3) async throws -> String {
            let r = await f.book(as: patient.viewer, doctor: doctor, date: try await f.date(days), time: time)
            XCTAssertNil(r["errors"], "\(r)")
            return try XCTUnwrap(r.at("data.bookAppointment.id")?.stringValue)
        }

        /// Sends what is due; the emails and SMS bodies this round sent to the patient.
        func deliver() async throws -> (emails: [String], texts: [String]) {
            let (e, t) = (smtp.messages.count, sms.requests.count)
            while try await worker.runOnce() > 0 {}
            let texts = sms.requests.dropFirst(t).compactMap { r -> String? in
                guard let json = try? JSONParser.parse(r.body), json["to"]?.stringValue == "+5215550002" else { return nil }
                return json["body"]?.stringValue
            }
            return (smtp.messages.dropFirst(e).filter { $0.recipients.contains { $0.contains(patient.email) } }.map(\.decodedBody), Array(texts))
        }

        func link(_ token: String, _ selection: String = "action canAct problem appointment { status date time }") async -> JSON {
            await h.graphql("query($t: String!) { appointmentLink(token: $t) { \(selection) } }", variables: ["t": .string(token)], as: nil)
        }

        func confirm(_ token: String) async -> JSON {
            await h.graphql("mutation($t: String!) { confirmAppointmentByLink(token: $t) { action canAct appointment { status } } }",
                            variables: ["t": .string(token)], as: nil)
        }

        func cancel(_ token: String) async -> JSON {
            await h.graphql("mutation($t: String!) { cancelAppointmentByLink(token: $t, reason: \"viaje\") { appointment { status } } }",
                            variables: ["t": .string(token)], as: nil)
        }

        func reschedule(_ token: String, date: LocalDate, time: String) async -> JSON {
            await h.graphql("""
                mutation($t: String!, $d: Date!, $h: Time!) {
                  rescheduleAppointmentByLink(token: $t, date: $d, time: $h) { canAct appointment { date time status } } }
                """, variables: ["t": .string(token), "d": .string(date.iso), "h": .string(time)], as: nil)
        }

        /// Sends what is due; the links of the one email sent.
        func deliverEmailLinks() async throws -> [String: String] {
            let sent = try await deliver()
            XCTAssertEqual(sent.emails.count, 1)
            return AppointmentLinkTests.links(in: try XCTUnwrap(sent.emails.first))
        }

        func startsAt(_ id: String) async throws -> Instant {
            let r = await h.graphql("query($id: ID!) { appointment(id: $id) { startsAt } }", variables: ["id": .string(id)], as: patient.viewer)
            return try XCTUnwrap(Instant(rfc3339: try XCTUnwrap(r.at("data.appointment.startsAt")?.stringValue)))
        }

        /// The appointment as its patient reads it, signed in.
        func appointment(_ id: String) async -> JSON {
            await h.graphql("query($id: ID!) { appointment(id: $id) { status date time } }", variables: ["id": .string(id)],
                            as: patient.viewer)
        }
    }

    /// label → token of the lines "Label: <publicURL>/a/<token>".
    static func links(in body: String) -> [String: String] {
        var found: [String: String] = [:]
        for line in body.split(whereSeparator: \.isNewline) {
            guard let range = line.range(of: "/a/") else { continue }
            let label = line.components(separatedBy: ": ").first ?? ""
            found[label.trimmingCharacters(in: .whitespaces)] = String(line[range.upperBound...].prefix(while: { !$0.isWhitespace }))
        }
        return found
    }

    static func tokens(inSMS text: String) -> [String] {
        text.components(separatedBy: "/a/").dropFirst().map { String($0.prefix(while: { !$0.isWhitespace })) }
    }

    func reason(_ r: JSON) -> String? { r.at("errors.0.extensions.reason")?.stringValue }
    func code(_ r: JSON) -> String? { r.at("errors.0.extensions.code")?.stringValue }

    // MARK: - messages

    func testBookingRescheduleReminderAndCancellationMessagesCarryTheirLinksInBothLanguages() async throws {
        let s = try await Scene.make(locale: "es")
        defer { s.stop() }
        let id = try await s.book()
        let url = s.h.services.publicURL
        let booking = try await s.deliver()
        XCTAssertEqual(booking.emails.count, 1)
        let es = Self.links(in: try XCTUnwrap(booking.emails.first))
        XCTAssertEqual(Set(es.keys), ["Ver la cita", "Confirmar que asistirá", "Elegir otra hora", "Cancelar la cita"], booking.emails[0])
        XCTAssertTrue(es.values.allSatisfy { $0.utf8.count == 43 }, "\(es)")
        XCTAssertEqual(Set(es.values).count, 4, "one token per action")
        XCTAssertTrue(booking.emails[0].contains("\(url)/a/"), "links point at PUBLIC_URL")
        XCTAssertTrue(booking.emails[0].contains("una sola vez, hasta la hora de la cita"))
        // The SMS: one link (the most useful: confirm), and still one SMS long.
        let text = try XCTUnwrap(booking.texts.first)
        XCTAssertEqual(Self.tokens(inSMS: text).count, 1, text)
        XCTAssertTrue(text.contains(" Confirmar: \(url)/a/"), text)
        XCTAssertLessThanOrEqual(text.count, 160, text)
        let smsConfirm = try XCTUnwrap(Self.tokens(inSMS: text).first)
        try await XCTAssertEqualAsync(await s.link(smsConfirm).at("data.appointmentLink.action")?.stringValue, "CONFIRM")

        // What the outbox keeps (readable through the API) has no token.
        let stored = try await s.h.sql("SELECT body FROM notifications WHERE status = 'SENT'").rows.map { try $0.string("body") }
        XCTAssertEqual(stored.count, 2)
        for body in stored {
            XCTAssertFalse(body.contains("/a/"), body)
            XCTAssertTrue(body.contains(AppointmentLinks.placeholder), body)
        }
        let hashes = try await s.h.sql("SELECT count(*) AS n FROM appointment_links").first!.int("n")
        XCTAssertEqual(hashes, 5, "4 email links + 1 SMS link, stored as hashes")

        // In English, a reschedule's messages carry the new links.
        try await s.h.sql("UPDATE users SET locale = 'en' WHERE id = $1", [.int(Int(s.patient.id))])
        let moved = await s.h.graphql("mutation($id: ID!, $d: Date!) { rescheduleAppointment(id: $id, date: $d, time: \"11:00\") { id } }",
                                      variables: ["id": .string(id), "d": .string(try await s.f.date(3).iso)], as: s.patient.viewer)
        XCTAssertNil(moved["errors"], "\(moved)")
        let rescheduled = try await s.deliver()
        let en = Self.links(in: try XCTUnwrap(rescheduled.emails.first))
        XCTAssertEqual(Set(en.keys), ["View the appointment", "Confirm you will attend", "Choose another time", "Cancel the appointment"])
        XCTAssertTrue(rescheduled.emails[0].contains("Each link works without signing in, once, until the appointment starts."))
        XCTAssertTrue(try XCTUnwrap(rescheduled.texts.first).contains(" Confirm: \(url)/a/"))
        XCTAssertLessThanOrEqual(rescheduled.texts[0].count, 160)

        // The 24 h reminder comes inside the cancellation window (24 h): no reschedule or cancel link, which could only be refused.
        let startsAt = try await s.startsAt(id)
        s.h.services.clock.advance(seconds: startsAt.adding(minutes: -24 * 60 + 1).secondsSinceEpoch - s.h.services.clock.now.secondsSinceEpoch)
        let reminder = try await s.deliver()
        XCTAssertEqual(Set(Self.links(in: try XCTUnwrap(reminder.emails.first)).keys), ["View the appointment", "Confirm you will attend"])

        // Once confirmed, the SMS carries the view link instead (there is nothing left to confirm).
        try await XCTAssertNoErrors(await s.confirm(try XCTUnwrap(Self.links(in: reminder.emails[0])["Confirm you will attend"])))
        s.h.services.clock.advance(seconds: 22 * 3600)
        let second = try await s.deliver()
        XCTAssertEqual(Set(Self.links(in: try XCTUnwrap(second.emails.first)).keys), ["View the appointment"])
        XCTAssertTrue(try XCTUnwrap(second.texts.first).contains(" View: \(url)/a/"), second.texts[0])

        // Cancellation (by staff): no appointment link, only the booking page.
        let cancelled = await s.h.graphql("mutation($id: ID!) { cancelAppointment(id: $id) { status } }", variables: ["id": .string(id)],
                                          as: s.f.admin.viewer)
        XCTAssertNil(cancelled["errors"], "\(cancelled)")
        let bye = try await s.deliver()
        let mail = try XCTUnwrap(bye.emails.first)
        XCTAssertFalse(mail.contains("/a/"), mail)
        XCTAssertTrue(mail.contains("Book another appointment: \(url)/book"), mail)
        XCTAssertTrue(try XCTUnwrap(bye.texts.first).hasSuffix(" Book: \(url)/book"), bye.texts[0])
    }

    // MARK: - each action

    func testConfirmLinkConfirmsSignedOutOnceAndShowsNothingElse() async throws {
        let s = try await Scene.make()
        defer { s.stop() }
        let id = try await s.book()
        let links = try await s.deliverEmailLinks()
        let confirm = try XCTUnwrap(links["Confirmar que asistirá"])

        let opened = await s.link(confirm, "action canAct problem expiresAt appointment { code date time status doctorName clinicName doctorId }")
        XCTAssertNil(opened["errors"], "\(opened)")
        XCTAssertEqual(opened.at("data.appointmentLink.action")?.stringValue, "CONFIRM")
        XCTAssertEqual(opened.at("data.appointmentLink.canAct")?.boolValue, true)
        XCTAssertEqual(opened.at("data.appointmentLink.appointment.doctorName")?.stringValue, "Dr. Núñez")
        XCTAssertEqual(opened.at("data.appointmentLink.appointment.time")?.stringValue, "10:30")
        XCTAssertEqual(opened.at("data.appointmentLink.appointment.doctorId")?.stringValue, ClinicFixture.doctorID(s.doctor))
        // Opening it twice does not use it up.
        try await XCTAssertEqualAsync(await s.link(confirm).at("data.appointmentLink.canAct")?.boolValue, true)
        // The restricted view has no way to the patient or their other data.
        let probe = await s.link(confirm, "appointment { patient { id } reason }")
        XCTAssertEqual(code(probe), "GRAPHQL_VALIDATION_FAILED")

        let done = await s.confirm(confirm)
        XCTAssertNil(done["errors"], "\(done)")
        XCTAssertEqual(done.at("data.confirmAppointmentByLink.appointment.status")?.stringValue, "CONFIRMED")
        XCTAssertEqual(done.at("data.confirmAppointmentByLink.canAct")?.boolValue, false)
        try await XCTAssertEqualAsync(await s.appointment(id).at("data.appointment.status")?.stringValue, "CONFIRMED")
        let audit = try await s.h.sql("SELECT actor_id FROM audit_log WHERE action = 'appointment.confirm_by_link'")
        XCTAssertEqual(try audit.rows.map { try $0.id("actor_id") }, [s.patient.id], "audited, with the patient as actor")

        // Single use: the second use, and a later look, are refused clearly.
        let again = await s.confirm(confirm)
        XCTAssertEqual(code(again), "UNAUTHENTICATED")
        XCTAssertEqual(reason(again), "LINK_USED")
        try await XCTAssertEqualAsync(reason(await s.link(confirm)), "LINK_USED")
        // The view link still opens (read-only) and shows the confirmation.
        let view = await s.link(try XCTUnwrap(links["Ver la cita"]))
        XCTAssertEqual(view.at("data.appointmentLink.appointment.status")?.stringValue, "CONFIRMED")
        XCTAssertEqual(view.at("data.appointmentLink.canAct")?.boolValue, false)
    }

    func testCancelLinkCancelsOnlyItsAppointmentAndKillsItsOtherLinks() async throws {
        let s = try await Scene.make()
        defer { s.stop() }
        let a = try await s.book("10:30", days: 3)
        let linksA = try await s.deliverEmailLinks()
        let b = try await s.book("10:30", days: 4)
        let linksB = try await s.deliverEmailLinks()

        // A confirm link cannot cancel; a view link cannot do anything.
        let wrong = await s.cancel(try XCTUnwrap(linksA["Confirmar que asistirá"]))
        XCTAssertEqual(code(wrong), "FORBIDDEN")
        XCTAssertEqual(reason(wrong), "LINK_WRONG_ACTION")
        try await XCTAssertEqualAsync(reason(await s.confirm(try XCTUnwrap(linksA["Ver la cita"]))), "LINK_WRONG_ACTION")

        let done = await s.cancel(try XCTUnwrap(linksA["Cancelar la cita"]))
        XCTAssertNil(done["errors"], "\(done)")
        try await XCTAssertEqualAsync(await s.appointment(a).at("data.appointment.status")?.stringValue, "CANCELLED")
        try await XCTAssertEqualAsync(await s.appointment(b).at("data.appointment.status")?.stringValue, "SCHEDULED", "B is untouched")
        let cancelledBy = try await s.h.sql("SELECT actor_id, details->>'reason' AS reason FROM audit_log WHERE action = 'appointment.cancel_by_link'")
        XCTAssertEqual(try cancelledBy.first?.id("actor_id"), s.patient.id)
        XCTAssertEqual(try cancelledBy.first?.string("reason"), "viaje")

        // Every link of A is dead now, with the reason; B's still work.
        for key in ["Ver la cita", "Confirmar que asistirá", "Elegir otra hora"] {
            let r = await s.link(try XCTUnwrap(linksA[key]))
            XCTAssertEqual(code(r), "CONFLICT", key)
            XCTAssertEqual(reason(r), "APPOINTMENT_NOT_ACTIVE", key)
        }
        try await XCTAssertEqualAsync(reason(await s.confirm(try XCTUnwrap(linksA["Confirmar que asistirá"]))), "APPOINTMENT_NOT_ACTIVE")
        try await XCTAssertEqualAsync(reason(await s.cancel(try XCTUnwrap(linksA["Cancelar la cita"]))), "LINK_USED")
        try await XCTAssertEqualAsync(await s.confirm(try XCTUnwrap(linksB["Confirmar que asistirá"])).at("data.confirmAppointmentByLink.appointment.status")?.stringValue,
                       "CONFIRMED")
        try await XCTAssertEqualAsync(await s.appointment(b).at("data.appointment.status")?.stringValue, "CONFIRMED")
    }

    func testRescheduleLinkMovesInsideTheClientRulesAndOldLinksDie() async throws {
        let s = try await Scene.make()
        defer { s.stop() }
        let id = try await s.book("10:30")
        let old = try await s.deliverEmailLinks()
        let token = try XCTUnwrap(old["Elegir otra hora"])
        let day = try await s.f.date(3)

        // Refusals leave the link usable: off the slot grid, a taken slot, a day past the minimum notice's reach (yesterday).
        let other = try await s.f.patient()
        try await XCTAssertNoErrors(await s.f.book(as: other.viewer, doctor: s.doctor, date: day, time: "12:00"))
        try await XCTAssertEqualAsync(code(await s.reschedule(token, date: day, time: "11:10")), "BAD_USER_INPUT")
        try await XCTAssertEqualAsync(code(await s.reschedule(token, date: day, time: "12:00")), "CONFLICT")
        try await XCTAssertEqualAsync(code(await s.reschedule(token, date: try await s.f.date(-1), time: "12:00")), "CONFLICT")
        try await XCTAssertEqualAsync(await s.link(token).at("data.appointmentLink.canAct")?.boolValue, true)

        let moved = await s.reschedule(token, date: day, time: "15:00")
        XCTAssertNil(moved["errors"], "\(moved)")
        XCTAssertEqual(moved.at("data.rescheduleAppointmentByLink.appointment.time")?.stringValue, "15:00")
        try await XCTAssertEqualAsync(await s.appointment(id).at("data.appointment.time")?.stringValue, "15:00")
        try await XCTAssertEqualAsync(try await s.h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'appointment.reschedule_by_link'").first!.int("n"), 1)

        // Used up; the other links were for the old time.
        try await XCTAssertEqualAsync(reason(await s.reschedule(token, date: day, time: "16:00")), "LINK_USED")
        for key in ["Ver la cita", "Confirmar que asistirá", "Cancelar la cita"] {
            try await XCTAssertEqualAsync(reason(await s.link(try XCTUnwrap(old[key]))), "LINK_SUPERSEDED", key)
        }
        try await XCTAssertEqualAsync(reason(await s.cancel(try XCTUnwrap(old["Cancelar la cita"]))), "LINK_SUPERSEDED")
        // The RESCHEDULED message brings new ones, which work.
        let fresh = try await s.deliverEmailLinks()
        try await XCTAssertEqualAsync(await s.link(try XCTUnwrap(fresh["Ver la cita"])).at("data.appointmentLink.appointment.time")?.stringValue, "15:00")

        // Moving it back by staff does not revive the links of the first time.
        try await XCTAssertNoErrors(await s.h.graphql("mutation($id: ID!, $d: Date!) { rescheduleAppointment(id: $id, date: $d, time: \"10:30\") { id } }",
                                       variables: ["id": .string(id), "d": .string(day.iso)], as: s.f.admin.viewer))
        try await XCTAssertEqualAsync(reason(await s.link(try XCTUnwrap(old["Ver la cita"]))), "LINK_SUPERSEDED")
        try await XCTAssertEqualAsync(reason(await s.link(try XCTUnwrap(fresh["Cancelar la cita"]))), "LINK_SUPERSEDED")
    }

    func testRescheduleAndCancelLinksKeepTheCancellationWindowAndAreNotUsedUpByARefusal() async throws {
        let s = try await Scene.make()
        defer { s.stop() }
        let id = try await s.book("10:30")
        let links = try await s.deliverEmailLinks()
        // 12 hours before the start, the appointment is inside the 24 h window.
        let startsAt = try await s.startsAt(id)
        s.h.services.clock.advance(seconds: startsAt.adding(minutes: -12 * 60).secondsSinceEpoch - s.h.services.clock.now.secondsSinceEpoch)
        let cancel = try XCTUnwrap(links["Cancelar la cita"])
        let view = await s.link(cancel)
        XCTAssertEqual(view.at("data.appointmentLink.canAct")?.boolValue, false)
        XCTAssertEqual(view.at("data.appointmentLink.problem")?.stringValue,
                       "Appointments can be cancelled online only until 24 hours before they start; please call the clinic.")
        try await XCTAssertEqualAsync(code(await s.cancel(cancel)), "FORBIDDEN")
        try await XCTAssertEqualAsync(code(await s.reschedule(try XCTUnwrap(links["Elegir otra hora"]), date: try await s.f.date(3), time: "12:00")),
                       "FORBIDDEN")
        // Not used up: with a shorter window the same link works.
        try await s.f.settingsSQL("cancellation_window_hours = 2")
        try await XCTAssertNoErrors(await s.cancel(cancel))
    }

    // MARK: - expiry, garbage, races

    func testLinksExpireWhenTheAppointmentStarts() async throws {
        let s = try await Scene.make()
        defer { s.stop() }
        let id = try await s.book("10:30")
        let links = try await s.deliverEmailLinks()
        let startsAt = try await s.startsAt(id)
        let confirm = try XCTUnwrap(links["Confirmar que asistirá"])
        try await XCTAssertEqualAsync(await s.link(confirm, "expiresAt").at("data.appointmentLink.expiresAt")?.stringValue, startsAt.rfc3339)
        s.h.services.clock.advance(seconds: startsAt.secondsSinceEpoch - s.h.services.clock.now.secondsSinceEpoch - 60)
        try await XCTAssertEqualAsync(await s.link(confirm).at("data.appointmentLink.canAct")?.boolValue, true, "a minute before the start")
        s.h.services.clock.advance(seconds: 60)
        for token in links.values {
            let r = await s.link(token)
            XCTAssertEqual(code(r), "UNAUTHENTICATED")
            XCTAssertEqual(reason(r), "LINK_EXPIRED")
        }
        try await XCTAssertEqualAsync(reason(await s.confirm(confirm)), "LINK_EXPIRED")
        try await XCTAssertEqualAsync(await s.appointment(id).at("data.appointment.status")?.stringValue, "SCHEDULED")
    }

    func testGarbageAndTamperedTokensAreRefusedAsInvalid() async throws {
        let s = try await Scene.make()
        defer { s.stop() }
        _ = try await s.book()
        let sent = try await s.deliverEmailLinks()
        let confirm = try XCTUnwrap(sent["Confirmar que asistirá"])
        var tampered = Array(confirm)
        tampered[10] = tampered[10] == "A" ? "B" : "A"
        let garbage = ["", "abc", String(tampered), confirm + "x", String(confirm.dropLast()) + "=",
                       String(repeating: "A", count: 43), String(repeating: "x", count: 100_000), "../../graphql"]
        for token in garbage {
            let r = await s.confirm(token)
            XCTAssertEqual(code(r), "UNAUTHENTICATED", token.prefix(50).description)
            XCTAssertEqual(reason(r), "LINK_INVALID", token.prefix(50).description)
            try await XCTAssertEqualAsync(reason(await s.link(token)), "LINK_INVALID")
        }
        // A NUL byte never reaches the link lookup: the API refuses it as bad input.
        try await XCTAssertEqualAsync(code(await s.confirm(String(confirm.dropLast()) + "\u{0}")), "BAD_USER_INPUT")
        try await XCTAssertNoErrors(await s.confirm(confirm))
    }

    func testTwoUsesOfOneLinkRacingExactlyOneWins() async throws {
        let s = try await Scene.make()
        defer { s.stop() }
        let id = try await s.book()
        let links = try await s.deliverEmailLinks()
        let cancel = try XCTUnwrap(links["Cancelar la cita"])
        let results = await withTaskGroup(of: JSON.self) { group in
            for _ in 0..<4 { group.addTask { await s.cancel(cancel) } }
            return await group.reduce(into: [JSON]()) { $0.append($1) }
        }
        XCTAssertEqual(results.filter { $0["errors"] == nil }.count, 1, "\(results)")
        XCTAssertEqual(results.compactMap { reason($0) }, ["LINK_USED", "LINK_USED", "LINK_USED"])
        try await XCTAssertEqualAsync(await s.appointment(id).at("data.appointment.status")?.stringValue, "CANCELLED")
        try await XCTAssertEqualAsync(try await s.h.sql("SELECT count(*) AS n FROM notifications WHERE kind = 'CANCELLED'").first!.int("n"), 2,
                       "one cancellation (email and SMS), not one per attempt")

        // A reschedule link racing the cancel link of the same appointment: one of them wins, the other finds it gone.
        _ = try await s.deliver()
        let b = try await s.book("12:00", days: 4)
        let linksB = try await s.deliverEmailLinks()
        let day = try await s.f.date(4)
        let (move, drop) = (try XCTUnwrap(linksB["Elegir otra hora"]), try XCTUnwrap(linksB["Cancelar la cita"]))
        async let moved = s.reschedule(move, date: day, time: "14:00")
        async let dropped = s.cancel(drop)
        let (m, d) = await (moved, dropped)
        XCTAssertEqual([m, d].filter { $0["errors"] == nil }.count, 1, "\(m) \(d)")
        let loser = [m, d].first { $0["errors"] != nil }
        XCTAssertTrue(["LINK_SUPERSEDED", "APPOINTMENT_NOT_ACTIVE"].contains(reason(try XCTUnwrap(loser)) ?? ""), "\(String(describing: loser))")
        let final = await s.appointment(b).at("data.appointment")
        XCTAssertTrue(final?["status"]?.stringValue == "CANCELLED" || final?["time"]?.stringValue == "14:00", "\(String(describing: final))")
    }
}

func XCTAssertNoErrors(_ a: @autoclosure () async throws -> JSON, file: StaticString = #filePath, line: UInt = #line) async throws {
    let x = try await a()
    XCTAssertNil(x["errors"], "\(x)", file: file, line: line)
}

func XCTAssertEqualAsync<T: Equatable>(_ a: @autoclosure () async throws -> T, _ b: T, _ message: String = "",
                                        file: StaticString = #filePath, line: UInt = #line) async throws {
    let x = try await a()
    XCTAssertEqual(x, b, message, file: file, line: line)
}
