// The clinic's booking rules beyond the slot grid (issue #17), as plain values:
// minimum notice, per-doctor buffers, per-patient limits, the no-show stop,
// reminders at several offsets per channel, and when the doctor is told.
// Clients are bound by them; staff may override (they book by phone, at the
// desk, knowing the patient). The store counts, these types decide.

/// Minutes before and after each appointment of a doctor that no other
/// appointment may use (cleaning, notes). Two appointments of one doctor are
/// therefore at least `first.after + second.before` minutes apart; the
/// database's exclusion constraint compares the same widened ranges.
public struct Buffers: Sendable, Hashable {
    public var before: Int
    public var after: Int
    public init(before: Int = 0, after: Int = 0) { self.before = before; self.after = after }

    public static let allowed = 0...240

    /// `range` widened by the buffers, in real minutes (a DST change in between
    /// does not stretch or shrink them).
    public func blocked(_ range: InstantRange) -> InstantRange {
        InstantRange(start: range.start.adding(minutes: -before), end: range.end.adding(minutes: after))
    }
}

public struct BookingRules: Sendable, Hashable {
    /// Clients cannot book a slot starting sooner than this (minutes).
    public var minimumNoticeMinutes: Int
    /// Clients may hold at most this many active future appointments.
    public var maxActiveAppointments: Int
    /// After this many no-shows in 12 months a client cannot book online; 0: never.
    public var noShowLimit: Int
    /// Clients hold at most one active appointment per doctor and clinic-local day.
    public var onePerDoctorPerDay: Bool

    public init(minimumNoticeMinutes: Int = 120, maxActiveAppointments: Int = 3, noShowLimit: Int = 3, onePerDoctorPerDay: Bool = true) {
        self.minimumNoticeMinutes = minimumNoticeMinutes
        self.maxActiveAppointments = maxActiveAppointments
        self.noShowLimit = noShowLimit
        self.onePerDoctorPerDay = onePerDoctorPerDay
    }

    public static let minimumNoticeRange = 0...10_080
    public static let maxActiveRange = 1...1000
    public static let noShowLimitRange = 0...100
    /// The no-show stop looks back this many months.
    public static let noShowLookbackMonths = 12

    /// The notice a viewer's slot calendar applies: staff override it.
    public func noticeMinutes(isStaff: Bool) -> Int { isStaff ? 0 : minimumNoticeMinutes }

    /// "2 hours", "90 minutes", "1 hour", "1 day".
    public static func describe(minutes: Int) -> String {
        func unit(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        if minutes > 0, minutes % 1440 == 0 { return unit(minutes / 1440, "day") }
        if minutes > 0, minutes % 60 == 0 { return unit(minutes / 60, "hour") }
        return unit(minutes, "minute")
    }

    /// What the store counted about the patient, in the booking's transaction
    /// (with the patient's row locked, so two parallel bookings count in turn).
    public struct PatientStanding: Sendable, Hashable {
        /// Active appointments starting after now, the one being moved excluded.
        public var activeFuture: Int
        /// An active appointment with the same doctor on the same clinic-local
        /// date exists (the one being moved excluded).
        public var sameDoctorSameDay: Bool
        /// NO_SHOW appointments that started within the last 12 months.
        public var recentNoShows: Int
        public init(activeFuture: Int, sameDoctorSameDay: Bool, recentNoShows: Int) {
            self.activeFuture = activeFuture; self.sameDoctorSameDay = sameDoctorSameDay; self.recentNoShows = recentNoShows
        }
    }

    public enum Refusal: Error, Sendable, Equatable {
        case tooManyActive(limit: Int)
        case sameDoctorSameDay(doctor: String, date: LocalDate)
        case tooManyNoShows(count: Int, limit: Int)

        /// CONFLICT for the limits (a state the patient can change by
        /// cancelling); FORBIDDEN for the no-show stop (only the clinic can book).
        public var code: String {
            if case .tooManyNoShows = self { return "FORBIDDEN" }
            return "CONFLICT"
        }

        public var message: String {
            switch self {
            case .tooManyActive(let limit):
                return "You already have \(limit) upcoming appointment\(limit == 1 ? "" : "s"), the most that can be booked online; "
                    + "cancel one or call the clinic"
            case .sameDoctorSameDay(let doctor, let date):
                return "You already have an appointment with \(doctor) on \(date); only one per doctor per day can be booked online"
            case .tooManyNoShows(let count, let limit):
                return "Online booking is paused after \(count) missed appointment\(count == 1 ? "" : "s") in the last 12 months "
                    + "(the limit is \(limit)); please call the clinic to book"
            }
        }
    }

    /// The patient-level rules for a client's booking (`isNewBooking`) or
    /// reschedule; staff pass every check. Order: no-shows, per-day, total.
    public func check(_ s: PatientStanding, isStaff: Bool, isNewBooking: Bool, doctor: String,
                      date: LocalDate) throws(Refusal) {
        guard !isStaff else { return }
        if isNewBooking, noShowLimit > 0, s.recentNoShows >= noShowLimit {
            throw .tooManyNoShows(count: s.recentNoShows, limit: noShowLimit)
        }
        if onePerDoctorPerDay, s.sameDoctorSameDay { throw .sameDoctorSameDay(doctor: doctor, date: date) }
        // A reschedule moves an appointment already counted: it never adds one.
        if isNewBooking, s.activeFuture >= maxActiveAppointments { throw .tooManyActive(limit: maxActiveAppointments) }
    }
}

/// Reminders at several offsets before the appointment, per channel.
public struct ReminderPlan: Sendable, Hashable {
    /// Minutes before the start, longest first, no repeats.
    public var email: [Int]
    public var sms: [Int]

    public init(email: [Int] = [1440, 120], sms: [Int] = [1440, 120]) {
        self.email = ReminderPlan.normalized(email)
        self.sms = ReminderPlan.normalized(sms)
    }

    public static let offsetRange = 5...43_200
    public static let maximumOffsets = 5

    public static func normalized(_ offsets: [Int]) -> [Int] { Array(Set(offsets)).sorted(by: >) }

    /// Why a list cannot be stored, nil when it can.
    public static func problem(_ offsets: [Int]) -> String? {
        if offsets.count > maximumOffsets { return "At most \(maximumOffsets) reminders per channel" }
        if let bad = offsets.first(where: { !offsetRange.contains($0) }) {
            return "A reminder offset must be between \(offsetRange.lowerBound) and \(offsetRange.upperBound) minutes, not \(bad)"
        }
        return nil
    }

    public func offsets(channel: String) -> [Int] { channel == "SMS" ? sms : email }

    /// The contract's single lead time: the longest offset (whole hours, at least 1).
    public var longestHours: Int? {
        guard let m = (email + sms).max() else { return nil }
        return max(1, m / 60)
    }

    /// `reminderHoursBefore` written alone: the longest reminder of each
    /// channel moves to `hours`, the shorter ones stay (an empty list stays empty).
    public func replacingLongest(hours: Int) -> ReminderPlan {
        func swap(_ list: [Int]) -> [Int] { list.isEmpty ? [] : [hours * 60] + list.dropFirst().filter { $0 < hours * 60 } }
        return ReminderPlan(email: swap(email), sms: swap(sms))
    }

    /// Which offsets of a channel to schedule for an appointment starting at
    /// `startsAt`: those still ahead; when every one has passed (a booking at
    /// short notice) the shortest one, sent at once.
    public func due(channel: String, startsAt: Instant, now: Instant) -> [(offset: Int, at: Instant)] {
        let list = offsets(channel: channel)
        let ahead = list.map { ($0, startsAt.adding(minutes: -$0)) }.filter { $0.1 > now }
        if !ahead.isEmpty { return ahead.map { (offset: $0.0, at: $0.1) } }
        guard let shortest = list.last, startsAt > now else { return [] }
        return [(offset: shortest, at: now)]
    }
}

/// When the treating doctor hears of a change: the appointment (before or
/// after it) starts within `hours` from now. 0 turns it off.
public struct DoctorAlertRule: Sendable, Hashable {
    public var hours: Int
    public init(hours: Int = 48) { self.hours = hours }
    public static let allowed = 0...720

    public func applies(to starts: [Instant], now: Instant) -> Bool {
        guard hours > 0 else { return false }
        let limit = now.adding(seconds: Int64(hours) * 3600)
        return starts.contains { $0 > now && $0 <= limit }
    }
}
