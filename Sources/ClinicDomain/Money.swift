// An exact amount of money in hundredths (cents). Never a Double: 0.1 + 0.2
// must stay 0.30 on an invoice.

public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var cents: Int64
    public init(cents: Int64) { self.cents = cents }

    /// Largest magnitude accepted from clients: 99,999,999.99, what the
    /// `consultation_fee numeric(10,2)` column holds, so a too-large fee is
    /// BAD_USER_INPUT here rather than a numeric overflow in the database.
    public static let maximumInputCents: Int64 = 9_999_999_999

    /// Client input: an optional `-`, digits without leading zeros, and at
    /// most two decimals (`45`, `45.5`, `45.50`, `-3.10`, `0.99`). No `+`,
    /// exponent, spaces, `.5` or `45.`; magnitude at most `maximumInputCents`.
    public init?(input text: String) {
        guard let v = Money.parse(Array(text.utf8), maxDecimals: 2, strictLeadingZeros: true),
              abs(v) <= Money.maximumInputCents else { return nil }
        cents = v
    }

    /// A whole amount (the integer form of the Decimal scalar).
    public init?(units: Int) {
        guard units.magnitude <= UInt64(Money.maximumInputCents / 100) else { return nil }
        cents = Int64(units) * 100
    }

    /// PostgreSQL numeric text (`45.00`, `45.5000`, `1234`): more decimals are
    /// accepted only when they are zeros. Any magnitude that fits Int64 cents.
    public init?(databaseText text: String) {
        guard let v = Money.parse(Array(text.utf8), maxDecimals: nil, strictLeadingZeros: false) else { return nil }
        cents = v
    }

    private static func parse(_ b: [UInt8], maxDecimals: Int?, strictLeadingZeros: Bool) -> Int64? {
        var i = 0
        var negative = false
        if i < b.count, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        let intStart = i
        var units: Int64 = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
            let (m, o1) = units.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(b[i] - 0x30))
            guard !o1, !o2 else { return nil }
            units = a; i += 1
        }
        let intDigits = i - intStart
        guard intDigits > 0 else { return nil }
        if strictLeadingZeros, intDigits > 1, b[intStart] == UInt8(ascii: "0") { return nil }
        var fraction: Int64 = 0
        if i < b.count {
            guard b[i] == UInt8(ascii: ".") else { return nil }
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                let d = Int64(b[i] - 0x30)
                if digits < 2 { fraction = fraction * 10 + d } else if d != 0 { return nil }
                digits += 1; i += 1
            }
            guard digits > 0, i == b.count else { return nil }
            if let maxDecimals, digits > maxDecimals { return nil }
            if digits == 1 { fraction *= 10 }
        }
        let (c, o1) = units.multipliedReportingOverflow(by: 100)
        let (total, o2) = c.addingReportingOverflow(fraction)
        guard !o1, !o2 else { return nil }
        return negative ? -total : total
    }

    /// Two decimals always: `45.00`, `-0.50`.
    public var formatted: String {
        let m = cents.magnitude
        let frac = Int(m % 100)
        return (cents < 0 ? "-" : "") + String(m / 100) + "." + (frac < 10 ? "0" : "") + String(frac)
    }
    public var description: String { formatted }

    public static func < (a: Money, b: Money) -> Bool { a.cents < b.cents }
}
