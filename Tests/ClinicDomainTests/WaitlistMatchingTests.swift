import XCTest
@testable import ClinicDomain

/// Who gets which freed slot (WaitlistMatching), the parts of the day, the
/// join rules and the offer message, without a database.
final class WaitlistMatchingTests: XCTestCase {
    private let utc = ClinicTimeZone(identifier: "UTC")!
    private let day = LocalDate(iso: "2026-12-07")!

    private func slot(_ t: String, minutes: Int = 30, on date: LocalDate? = nil) -> SlotCalendar.Slot {
        let d = date ?? day
        let start = utc.instant(date: d, time: LocalTime(iso: t)!)!
        return SlotCalendar.Slot(date: d, time: LocalTime(iso: t)!, startsAt: start, endsAt: start.adding(minutes: minutes))
    }

    private func entry(_ id: Int64, patient: Int64? = nil, part: PartOfDay = .ANY, first: LocalDate? = nil, last: LocalDate? = nil,
                       declined: [String] = []) -> WaitlistMatching.Candidate {
        WaitlistMatching.Candidate(entryID: id, patientID: patient ?? id, firstDay: first ?? day, lastDay: last ?? day, partOfDay: part,
                                   declined: Set(declined.map { slot($0).startsAt }))
    }

    private func pairs(_ m: [WaitlistMatching.Match]) -> [String] { m.map { "\($0.candidate.entryID)@\($0.slot.time.iso)" } }

    func testEarliestSlotGoesToTheEarliestEntryAndEachEntryGetsOneSlot() {
        let m = WaitlistMatching.match(slots: [slot("09:00"), slot("09:30"), slot("10:00")], candidates: [entry(1), entry(2)],
                                       buffers: Buffers()) { _, _ in true }
        XCTAssertEqual(pairs(m), ["1@09:00", "2@09:30"])
    }

    func testPartOfDayDaysAndDeclinedSlotsAreRespected() {
        let tomorrow = day.adding(days: 1)
        let candidates = [entry(1, part: .AFTERNOON), entry(2, first: tomorrow, last: tomorrow), entry(3, declined: ["09:00"]), entry(4)]
        let m = WaitlistMatching.match(slots: [slot("09:00"), slot("12:00"), slot("17:00")], candidates: candidates,
                                       buffers: Buffers()) { _, _ in true }
        XCTAssertEqual(pairs(m), ["4@09:00", "1@12:00", "3@17:00"])
    }

    func testIneligiblePatientsAreSkippedNotDroppedAndOnePatientGetsOneSlotPerRound() {
        // Entry 1 may not have 09:00 (e.g. the same doctor that day), but may have a later one.
        let m = WaitlistMatching.match(slots: [slot("09:00"), slot("09:30"), slot("10:00")],
                                       candidates: [entry(1), entry(2, patient: 7), entry(3, patient: 7), entry(4)],
                                       buffers: Buffers()) { c, s in !(c.entryID == 1 && s.time.iso == "09:00") }
        XCTAssertEqual(pairs(m), ["2@09:00", "1@09:30", "4@10:00"], "patient 7's second entry waits for the next round")
    }

    func testBuffersKeepHeldSlotsApartAsTheyWouldKeepBookings() {
        // 10 minutes after each: a 20-minute grid's next slot collides with the one held before it.
        let slots = ["09:00", "09:20", "09:40", "10:00"].map { slot($0, minutes: 20) }
        let m = WaitlistMatching.match(slots: slots, candidates: (1...4).map { entry($0) }, buffers: Buffers(before: 0, after: 10)) { _, _ in true }
        XCTAssertEqual(pairs(m), ["1@09:00", "2@09:40"])
        XCTAssertEqual(m[0].held, InstantRange(start: slots[0].startsAt, end: slots[0].endsAt.adding(minutes: 10)))
    }

    func testPartsOfTheDay() {
        let t = { (s: String) in LocalTime(iso: s)! }
        XCTAssertTrue(PartOfDay.MORNING.contains(t("11:59")))
        XCTAssertFalse(PartOfDay.MORNING.contains(t("12:00")))
        XCTAssertTrue(PartOfDay.AFTERNOON.contains(t("12:00")))
        XCTAssertFalse(PartOfDay.AFTERNOON.contains(t("17:00")))
        XCTAssertTrue(PartOfDay.EVENING.contains(t("17:00")))
        XCTAssertTrue(PartOfDay.ANY.contains(t("00:00")))
    }

    func testJoinDaysMustBeFromTodayWithinTheHorizon() {
        let today = day
        XCTAssertThrowsError(try WaitlistRules.checkDays(first: today.adding(days: -1), last: today, today: today, horizonDays: 60))
        XCTAssertThrowsError(try WaitlistRules.checkDays(first: today.adding(days: 2), last: today.adding(days: 1), today: today, horizonDays: 60))
        XCTAssertThrowsError(try WaitlistRules.checkDays(first: today, last: today.adding(days: 61), today: today, horizonDays: 60))
        XCTAssertNoThrow(try WaitlistRules.checkDays(first: today, last: today.adding(days: 60), today: today, horizonDays: 60))
        XCTAssertEqual(WaitlistRules.offerLeadMinutes(rules: BookingRules(minimumNoticeMinutes: 120), holdMinutes: 30), 150)
    }

    func testTheStoredMessageHidesTheLinkAndTheSentOneCarriesIt() {
        let d = WaitlistOfferMessage.Details(clinicName: "Clínica Central", doctorName: "Dr. Núñez", patientFirstName: "Lucía", date: day,
                                             time: LocalTime(iso: "10:00")!, holdUntil: LocalTime(iso: "15:30")!, holdMinutes: 30)
        for (locale, channel) in [("es", "EMAIL"), ("en", "EMAIL"), ("es", "SMS"), ("en", "SMS")] {
            let stored = WaitlistOfferMessage.redacted(channel: channel, locale: locale, d)
            XCTAssertTrue(stored.body.contains(WaitlistOfferMessage.linkPlaceholder), "\(locale) \(channel)")
            XCTAssertTrue(stored.body.contains("15:30"), "\(locale) \(channel): the hold's end")
            let link = WaitlistOfferMessage.link(publicURL: "https://clinic.example", token: "T0K3N")
            let sent = WaitlistOfferMessage.deliverable(stored: stored, link: link)
            XCTAssertTrue(sent.body.contains("https://clinic.example/waitlist-offer?token=T0K3N"))
            XCTAssertFalse(sent.body.contains(WaitlistOfferMessage.linkPlaceholder))
            XCTAssertEqual(sent.subject, stored.subject)
        }
        XCTAssertEqual(WaitlistOfferMessage.redacted(channel: "EMAIL", locale: "es", d).subject, "Se liberó una cita – Dr. Núñez")
        XCTAssertEqual(WaitlistOfferMessage.redacted(channel: "EMAIL", locale: "en", d).subject, "A slot opened up – Dr. Núñez")
    }
}
