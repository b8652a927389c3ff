// Cuts a doctor's bookable slots out of the weekly working hours, in the
// clinic's time zone, and says why a requested slot cannot be booked.
//
// Slots are wall-clock times: the working hours 08:00–17:00 mean 08:00 on the
// clinic's clock every day, summer or winter. Around DST:
// - a wall time skipped by a spring-forward does not exist, so no slot is offered;
// - a wall time repeated by a fall-back is offered once, at its first occurrence;
// - a slot lasts `slotMinutes` of real time: `endsAt = startsAt + slotMinutes`.
// Everything here is pure: the caller loads hours, time off and busy ranges
// (see `queryWindow`) and passes `now`.

public struct SlotCalendar: Sendable {
    /// One weekly range of working hours: slots start at `start` and every
    /// `slotMinutes` after it, as long as the slot ends by `end`.
    public struct WorkingRange: Sendable, Hashable {
        /// 1 = Monday … 7 = Sunday.
        public var weekday: Int
        public var start: LocalTime
        public var end: LocalTime
        public var slotMinutes: Int
        public init(weekday: Int, start: LocalTime, end: LocalTime, slotMinutes: Int) {
            self.weekday = weekday; self.start = start; self.end = end; self.slotMinutes = slotMinutes
        }
    }

    public struct Slot: Sendable, Hashable {
        public var date: LocalDate
        public var time: LocalTime
        public var startsAt: Instant
        public var endsAt: Instant
        public var range: InstantRange { InstantRange(start: startsAt, end: endsAt) }
        public init(date: LocalDate, time: LocalTime, startsAt: Instant, endsAt: Instant) {
            self.date = date; self.time = time; self.startsAt = startsAt; self.endsAt = endsAt
        }
        /// A slot lasts `slotMinutes` of real time (see the file's header).
        init(date: LocalDate, time: LocalTime, startsAt: Instant, slotMinutes: Int) {
            self.init(date: date, time: time, startsAt: startsAt, endsAt: startsAt.adding(minutes: slotMinutes))
        }
    }

    /// Why a slot of the grid is or is not free, first reason wins in this order.
    public enum SlotStatus: Sendable, Hashable {
        case free, past, tooSoon, beyondHorizon, closed, timeOff, taken
    }

    public struct ScheduledSlot: Sendable, Hashable {
        public var slot: Slot
        public var status: SlotStatus
        public var available: Bool { status == .free }
    }

    public struct ScheduleDay: Sendable, Hashable {
        public var date: LocalDate
        public var slots: [ScheduledSlot]
    }

    public static let maximumScheduleDays = 31

    public let workingHours: [WorkingRange]
    public let timeZone: ClinicTimeZone
    public let now: Instant
    /// Nil: no horizon (e.g. staff). Otherwise the last bookable clinic-local
    /// date is today + horizonDays (0 = only today).
    public let horizonDays: Int?
    /// Slots starting before `now + minimumNoticeMinutes` are `.tooSoon`
    /// (clients: the clinic's minimum notice; staff: 0).
    public let minimumNoticeMinutes: Int
    /// The doctor's buffers: a slot is taken when its range widened by them
    /// meets a busy range.
    public let buffers: Buffers
    private let timeOff: OverlapIndex
    private let closures: OverlapIndex
    private let busy: OverlapIndex

    /// - Parameters:
    ///   - timeOff: the doctor's time off.
    ///   - closures: the days the whole clinic is closed, as instants.
    ///   - busy: the ranges the doctor's active appointments block, their own
    ///     buffers included (when rescheduling, leave out the appointment being moved).
    public init(workingHours: [WorkingRange], timeZone: ClinicTimeZone, timeOff: [InstantRange] = [],
                closures: [InstantRange] = [], busy: [InstantRange] = [], now: Instant, horizonDays: Int?,
                minimumNoticeMinutes: Int = 0, buffers: Buffers = Buffers()) {
        self.workingHours = workingHours
        self.timeZone = timeZone
        self.now = now
        self.horizonDays = horizonDays
        self.minimumNoticeMinutes = max(0, minimumNoticeMinutes)
        self.buffers = buffers
        self.timeOff = OverlapIndex(timeOff)
        self.closures = OverlapIndex(closures)
        self.busy = OverlapIndex(busy)
    }

    /// The clinic-local date of `now`.
    public var today: LocalDate { timeZone.localDate(at: now) }

    /// The last date clients may book, nil without a horizon.
    public var lastBookableDate: LocalDate? { horizonDays.map { today.adding(days: $0) } }

    /// The instants to load time off and appointments for when computing
    /// `from...through`: generous by a day each side so that no slot's range
    /// escapes it whatever the zone.
    public static func queryWindow(from: LocalDate, through: LocalDate, timeZone: ClinicTimeZone) -> InstantRange {
        timeZone.range(from: from.adding(days: -1), through: through.adding(days: 1))
    }

    // MARK: the grid

    /// Wall-clock start times of `date`'s grid with the range each belongs
    /// to, sorted, each time once (the earliest-starting range wins if ranges
    /// overlap; `setWorkingHours` forbids that anyway).
    private func gridTimes(on date: LocalDate) -> [(time: LocalTime, range: WorkingRange)] {
        let weekday = date.isoWeekday
        let ranges = workingHours.filter { $0.weekday == weekday && $0.slotMinutes > 0 }
        var out: [(time: LocalTime, range: WorkingRange)] = []
        if ranges.count == 1 {
            // One range (the usual day): its times are in order and each comes once.
            let r = ranges[0]
            out.reserveCapacity(max(0, (r.end.minutesSinceMidnight - r.start.minutesSinceMidnight) / r.slotMinutes))
            var m = r.start.minutesSinceMidnight
            while m + r.slotMinutes <= r.end.minutesSinceMidnight {
                out.append((LocalTime(minutesSinceMidnight: m)!, r))
                m += r.slotMinutes
            }
            return out
        }
        var seen = Set<Int>()
        for r in ranges.sorted(by: { ($0.start, $0.end) < ($1.start, $1.end) }) {
            var m = r.start.minutesSinceMidnight
            while m + r.slotMinutes <= r.end.minutesSinceMidnight {
                if seen.insert(m).inserted { out.append((LocalTime(minutesSinceMidnight: m)!, r)) }
                m += r.slotMinutes
            }
        }
        return out.sorted { $0.time < $1.time }
    }

    private func makeSlot(date: LocalDate, time: LocalTime, slotMinutes: Int) -> Slot? {
        timeZone.instant(date: date, time: time).map { Slot(date: date, time: time, startsAt: $0, slotMinutes: slotMinutes) }
    }

    /// What a slot's status is measured against that is the same for every slot: the earliest
    /// start the notice allows and the last bookable date (worked out once, not per slot).
    private struct Limits {
        var notBefore: Instant
        var lastBookable: LocalDate?
    }

    private var limits: Limits { Limits(notBefore: now.adding(minutes: minimumNoticeMinutes), lastBookable: lastBookableDate) }

    private func status(of slot: Slot, _ limits: Limits) -> SlotStatus {
        if slot.startsAt <= now { return .past }
        // Real minutes, not wall-clock ones: on a DST day "2 hours from 00:30" is 03:30.
        if slot.startsAt < limits.notBefore { return .tooSoon }
        if let last = limits.lastBookable, slot.date > last { return .beyondHorizon }
        if closures.overlaps(slot.range) { return .closed }
        if timeOff.overlaps(slot.range) { return .timeOff }
        if busy.overlaps(buffers.blocked(slot.range)) { return .taken }
        return .free
    }

    /// Every slot of the day's grid (wall times that exist), with its status.
    public func slots(on date: LocalDate) -> [ScheduledSlot] { collect(on: date) { $0 } }

    /// The free slots of one clinic-local date (`availableSlots`).
    public func freeSlots(on date: LocalDate) -> [Slot] { collect(on: date) { $0.available ? $0.slot : nil } }

    /// What `keep` makes of the day's grid slots whose wall time exists, in order, with their status.
    private func collect<T>(on date: LocalDate, _ keep: (ScheduledSlot) -> T?) -> [T] {
        let grid = gridTimes(on: date)
        let starts = timeZone.instants(on: date, at: grid.map(\.time))
        let limits = self.limits
        var out: [T] = []
        out.reserveCapacity(grid.count)
        for (entry, start) in zip(grid, starts) {
            guard let start else { continue }
            let slot = Slot(date: date, time: entry.time, startsAt: start, slotMinutes: entry.range.slotMinutes)
            if let kept = keep(ScheduledSlot(slot: slot, status: status(of: slot, limits))) { out.append(kept) }
        }
        return out
    }

    public enum ScheduleRangeError: Error, Sendable, Equatable {
        case toBeforeFrom(from: LocalDate, to: LocalDate)
        case tooManyDays(days: Int, maximum: Int)

        /// For BAD_USER_INPUT with `extensions.field` = "to".
        public var message: String {
            switch self {
            case .toBeforeFrom(let from, let to): return "`to` (\(to)) is before `from` (\(from))"
            case .tooManyDays(let days, let maximum): return "A schedule covers at most \(maximum) days, this range has \(days)"
            }
        }
    }

    /// Every slot from `from` through `to` (inclusive, at most 31 days) with
    /// whether it is free (`Doctor.schedule`). Days without slots are included.
    public func schedule(from: LocalDate, to: LocalDate) throws(ScheduleRangeError) -> [ScheduleDay] {
        guard from <= to else { throw .toBeforeFrom(from: from, to: to) }
        let days = from.days(to: to) + 1
        guard days <= SlotCalendar.maximumScheduleDays else {
            throw .tooManyDays(days: days, maximum: SlotCalendar.maximumScheduleDays)
        }
        return (0..<days).map { offset in
            let date = from.adding(days: offset)
            return ScheduleDay(date: date, slots: slots(on: date))
        }
    }

    // MARK: booking

    /// Why a requested date and time cannot be booked.
    public enum BookingRejection: Error, Sendable, Equatable {
        /// No working hours on that weekday.
        case notWorkingOnWeekday(weekday: Int)
        /// Works that weekday, but not at that time.
        case outsideWorkingHours(date: LocalDate, time: LocalTime)
        /// Inside working hours but not a slot start (malformed input).
        case notOnSlotGrid(time: LocalTime, rangeStart: LocalTime, slotMinutes: Int)
        /// The wall time is skipped by a spring-forward.
        case nonexistentLocalTime(date: LocalDate, time: LocalTime, timeZone: String)
        case inPast
        /// Sooner than the minimum notice (clients only).
        case tooSoon(minimumNoticeMinutes: Int)
        case beyondHorizon(lastBookableDate: LocalDate)
        case clinicClosed
        case inTimeOff
        case taken

        /// The error code the contract gives this case.
        public var code: String {
            if case .notOnSlotGrid = self { return "BAD_USER_INPUT" }
            return "CONFLICT"
        }

        /// A sentence for a receptionist; `doctor` is the display name ("Dr. García").
        public func message(doctor: String) -> String {
            switch self {
            case .notWorkingOnWeekday(let w):
                return "\(doctor) does not work on \(LocalDate.weekdayName(w))"
            case .outsideWorkingHours(let date, let time):
                return "\(doctor) does not work at \(time) on \(LocalDate.weekdayName(date.isoWeekday)) \(date)"
            case .notOnSlotGrid(let time, let start, let minutes):
                return "\(time) is not a slot start: \(doctor)'s slots start every \(minutes) minutes from \(start)"
            case .nonexistentLocalTime(let date, let time, let zone):
                return "\(time) does not exist on \(date) in \(zone): the clocks skip it"
            case .inPast:
                return "That time has already passed"
            case .tooSoon(let minutes):
                return "Online bookings need at least \(BookingRules.describe(minutes: minutes)) notice; please call the clinic for an earlier time"
            case .beyondHorizon(let last):
                return "Bookings are open only up to \(last)"
            case .clinicClosed:
                return "The clinic is closed on that day"
            case .inTimeOff:
                return "\(doctor) is away at that time"
            case .taken:
                return "That slot was just taken"
            }
        }
    }

    /// The slot at `date time` when it can be booked now, else the reason it
    /// cannot, checked in this order: grid, DST, past, notice, horizon, closure, time off, taken.
    public func validateBooking(date: LocalDate, time: LocalTime) throws(BookingRejection) -> Slot {
        let weekday = date.isoWeekday
        let ranges = workingHours.filter { $0.weekday == weekday && $0.slotMinutes > 0 }
        guard !ranges.isEmpty else { throw .notWorkingOnWeekday(weekday: weekday) }
        guard let entry = gridTimes(on: date).first(where: { $0.time == time }) else {
            let m = time.minutesSinceMidnight
            if let r = ranges.sorted(by: { $0.start < $1.start }).first(where: {
                m >= $0.start.minutesSinceMidnight && m < $0.end.minutesSinceMidnight
                    && (m - $0.start.minutesSinceMidnight) % $0.slotMinutes != 0
            }) {
                throw .notOnSlotGrid(time: time, rangeStart: r.start, slotMinutes: r.slotMinutes)
            }
            throw .outsideWorkingHours(date: date, time: time)
        }
        guard let slot = makeSlot(date: date, time: time, slotMinutes: entry.range.slotMinutes) else {
            throw .nonexistentLocalTime(date: date, time: time, timeZone: timeZone.identifier)
        }
        switch status(of: slot, limits) {
        case .free: return slot
        case .past: throw .inPast
        case .tooSoon: throw .tooSoon(minimumNoticeMinutes: minimumNoticeMinutes)
        case .beyondHorizon: throw .beyondHorizon(lastBookableDate: lastBookableDate!)
        case .closed: throw .clinicClosed
        case .timeOff: throw .inTimeOff
        case .taken: throw .taken
        }
    }
}

/// Half-open ranges answering "does anything overlap this?" in O(log n):
/// sorted by start with the running maximum of ends.
struct OverlapIndex: Sendable {
    private let starts: [Instant]
    private let maxEnds: [Instant]

    init(_ ranges: [InstantRange]) {
        let sorted = ranges.filter { $0.start < $0.end }.sorted { $0.start < $1.start }
        starts = sorted.map(\.start)
        var running: [Instant] = []
        running.reserveCapacity(sorted.count)
        for r in sorted { running.append(max(running.last ?? r.end, r.end)) }
        maxEnds = running
    }

    func overlaps(_ r: InstantRange) -> Bool {
        guard r.start < r.end else { return false }
        // Count of ranges starting before r.end.
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] < r.end { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 && maxEnds[lo - 1] > r.start
    }
}
