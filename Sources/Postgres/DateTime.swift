#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A calendar date without time zone (PostgreSQL `date`).
public struct PGDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil when malformed or not a real date.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count >= 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...PGDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int { PGDate.daysFromCivil(year, month, day) }

    public init(daysSinceEpoch days: Int) {
        let (y, m, d) = PGDate.civilFromDays(days)
        self.init(year: y, month: m, day: d)
    }

    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    public var isoWeekday: Int {
        let weekday = (daysSinceEpoch % 7 + 7 + 3) % 7  // 1970-01-01 was a Thursday
        return weekday + 1
    }

    public func adding(days: Int) -> PGDate { PGDate(daysSinceEpoch: daysSinceEpoch + days) }

    public var description: String { pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }

    public static func < (a: PGDate, b: PGDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// A time of day without time zone (PostgreSQL `time`), microsecond precision.
public struct PGTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var microsecond: Int

    public init(hour: Int, minute: Int, second: Int = 0, microsecond: Int = 0) {
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
    }

    /// Parses `HH:MM[:SS[.ffffff]]`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour), (0...59).contains(minute)
        else { return nil }
        var second = 0, micro = 0
        if parts.count == 3 {
            guard let (s, us) = parseSeconds(parts[2]), (0...60).contains(s) else { return nil }
            second = s
            micro = us
        }
        self.init(hour: hour, minute: minute, second: second, microsecond: micro)
    }

    public var secondsSinceMidnight: Int { hour * 3600 + minute * 60 + second }

    public var description: String {
        var text = pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2)
        if microsecond != 0 { text += "." + pad(microsecond, 6) }
        return text
    }

    public static func < (a: PGTime, b: PGTime) -> Bool {
        (a.hour, a.minute, a.second, a.microsecond) < (b.hour, b.minute, b.second, b.microsecond)
    }
}

/// An instant (PostgreSQL `timestamptz`), stored as UTC microseconds since the Unix epoch.
/// `Int64.max` / `Int64.min` stand for PostgreSQL's `infinity` / `-infinity`.
public struct PGTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) { self.microsecondsSinceEpoch = microsecondsSinceEpoch }
    public init(secondsSinceEpoch: Int64) { self.microsecondsSinceEpoch = secondsSinceEpoch * 1_000_000 }

    /// The current instant from the system's real-time clock.
    public static func now() -> PGTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return PGTimestamp(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }

    /// The instant at `date` `time` in UTC.
    public init(date: PGDate, time: PGTime, utcOffsetSeconds: Int = 0) {
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(time.secondsSinceMidnight) - Int64(utcOffsetSeconds)
        self.microsecondsSinceEpoch = seconds * 1_000_000 + Int64(time.microsecond)
    }

    /// Parses PostgreSQL's ISO output: `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]]`
    /// (also with `T`; without an offset the value is taken as UTC) and `infinity`.
    public init?(_ text: String) {
        if text == "infinity" { self.init(microsecondsSinceEpoch: .max); return }
        if text == "-infinity" { self.init(microsecondsSinceEpoch: .min); return }
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, let separator = bytes.firstIndex(where: { $0 == 0x20 || $0 == 0x54 }),
              let date = PGDate(String(decoding: bytes[..<separator], as: UTF8.self))
        else { return nil }
        var rest = bytes[(separator + 1)...]
        var offset = 0
        if let sign = rest.lastIndex(where: { $0 == 0x2B || $0 == 0x2D }) {
            let zone = String(decoding: rest[(sign + 1)...], as: UTF8.self).split(separator: ":")
            guard !zone.isEmpty, zone.count <= 3 else { return nil }
            var seconds = 0
            for (index, part) in zone.enumerated() {
                guard let value = Int(part) else { return nil }
                seconds += value * [3600, 60, 1][index]
            }
            offset = rest[sign] == 0x2D ? -seconds : seconds
            rest = rest[..<sign]
        } else if rest.last == 0x5A {  // "Z"
            rest = rest.dropLast()
        }
        guard let time = PGTime(String(decoding: rest, as: UTF8.self)) else { return nil }
        self.init(date: date, time: time, utcOffsetSeconds: offset)
    }

    public var secondsSinceEpoch: Int64 { microsecondsSinceEpoch >= 0 ? microsecondsSinceEpoch / 1_000_000 : (microsecondsSinceEpoch - 999_999) / 1_000_000 }

    /// The UTC calendar date and time of day.
    public var utcDate: PGDate { PGDate(daysSinceEpoch: Int(floorDiv(secondsSinceEpoch, 86_400))) }
    public var utcTime: PGTime {
        let seconds = Int(secondsSinceEpoch - floorDiv(secondsSinceEpoch, 86_400) * 86_400)
        let micro = Int(microsecondsSinceEpoch - secondsSinceEpoch * 1_000_000)
        return PGTime(hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60, microsecond: micro)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]+00`, PostgreSQL's input format.
    public var description: String {
        if microsecondsSinceEpoch == .max { return "infinity" }
        if microsecondsSinceEpoch == .min { return "-infinity" }
        return utcDate.description + " " + utcTime.description + "+00"
    }

    /// RFC 3339 in UTC with a `Z` (`2025-01-31T09:30:00Z`), the form JSON APIs use.
    public var iso8601: String {
        utcDate.description + "T" + utcTime.description + "Z"
    }

    public static func < (a: PGTimestamp, b: PGTimestamp) -> Bool { a.microsecondsSinceEpoch < b.microsecondsSinceEpoch }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }

func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value < 0 ? -value : value)
    let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
    return value < 0 ? "-" + padded : padded
}

/// "SS" or "SS.ffffff" → (seconds, microseconds).
private func parseSeconds(_ text: Substring) -> (Int, Int)? {
    let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
    guard pieces.count <= 2, pieces[0].count == 2, let seconds = Int(pieces[0]) else { return nil }
    guard pieces.count == 2 else { return (seconds, 0) }
    let fraction = pieces[1]
    guard !fraction.isEmpty, fraction.count <= 6, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
          let value = Int(fraction) else { return nil }
    var micro = value
    for _ in fraction.count..<6 { micro *= 10 }
    return (seconds, micro)
}

/// An exact decimal (PostgreSQL `numeric`) kept as its canonical text.
public struct PGNumeric: Sendable, Hashable, CustomStringConvertible {
    /// Plain decimal text: `-?digits(.digits)?`, or `NaN`.
    public let text: String

    /// Accepts `-?\d+(\.\d+)?` (also a leading `+`, or `.5`), and `NaN`.
    public init?(_ text: String) {
        if text == "NaN" { self.text = text; return }
        var body = Substring(text)
        var negative = false
        if body.first == "-" || body.first == "+" { negative = body.first == "-"; body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0 >= "0" && $0 <= "9" } }),
              !(parts[0].isEmpty && (parts.count == 1 || parts[1].isEmpty)),
              !(parts.count == 2 && parts[1].isEmpty)
        else { return nil }
        let integer = parts[0].isEmpty ? "0" : String(parts[0])
        self.text = (negative ? "-" : "") + integer + (parts.count == 2 ? "." + parts[1] : "")
    }

    /// `units` × 10^-`scale`: `PGNumeric(units: 12345, scale: 2)` is 123.45.
    public init(units: Int64, scale: Int) {
        precondition(scale >= 0, "scale must not be negative")
        let negative = units < 0
        let magnitude = String(units.magnitude)
        let digits = String(repeating: "0", count: max(0, scale + 1 - magnitude.count)) + magnitude
        let split = digits.index(digits.endIndex, offsetBy: -scale)
        let body = scale == 0 ? digits : digits[..<split] + "." + digits[split...]
        self.text = (negative ? "-" : "") + body
    }

    public init(_ value: Int) { self.text = String(value) }

    /// The value as integer units of 10^-`scale` (123.45 at scale 2 → 12345);
    /// nil when digits would be lost or it does not fit in Int64.
    public func units(scale: Int) -> Int64? {
        guard text != "NaN", scale >= 0 else { return nil }
        let negative = text.hasPrefix("-")
        let body = negative ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        while fraction.count > scale {
            guard fraction.last == "0" else { return nil }
            fraction.removeLast()
        }
        fraction += String(repeating: "0", count: scale - fraction.count)
        guard let magnitude = Int64(String(parts[0]) + fraction) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// Digits after the decimal point.
    public var scale: Int {
        guard let dot = text.firstIndex(of: ".") else { return 0 }
        return text.distance(from: dot, to: text.endIndex) - 1
    }

    public var description: String { text }
}
