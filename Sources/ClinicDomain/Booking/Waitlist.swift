// The waitlist's rules as plain values (issue #17): what a patient may ask
// for, which waiting entry a free slot goes to, and how long an offer holds
// it. The store loads entries and slots; `WaitlistMatching` decides, so the
// FIFO and matching rules are testable without a database.

/// A part of the clinic-local day a patient can be offered: slots starting in it.
public enum PartOfDay: String, Sendable, CaseIterable {
    case ANY, MORNING, AFTERNOON, EVENING

    /// Starting times (minutes since midnight) of the part: morning before
    /// 12:00, afternoon 12:00–16:59, evening from 17:00.
    public func contains(_ time: LocalTime) -> Bool {
        let m = time.minutesSinceMidnight
        switch self {
        case .ANY: return true
        case .MORNING: return m < 12 * 60
        case .AFTERNOON: return m >= 12 * 60 && m < 17 * 60
        case .EVENING: return m >= 17 * 60
        }
    }
}

public enum WaitlistEntryStatus: String, Sendable {
    /// Waiting for a slot (also again after declining one).
    case WAITING
    /// A slot is held for the patient right now.
    case OFFERED
    /// The patient accepted an offer: the appointment exists.
    case BOOKED
    /// An offer's hold ran out unanswered: the entry stops (the patient may join again).
    case EXPIRED
    /// Removed by the patient or by staff.
    case LEFT

    public var isOpen: Bool { self == .WAITING || self == .OFFERED }
}

public enum WaitlistOfferStatus: String, Sendable {
    case OFFERED, ACCEPTED, DECLINED, EXPIRED, WITHDRAWN
}

public enum WaitlistRules {
    /// The hold (minutes) an offer keeps its slot: `system_settings.waitlist_hold_minutes`.
    public static let holdMinutesRange = 5...1440
    public static let defaultHoldMinutes = 30
    /// Open entries (WAITING or OFFERED) one patient may have at once.
    public static let maximumOpenEntries = 5

    public enum Refusal: Error, Sendable, Equatable {
        case noTarget
        case bothTargets
        case lastBeforeFirst(first: LocalDate, last: LocalDate)
        case firstDayPassed(today: LocalDate)
        case beyondHorizon(lastBookableDate: LocalDate)
        case tooManyOpen(limit: Int)

        /// BAD_USER_INPUT for what the request itself gets wrong, CONFLICT for the patient's state.
        public var code: String { if case .tooManyOpen = self { return "CONFLICT" }; return "BAD_USER_INPUT" }

        /// The argument at fault, for `extensions.field`.
        public var field: String? {
            switch self {
            case .noTarget, .bothTargets: return "input.doctorId"
            case .lastBeforeFirst, .beyondHorizon: return "input.lastDay"
            case .firstDayPassed: return "input.firstDay"
            case .tooManyOpen: return nil
            }
        }

        public var message: String {
            switch self {
            case .noTarget: return "Choose a doctor (doctorId) or a specialization to wait for"
            case .bothTargets: return "Wait for a doctor (doctorId) or a specialization, not both"
            case .lastBeforeFirst(let first, let last): return "The last day (\(last)) is before the first day (\(first))"
            case .firstDayPassed(let today): return "The first day has already passed (today is \(today))"
            case .beyondHorizon(let last): return "Bookings are open only up to \(last); wait for days up to then"
            case .tooManyOpen(let limit):
                return "You are already on \(limit) waitlists, the most at once; leave one before joining another"
            }
        }
    }

    /// The dates a patient may wait for: from today, within the booking horizon.
    public static func checkDays(first: LocalDate, last: LocalDate, today: LocalDate, horizonDays: Int) throws(Refusal) {
        guard first <= last else { throw .lastBeforeFirst(first: first, last: last) }
        guard first >= today else { throw .firstDayPassed(today: today) }
        let lastBookable = today.adding(days: horizonDays)
        guard last <= lastBookable else { throw .beyondHorizon(lastBookableDate: lastBookable) }
    }

    /// How far ahead an offered slot must start: the minimum notice plus the
    /// hold, so that accepting at the last minute of the hold is still a
    /// booking inside the rules (the same path checks the notice again).
    public static func offerLeadMinutes(rules: BookingRules, holdMinutes: Int) -> Int {
        rules.minimumNoticeMinutes + holdMinutes
    }
}

/// Who gets which free slot of one doctor: slots in time order, and for each
/// the first waiting entry (by join time, then id) that wants it and may have
/// it. An entry gets at most one slot per round, and no slot that overlaps
/// one already handed out in the round (buffers included).
public enum WaitlistMatching {
    public struct Candidate: Sendable, Hashable {
        public var entryID: Int64
        public var patientID: Int64
        public var firstDay: LocalDate
        public var lastDay: LocalDate
        public var partOfDay: PartOfDay
        /// Slot starts this entry declined with this doctor: never offered to it again.
        public var declined: Set<Instant>
        public init(entryID: Int64, patientID: Int64, firstDay: LocalDate, lastDay: LocalDate, partOfDay: PartOfDay,
                    declined: Set<Instant> = []) {
            self.entryID = entryID; self.patientID = patientID; self.firstDay = firstDay; self.lastDay = lastDay
            self.partOfDay = partOfDay; self.declined = declined
        }

        public func wants(_ slot: SlotCalendar.Slot) -> Bool {
            slot.date >= firstDay && slot.date <= lastDay && partOfDay.contains(slot.time) && !declined.contains(slot.startsAt)
        }
    }

    public struct Match: Sendable, Hashable {
        public var candidate: Candidate
        public var slot: SlotCalendar.Slot
        /// The slot widened by the doctor's buffers: what the offer holds.
        public var held: InstantRange
    }

    /// - Parameters:
    ///   - slots: the doctor's free slots (for clients, with the offer lead as notice), in time order.
    ///   - candidates: waiting entries in FIFO order.
    ///   - eligible: whether the patient may be offered this slot now (booking rules, own overlaps).
    public static func match(slots: [SlotCalendar.Slot], candidates: [Candidate], buffers: Buffers,
                             eligible: (Candidate, SlotCalendar.Slot) throws -> Bool) rethrows -> [Match] {
        var waiting = candidates
        var held: [InstantRange] = []
        var out: [Match] = []
        for slot in slots where !waiting.isEmpty {
            let range = buffers.blocked(slot.range)
            if held.contains(where: { $0.overlaps(range) }) { continue }
            // Patients of entries already matched this round wait for the next.
            guard let index = try waiting.firstIndex(where: { c in
                guard c.wants(slot), !out.contains(where: { $0.candidate.patientID == c.patientID }) else { return false }
                return try eligible(c, slot)
            }) else { continue }
            out.append(Match(candidate: waiting[index], slot: slot, held: range))
            held.append(range)
            waiting.remove(at: index)
        }
        return out
    }
}
