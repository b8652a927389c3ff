// A wall-clock time of day at minute precision: what a receptionist reads on
// the schedule. Seconds exist only to accept `HH:MM:00` on input.

public struct LocalTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour; self.minute = minute
    }

    public init?(minutesSinceMidnight m: Int) {
        guard (0..<1440).contains(m) else { return nil }
        self.hour = m / 60; self.minute = m % 60
    }

    /// `HH:MM` or `HH:MM:00`, 24h, two digits each. Any other seconds value is
    /// rejected rather than dropped: slots start on whole minutes.
    public init?(iso text: String) {
        var text = text
        guard let (h, m) = text.withUTF8({ b -> (Int, Int)? in
            guard b.count == 5 || b.count == 8, b[2] == UInt8(ascii: ":"),
                  let h = DigitParsing.number(b, 0, 2), let m = DigitParsing.number(b, 3, 2) else { return nil }
            if b.count == 8 {
                guard b[5] == UInt8(ascii: ":"), DigitParsing.number(b, 6, 2) == 0 else { return nil }
            }
            return (h, m)
        }) else { return nil }
        self.init(hour: h, minute: m)
    }

    public var minutesSinceMidnight: Int { hour * 60 + minute }

    /// `HH:MM`.
    public var iso: String {
        String(unsafeUninitializedCapacity: 5) { b in
            var i = 0
            DigitParsing.put(hour, 2, b, &i); b[i] = UInt8(ascii: ":"); i += 1
            DigitParsing.put(minute, 2, b, &i)
            return i
        }
    }
    public var description: String { iso }

    public static func < (a: LocalTime, b: LocalTime) -> Bool { a.minutesSinceMidnight < b.minutesSinceMidnight }
}
