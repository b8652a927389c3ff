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
