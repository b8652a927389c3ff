// A point in time, microseconds since 1970-01-01T00:00:00Z: the precision of
// PostgreSQL's timestamptz, so values survive a round trip through the
// database unchanged.
//
// Output form (the DateTime scalar): always UTC with `Z`, e.g.
// `2026-12-01T09:30:00Z`; fractional seconds only when non-zero (3 or 6
// digits). UTC is a valid RFC 3339 offset and keeps one canonical string per
// instant, so cursors, caches and tests never see two spellings of the same
// time. Clients render in the clinic zone from `SystemSettings.timeZone`;
// `formatted(offsetSeconds:)` exists for callers that want a local offset.

public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) { self.microsecondsSinceEpoch = microsecondsSinceEpoch }
    public init(secondsSinceEpoch: Int64) { self.microsecondsSinceEpoch = secondsSinceEpoch * 1_000_000 }

    /// Whole seconds, rounded toward negative infinity.
    public var secondsSinceEpoch: Int64 {
        let (q, r) = microsecondsSinceEpoch.quotientAndRemainder(dividingBy: 1_000_000)
        return r < 0 ? q - 1 : q
    }

    public func adding(seconds: Int64) -> Instant { Instant(microsecondsSinceEpoch: microsecondsSinceEpoch + seconds * 1_000_000) }
    public func adding(minutes: Int) -> Instant { adding(seconds: Int64(minutes) * 60) }

    public static func < (a: Instant, b: Instant) -> Bool { a.microsecondsSinceEpoch < b.microsecondsSinceEpoch }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: the parseable span.
    public static let earliest = Instant(secondsSinceEpoch: Int64(LocalDate(year: 1, month: 1, day: 1)!.daysSinceEpoch) * 86_400)
    public static let latest = Instant(microsecondsSinceEpoch: Int64(LocalDate(year: 9999, month: 12, day: 31)!.daysSinceEpoch + 1) * 86_400_000_000 - 1)

    // MARK: parsing

    /// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `T`/`Z`
    /// may be lower case (RFC 3339 5.6). No leap seconds (`:60`), years
    /// 0001–9999. A fraction of 1–9 digits is kept to the microsecond
    /// (truncated, like PostgreSQL would round it away anyway).
    public init?(rfc3339 text: String) {
        guard let v = Instant.parse(Array(text.utf8), postgres: false) else { return nil }
        self = v
    }

    /// PostgreSQL's text output of `timestamptz` (`2026-12-01 09:30:00+00`,
    /// `…:00.5+05:30`, `…+05:30:15`), for rows read in text format.
    public init?(postgresText text: String) {
        guard let v = Instant.parse(Array(text.utf8), postgres: true) else { return nil }
        self = v
    }

    /// The same, from the bytes of a cell as libpq holds them (no String made).
    public init?(postgresBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let v = Instant.parse(bytes, postgres: true) else { return nil }
        self = v
    }

    private static func parse<C: RandomAccessCollection<UInt8>>(_ b: C, postgres: Bool) -> Instant? where C.Index == Int {
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let y = DigitParsing.number(b, 0, 4), let mo = DigitParsing.number(b, 5, 2),
              let d = DigitParsing.number(b, 8, 2), let h = DigitParsing.number(b, 11, 2),
              let mi = DigitParsing.number(b, 14, 2), let s = DigitParsing.number(b, 17, 2),
              let date = LocalDate(year: y, month: mo, day: d), h <= 23, mi <= 59, s <= 59 else { return nil }
        let sep = b[10]
        if postgres { guard sep == UInt8(ascii: " ") || sep == UInt8(ascii: "T") else { return nil } }
        else { guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") else { return nil } }

        var i = 19
        var micros: Int64 = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if digits < 6 { micros = micros * 10 + Int64(b[i] - 0x30) }
                digits += 1; i += 1
            }
            guard (1...9).contains(digits) else { return nil }
            if digits < 6 { for _ in digits..<6 { micros *= 10 } }
        }
        guard i < b.count else { return nil }
        var offset = 0
        let rest = b.count - i
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard !postgres, rest == 1 else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[i] == UInt8(ascii: "+") ? 1 : -1
            guard let oh = DigitParsing.number(b, i + 1, 2), oh <= 23 else { return nil }
            var om = 0, os = 0
            if rest == 6, b[i + 3] == UInt8(ascii: ":"), let m = DigitParsing.number(b, i + 4, 2), m <= 59 {
                om = m
            } else if postgres, rest == 3 {
                // hours only
            } else if postgres, rest == 9, b[i + 3] == UInt8(ascii: ":"), b[i + 6] == UInt8(ascii: ":"),
                      let m = DigitParsing.number(b, i + 4, 2), m <= 59,
                      let sec = DigitParsing.number(b, i + 7, 2), sec <= 59 {
                om = m; os = sec
            } else {
                return nil
            }
            offset = sign * (oh * 3600 + om * 60 + os)
        default:
            return nil
        }
        let localSeconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + mi * 60 + s)
        let result = Instant(microsecondsSinceEpoch: (localSeconds - Int64(offset)) * 1_000_000 + micros)
        // Keep every accepted instant printable as a 4-digit UTC year.
        guard result >= Instant.earliest, result <= Instant.latest else { return nil }
        return result
    }

    // MARK: formatting

    /// Canonical RFC 3339 in UTC: `2026-12-01T09:30:00Z`.
    public var rfc3339: String { formatted(offsetSeconds: 0) }
    public var description: String { rfc3339 }

    /// RFC 3339 at a given UTC offset (`2026-12-01T10:30:00+01:00`). Offsets that
    /// are not whole minutes (pre-1900 local mean time) fall back to UTC.
    public func formatted(offsetSeconds: Int) -> String {
        let offset = offsetSeconds % 60 == 0 ? offsetSeconds : 0
        let seconds = secondsSinceEpoch + Int64(offset)
        let fraction = Int(microsecondsSinceEpoch - secondsSinceEpoch * 1_000_000)
        let (days, secOfDay) = Instant.floorDivide(seconds, 86_400)
        let date = LocalDate(daysSinceEpoch: Int(days))
        let sec = Int(secOfDay)
        // A year of four digits goes into the buffer too; any other is written by LocalDate.iso.
        let fourDigitYear = (0...9999).contains(date.year)
        // [YYYY-MM-DD]THH:MM:SS[.fff|.ffffff](Z|±HH:MM): at most 32 bytes.
        let text = String(unsafeUninitializedCapacity: 32) { b in
            var i = 0
            if fourDigitYear { date.put(into: b, at: &i) }
            b[i] = UInt8(ascii: "T"); i += 1
            DigitParsing.put(sec / 3600, 2, b, &i); b[i] = UInt8(ascii: ":"); i += 1
            DigitParsing.put(sec % 3600 / 60, 2, b, &i); b[i] = UInt8(ascii: ":"); i += 1
            DigitParsing.put(sec % 60, 2, b, &i)
            if fraction != 0 {
                b[i] = UInt8(ascii: "."); i += 1
                if fraction % 1000 == 0 { DigitParsing.put(fraction / 1000, 3, b, &i) } else { DigitParsing.put(fraction, 6, b, &i) }
            }
            if offset == 0 {
                b[i] = UInt8(ascii: "Z"); i += 1
            } else {
                let a = abs(offset)
                b[i] = UInt8(ascii: offset < 0 ? "-" : "+"); i += 1
                DigitParsing.put(a / 3600, 2, b, &i); b[i] = UInt8(ascii: ":"); i += 1
                DigitParsing.put(a % 3600 / 60, 2, b, &i)
            }
            return i
        }
        return fourDigitYear ? text : date.iso + text
    }

    public static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}

/// A half-open span of time `[start, end)`: an appointment, a time off, a slot.
public struct InstantRange: Sendable, Hashable {
    public var start: Instant
    public var end: Instant
    public init(start: Instant, end: Instant) { self.start = start; self.end = end }

    /// True when the two spans share any instant. Touching ends do not overlap,
    /// matching PostgreSQL's `tstzrange(a, b, '[)') && …`.
    public func overlaps(_ other: InstantRange) -> Bool { start < other.end && other.start < end }
}
