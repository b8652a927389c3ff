// The waitlist with automatic offers (issue #17) through the API, the
// waitlist worker and the notification worker, against real PostgreSQL.
// Every test has its own database and clock; time moves only through
// services.clock.advance (the hold's expiry), never by sleeping.
import ClinicDomain
import ClinicStore
import DeliveryTesting
@testable import Jobs
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

struct WaitlistFixture {
    let f: ClinicFixture
    var h: ClinicTestHarness { f.h }

    static func make() async throws -> WaitlistFixture {
        WaitlistFixture(f: try await ClinicFixture.make(try await ClinicTestHarness.fresh(prefix: "waitlist")))
    }

    func worker(_ id: String = "w1", eventBatch: Int = 50) -> WaitlistWorker {
        var options = WaitlistWorker.Options()
        options.eventBatch = eventBatch
        return WaitlistWorker(inputs: WaitlistInputs(database: h.services.database, clock: h.services.clock, secretSeal: h.services.secretSeal),
                              options: options, workerID: id, log: { _ in })
    }

    func join(as viewer: Viewer, doctor: HarnessUser? = nil, specialization: String? = nil, first: LocalDate, last: LocalDate,
              part: String = "ANY", patient: HarnessUser? = nil) async -> JSON {
        var fields = ["firstDay: \"\(first.iso)\"", "lastDay: \"\(last.iso)\"", "partOfDay: \(part)"]
        if let doctor { fields.append("doctorId: \"\(ClinicFixture.doctorID(doctor))\"") }
        if let specialization { fields.append("specialization: \"\(specialization)\"") }
        if let patient { fields.append("patientId: \"\(ClinicFixture.patientID(patient))\"") }
        return await h.graphql("""
            mutation { joinWaitlist(input: {\(fields.joined(separator: ", "))}) {
              id status firstDay lastDay partOfDay specialization doctor { id } patient { id } offer { status date time } } }
            """, as: viewer)
    }

    /// The string at `path` of a response, or a failure showing the response.
    func id(_ json: JSON, _ path: String) throws -> String { try XCTUnwrap(json.at(path)?.stringValue, "\(json)") }

    func entries(as viewer: Viewer, _ args: String = "") async -> JSON {
        await h.graphql("""
            { waitlistEntries\(args.isEmpty ? "" : "(\(args))") { totalCount nodes { id status patient { id }
              offer { status date time expiresAt } appointment { id date time status } } } }
            """, as: viewer)
    }

    func entryStatus(_ id: String) async throws -> String {
        try await h.sql("SELECT status FROM waitlist_entries WHERE id = $1", [.int(Int(clinicRawID(id)))]).first!.string("status")
    }

    /// The token of the patient's latest pending offer message, unsealed as the notification worker does.
    func offerToken(for p: HarnessUser) async throws -> String {
        let row = try await h.sql("""
            SELECT sealed_secret FROM notifications WHERE user_id = $1 AND kind = 'WAITLIST_OFFER' AND status = 'PENDING'
             ORDER BY id DESC LIMIT 1
            """, [.int(Int(p.id))])
        let sealed = try XCTUnwrap(try row.first?.optionalBytes("sealed_secret"), "no pending offer message for user \(p.id)")
        return try XCTUnwrap(PasswordResetEmail.unseal(sealed, with: h.services.secretSeal))
    }

    func answer(_ verb: String, _ token: String) async -> JSON {
        await h.graphql("mutation($t: String!) { \(verb)WaitlistOffer(token: $t) { status date time doctorName expiresAt } }",
                        variables: ["t": .string(token)], as: nil)
    }

    func cancel(_ appointmentID: String, as viewer: Viewer) async -> JSON {
        await h.graphql("mutation { cancelAppointment(id: \"\(appointmentID)\") { id status } }", as: viewer)
    }

    /// Open offers as (patient id, starts_at text).
    func openOffers() async throws -> [(Int64, String)] {
        try await h.sql("SELECT patient_id, starts_at::text AS s FROM waitlist_offers WHERE status = 'OFFERED' ORDER BY starts_at")
            .rows.map { (try $0.id("patient_id"), try $0.string("s")) }
    }
}

final class WaitlistTests: XCTestCase {
    // MARK: - join, list, leave, authorization

    func testPatientsJoinSeeAndLeaveOnlyTheirOwnEntriesAndStaffManageAll() async throws {
        let w = try await WaitlistFixture.make()
        let f = w.f
        let doc = try await f.doctor()
        let (ana, ben) = (try await f.patient(firstName: "Ana"), try await f.patient(firstName: "Ben"))
        let day = try await f.date(3)

        let joined = await w.join(as: ana.viewer, doctor: doc, first: day, last: day.adding(days: 2), part: "MORNING")
        XCTAssertEqual(joined.clinicCodes, [], "\(joined)")
        let anaEntry = try XCTUnwrap(joined.at("data.joinWaitlist.id")?.stringValue)
        XCTAssertEqual(joined.at("data.joinWaitlist.status")?.stringValue, "WAITING")
        XCTAssertEqual(joined.at("data.joinWaitlist.partOfDay")?.stringValue, "MORNING")
        XCTAssertEqual(joined.at("data.joinWaitlist.patient.id")?.stringValue, ClinicFixture.patientID(ana))
        let byBen = await w.join(as: ben.viewer, specialization: "cardiology", first: day, last: day)
        XCTAssertEqual(byBen.at("data.joinWaitlist.specialization")?.stringValue, "Cardiology", "stored as the doctors spell it")
        XCTAssertTrue(byBen.at("data.joinWaitlist.doctor")?.isNull ?? false)

        // Each patient sees only their own; another patient's entry is invisible and untouchable.
        clinicEq(await w.entries(as: ana.viewer).at("data.waitlistEntries.totalCount")?.intValue, 1)
        clinicEq(await w.entries(as: ana.viewer).at("data.waitlistEntries.nodes.0.id")?.stringValue, anaEntry)
        clinicEq(await w.entries(as: ben.viewer, "patientId: \"\(ClinicFixture.patientID(ana))\"").clinicCodes, ["FORBIDDEN"])
        clinicEq(await f.h.graphql("mutation { leaveWaitlist(id: \"\(anaEntry)\") { id } }", as: ben.viewer).clinicCodes, ["NOT_FOUND"])
        clinicEq(await f.h.graphql("{ node(id: \"\(anaEntry)\") { id } }", as: ben.viewer).clinicCodes, ["NOT_FOUND"])
        clinicEq(await f.h.graphql("{ node(id: \"\(anaEntry)\") { id } }", as: ana.viewer).at("data.node.id")?.stringValue, anaEntry)
        clinicEq(await w.entries(as: ana.viewer).clinicCodes, [])
        clinicEq(await f.h.graphql("{ waitlistEntries { totalCount } }", as: nil).clinicCodes, ["UNAUTHENTICATED"])
        clinicEq(await w.entries(as: doc.viewer).clinicCodes, ["FORBIDDEN"], "a doctor without a patient profile")

        // Staff see everyone in join order, filter by patient or by the doctor who could fill them.
        clinicEq(await w.entries(as: f.admin.viewer).at("data.waitlistEntries.totalCount")?.intValue, 2)
        clinicEq(await w.entries(as: f.admin.viewer, "doctorId: \"\(ClinicFixture.doctorID(doc))\"").at("data.waitlistEntries.totalCount")?.intValue, 2,
                 "Ben waits for the doctor's specialization")
        clinicEq(await w.entries(as: f.admin.viewer, "patientId: \"\(ClinicFixture.patientID(ben))\"").at("data.waitlistEntries.totalCount")?.intValue, 1)
        clinicEq(await w.entries(as: f.admin.viewer, "status: [LEFT]").at("data.waitlistEntries.totalCount")?.intValue, 0)
        let page = await f.h.graphql("{ waitlistEntries(first: 1) { nodes { id } pageInfo { hasNextPage endCursor } } }", as: f.admin.viewer)
        XCTAssertEqual(page.at("data.waitlistEntries.nodes.0.id")?.stringValue, anaEntry, "first come first listed")
        let cursor = try XCTUnwrap(page.at("data.waitlistEntries.pageInfo.endCursor")?.stringValue)
        let next = await f.h.graphql("{ waitlistEntries(first: 1, after: \"\(cursor)\") { nodes { id } } }", as: f.admin.viewer)
        XCTAssertEqual(next.at("data.waitlistEntries.nodes.0.id")?.stringValue, byBen.at("data.joinWaitlist.id")?.stringValue)

        // Relations batch by level: one page or twenty, the same statements.
        let relations = "nodes { id patient { id user { fullName } } doctor { id user { fullName } } offer { status doctor { id } } appointment { id } }"
        let (one, oneCount) = try await f.counted("{ waitlistEntries(first: 1) { \(relations) } }", as: f.admin.viewer)
        let (all, allCount) = try await f.counted("{ waitlistEntries(first: 20) { \(relations) } }", as: f.admin.viewer)
        XCTAssertEqual(one.clinicCodes, []); XCTAssertEqual(all.at("data.waitlistEntries.nodes")?.arrayValue?.count, 2)
        XCTAssertEqual(oneCount, allCount, "\(all)")

        // Bad input, with the argument named.
        let past = await w.join(as: ana.viewer, doctor: doc, first: day.adding(days: -4), last: day)
        XCTAssertEqual(past.clinicCodes, ["BAD_USER_INPUT"]); XCTAssertEqual(past.clinicField, "input.firstDay")
        let reversed = await w.join(as: ana.viewer, doctor: doc, first: day, last: day.adding(days: -1))
        XCTAssertEqual(reversed.clinicCodes, ["BAD_USER_INPUT"]); XCTAssertEqual(reversed.clinicField, "input.lastDay")
        let far = await w.join(as: ana.viewer, doctor: doc, first: day, last: day.adding(days: 2000))
        XCTAssertEqual(far.clinicCodes, ["BAD_USER_INPUT"]); XCTAssertEqual(far.clinicField, "input.lastDay")
        clinicEq(await w.join(as: ana.viewer, first: day, last: day).clinicCodes, ["BAD_USER_INPUT"])
        clinicEq(await w.join(as: ana.viewer, doctor: doc, specialization: "Cardiology", first: day, last: day).clinicCodes, ["BAD_USER_INPUT"])
        let unknown = await w.join(as: ana.viewer, specialization: "Astrology", first: day, last: day)
        XCTAssertEqual(unknown.clinicCodes, ["BAD_USER_INPUT"]); XCTAssertEqual(unknown.clinicField, "input.specialization")
        clinicEq(await w.join(as: ana.viewer, specialization: "Cardi\\u0000ology", first: day, last: day).clinicCodes, ["BAD_USER_INPUT"])
        clinicEq(await w.join(as: ana.viewer, specialization: String(repeating: "x", count: 5000), first: day, last: day).clinicCodes,
                 ["BAD_USER_INPUT"])
        clinicEq(await w.join(as: ana.viewer, doctor: doc, first: day, last: day, patient: ben).clinicCodes, ["FORBIDDEN"])
        clinicEq(await w.join(as: doc.viewer, doctor: doc, first: day, last: day).clinicCodes, ["FORBIDDEN"])
        let staffWithout = await w.join(as: f.admin.viewer, doctor: doc, first: day, last: day)
        XCTAssertEqual(staffWithout.clinicCodes, ["BAD_USER_INPUT"]); XCTAssertEqual(staffWithout.clinicField, "input.patientId")
        clinicEq(await w.join(as: f.admin.viewer, doctor: doc, first: day, last: day, patient: ben).clinicCodes, [], "staff join for a patient")

        // At most five open entries per patient.
        for _ in 0..<4 { clinicEq(await w.join(as: ana.viewer, doctor: doc, first: day, last: day).clinicCodes, []) }
        let sixth = await w.join(as: ana.viewer, doctor: doc, first: day, last: day)
        XCTAssertEqual(sixth.clinicCodes, ["CONFLICT"], "\(sixth)")

        // Leaving: LEFT once; staff may remove anyone's.
        let left = await f.h.graphql("mutation { leaveWaitlist(id: \"\(anaEntry)\") { id status } }", as: ana.viewer)
        XCTAssertEqual(left.at("data.leaveWaitlist.status")?.stringValue, "LEFT", "\(left)")
        clinicEq(await f.h.graphql("mutation { leaveWaitlist(id: \"\(anaEntry)\") { id } }", as: ana.viewer).clinicCodes, ["CONFLICT"])
        let benEntry = try XCTUnwrap(byBen.at("data.joinWaitlist.id")?.stringValue)
        clinicEq(await f.h.graphql("mutation { leaveWaitlist(id: \"\(benEntry)\") { status } }", as: f.admin.viewer)
                    .at("data.leaveWaitlist.status")?.stringValue, "LEFT")
        let audit = try await f.h.sql("SELECT count(*) AS n FROM audit_log WHERE action IN ('waitlist.join', 'waitlist.leave')").first!.int("n")
        XCTAssertEqual(audit, 9)
    }

    // MARK: - offer on cancellation, hold, accept

    func testCancellationOffersTheSlotToTheFirstWaitingPatientHeldFromEveryoneElseUntilAcceptedByLink() async throws {
        let w = try await WaitlistFixture.make()
        let f = w.f
        // One slot a day, so a day is full with one booking.
        let doc = try await f.doctor(start: "10:00", end: "10:30", slot: 30)
        let (holder, first, second, other) = (try await f.patient(firstName: "Hol"), try await f.patient(firstName: "Uno"),
                                              try await f.patient(firstName: "Dos"), try await f.patient(firstName: "Otro"))
        try await f.h.sql("UPDATE users SET locale = 'en', phone = '+52 55 1234 5678', notify_by_sms = true WHERE id = $1",
                          [.int(Int(first.id))])
        let day = try await f.date(3)
        let booked = await f.book(as: holder.viewer, doctor: doc, date: day, time: "10:00")
        let appointment = try XCTUnwrap(booked.at("data.bookAppointment.id")?.stringValue, "\(booked)")
        let firstEntry = try w.id(await w.join(as: first.viewer, doctor: doc, first: day, last: day), "data.joinWaitlist.id")
        let secondEntry = try w.id(await w.join(as: second.viewer, doctor: doc, first: day, last: day), "data.joinWaitlist.id")
        let worker = w.worker()
        clinicEq(try await worker.runOnce().offers, [], "nothing free yet")

        clinicEq(await w.cancel(appointment, as: holder.viewer).clinicCodes, [])
        let round = try await worker.runOnce()
        XCTAssertEqual(round.offers.count, 1)
        try await notifyAssertEqual(try await w.entryStatus(firstEntry), "OFFERED")
        try await notifyAssertEqual(try await w.entryStatus(secondEntry), "WAITING", "first come, first served")
        clinicEq(try await worker.runOnce().offers, [], "never offered twice")
        let mine = await w.entries(as: first.viewer)
        XCTAssertEqual(mine.at("data.waitlistEntries.nodes.0.offer.status")?.stringValue, "OFFERED", "\(mine)")
        XCTAssertEqual(mine.at("data.waitlistEntries.nodes.0.offer.time")?.stringValue, "10:00")

        // The hold: nobody else sees the slot free or can book it, staff included.
        let slots = "{ availableSlots(doctorId: \"\(ClinicFixture.doctorID(doc))\", date: \"\(day.iso)\") { time } }"
        clinicEq(await f.h.graphql(slots, as: other.viewer).at("data.availableSlots")?.arrayValue?.count, 0)
        clinicEq(await f.h.graphql(slots, as: nil).at("data.availableSlots")?.arrayValue?.count, 0)
        let taken = await f.book(as: other.viewer, doctor: doc, date: day, time: "10:00")
        XCTAssertEqual(taken.clinicCodes, ["CONFLICT"]); XCTAssertEqual(taken.clinicMessages.first, "That slot was just taken")
        clinicEq(await f.book(as: f.admin.viewer, doctor: doc, date: day, time: "10:00", patient: other).clinicCodes, ["CONFLICT"])

        // The message: stored without the link, sent with it (English email and SMS for this patient).
        let stored = try await f.h.sql("SELECT channel, subject, body FROM notifications WHERE user_id = $1 AND kind = 'WAITLIST_OFFER' ORDER BY channel",
                                       [.int(Int(first.id))])
        XCTAssertEqual(try stored.rows.map { try $0.string("channel") }, ["EMAIL", "SMS"])
        XCTAssertEqual(try stored.rows[0].string("subject"), "A slot opened up – Dr. García")
        XCTAssertTrue(try stored.rows[0].string("body").contains(WaitlistOfferMessage.linkPlaceholder))
        let token = try await w.offerToken(for: first)
        XCTAssertFalse(try stored.rows.contains { try $0.string("body").contains(token) }, "the token never sits in readable text")
        let sink = try SMTPSink()
        defer { sink.stop() }
        let mailer = try f.h.notificationWorker(smtp: sink)
        try await mailer.runOnce()
        let mail = try XCTUnwrap(sink.messages.first { $0.recipients == ["<\(first.email)>"] }, "the offer email was sent")
        XCTAssertTrue(mail.decodedBody.contains("https://clinic.test/waitlist-offer?token=\(token)"), mail.decodedBody)
        XCTAssertTrue(mail.decodedBody.contains("holding it for you for 30 minutes"), mail.decodedBody)

        // The link, without signing in: shows the slot and nothing about the patient, accepts once.
        let shown = await f.h.graphql("query($t: String!) { waitlistOffer(token: $t) { doctorName specialization date time status } }",
                                      variables: ["t": .string(token)], as: nil)
        XCTAssertEqual(shown.at("data.waitlistOffer.doctorName")?.stringValue, "Dr. García", "\(shown)")
        XCTAssertEqual(shown.at("data.waitlistOffer.status")?.stringValue, "OFFERED")
        let accepted = await w.answer("accept", token)
        XCTAssertEqual(accepted.at("data.acceptWaitlistOffer.status")?.stringValue, "ACCEPTED", "\(accepted)")
        let entry = await w.entries(as: first.viewer)
        XCTAssertEqual(entry.at("data.waitlistEntries.nodes.0.status")?.stringValue, "BOOKED")
        XCTAssertEqual(entry.at("data.waitlistEntries.nodes.0.appointment.time")?.stringValue, "10:00")
        XCTAssertEqual(entry.at("data.waitlistEntries.nodes.0.appointment.status")?.stringValue, "SCHEDULED")
        let owner = try await f.h.sql("""
            SELECT a.patient_id, a.created_by FROM appointments a WHERE a.doctor_id = $1 AND a.status = 'SCHEDULED'
            """, [.int(Int(doc.doctorID!))])
        XCTAssertEqual(owner.count, 1)
        XCTAssertEqual(try owner.first!.id("patient_id"), first.patientID!)
        XCTAssertEqual(try owner.first!.id("created_by"), first.id, "booked as the patient, through the booking path")
        let confirmation = try await f.h.sql("SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND kind = 'BOOKING_CONFIRMATION'",
                                             [.int(Int(first.id))]).first!.int("n")
        XCTAssertEqual(confirmation, 2, "the booking's own messages, email and SMS")

        // Replayed, garbage, malformed: refused with clear codes.
        let replay = await w.answer("accept", token)
        XCTAssertEqual(replay.clinicCodes, ["CONFLICT"])
        XCTAssertEqual(replay["errors"]?.arrayValue?.first?["extensions"]?["reason"]?.stringValue, "OFFER_ANSWERED")
        clinicEq(await w.answer("decline", token).clinicCodes, ["CONFLICT"])
        clinicEq(await w.answer("accept", String(repeating: "A", count: 43)).clinicCodes, ["NOT_FOUND"])
        clinicEq(await w.answer("accept", "not a token").clinicCodes, ["NOT_FOUND"])
        clinicEq(await w.answer("accept", String(repeating: "x", count: 100_000)).clinicCodes, ["NOT_FOUND"])
        clinicEq(await w.answer("accept", "abc\u{0}").clinicCodes, ["BAD_USER_INPUT"])
        clinicEq(await f.h.graphql("query { waitlistOffer(token: \"\(String(repeating: "B", count: 43))\") { status } }", as: nil).clinicCodes,
                 ["NOT_FOUND"])
    }

    // MARK: - decline, expiry, rules

    func testDeclineAndExpiryPassTheSlotOnAndTheRulesPickWhoMayHaveIt() async throws {
        let w = try await WaitlistFixture.make()
        let f = w.f
        let doc = try await f.doctor(start: "10:00", end: "10:30", slot: 30)
        let holder = try await f.patient(firstName: "Hol")
        let (a, b, c, d) = (try await f.patient(firstName: "A"), try await f.patient(firstName: "B"), try await f.patient(firstName: "C"),
                            try await f.patient(firstName: "D"))
        let day = try await f.date(3)
        let appointment = try w.id(await f.book(as: holder.viewer, doctor: doc, date: day, time: "10:00"), "data.bookAppointment.id")
        // B already has the no-show count that stops online booking: skipped, not offered.
        for i in 0..<3 {
            try await f.h.sql("""
                INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status)
                VALUES ($1, $2, current_date - $3::int, '08:00', now() - make_interval(days => $3::int), now() - make_interval(days => $3::int) + interval '30 minutes', 'NO_SHOW')
                """, [.int(Int(b.patientID!)), .int(Int(doc.doctorID!)), .int(10 + i)])
        }
        var entries: [String] = []
        for p in [a, b, c, d] {
            entries.append(try w.id(await w.join(as: p.viewer, doctor: doc, first: day, last: day), "data.joinWaitlist.id"))
        }
        let worker = w.worker()
        _ = try await worker.runOnce()
        clinicEq(await w.cancel(appointment, as: holder.viewer).clinicCodes, [])
        clinicEq(try await worker.runOnce().offers.count, 1)
        try await notifyAssertEqual(try await w.openOffers().map(\.0), [a.patientID!])

        // A declines: A keeps waiting, the slot goes to C (B is stopped by the no-show rule), never back to A.
        let declined = await w.answer("decline", try await w.offerToken(for: a))
        XCTAssertEqual(declined.at("data.declineWaitlistOffer.status")?.stringValue, "DECLINED", "\(declined)")
        try await notifyAssertEqual(try await w.entryStatus(entries[0]), "WAITING")
        clinicEq(try await worker.runOnce().offers.count, 1)
        try await notifyAssertEqual(try await w.openOffers().map(\.0), [c.patientID!])
        try await notifyAssertEqual(try await w.entryStatus(entries[1]), "WAITING")

        // C lets the hold run out: EXPIRED, and the slot goes to D.
        let cToken = try await w.offerToken(for: c)
        f.h.services.clock.advance(seconds: 29 * 60)
        clinicEq(try await worker.runOnce().expired, 0, "still held at 29 minutes")
        f.h.services.clock.advance(seconds: 60)
        let late = await w.answer("accept", cToken)
        XCTAssertEqual(late.clinicCodes, ["CONFLICT"], "expired even before a worker noticed")
        XCTAssertEqual(late["errors"]?.arrayValue?.first?["extensions"]?["reason"]?.stringValue, "OFFER_EXPIRED")
        let round = try await worker.runOnce()
        XCTAssertEqual(round.expired, 1)
        XCTAssertEqual(round.offers.count, 1)
        try await notifyAssertEqual(try await w.entryStatus(entries[2]), "EXPIRED")
        try await notifyAssertEqual(try await w.openOffers().map(\.0), [d.patientID!])
        let again = await w.answer("accept", cToken)
        XCTAssertEqual(again["errors"]?.arrayValue?.first?["extensions"]?["reason"]?.stringValue, "OFFER_EXPIRED")

        // D leaves the waitlist: the offer is withdrawn, its link dead, the slot free for anyone (A declined it, B is stopped).
        let dToken = try await w.offerToken(for: d)
        clinicEq(await f.h.graphql("mutation { leaveWaitlist(id: \"\(entries[3])\") { status } }", as: d.viewer).clinicCodes, [])
        let withdrawn = await w.answer("accept", dToken)
        XCTAssertEqual(withdrawn["errors"]?.arrayValue?.first?["extensions"]?["reason"]?.stringValue, "OFFER_WITHDRAWN")
        clinicEq(try await worker.runOnce().offers, [])
        clinicEq(await f.book(as: holder.viewer, doctor: doc, date: day, time: "10:00").clinicCodes, [])
    }

    func testNewWorkingHoursAndSpecializationEntriesWithAPartOfTheDayGetOffers() async throws {
        let w = try await WaitlistFixture.make()
        let f = w.f
        let derm = try await f.doctor(lastName: "Piel", specialization: "Dermatology")
        try await f.h.sql("DELETE FROM working_hours WHERE doctor_id = $1", [.int(Int(derm.doctorID!))])
        let p = try await f.patient()
        let day = try await f.date(4)
        let entry = try w.id(await w.join(as: p.viewer, specialization: "Dermatology", first: day, last: day, part: "AFTERNOON"),
                             "data.joinWaitlist.id")
        let worker = w.worker()
        clinicEq(try await worker.runOnce().offers, [], "the doctor has no hours")
        // Morning hours do not suit an afternoon entry; afternoon hours do.
        let hours = { (start: String, end: String) in
            "mutation { setWorkingHours(doctorId: \"\(ClinicFixture.doctorID(derm))\", hours: [{weekday: \(day.isoWeekday), start: \"\(start)\", end: \"\(end)\", slotMinutes: 30}]) { id } }"
        }
        clinicEq(await f.h.graphql(hours("08:00", "11:00"), as: f.admin.viewer).clinicCodes, [])
        clinicEq(try await worker.runOnce().offers, [])
        clinicEq(await f.h.graphql(hours("08:00", "15:00"), as: f.admin.viewer).clinicCodes, [])
        clinicEq(try await worker.runOnce().offers.count, 1)
        let offer = await w.entries(as: p.viewer)
        XCTAssertEqual(offer.at("data.waitlistEntries.nodes.0.offer.time")?.stringValue, "12:00", "the first afternoon slot: \(offer)")
        try await notifyAssertEqual(try await w.entryStatus(entry), "OFFERED")
    }

    func testTheSweepFindsFreeTimeNoEventAnnounced() async throws {
        let w = try await WaitlistFixture.make()
        let f = w.f
        let doc = try await f.doctor(start: "10:00", end: "10:30")
        let p = try await f.patient()
        let day = try await f.date(3)
        clinicEq(await w.join(as: p.viewer, doctor: doc, first: day, last: day).clinicCodes, [])
        // Time freed by hand (a restore, a fix in SQL): no event.
        try await f.h.sql("DELETE FROM waitlist_events")
        var options = WaitlistWorker.Options()
        options.sweepIntervalSeconds = 600
        let worker = WaitlistWorker(inputs: WaitlistInputs(database: f.h.services.database, clock: f.h.services.clock,
                                                           secretSeal: f.h.services.secretSeal), options: options, workerID: "sweeper", log: { _ in })
        clinicEq(try await worker.runOnce().offers.count, 1, "the first round sweeps")
        try await f.h.sql("UPDATE waitlist_offers SET status = 'WITHDRAWN'")
        try await f.h.sql("UPDATE waitlist_entries SET status = 'WAITING'")
        clinicEq(try await worker.runOnce().offers, [], "no event, no sweep due yet")
        f.h.services.clock.advance(seconds: 601)
        clinicEq(try await worker.runOnce().offers.count, 1, "the next sweep")
    }

    // MARK: - the race

    /// 20 waiting patients, 5 freed slots, 3 workers and 5 rival bookers at
    /// once: every slot ends held for exactly one patient or booked by exactly
    /// one rival, offers go in FIFO order, and after every holder accepts
    /// while the rivals try again, each slot has exactly one appointment.
    func testTwentyWaitingFiveFreedSlotsThreeWorkersAndRivalBookersNeverDoubleOfferOrDoubleBook() async throws {
        let w = try await WaitlistFixture.make()
        let f = w.f
        let doc = try await f.doctor(start: "10:00", end: "12:30", slot: 30)
        let day = try await f.date(5)
        let times = ["10:00", "10:30", "11:00", "11:30", "12:00"]
        var firstBookings: [(HarnessUser, String)] = []
        for t in times {
            let p = try await f.patient()
            firstBookings.append((p, try w.id(await f.book(as: p.viewer, doctor: doc, date: day, time: t), "data.bookAppointment.id")))
        }
        var waiting: [HarnessUser] = []
        for _ in 0..<20 {
            let p = try await f.patient()
            clinicEq(await w.join(as: p.viewer, doctor: doc, first: day, last: day).clinicCodes, [])
            waiting.append(p)
        }
        let rivals = try await (0..<5).asyncMap { _ in try await f.patient(firstName: "Rival") }
        for (p, id) in firstBookings { clinicEq(await w.cancel(id, as: p.viewer).clinicCodes, []) }

        // Two events per claim, so the three workers take turns on the same doctor.
        let workers = (1...3).map { w.worker("w\($0)", eventBatch: 2) }
        let rivalWins = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in workers {
                group.addTask {
                    while try await worker.runOnce().doctors > 0 {}
                    return 0
                }
            }
            for (i, rival) in rivals.enumerated() {
                group.addTask { await f.book(as: rival.viewer, doctor: doc, date: day, time: times[i]).clinicCodes.isEmpty ? 1 : 0 }
            }
            return try await group.reduce(0, +)
        }
        while try await workers[0].runOnce().doctors > 0 {}

        // Each slot: exactly one of (an open offer, an active appointment).
        let perSlot = try await f.h.sql("""
            SELECT s.t, (SELECT count(*) FROM waitlist_offers o WHERE o.doctor_id = $1 AND o.status = 'OFFERED' AND o.local_date = $2::date
                            AND o.local_time = s.t::time) AS offers,
                   (SELECT count(*) FROM appointments a WHERE a.doctor_id = $1 AND a.status = 'SCHEDULED' AND a.local_date = $2::date
                            AND a.local_time = s.t::time) AS booked
              FROM unnest($3::text[]) AS s(t) ORDER BY s.t
            """, [.int(Int(doc.doctorID!)), .text(day.iso), .textArray(times)])
        for r in perSlot {
            let (slot, n) = (try r.string("t"), try r.int("offers") + r.int("booked"))
            XCTAssertEqual(n, 1, "slot \(slot)")
        }
        let offered = try await w.openOffers().map(\.0)
        XCTAssertEqual(offered.count, 5 - rivalWins)
        XCTAssertEqual(Set(offered), Set(waiting.prefix(offered.count).map { $0.patientID! }), "the first waiting patients, in join order")
        let overlapping = try await f.h.sql("""
            SELECT count(*) AS n FROM waitlist_offers x JOIN waitlist_offers y ON x.id < y.id AND x.doctor_id = y.doctor_id
             WHERE x.status = 'OFFERED' AND y.status = 'OFFERED' AND x.held && y.held
            """).first!.int("n")
        XCTAssertEqual(overlapping, 0)

        // The database itself refuses a second open offer over a held slot, whoever writes it.
        let held = try await f.h.sql("SELECT entry_id, patient_id, doctor_id, local_date, local_time, starts_at, ends_at, held FROM waitlist_offers WHERE status = 'OFFERED' LIMIT 1")
        if let h = held.first {
            let other = waiting[19]
            let otherEntry = try await f.h.sql("SELECT id FROM waitlist_entries WHERE patient_id = $1", [.int(Int(other.patientID!))]).first!.int("id")
            do {
                try await f.h.sql("""
                    INSERT INTO waitlist_offers (entry_id, patient_id, doctor_id, local_date, local_time, starts_at, ends_at, held, token_hash,
                                                 offered_at, expires_at)
                    VALUES ($1, $2, $3, $4::date, $5::time, $6::timestamptz, $7::timestamptz, $8::tstzrange, sha256('x'::bytea), now(), now() + interval '1 hour')
                    """, [.int(otherEntry), .int(Int(other.patientID!)), .int(try h.int("doctor_id")), .text(try h.string("local_date")),
                          .text(try h.string("local_time")), .text(try h.string("starts_at")), .text(try h.string("ends_at")),
                          .text(try h.string("held"))])
                XCTFail("a second open offer over a held slot was stored")
            } catch {
                XCTAssertTrue("\(error)".contains("waitlist_offers_no_overlap"), "\(error)")
            }
        }

        // Every holder accepts while the rivals try the same slots again: one appointment per slot.
        let holders = waiting.filter { offered.contains($0.patientID!) }
        var tokens: [String] = []
        for p in holders { tokens.append(try await w.offerToken(for: p)) }
        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            for t in tokens { group.addTask { await w.answer("accept", t).clinicCodes.isEmpty ? 1 : 0 } }
            for (i, rival) in rivals.enumerated() {
                group.addTask { _ = await f.book(as: rival.viewer, doctor: doc, date: day, time: times[i]); return 0 }
            }
            return try await group.reduce(0, +)
        }
        XCTAssertEqual(accepted, holders.count, "a held slot is the holder's")
        let counts = try await f.h.sql("""
            SELECT local_time::text AS t, count(*) AS n FROM appointments WHERE doctor_id = $1 AND local_date = $2::date AND status = 'SCHEDULED'
             GROUP BY local_time ORDER BY local_time
            """, [.int(Int(doc.doctorID!)), .text(day.iso)])
        XCTAssertEqual(counts.count, 5)
        for r in counts {
            let (slot, n) = (try r.string("t"), try r.int("n"))
            XCTAssertEqual(n, 1, "slot \(slot)")
        }
    }
}
