// The rules `setWorkingHours` enforces before replacing a doctor's week, kept
// next to the calendar that relies on them: a range the grid cannot cut
// cleanly would silently lose its tail, and overlapping ranges would offer one
// wall time under two slot lengths.

extension SlotCalendar.WorkingRange {
    public static let slotMinutesRange = 5...480

    /// A problem with one range of a proposed week, for BAD_USER_INPUT with
    /// `extensions.field` = "hours.<index>.<field>".
    public struct Problem: Error, Sendable, Equatable {
        public var index: Int
        /// `weekday`, `start`, `end` or `slotMinutes`.
        public var field: String
        public var message: String
        public var path: String { "hours.\(index).\(field)" }
    }

    /// The first problem of `ranges` in input order, nil when the week is valid.
    /// An empty week is valid (the doctor takes no bookings).
    public static func firstProblem(in ranges: [SlotCalendar.WorkingRange]) -> Problem? {
        for (i, r) in ranges.enumerated() {
            guard (1...7).contains(r.weekday) else {
                return Problem(index: i, field: "weekday", message: "weekday must be 1 (Monday) to 7 (Sunday), got \(r.weekday)")
            }
            guard r.start < r.end else {
                return Problem(index: i, field: "end", message: "end (\(r.end)) must be after start (\(r.start))")
            }
            guard slotMinutesRange.contains(r.slotMinutes) else {
                return Problem(index: i, field: "slotMinutes",
                               message: "slotMinutes must be between \(slotMinutesRange.lowerBound) and \(slotMinutesRange.upperBound), got \(r.slotMinutes)")
            }
            let length = r.end.minutesSinceMidnight - r.start.minutesSinceMidnight
            guard length % r.slotMinutes == 0 else {
                return Problem(index: i, field: "slotMinutes",
                               message: "\(r.slotMinutes)-minute slots do not divide \(r.start)–\(r.end) (\(length) minutes)")
            }
            for j in 0..<i where ranges[j].weekday == r.weekday && ranges[j].start < r.end && r.start < ranges[j].end {
                let o = ranges[j]
                return Problem(index: i, field: "start",
                               message: "\(LocalDate.weekdayName(r.weekday)) \(r.start)–\(r.end) overlaps \(o.start)–\(o.end)")
            }
        }
        return nil
    }
}
