// The clinic's IANA time zone and the two conversions the calendar needs:
// wall clock → instant (which may be none or two around DST) and instant →
// wall clock. Offsets come from Foundation's TimeZone (tz database).
import Foundation

public struct ClinicTimeZone: Sendable, Hashable {
    public let identifier: String
    private let zone: TimeZone

    /// Nil unless `identifier` is an IANA zone name the system knows
    /// ("America/Mexico_City", "UTC"). Abbreviations such as "EST" and
    /// offsets such as "GMT+5" are refused: they do not follow local DST rules.
    public init?(identifier: String) {
        let aliasesOfUTC: Set<String> = ["UTC", "Etc/UTC"]
        guard aliasesOfUTC.contains(identifier) || ClinicTimeZone.known.contains(identifier),
              let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
    }

    private static let known: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers)

    public static func == (a: ClinicTimeZone, b: ClinicTimeZone) -> Bool { a.identifier == b.identifier }
    public func hash(into h: inout Hasher) { h.combine(identifier) }

    /// Seconds east of UTC in force at `instant`.
    public func offsetSeconds(at instant: Instant) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant.secondsSinceEpoch)))
    }

    /// The local date and time (to the minute) of an instant, plus its seconds.
    public func wallClock(at instant: Instant) -> (date: LocalDate, time: LocalTime, second: Int) {
        let local = instant.secondsSinceEpoch + Int64(offsetSeconds(at: instant))
        let (days, sec) = Instant.floorDivide(local, 86_400)
        return (LocalDate(daysSinceEpoch: Int(days)), LocalTime(minutesSinceMidnight: Int(sec) / 60)!, Int(sec) % 60)
    }

    public func localDate(at instant: Instant) -> LocalDate { wallClock(at: instant).date }

    /// Every instant whose wall clock reads `date time`, earliest first: none in
    /// a spring-forward gap, two in a fall-back overlap, otherwise one.
    public func instants(date: LocalDate, time: LocalTime) -> [Instant] {
        let local = Int64(date.daysSinceEpoch) * 86_400 + Int64(time.minutesSinceMidnight) * 60
        // Offsets in force a day either side cover any single transition near
        // this wall time; the offset at the naive instant covers odd zones.
        var offsets: [Int] = []
        for probe in [local - 86_400, local, local + 86_400] {
            let o = offsetSeconds(at: Instant(secondsSinceEpoch: probe))
            if !offsets.contains(o) { offsets.append(o) }
        }
        var result: [Instant] = []
        for o in offsets {
            let candidate = Instant(secondsSinceEpoch: local - Int64(o))
            if offsetSeconds(at: candidate) == o, !result.contains(candidate) { result.append(candidate) }
        }
        return result.sorted()
    }

    /// The instant of a wall time, its first occurrence when ambiguous; nil
    /// when the wall time does not exist (skipped by a spring-forward).
    public func instant(date: LocalDate, time: LocalTime) -> Instant? { instants(date: date, time: time).first }

    /// The first instant of a local day: midnight, or the end of the DST gap in
    /// zones that spring forward at midnight (e.g. America/Santiago).
    public func startOfDay(_ date: LocalDate) -> Instant {
        if let first = instant(date: date, time: LocalTime(hour: 0, minute: 0)!) { return first }
        let local = Int64(date.daysSinceEpoch) * 86_400
        let before = offsetSeconds(at: Instant(secondsSinceEpoch: local - 86_400))
        let after = offsetSeconds(at: Instant(secondsSinceEpoch: local + 86_400))
        let searchFrom = Date(timeIntervalSince1970: TimeInterval(local - Int64(max(before, after)) - 1))
        if let t = zone.nextDaylightSavingTimeTransition(after: searchFrom) {
            return Instant(secondsSinceEpoch: Int64(t.timeIntervalSince1970.rounded(.down)))
        }
        return Instant(secondsSinceEpoch: local - Int64(before))
    }

    /// Instants `[start of from, start of the day after through)`: what an
    /// inclusive filter on clinic-local dates means in timestamptz terms.
    public func range(from: LocalDate, through: LocalDate) -> InstantRange {
        InstantRange(start: startOfDay(from), end: startOfDay(through.adding(days: 1)))
    }
}

extension ClinicTimeZone {
    /// One change of the zone's UTC offset, as a VTIMEZONE observance needs it.
    public struct Transition: Sendable, Equatable {
        public var at: Instant
        public var offsetBefore: Int
        public var offsetAfter: Int
        public var isDaylight: Bool
        /// "CST", "CDT" when the tz database has one; nil for numeric names ("-03").
        public var abbreviation: String?
    }

    /// The offset changes in `[from, to)`, in order (none in zones without DST there).
    public func transitions(from: Instant, to: Instant) -> [Transition] {
        var result: [Transition] = []
        var cursor = Date(timeIntervalSince1970: TimeInterval(from.secondsSinceEpoch - 1))
        // A zone has at most a few changes a year; the cap only guards a runaway loop.
        while result.count < 64, let next = zone.nextDaylightSavingTimeTransition(after: cursor) {
            let at = Instant(secondsSinceEpoch: Int64(next.timeIntervalSince1970.rounded(.down)))
            guard at < to else { break }
            let before = offsetSeconds(at: at.adding(seconds: -1)), after = offsetSeconds(at: at)
            if before != after {
                result.append(Transition(at: at, offsetBefore: before, offsetAfter: after,
                                         isDaylight: zone.isDaylightSavingTime(for: next), abbreviation: abbreviation(at: at)))
            }
            cursor = next
        }
        return result
    }

    /// Whether daylight saving time is in force at `instant`.
    public func isDaylight(at instant: Instant) -> Bool {
        zone.isDaylightSavingTime(for: Date(timeIntervalSince1970: TimeInterval(instant.secondsSinceEpoch)))
    }

    /// The tz database's letters for the time at `instant`, nil when it only has "GMT-6"-style names.
    public func abbreviation(at instant: Instant) -> String? {
        guard let a = zone.abbreviation(for: Date(timeIntervalSince1970: TimeInterval(instant.secondsSinceEpoch))),
              !a.hasPrefix("GMT"), !a.hasPrefix("+"), !a.hasPrefix("-"), a.allSatisfy({ $0.isLetter && $0.isASCII }) else { return nil }
        return a
    }
}
