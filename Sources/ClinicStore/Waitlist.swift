// The waitlist (migration 0018): entries patients join, offers that hold a
// freed slot for one of them, and the "freed" events the mutations write for
// the workers. Who gets a slot is decided by ClinicDomain's WaitlistMatching;
// the exclusion constraint waitlist_offers_no_overlap is what makes it hold
// with any number of workers.
import ClinicDomain
import JSON
import Postgres

public struct WaitlistEntryRow: Sendable {
    public var id: Int64
    public var patientID: Int64
    /// The patient's user: SELF for the entry.
    public var patientUserID: Int64
    public var doctorID: Int64?
    public var specialization: String?
    public var firstDay: LocalDate
    public var lastDay: LocalDate
    public var partOfDay: PartOfDay
    public var status: WaitlistEntryStatus
    public var joinedAt: Instant
    public var updatedAt: Instant
    public var appointmentID: Int64?

    static let columns = """
        e.id, e.patient_id, (SELECT p.user_id FROM patients p WHERE p.id = e.patient_id) AS patient_user_id, e.doctor_id,
        e.specialization, e.first_day::text AS first_day, e.last_day::text AS last_day, e.part_of_day, e.status, e.joined_at,
        e.updated_at, e.appointment_id
        """

    init(_ r: Row) throws {
        id = try r.id("id"); patientID = try r.id("patient_id"); patientUserID = try r.id("patient_user_id")
        doctorID = try r.optionalID("doctor_id"); specialization = try r.optionalString("specialization")
        firstDay = try r.localDate("first_day"); lastDay = try r.localDate("last_day")
        partOfDay = PartOfDay(rawValue: try r.string("part_of_day")) ?? .ANY
        status = WaitlistEntryStatus(rawValue: try r.string("status")) ?? .LEFT
        joinedAt = try r.instant("joined_at"); updatedAt = try r.instant("updated_at")
        appointmentID = try r.optionalID("appointment_id")
    }

    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == patientUserID }
}

public struct WaitlistOfferRow: Sendable {
    public var id: Int64
    public var entryID: Int64
    public var patientID: Int64
    public var patientUserID: Int64
    public var doctorID: Int64
    public var date: LocalDate
    public var time: LocalTime
    public var startsAt: Instant
    public var endsAt: Instant
    public var status: WaitlistOfferStatus
    public var offeredAt: Instant
    public var expiresAt: Instant
    public var answeredAt: Instant?
    public var appointmentID: Int64?

    static let columns = """
        o.id, o.entry_id, o.patient_id, (SELECT p.user_id FROM patients p WHERE p.id = o.patient_id) AS patient_user_id,
        o.doctor_id, o.local_date::text AS local_date, o.local_time::text AS local_time, o.starts_at, o.ends_at, o.status,
        o.offered_at, o.expires_at, o.answered_at, o.appointment_id
        """

    init(_ r: Row) throws {
        id = try r.id("id"); entryID = try r.id("entry_id"); patientID = try r.id("patient_id")
        patientUserID = try r.id("patient_user_id"); doctorID = try r.id("doctor_id")
        date = try r.localDate("local_date"); time = try r.localTime("local_time")
        startsAt = try r.instant("starts_at"); endsAt = try r.instant("ends_at")
        status = WaitlistOfferStatus(rawValue: try r.string("status")) ?? .WITHDRAWN
        offeredAt = try r.instant("offered_at"); expiresAt = try r.instant("expires_at")
        answeredAt = try r.optionalInstant("answered_at"); appointmentID = try r.optionalID("appointment_id")
    }

    public func isSelf(_ viewer: Viewer) -> Bool { viewer.userID == patientUserID }
}

/// `Query.waitlistEntries`'s filter as plain values.
public struct WaitlistFilter: Sendable {
    public var patientID: Int64?
    public var doctorID: Int64?
    public var statuses: [String]?
    public init(patientID: Int64? = nil, doctorID: Int64? = nil, statuses: [String]? = nil) {
        self.patientID = patientID; self.doctorID = doctorID; self.statuses = statuses
    }
}

public enum WaitlistStore {
    // MARK: entries

    /// The patient's WAITING and OFFERED entries (call with the patient row locked).
    public static func openEntryCount(_ conn: Connection, patientID: Int64) throws -> Int {
        try conn.query("SELECT count(*) AS n FROM waitlist_entries WHERE patient_id = $1 AND status IN ('WAITING', 'OFFERED')",
                       [.id(patientID)]).first?.int("n") ?? 0
    }

    public static func insertEntry(_ conn: Connection, patientID: Int64, doctorID: Int64?, specialization: String?, first: LocalDate,
                                   last: LocalDate, partOfDay: PartOfDay, now: Instant, createdBy: Int64) throws -> Int64 {
        try conn.query("""
            INSERT INTO waitlist_entries (patient_id, doctor_id, specialization, first_day, last_day, part_of_day, joined_at, updated_at,
                                          created_by)
            VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $7, $8) RETURNING id
            """, [.id(patientID), doctorID.map { .id($0) }, specialization.map { .text($0) }, first.postgresValue, last.postgresValue,
                  .text(partOfDay.rawValue), now.postgresValue, .id(createdBy)]).first!.id("id")
    }

    public static func entry(_ conn: Connection, _ id: Int64, forUpdate: Bool = false) throws -> WaitlistEntryRow? {
        try conn.query("SELECT \(WaitlistEntryRow.columns) FROM waitlist_entries e WHERE e.id = $1\(forUpdate ? " FOR UPDATE" : "")",
                       [.id(id)]).first.map(WaitlistEntryRow.init)
    }

    public static func entries(_ conn: Connection, _ ids: [Int64]) throws -> [Int64: WaitlistEntryRow] {
        var out: [Int64: WaitlistEntryRow] = [:]
        for r in try conn.query("SELECT \(WaitlistEntryRow.columns) FROM waitlist_entries e WHERE e.id = ANY($1)", [.ids(ids)]) {
            let row = try WaitlistEntryRow(r)
            out[row.id] = row
        }
        return out
    }

    public static func setEntryStatus(_ conn: Connection, _ id: Int64, _ status: WaitlistEntryStatus, now: Instant) throws {
        _ = try conn.query("UPDATE waitlist_entries SET status = $2, updated_at = $3 WHERE id = $1",
                           [.id(id), .text(status.rawValue), now.postgresValue])
    }

    /// One page in FIFO order (joined_at, id), and the total when asked.
    public static func page(_ conn: Connection, filter: WaitlistFilter, after: PageAfter<Instant>?, limit: Int,
                            countTotal: Bool) throws -> ([WaitlistEntryRow], Int?) {
        var p = SQLParams()
        var conds = ["TRUE"]
        if let id = filter.patientID { conds.append("e.patient_id = \(p.bind(.id(id)))") }
        if let id = filter.doctorID {
            // A doctor's waitlist: entries for them, and for their specialization.
            let d = p.bind(.id(id))
            conds.append("(e.doctor_id = \(d) OR lower(e.specialization) = (SELECT lower(sd.specialization) FROM doctors sd WHERE sd.id = \(d)))")
        }
        if let s = filter.statuses { conds.append("e.status = ANY(\(p.bind(.textArray(s)))::text[])") }
        let countConds = conds
        let countParams = p.values
        if let after {
            conds.append("(e.joined_at, e.id) > (\(p.bind(after.key.postgresValue)), \(p.bind(.id(after.id))))")
        }
        let rows = try conn.query("SELECT \(WaitlistEntryRow.columns) FROM waitlist_entries e WHERE \(conds.joined(separator: " AND ")) "
                                  + "ORDER BY e.joined_at, e.id LIMIT \(limit)", p.values).rows.map(WaitlistEntryRow.init)
        var total: Int?
        if countTotal {
            total = try conn.query("SELECT count(*) AS n FROM waitlist_entries e WHERE \(countConds.joined(separator: " AND "))",
                                   countParams).first?.int("n")
        }
        return (rows, total)
    }

    // MARK: offers

    /// The latest offer of each entry (its open one when it has one).
    public static func latestOffers(_ conn: Connection, entryIDs: [Int64]) throws -> [Int64: WaitlistOfferRow] {
        var out: [Int64: WaitlistOfferRow] = [:]
        for r in try conn.query("""
            SELECT DISTINCT ON (o.entry_id) \(WaitlistOfferRow.columns) FROM waitlist_offers o
             WHERE o.entry_id = ANY($1) ORDER BY o.entry_id, o.id DESC
            """, [.ids(entryIDs)]) {
            let row = try WaitlistOfferRow(r)
            out[row.entryID] = row
        }
        return out
    }

    /// The offer a link's token hash names, locked when `forUpdate`.
    public static func offer(tokenHash: [UInt8], _ conn: Connection, forUpdate: Bool) throws -> WaitlistOfferRow? {
        try conn.query("SELECT \(WaitlistOfferRow.columns) FROM waitlist_offers o WHERE o.token_hash = $1\(forUpdate ? " FOR UPDATE" : "")",
                       [.bytea(tokenHash)]).first.map(WaitlistOfferRow.init)
    }

    /// The entry's open offer, locked.
    public static func openOffer(entryID: Int64, _ conn: Connection) throws -> WaitlistOfferRow? {
        try conn.query("SELECT \(WaitlistOfferRow.columns) FROM waitlist_offers o WHERE o.entry_id = $1 AND o.status = 'OFFERED' FOR UPDATE",
                       [.id(entryID)]).first.map(WaitlistOfferRow.init)
    }

    /// Closes an open offer (DECLINED, EXPIRED, WITHDRAWN); false when it was no longer open.
    @discardableResult
    public static func closeOffer(_ conn: Connection, _ id: Int64, as status: WaitlistOfferStatus, now: Instant) throws -> Bool {
        conn.changedBusyRanges()
        return try conn.query("UPDATE waitlist_offers SET status = $2, answered_at = $3 WHERE id = $1 AND status = 'OFFERED'",
                       [.id(id), .text(status.rawValue), now.postgresValue]).affectedRows > 0
    }

    /// After `appointmentID` was booked for the patient: their open offers of
    /// that doctor overlapping it are ACCEPTED and their entries BOOKED (the
    /// link's accept, or the patient booking the held slot themselves).
    /// Returns the offers settled.
    @discardableResult
    public static func settleBooked(_ conn: Connection, patientID: Int64, doctorID: Int64, range: InstantRange, appointmentID: Int64,
                                    now: Instant) throws -> [Int64] {
        conn.changedBusyRanges()
        let rows = try conn.query("""
            WITH accepted AS (
                UPDATE waitlist_offers SET status = 'ACCEPTED', answered_at = $5, appointment_id = $4
                 WHERE patient_id = $1 AND doctor_id = $2 AND status = 'OFFERED' AND held && $3::tstzrange
                RETURNING id, entry_id
            ), booked AS (
                UPDATE waitlist_entries e SET status = 'BOOKED', appointment_id = $4, updated_at = $5
                  FROM accepted WHERE e.id = accepted.entry_id
            )
            SELECT id FROM accepted
            """, [.id(patientID), .id(doctorID), .text(range.postgresRange), .id(appointmentID), now.postgresValue])
        return try rows.rows.map { try $0.id("id") }
    }

    // MARK: freed time

    /// Time may have freed up for `doctorID` (nil: every doctor), in the
    /// caller's transaction; the workers pick it up.
    public static func noteFreed(_ conn: Connection, doctorID: Int64?, reason: String) throws {
        _ = try conn.query("INSERT INTO waitlist_events (doctor_id, reason) VALUES ($1, $2)",
                           [doctorID.map { .id($0) }, .text(reason)])
    }

    /// Likewise for every doctor of a specialization (a new entry for it).
    public static func noteFreed(_ conn: Connection, specialization: String, reason: String) throws {
        _ = try conn.query("""
            INSERT INTO waitlist_events (doctor_id, reason)
            SELECT d.id, $2 FROM doctors d WHERE lower(d.specialization) = lower($1) ORDER BY d.id
            """, [.text(specialization), .text(reason)])
    }
}

extension InstantRange {
    /// `[start,end)` as a tstzrange literal.
    var postgresRange: String { "[\(start.rfc3339),\(end.rfc3339))" }
}

/// One offer a worker made: what its message and audit entry need.
public struct MadeOffer: Sendable {
    public var offerID: Int64
    public var entryID: Int64
    public var patientID: Int64
    public var doctorID: Int64
    public var slot: SlotCalendar.Slot
    public var expiresAt: Instant
}

/// The workers' side: expire holds, claim freed-time events, make offers.
public enum WaitlistOffering {
    /// A new offer's secret: the hash to store and the token sealed for the outbox row.
    public typealias IssueToken = @Sendable () -> (hash: [UInt8], sealed: [UInt8])

    /// Open offers whose hold ran out become EXPIRED, their entries EXPIRED,
    /// and their doctors get an event so the slot goes to the next patient.
    /// Offers being answered right now (row locked) are skipped. Returns how many expired.
    public static func expireDue(_ conn: Connection, now: Instant, limit: Int) throws -> Int {
        conn.changedBusyRanges()
        let rows = try conn.query("""
            WITH due AS (
                SELECT id FROM waitlist_offers WHERE status = 'OFFERED' AND expires_at <= $1
                 ORDER BY expires_at, id LIMIT $2 FOR UPDATE SKIP LOCKED
            ), expired AS (
                UPDATE waitlist_offers o SET status = 'EXPIRED', answered_at = $1 FROM due WHERE o.id = due.id
                RETURNING o.id, o.entry_id, o.doctor_id
            ), entries AS (
                UPDATE waitlist_entries e SET status = 'EXPIRED', updated_at = $1
                  FROM expired WHERE e.id = expired.entry_id AND e.status = 'OFFERED'
            ), events AS (
                INSERT INTO waitlist_events (doctor_id, reason) SELECT DISTINCT doctor_id, 'offer expired' FROM expired
            )
            SELECT id, entry_id FROM expired
            """, [now.postgresValue, .int(limit)])
        for r in rows {
            try AuditLog.record(conn, actor: nil, action: "waitlist.offer_expire", target: GlobalID.encode(type: "WaitlistOffer", id: try r.id("id")),
                                details: .object([("entryId", .string(GlobalID.encode(type: "WaitlistEntry", id: try r.id("entry_id"))))]),
                                ip: nil)
        }
        return rows.count
    }

    /// Takes up to `limit` events (FOR UPDATE SKIP LOCKED: each event goes to
    /// one worker) and deletes them; they come back if the caller's
    /// transaction rolls back. Returns the doctors to look at, ascending (so
    /// workers lock doctor rows in one order), every doctor with waiting
    /// patients for an event without a doctor.
    public static func claimEvents(_ conn: Connection, limit: Int) throws -> [Int64] {
        let rows = try conn.query("""
            WITH taken AS (
                DELETE FROM waitlist_events WHERE id IN (
                    SELECT id FROM waitlist_events ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING doctor_id
            )
            SELECT DISTINCT doctor_id FROM taken WHERE doctor_id IS NOT NULL
            UNION
            SELECT d.id FROM doctors d WHERE EXISTS (SELECT 1 FROM taken WHERE taken.doctor_id IS NULL)
               AND EXISTS (SELECT 1 FROM waitlist_entries e WHERE e.status = 'WAITING'
                              AND (e.doctor_id = d.id OR lower(e.specialization) = lower(d.specialization)))
            ORDER BY 1
            """, [.int(limit)])
        return try rows.rows.map { try $0.id("doctor_id") }
    }

    /// The safety net: an event for every doctor some waiting entry could
    /// use (e.g. after a change that wrote no event, or data restored).
    public static func sweep(_ conn: Connection) throws {
        _ = try conn.query("""
            INSERT INTO waitlist_events (doctor_id, reason)
            SELECT d.id, 'sweep' FROM doctors d
             WHERE d.is_available AND EXISTS (SELECT 1 FROM waitlist_entries e WHERE e.status = 'WAITING'
                                                 AND (e.doctor_id = d.id OR lower(e.specialization) = lower(d.specialization)))
            """)
    }

    /// Offers the doctor's free slots to waiting patients, under the doctor's
    /// row lock (FOR UPDATE, like a booking: a booking and an offer of one
    /// doctor take turns, and each sees the other's row). Slots are those a
    /// client could book now with the offer's lead as notice (`WaitlistRules.offerLeadMinutes`);
    /// a patient is skipped for a slot the booking rules would refuse them
    /// (no-show stop, upcoming limit, one per doctor and day) or that
    /// overlaps one of their appointments, and patients already holding an
    /// offer wait for the next round.
    public static func offerFreeSlots(_ conn: Connection, doctorID: Int64, settings: SettingsRow, holdMinutes: Int, now: Instant,
                                      issue: IssueToken) throws -> [MadeOffer] {
        conn.changedBusyRanges()
        guard let doctor = try DoctorStore.lock(conn, doctorID, mode: .exclusive), doctor.isAvailable else { return [] }
        let zone = settings.zone
        let today = zone.localDate(at: now)
        let candidates = try waitingCandidates(conn, doctor: doctor, today: today)
        guard !candidates.isEmpty else { return [] }
        let lastBookable = today.adding(days: settings.bookingHorizonDays)
        let first = max(today, candidates.map(\.firstDay).min()!)
        let last = min(lastBookable, candidates.map(\.lastDay).max()!)
        guard first <= last else { return [] }
        let window = SlotCalendar.queryWindow(from: first, through: last, timeZone: zone)
        let data = try ClinicLoad.calendarData(conn, doctorIDs: [doctorID], window: window)[doctorID]
        let calendar = SlotCalendar(
            workingHours: data?.hours ?? [], timeZone: zone, timeOff: data?.timeOff ?? [],
            closures: (data?.closures ?? []).map { zone.range(from: $0.first, through: $0.last) }, busy: data?.busy ?? [],
            now: now, horizonDays: settings.bookingHorizonDays,
            minimumNoticeMinutes: WaitlistRules.offerLeadMinutes(rules: settings.rules, holdMinutes: holdMinutes), buffers: doctor.buffers)
        var slots: [SlotCalendar.Slot] = []
        for offset in 0...first.days(to: last) { slots += calendar.freeSlots(on: first.adding(days: offset)) }
        // The rules depend on the patient and the date only: asked once per pair, however many slots a day has.
        var allowed: [String: Bool] = [:]
        let matches = try WaitlistMatching.match(slots: slots, candidates: candidates, buffers: doctor.buffers) { c, slot in
            let key = "\(c.patientID) \(slot.date.iso)"
            if allowed[key] == nil {
                let standing = try PatientStandingStore.standing(conn, patientID: c.patientID, doctorID: doctorID, date: slot.date, now: now,
                                                                 excluding: nil)
                do throws(BookingRules.Refusal) {
                    try settings.rules.check(standing, isStaff: false, isNewBooking: true, doctor: doctor.displayName, date: slot.date)
                    allowed[key] = true
                } catch {
                    allowed[key] = false
                }
            }
            guard allowed[key] == true else { return false }
            return try !patientBusy(conn, patientID: c.patientID, during: slot.range)
        }
        let expiresAt = now.adding(minutes: holdMinutes)
        var made: [MadeOffer] = []
        for m in matches {
            let secret = issue()
            let id = try conn.query("""
                INSERT INTO waitlist_offers (entry_id, patient_id, doctor_id, local_date, local_time, starts_at, ends_at, held,
                                             token_hash, offered_at, expires_at)
                VALUES ($1, $2, $3, $4::date, $5::time, $6, $7, $8::tstzrange, $9, $10, $11) RETURNING id
                """, [.id(m.candidate.entryID), .id(m.candidate.patientID), .id(doctorID), m.slot.date.postgresValue,
                      m.slot.time.postgresValue, m.slot.startsAt.postgresValue, m.slot.endsAt.postgresValue, .text(m.held.postgresRange),
                      .bytea(secret.hash), now.postgresValue, expiresAt.postgresValue]).first!.id("id")
            try WaitlistStore.setEntryStatus(conn, m.candidate.entryID, .OFFERED, now: now)
            let offer = MadeOffer(offerID: id, entryID: m.candidate.entryID, patientID: m.candidate.patientID, doctorID: doctorID,
                                  slot: m.slot, expiresAt: expiresAt)
            try enqueueOfferMessage(conn, offer, doctor: doctor, settings: settings, holdMinutes: holdMinutes, sealed: secret.sealed)
            try AuditLog.record(conn, actor: nil, action: "waitlist.offer", target: GlobalID.encode(type: "WaitlistOffer", id: id),
                                details: .object([("entryId", .string(GlobalID.encode(type: "WaitlistEntry", id: m.candidate.entryID))),
                                                  ("doctorId", .string(GlobalID.encode(type: "Doctor", id: doctorID))),
                                                  ("date", .string(m.slot.date.iso)), ("time", .string(m.slot.time.iso)),
                                                  ("expiresAt", .string(expiresAt.rfc3339))]), ip: nil)
            made.append(offer)
        }
        return made
    }

    /// WAITING entries that could take a slot of `doctor`, FIFO, their
    /// patients holding no open offer, with the slots each already declined.
    static func waitingCandidates(_ conn: Connection, doctor: DoctorRow, today: LocalDate) throws -> [WaitlistMatching.Candidate] {
        let rows = try conn.query("""
            SELECT e.id, e.patient_id, e.first_day::text AS first_day, e.last_day::text AS last_day, e.part_of_day,
                   ARRAY(SELECT o.starts_at::text FROM waitlist_offers o
                          WHERE o.entry_id = e.id AND o.doctor_id = $1 AND o.status = 'DECLINED') AS declined
              FROM waitlist_entries e
             WHERE e.status = 'WAITING' AND e.last_day >= $3::date
               AND (e.doctor_id = $1 OR lower(e.specialization) = lower($2))
               AND NOT EXISTS (SELECT 1 FROM waitlist_offers x WHERE x.patient_id = e.patient_id AND x.status = 'OFFERED')
             ORDER BY e.joined_at, e.id
             LIMIT 500
            """, [.id(doctor.id), .text(doctor.specialization), today.postgresValue])
        return try rows.rows.map { r in
            WaitlistMatching.Candidate(
                entryID: try r.id("id"), patientID: try r.id("patient_id"), firstDay: try r.localDate("first_day"),
                lastDay: try r.localDate("last_day"), partOfDay: PartOfDay(rawValue: try r.string("part_of_day")) ?? .ANY,
                declined: Set(try r.stringArray("declined").compactMap { Instant(postgresText: $0) }))
        }
    }

    static func patientBusy(_ conn: Connection, patientID: Int64, during range: InstantRange) throws -> Bool {
        try conn.query("""
            SELECT 1 FROM appointments WHERE patient_id = $1 AND status IN ('SCHEDULED', 'CONFIRMED')
               AND during && $2::tstzrange LIMIT 1
            """, [.id(patientID), .text(range.postgresRange)]).first != nil
    }

    /// The offer's message on each channel the patient chose, in their
    /// language, stored with the link hidden and the token sealed beside it.
    static func enqueueOfferMessage(_ conn: Connection, _ offer: MadeOffer, doctor: DoctorRow, settings: SettingsRow, holdMinutes: Int,
                                    sealed: [UInt8]) throws {
        guard let u = try conn.query("""
            SELECT u.id, u.email, u.phone, u.notify_by_email, u.notify_by_sms, u.first_name, u.locale
              FROM patients p JOIN users u ON u.id = p.user_id WHERE p.id = $1 AND u.deleted_at IS NULL
            """, [.id(offer.patientID)]).first else { return }
        var channels: [(String, String)] = []
        if try u.bool("notify_by_email"), let email = try u.optionalString("email"), !email.isEmpty { channels.append(("EMAIL", email)) }
        if try u.bool("notify_by_sms"), let phone = try u.optionalString("phone"), !phone.isEmpty { channels.append(("SMS", phone)) }
        // No channel at all: still email when there is an address, or the offer would hold the slot for nobody to hear of.
        if channels.isEmpty, let email = try u.optionalString("email"), !email.isEmpty { channels.append(("EMAIL", email)) }
        let zone = settings.zone
        let details = WaitlistOfferMessage.Details(
            clinicName: settings.clinicName, doctorName: doctor.displayName, patientFirstName: try u.string("first_name"),
            date: offer.slot.date, time: offer.slot.time, holdUntil: zone.wallClock(at: offer.expiresAt).time, holdMinutes: holdMinutes)
        for (channel, recipient) in channels {
            let text = WaitlistOfferMessage.redacted(channel: channel, locale: try u.optionalString("locale"), details)
            _ = try conn.query("""
                INSERT INTO notifications (user_id, channel, kind, subject, body, recipient, sealed_secret, scheduled_at)
                VALUES ($1, $2, 'WAITLIST_OFFER', $3, $4, $5, $6, $7)
                """, [.id(try u.id("id")), .text(channel), .text(text.subject), .text(text.body), .text(String(recipient.prefix(254))),
                      .bytea(sealed), offer.expiresAt.adding(minutes: -holdMinutes).postgresValue])
        }
    }
}
