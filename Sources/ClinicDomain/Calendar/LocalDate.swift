// A calendar date with no time zone: the clinic-local day a slot falls on.
// Day arithmetic goes through a day count since 1970-01-01 (proleptic
// Gregorian, Howard Hinnant's civil-from-days algorithms), so it needs no
// Calendar object and cannot be confused by a time zone.

public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil unless the date exists (years 1...9999, real month lengths, leap years).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= LocalDate.daysInMonth(year: year, month: month) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Strict ISO 8601 calendar date, `YYYY-MM-DD`, and only dates that exist.
    public init?(iso text: String) {
        var text = text
        guard let (y, m, d) = text.withUTF8({ b -> (Int, Int, Int)? in
            guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
                  let y = DigitParsing.number(b, 0, 4), let m = DigitParsing.number(b, 5, 2),
                  let d = DigitParsing.number(b, 8, 2) else { return nil }
            return (y, m, d)
        }) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// ISO 8601 weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        let r = daysSinceEpoch % 7
        return (r + 7 + 3) % 7 + 1   // 1970-01-01 was a Thursday (4)
    }

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: LocalDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// `YYYY-MM-DD`.
    public var iso: String {
        guard (0...9999).contains(year) else {
            return DigitParsing.pad(year, 4) + "-" + DigitParsing.pad(month, 2) + "-" + DigitParsing.pad(day, 2)
        }
        return String(unsafeUninitializedCapacity: 10) { b in
            var i = 0
            put(into: b, at: &i)
            return i
        }
    }

    /// `YYYY-MM-DD` at `b[i...]` (a year of four digits), `i` moved past it.
    func put(into b: UnsafeMutableBufferPointer<UInt8>, at i: inout Int) {
        DigitParsing.put(year, 4, b, &i); b[i] = UInt8(ascii: "-"); i += 1
        DigitParsing.put(month, 2, b, &i); b[i] = UInt8(ascii: "-"); i += 1
        DigitParsing.put(day, 2, b, &i)
    }
    public var description: String { iso }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// English weekday name for messages ("Dr. García does not work on Sunday").
    public static func weekdayName(_ isoWeekday: Int) -> String {
        let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        return (1...7).contains(isoWeekday) ? names[isoWeekday - 1] : "weekday \(isoWeekday)"
    }
}

/// Fixed-width ASCII digit helpers shared by the date, time and instant parsers.
public enum DigitParsing {
    /// The non-negative number in `b[start..<start+count]`, nil unless all ASCII digits.
    @inlinable
    public static func number<C: RandomAccessCollection<UInt8>>(_ b: C, _ start: Int, _ count: Int) -> Int? where C.Index == Int {
        guard start >= 0, count > 0, start + count <= b.count else { return nil }
        var v = 0
        for i in start..<(start + count) {
            let c = b[i]
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }

    /// `v` (0 ≤ v < 10^width) as `width` ASCII digits at `b[i...]`, `i` moved past them.
    @inline(__always)
    static func put(_ v: Int, _ width: Int, _ b: UnsafeMutableBufferPointer<UInt8>, _ i: inout Int) {
        var v = v
        var k = i + width - 1
        while k >= i {
            b[k] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
            v /= 10
            k -= 1
        }
        i += width
    }

    public static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
