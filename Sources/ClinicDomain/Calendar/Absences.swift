// Time off (one doctor) and closures (the whole clinic): the periods in which
// slots are not offered, and the one rule they share: such a period may not
// be laid over active appointments, which must be rescheduled or cancelled
// first (CONFLICT naming them).

/// An active appointment in the way of a time off or closure.
public struct AppointmentClash: Sendable, Hashable {
    public var date: LocalDate
    public var time: LocalTime
    public var patientName: String
    /// "Dr. García"; nil when the message is about one doctor already.
    public var doctorName: String?
    public init(date: LocalDate, time: LocalTime, patientName: String, doctorName: String? = nil) {
        self.date = date; self.time = time; self.patientName = patientName; self.doctorName = doctorName
    }
}

public enum AbsenceRules {
    /// How many clashes a message lists; load one more to know there are more.
    public static let listedClashes = 20

    /// The CONFLICT message for `clashes` (empty: nil, no conflict); `who`
    /// starts the sentence: "Dr. García has" / "The clinic has".
    public static func clashMessage(_ who: String, _ clashes: [AppointmentClash]) -> String? {
        guard !clashes.isEmpty else { return nil }
        var list = clashes.prefix(listedClashes).map { c -> String in
            let doctor = c.doctorName.map { ", \($0)" } ?? ""
            return "\(c.date.iso) \(c.time.iso) (\(c.patientName)\(doctor))"
        }
        if clashes.count > listedClashes { list.append("and more") }
        return "\(who) active appointments in that period: \(list.joined(separator: ", ")). Reschedule or cancel them first."
    }

    /// A time off is a non-empty span of real instants.
    public static func timeOffProblem(_ span: InstantRange) -> String? {
        span.start < span.end ? nil : "The time off must end after it starts"
    }

    /// A doctor plans their own time off: a period already over is a record
    /// to keep, which is the front desk's (staff may record past absences).
    public static func ownTimeOffProblem(_ span: InstantRange, now: Instant) -> String? {
        span.end > now ? nil : "That time off has already ended; ask the front desk to record a past absence"
    }

    /// The longest closure, in days (a year: longer is a typo, not a holiday).
    public static let maximumClosureDays = 366

    /// Why `first...last` is not a closure (nil: it is).
    public static func closureProblem(first: LocalDate, last: LocalDate) -> String? {
        guard first <= last else { return "The closure's last day (\(last)) is before its first day (\(first))" }
        let days = first.days(to: last) + 1
        guard days <= maximumClosureDays else {
            return "A closure covers at most \(maximumClosureDays) days, this one has \(days)"
        }
        return nil
    }
}
