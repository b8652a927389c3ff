// The clinic's IANA time zone and the two conversions the calendar needs:
// wall clock → instant (which may be none or two around DST) and instant →
// wall clock. Offsets come from Foundation's TimeZone (tz database); the
// stretches between two offset changes are remembered (`OffsetSpans`), so the
// many conversions of one day's slots ask the tz database a few times, not
// several times each.
import Foundation
import Synchronization

public struct ClinicTimeZone: Sendable, Hashable {
    public let identifier: String
    private let zone: TimeZone
    private let spans: OffsetSpans

    /// Nil unless `identifier` is an IANA zone name the system knows
    /// ("America/Mexico_City", "UTC"). Abbreviations such as "EST" and
    /// offsets such as "GMT+5" are refused: they do not follow local DST rules.
    /// One value per name is kept (names are checked against the system's list, so they are few).
    public init?(identifier: String) {
        if let known = ClinicTimeZone.made.withLock({ $0[identifier] }) { self = known; return }
        let aliasesOfUTC: Set<String> = ["UTC", "Etc/UTC"]
        guard aliasesOfUTC.contains(identifier) || ClinicTimeZone.known.contains(identifier) || ClinicTimeZone.isRegionName(identifier),
              let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
        self.spans = OffsetSpans()
        let made = self
        ClinicTimeZone.made.withLock { $0[identifier] = made }
    }

    private static let known: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers)

    /// Whether `name` has the form of a tz database zone in a region ("Asia/Kolkata"): the
    /// system's list above follows ICU, which lacks some current names (it has "Asia/Calcutta"),
    /// and the tz database itself then decides. Offsets ("Etc/GMT+5"), abbreviations and paths
    /// ("Asia/../x") do not have that form.
    static func isRegionName(_ name: String) -> Bool {
        let parts = name.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count >= 2, regions.contains(String(decoding: parts[0], as: UTF8.self)) else { return false }
        return parts.dropFirst().allSatisfy { part in
            guard let first = part.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else { return false }
            return part.allSatisfy { byte in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
        }
    }

    private static let regions: Set<String> = ["Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
                                                "Europe", "Indian", "Pacific"]
    private static let made = Mutex<[String: ClinicTimeZone]>([:])

    public static func == (a: ClinicTimeZone, b: ClinicTimeZone) -> Bool { a.identifier == b.identifier }
    public func hash(into h: inout Hasher) { h.combine(identifier) }

    /// Seconds east of UTC in force at `instant`.
    public func offsetSeconds(at instant: Instant) -> Int {
        let t = instant.secondsSinceEpoch
        if let o = spans.offset(from: t, to: t) { return o }
        return databaseOffset(at: t)
    }

    private func databaseOffset(at seconds: Int64) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// The offset in force over all of `[from, to]` when it does not change there, from the
    /// remembered stretches or, failing them, from the tz database (then remembered); nil when it changes.
    private func constantOffset(from: Int64, to: Int64) -> Int? {
        if let o = spans.offset(from: from, to: to) { return o }
        let o = databaseOffset(at: from)
        // The stretch from `from` to the zone's next offset change (none: to the end of time).
        let end: Int64
        if let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(from))) {
            end = Int64(next.timeIntervalSince1970.rounded(.down))
        } else {
            end = .max
        }
        // The tz database's transitions include changes of standard offset; the check at the
        // stretch's last second guards against one it would not report.
        guard end > from, databaseOffset(at: end == .max ? to : end - 1) == o else { return nil }
        spans.remember(from: from, end: end, offset: o)
        return to < end ? o : nil
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
        let local = Self.local(date, time)
        if let only = onlyInstant(local: local) { return [only] }
        return searchInstants(local: local)
    }

    /// A wall time as seconds since 1970-01-01 00:00 on the same wall clock.
    private static func local(_ date: LocalDate, _ time: LocalTime) -> Int64 {
        Int64(date.daysSinceEpoch) * 86_400 + Int64(time.minutesSinceMidnight) * 60
    }

    /// The one instant of a wall time when the offset does not change within a day either side
    /// (what the search below finds then); nil when it does.
    private func onlyInstant(local: Int64) -> Instant? {
        constantOffset(from: local - 86_400, to: local + 86_400).map { Instant(secondsSinceEpoch: local - Int64($0)) }
    }

    /// `instants` by asking the tz database around the wall time (every case, DST changes included).
    func searchInstants(local: Int64) -> [Instant] {
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
    public func instant(date: LocalDate, time: LocalTime) -> Instant? {
        let local = Self.local(date, time)
        return onlyInstant(local: local) ?? searchInstants(local: local).first
    }

    /// `instant(date:time:)` of each of `times` on one date. When the offset does not change from a
    /// day before the date to a day after it (most days of most zones), the tz database is asked
    /// once for all of them, and each instant is the wall time less that offset.
    public func instants(on date: LocalDate, at times: [LocalTime]) -> [Instant?] {
        let midnight = Self.local(date, LocalTime(minutesSinceMidnight: 0)!)
        // Covers every per-time check `instant(date:time:)` makes for a time of this date.
        guard let o = constantOffset(from: midnight - 86_400, to: midnight + 2 * 86_400) else {
            return times.map { instant(date: date, time: $0) }
        }
        return times.map { Instant(secondsSinceEpoch: Self.local(date, $0) - Int64(o)) }
    }

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

/// Stretches of UTC seconds `[start, end)` over which a zone's offset does not change,
/// the few most recently found (one day's slots fall in one; a month view in two).
final class OffsetSpans: Sendable {
    private struct Span { var start: Int64; var end: Int64; var offset: Int }
    private let spans = Mutex<[Span]>([])
    private static let kept = 8

    /// The offset when one remembered stretch holds all of `[from, to]`.
    func offset(from: Int64, to: Int64) -> Int? {
        spans.withLock { list in
            for s in list where s.start <= from && to < s.end { return s.offset }
            return nil
        }
    }

    func remember(from start: Int64, end: Int64, offset: Int) {
        spans.withLock { list in
            list.removeAll { $0.offset == offset && $0.end == end && $0.start >= start }
            list.insert(Span(start: start, end: end, offset: offset), at: 0)
            if list.count > Self.kept { list.removeLast() }
        }
    }
}
