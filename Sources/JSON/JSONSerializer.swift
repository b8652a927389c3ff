// JSON output straight to UTF-8 bytes, members in their stored order.
//
// Strings are escaped as JSON.stringify does (quote, backslash, the short
// escapes \b \f \n \r \t, other control characters as \u00XX; everything else,
// U+2028/U+2029 included, raw UTF-8); `.javaScriptSafe` also escapes `<`,
// U+2028 and U+2029, so the literal can sit in an HTML <script> (no `</script>`
// or `<!--` inside) and is valid JavaScript source everywhere. Doubles print like JavaScript's
// Number.prototype.toString (1.0 → 1, 1e21 → 1e+21, 1e-7 → 1e-7), which is
// also valid JSON. NaN and infinities have no JSON form: they print as null
// here, and result coercion turns them into field errors before they get here.

public extension JSON {
    /// The compact JSON text of this value as UTF-8 bytes.
    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        JSONWriter.write(self, into: &out)
        return out
    }

    /// The compact JSON text of this value.
    var serializedString: String { String(decoding: serialized(), as: UTF8.self) }
}

/// Escapes beyond JSON.stringify's.
public struct JSONEscaping: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// `<` as `\u003c`, U+2028 and U+2029 as `\u2028`/`\u2029`: safe inside an
    /// HTML <script> element and in pre-ES2019 JavaScript source.
    public static let javaScriptSafe = JSONEscaping(rawValue: 1)
}

public enum JSONWriter {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    public static func write(_ value: JSON, into out: inout [UInt8]) {
        switch value {
        case .null: writeNull(into: &out)
        case .bool(let b):
            if b {
                out.append(UInt8(ascii: "t")); out.append(UInt8(ascii: "r")); out.append(UInt8(ascii: "u")); out.append(UInt8(ascii: "e"))
            } else {
                out.append(UInt8(ascii: "f")); out.append(UInt8(ascii: "a")); out.append(UInt8(ascii: "l")); out.append(UInt8(ascii: "s"))
                out.append(UInt8(ascii: "e"))
            }
        case .int(let i): writeInt(i, into: &out)
        case .double(let d): writeDouble(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in members {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    public static func writeNull(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "n")); out.append(UInt8(ascii: "u")); out.append(UInt8(ascii: "l")); out.append(UInt8(ascii: "l"))
    }

    public static func writeInt(_ i: Int, into out: inout [UInt8]) {
        if i >= 0 && i < 10 { out.append(UInt8(48 + i)); return }
        // Digits into a small stack buffer, most significant first.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes ≥ 20 digits
        var magnitude = i.magnitude
        withUnsafeMutableBytes(of: &digits) { buf in
            var k = buf.count
            repeat {
                k -= 1
                buf[k] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            if i < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[k...]))
        }
    }

    /// A double as `javaScriptNumber` prints it. Swift's `description` is the
    /// same shortest round-trip form; when it has no exponent and the value
    /// is not integral, the two texts are equal, so it is used directly.
    static func writeDouble(_ d: Double, into out: inout [UInt8]) {
        if d.isFinite && d != d.rounded(.towardZero) {
            let a = abs(d)
            if a >= 1e-4 && a < 1e15 {
                var text = d.description
                var plain = true
                text.withUTF8 { buf in
                    for b in buf where b == UInt8(ascii: "e") || b == UInt8(ascii: "E") { plain = false }
                    if plain { out.append(contentsOf: buf) }
                }
                if plain { return }
            }
        }
        out.append(contentsOf: javaScriptNumber(d).utf8)
    }

    /// `s` as a quoted JSON string literal.
    public static func writeString(_ s: String, into out: inout [UInt8], escaping: JSONEscaping = []) {
        if escaping.contains(.javaScriptSafe) { writeEscaped(s, into: &out, javaScriptSafe: true) }
        else { writeEscaped(s, into: &out, javaScriptSafe: false) }
    }

    /// `s` as a quoted JSON string literal.
    public static func quoted(_ s: String, escaping: JSONEscaping = []) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        writeString(s, into: &out, escaping: escaping)
        return String(decoding: out, as: UTF8.self)
    }

    /// One loop for both forms; each call site passes a constant, so the
    /// plain form's fast path carries no extra test once inlined.
    @inline(__always)
    private static func writeEscaped(_ s: String, into out: inout [UInt8], javaScriptSafe: Bool) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            var runStart = 0
            var i = 0
            let n = buf.count
            while i < n {
                let b = buf[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C && !(javaScriptSafe && (b == 0x3C || b == 0xE2)) { i += 1; continue }
                var width = 1
                if javaScriptSafe && b == 0xE2 {
                    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9; other E2 sequences pass.
                    guard i + 2 < n, buf[i + 1] == 0x80, buf[i + 2] == 0xA8 || buf[i + 2] == 0xA9 else { i += 1; continue }
                    width = 3
                }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i])) }
                out.append(0x5C)
                switch b {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0xE2:
                    out.append(contentsOf: [UInt8(ascii: "u"), 0x32, 0x30, 0x32, buf[i + 2] == 0xA8 ? 0x38 : 0x39])
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                }
                i += width
                runStart = i
            }
            if runStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<n])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A double as JavaScript's `String(number)` prints it ("null" for NaN/±∞).
    public static func javaScriptNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == 0 { return "0" }
        if d == d.rounded(.towardZero) && abs(d) < 9.007199254740992e15 { return String(Int64(d)) }
        // Swift's description is the shortest round-trip form; reformat its
        // digits and exponent with ECMAScript's Number::toString rules.
        let text = Array(abs(d).description.utf8)
        var digits: [UInt8] = []
        var exponent = 0
        var pointSeen = false
        var digitsBeforePoint = 0
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: ".") { pointSeen = true }
            else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                exponent = Int(String(decoding: text[(i + 1)...], as: UTF8.self)) ?? 0
                break
            } else {
                digits.append(c)
                if !pointSeen { digitsBeforePoint += 1 }
            }
            i += 1
        }
        // Value = 0.d1d2…dk × 10^n, with n = digitsBeforePoint + exponent.
        var n = digitsBeforePoint + exponent
        while let first = digits.first, first == UInt8(ascii: "0") { digits.removeFirst(); n -= 1 }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty { return "0" }
        let k = digits.count
        var out: [UInt8] = d < 0 ? [UInt8(ascii: "-")] : []
        if k <= n && n <= 21 {
            out += digits
            out += [UInt8](repeating: UInt8(ascii: "0"), count: n - k)
        } else if 0 < n && n <= 21 {
            out += digits[0..<n]
            out.append(UInt8(ascii: "."))
            out += digits[n...]
        } else if -6 < n && n <= 0 {
            out += Array("0.".utf8)
            out += [UInt8](repeating: UInt8(ascii: "0"), count: -n)
            out += digits
        } else {
            out.append(digits[0])
            if k > 1 { out.append(UInt8(ascii: ".")); out += digits[1...] }
            out.append(UInt8(ascii: "e"))
            let e = n - 1
            out += Array((e >= 0 ? "+\(e)" : "\(e)").utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
