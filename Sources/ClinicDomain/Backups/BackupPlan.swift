// The daily backup's rules (issue #18), as plain functions of "now": when a
// day's backup is due, when the next one starts, and which archives the
// retention keeps. The worker and the API call these with their clock; tests
// with fixed instants.

/// The schedule as the settings hold it.
public struct BackupSchedule: Sendable, Equatable {
    public var enabled: Bool
    /// Clinic-local time of day the backup starts.
    public var time: LocalTime
    /// Archives older than this many days go (0: no age limit).
    public var retentionDays: Int
    /// At most this many archives stay (0: no count limit).
    public var retentionCount: Int

    public init(enabled: Bool, time: LocalTime, retentionDays: Int, retentionCount: Int) {
        self.enabled = enabled; self.time = time; self.retentionDays = retentionDays; self.retentionCount = retentionCount
    }

    public static let retentionDaysRange = 0...3650
    public static let retentionCountRange = 0...1000

    /// The clinic-local day whose backup is due at `now`: today once its
    /// scheduled time has passed (a worker that was down then catches up the
    /// same day), nil before it or when disabled. Whether that day already has
    /// a run is the caller's question (one run per day, in the database).
    public func dueDay(now: Instant, zone: ClinicTimeZone) -> LocalDate? {
        guard enabled else { return nil }
        let today = zone.localDate(at: now)
        return now >= start(of: today, zone: zone) ? today : nil
    }

    /// When the next backup starts: today's time if it is still ahead and
    /// today has no run yet, otherwise tomorrow's. Nil when disabled.
    public func nextRun(now: Instant, zone: ClinicTimeZone, todayHasRun: Bool) -> Instant? {
        guard enabled else { return nil }
        let today = zone.localDate(at: now)
        let todays = start(of: today, zone: zone)
        if !todayHasRun { return max(todays, now) }
        return start(of: today.adding(days: 1), zone: zone)
    }

    /// The instant of `day` at the scheduled time; in a spring-forward gap the
    /// first instant after it (the start of the day's next hour).
    public func start(of day: LocalDate, zone: ClinicTimeZone) -> Instant {
        if let t = zone.instant(date: day, time: time) { return t }
        var minutes = time.minutesSinceMidnight
        while minutes < 24 * 60 - 1 {
            minutes += 1
            if let t = zone.instant(date: day, time: LocalTime(minutesSinceMidnight: minutes)!) { return t }
        }
        return zone.startOfDay(day.adding(days: 1))
    }

    /// Of the archives given (name and when it was made), the names to delete:
    /// those older than `retentionDays` and those beyond the newest
    /// `retentionCount`. The newest archive is always kept.
    public func pruned(_ archives: [(name: String, madeAt: Instant)], now: Instant) -> [String] {
        let newestFirst = archives.sorted { ($0.madeAt, $0.name) > ($1.madeAt, $1.name) }
        var out: [String] = []
        for (i, a) in newestFirst.enumerated() where i > 0 {
            let tooOld = retentionDays > 0 && a.madeAt < now.adding(seconds: -Int64(retentionDays) * 86_400)
            let tooMany = retentionCount > 0 && i >= retentionCount
            if tooOld || tooMany { out.append(a.name) }
        }
        return out
    }
}

/// Archive names: `clinic-20260127-031500Z-k3f9.dump` (UTC stamp, random
/// suffix): sortable, no spaces, and they say when they were made.
public enum BackupArchiveName {
    public static func make(at instant: Instant, suffix: String) -> String {
        let digits = instant.rfc3339.prefix(19).filter { $0.isNumber }
        return "clinic-\(digits.prefix(8))-\(digits.dropFirst(8).prefix(6))Z-\(suffix).dump"
    }

    /// When the archive was made, or nil for any other name (other files in
    /// the directory are never touched by retention).
    public static func madeAt(_ name: String) -> Instant? {
        let b = Array(name.utf8)
        guard b.count > 30, name.hasPrefix("clinic-"), name.hasSuffix(".dump"), b[15] == UInt8(ascii: "-"),
              b[22] == UInt8(ascii: "Z"), b[23] == UInt8(ascii: "-"),
              let y = DigitParsing.number(b, 7, 4), let mo = DigitParsing.number(b, 11, 2), let d = DigitParsing.number(b, 13, 2),
              let h = DigitParsing.number(b, 16, 2), let mi = DigitParsing.number(b, 18, 2), let s = DigitParsing.number(b, 20, 2),
              let date = LocalDate(year: y, month: mo, day: d), h < 24, mi < 60, s < 60 else { return nil }
        let suffix = b[24..<(b.count - 5)]
        guard !suffix.isEmpty, suffix.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x7a).contains($0) }) else { return nil }
        return Instant(secondsSinceEpoch: Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + mi * 60 + s))
    }
}
