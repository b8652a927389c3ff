// A strict RFC 8259 JSON parser for request bodies, over UTF-8 bytes.
//
// Rejects: trailing commas, comments, leading zeros (01), bare NaN/Infinity,
// control characters inside strings, invalid UTF-8 (overlong forms, encoded
// surrogates, > U+10FFFF, truncated sequences), lone surrogates in \u escapes,
// nesting deeper than `maxDepth`, and anything after the value but
// whitespace. Integers that fit `Int` stay `.int`; other numbers are
// `.double` (out-of-range magnitudes are an error, not ±∞). Duplicate keys:
// by default the last value wins, at the first key's position (as JSON.parse
// does); readers of signed tokens ask for `.reject` instead (RFC 7515 §5.2,
// RFC 8725: two parsers must never read one token differently).
// It never traps: every index is bounds-checked.

public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Byte offset of the problem.
    public var offset: Int
    public init(message: String, offset: Int) { self.message = message; self.offset = offset }
    public var description: String { "\(message) at byte \(offset)" }
}

public enum JSONParser {
    /// What a member name that appears twice in one object does.
    public enum DuplicateKeys: Sendable {
        /// The last value wins, at the first key's position.
        case lastWins
        /// The document is refused.
        case reject
    }

    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64, duplicateKeys: DuplicateKeys = .lastWins) throws -> JSON {
        try bytes.withUnsafeBufferPointer { buf throws(JSONParseError) -> JSON in
            var p = Cursor(buf: buf, maxDepth: maxDepth, rejectsDuplicateKeys: duplicateKeys == .reject)
            p.skipWhitespace()
            let v = try p.value(depth: 0)
            p.skipWhitespace()
            if p.i != buf.count { throw p.fail("Unexpected data after the JSON value") }
            return v
        }
    }

    public static func parse(_ text: String, maxDepth: Int = 64, duplicateKeys: DuplicateKeys = .lastWins) throws -> JSON {
        try parse(Array(text.utf8), maxDepth: maxDepth, duplicateKeys: duplicateKeys)
    }
}

private struct Cursor {
    let buf: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    let rejectsDuplicateKeys: Bool
    var i = 0

    init(buf: UnsafeBufferPointer<UInt8>, maxDepth: Int, rejectsDuplicateKeys: Bool) {
        self.buf = buf; self.maxDepth = maxDepth; self.rejectsDuplicateKeys = rejectsDuplicateKeys
    }

    func fail(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: i) }

    var atEnd: Bool { i >= buf.count }
    var peek: UInt8? { i < buf.count ? buf[i] : nil }

    mutating func skipWhitespace() {
        while i < buf.count {
            let b = buf[i]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 } else { break }
        }
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSON {
        guard let b = peek else { throw fail("Unexpected end of JSON input") }
        switch b {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("Unexpected character in JSON")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= buf.count else { throw fail("Unexpected end of JSON input") }
        let w = word.utf8Start
        for k in 0..<n where buf[i + k] != w[k] { throw fail("Invalid literal") }
        i += n
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSON {
        if depth > maxDepth { throw fail("JSON nested deeper than \(maxDepth) levels") }
        i += 1
        var members: [(String, JSON)] = []
        var index: [String: Int]? = nil
        skipWhitespace()
        if peek == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw fail("Expected a string key") }
            let keyOffset = i
            let key = try string()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw fail("Expected ':' after a key") }
            i += 1
            skipWhitespace()
            let v = try value(depth: depth)
            // Duplicate keys: last value wins at the first position.
            if members.count >= 8 && index == nil {
                var d: [String: Int] = [:]
                for (k, m) in members.enumerated() { d[m.0] = k }
                index = d
            }
            let existing = index != nil ? index![key] : members.firstIndex(where: { $0.0 == key })
            if let k = existing {
                if rejectsDuplicateKeys { throw JSONParseError(message: "Duplicate key \"\(key)\"", offset: keyOffset) }
                members[k].1 = v
            } else {
                if index != nil { index![key] = members.count }
                members.append((key, v))
            }
            skipWhitespace()
            guard let c = peek else { throw fail("Unexpected end of JSON input") }
            if c == UInt8(ascii: ",") { i += 1; continue }
            if c == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw fail("Expected ',' or '}' in an object")
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSON {
        if depth > maxDepth { throw fail("JSON nested deeper than \(maxDepth) levels") }
        i += 1
        var items: [JSON] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth))
            skipWhitespace()
            guard let c = peek else { throw fail("Unexpected end of JSON input") }
            if c == UInt8(ascii: ",") { i += 1; continue }
            if c == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw fail("Expected ',' or ']' in an array")
        }
    }

    mutating func number() throws(JSONParseError) -> JSON {
        let start = i
        var isInteger = true
        if peek == UInt8(ascii: "-") { i += 1 }
        guard let first = peek, first >= 48 && first <= 57 else { throw fail("Invalid number") }
        if first == 48 {
            i += 1
            if let c = peek, c >= 48 && c <= 57 { throw fail("Leading zeros are not allowed in numbers") }
        } else {
            while let c = peek, c >= 48 && c <= 57 { i += 1 }
        }
        if peek == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard let c = peek, c >= 48 && c <= 57 else { throw fail("Expected a digit after the decimal point") }
            while let c = peek, c >= 48 && c <= 57 { i += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard let c = peek, c >= 48 && c <= 57 else { throw fail("Expected a digit in the exponent") }
            while let c = peek, c >= 48 && c <= 57 { i += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
        if isInteger, let v = Int(text) { return .int(v) }
        guard let d = Double(text), d.isFinite else {
            i = start
            throw fail("Number out of range")
        }
        return .double(d)
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= buf.count else { throw fail("Unexpected end of JSON input") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = buf[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw fail("Invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    mutating func string() throws(JSONParseError) -> String {
        i += 1  // opening quote
        var out: [UInt8] = []
        var runStart = i
        while true {
            guard i < buf.count else { throw fail("Unterminated string") }
            let b = buf[i]
            if b == UInt8(ascii: "\"") {
                if out.isEmpty {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: buf[runStart..<i]), as: UTF8.self)
                    i += 1
                    return s
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i]))
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw fail("Control character in string") }
            if b == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i]))
                i += 1
                guard let e = peek else { throw fail("Unterminated string") }
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar <= 0xDBFF {
                        guard i + 6 <= buf.count, buf[i] == UInt8(ascii: "\\"), buf[i + 1] == UInt8(ascii: "u") else {
                            throw fail("Lone surrogate in \\u escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low <= 0xDFFF else { throw fail("Lone surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                        throw fail("Lone surrogate in \\u escape")
                    }
                    appendUTF8(scalar, &out)
                default: throw fail("Invalid escape")
                }
                runStart = i
                continue
            }
            if b < 0x80 { i += 1; continue }
            try skipUTF8Sequence(b)
        }
    }

    /// Validates one multi-byte UTF-8 sequence starting with lead byte `b`.
    mutating func skipUTF8Sequence(_ b: UInt8) throws(JSONParseError) {
        let n: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b {
        case 0xC2...0xDF: n = 2
        case 0xE0: n = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: n = 3
        case 0xED: n = 3; hi = 0x9F  // no encoded surrogates
        case 0xF0: n = 4; lo = 0x90
        case 0xF1...0xF3: n = 4
        case 0xF4: n = 4; hi = 0x8F
        default: throw fail("Invalid UTF-8")
        }
        guard i + n <= buf.count else { throw fail("Invalid UTF-8") }
        let second = buf[i + 1]
        guard second >= lo && second <= hi else { throw fail("Invalid UTF-8") }
        for k in 2..<max(n, 2) where k < n {
            let c = buf[i + k]
            guard c >= 0x80 && c <= 0xBF else { throw fail("Invalid UTF-8") }
        }
        i += n
    }

    func appendUTF8(_ v: UInt32, _ out: inout [UInt8]) {
        switch v {
        case 0..<0x80: out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
