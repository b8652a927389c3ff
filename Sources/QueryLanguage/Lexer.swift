// The GraphQL lexer (spec section 2.1) over UTF-8 bytes.
//
// Comments, commas, white space, line terminators and the BOM are skipped;
// the lexer never emits them. Line and column of each token are tracked
// incrementally: the column counts Unicode scalars (as graphql-core counts
// characters), so continuation bytes seen on the current line are subtracted.

enum TokenKind: UInt8, Sendable {
    case sof, eof, bang, dollar, amp, parenL, parenR, spread, colon, equals, at
    case bracketL, bracketR, braceL, pipe, braceR, name, int, float, string, blockString

    var symbol: String {
        switch self {
        case .sof: return "<SOF>"
        case .eof: return "<EOF>"
        case .bang: return "!"
        case .dollar: return "$"
        case .amp: return "&"
        case .parenL: return "("
        case .parenR: return ")"
        case .spread: return "..."
        case .colon: return ":"
        case .equals: return "="
        case .at: return "@"
        case .bracketL: return "["
        case .bracketR: return "]"
        case .braceL: return "{"
        case .pipe: return "|"
        case .braceR: return "}"
        case .name: return "Name"
        case .int: return "Int"
        case .float: return "Float"
        case .string: return "String"
        case .blockString: return "BlockString"
        }
    }

    var isPunctuator: Bool {
        switch self {
        case .bang, .dollar, .amp, .parenL, .parenR, .spread, .colon, .equals, .at,
             .bracketL, .bracketR, .braceL, .pipe, .braceR:
            return true
        default:
            return false
        }
    }

    /// graphql-js `getTokenKindDesc`.
    var desc: String { isPunctuator ? "\"\(symbol)\"" : symbol }
}

struct Token {
    var kind: TokenKind
    var start: Int
    var end: Int
    var line: Int
    var column: Int
}

@inline(__always) func isNameStart(_ c: UInt8) -> Bool {
    (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F
}
@inline(__always) func isNameContinue(_ c: UInt8) -> Bool {
    isNameStart(c) || (c >= 0x30 && c <= 0x39)
}
@inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

@inline(__always) func hexValue(_ c: UInt8) -> Int {
    if c >= 0x30 && c <= 0x39 { return Int(c) - 0x30 }
    if c >= 0x41 && c <= 0x46 { return Int(c) - 0x37 }
    if c >= 0x61 && c <= 0x66 { return Int(c) - 0x57 }
    return -1
}

@inline(__always) func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
    if v < 0x80 {
        out.append(UInt8(v))
    } else if v < 0x800 {
        out.append(UInt8(0xC0 | (v >> 6)))
        out.append(UInt8(0x80 | (v & 0x3F)))
    } else if v < 0x10000 {
        out.append(UInt8(0xE0 | (v >> 12)))
        out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (v & 0x3F)))
    } else {
        out.append(UInt8(0xF0 | (v >> 18)))
        out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (v & 0x3F)))
    }
}

struct Lexer {
    let buf: UnsafeBufferPointer<UInt8>
    var pos: Int = 0
    var line: Int = 1
    var lineStart: Int = 0
    /// UTF-8 continuation bytes between `lineStart` and `pos`.
    var lineExtra: Int = 0
    /// When set, string tokens also decode their value into `value`
    /// (the parser asks for it only when it needs it, keeping `Token` trivial).
    var wantValue = false
    var value = ""

    init(_ buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

    // MARK: errors

    func error(_ description: String, at offset: Int) -> GraphQLSyntaxError {
        let (l, c) = sourceLocation(buf, offset)
        return GraphQLSyntaxError(message: "Syntax Error: " + description, line: l, column: c)
    }

    /// Length in bytes of the UTF-8 sequence starting with `b`.
    @inline(__always) static func scalarLength(_ b: UInt8) -> Int {
        if b < 0x80 { return 1 }
        if b < 0xE0 { return 2 }
        if b < 0xF0 { return 3 }
        return 4
    }

    func scalar(at i: Int) -> UInt32 {
        let b0 = UInt32(buf[i])
        switch Lexer.scalarLength(buf[i]) {
        case 1: return b0
        case 2: return (b0 & 0x1F) << 6 | UInt32(buf[i + 1] & 0x3F)
        case 3: return (b0 & 0x0F) << 12 | UInt32(buf[i + 1] & 0x3F) << 6 | UInt32(buf[i + 2] & 0x3F)
        default:
            return (b0 & 0x07) << 18 | UInt32(buf[i + 1] & 0x3F) << 12 | UInt32(buf[i + 2] & 0x3F) << 6 | UInt32(buf[i + 3] & 0x3F)
        }
    }

    /// graphql-js `printCodePointAt`.
    func printCodePoint(at i: Int) -> String {
        if i >= buf.count { return "<EOF>" }
        let v = scalar(at: i)
        if v >= 0x20 && v <= 0x7E {
            if v == 0x22 { return "'\"'" }
            return "\"" + String(Character(Unicode.Scalar(v)!)) + "\""
        }
        var hex = String(v, radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        return "U+" + hex
    }

    /// The text of `n` Unicode scalars starting at byte `from` (fewer at the end).
    func scalarText(from: Int, count n: Int) -> String {
        var i = from
        var k = 0
        while k < n && i < buf.count {
            i += Lexer.scalarLength(buf[i]); k += 1
        }
        return text(from, min(i, buf.count))
    }

    @inline(__always) func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buf[start..<end]), as: UTF8.self)
    }

    // MARK: tokens

    @inline(__always) func make(_ kind: TokenKind, _ start: Int, _ end: Int) -> Token {
        Token(kind: kind, start: start, end: end, line: line, column: 1 + start - lineStart - lineExtra)
    }

    /// The decoded value of the string or block string token `t`.
    func stringValue(_ t: Token) -> String {
        var l = Lexer(buf)
        l.pos = t.start
        l.wantValue = true
        _ = try? l.next()
        return l.value
    }

    /// Reads the next significant token (never a comment).
    mutating func next() throws(GraphQLSyntaxError) -> Token {
        let count = buf.count
        while pos < count {
            let c = buf[pos]
            switch c {
            case 0x20, 0x09, 0x2C: // space, tab, comma
                pos += 1
                continue
            case 0x0A:
                pos += 1; line += 1; lineStart = pos; lineExtra = 0
                continue
            case 0x0D:
                pos += (pos + 1 < count && buf[pos + 1] == 0x0A) ? 2 : 1
                line += 1; lineStart = pos; lineExtra = 0
                continue
            case 0xEF where pos + 2 < count && buf[pos + 1] == 0xBB && buf[pos + 2] == 0xBF: // BOM
                pos += 3; lineExtra += 2
                continue
            case 0x23: // # comment
                pos += 1
                while pos < count {
                    let d = buf[pos]
                    if d == 0x0A || d == 0x0D { break }
                    if d & 0xC0 == 0x80 { lineExtra += 1 }
                    pos += 1
                }
                continue
            case 0x21: return punct(.bang)
            case 0x24: return punct(.dollar)
            case 0x26: return punct(.amp)
            case 0x28: return punct(.parenL)
            case 0x29: return punct(.parenR)
            case 0x3A: return punct(.colon)
            case 0x3D: return punct(.equals)
            case 0x40: return punct(.at)
            case 0x5B: return punct(.bracketL)
            case 0x5D: return punct(.bracketR)
            case 0x7B: return punct(.braceL)
            case 0x7D: return punct(.braceR)
            case 0x7C: return punct(.pipe)
            case 0x2E:
                if pos + 2 < count && buf[pos + 1] == 0x2E && buf[pos + 2] == 0x2E {
                    let t = make(.spread, pos, pos + 3)
                    pos += 3
                    return t
                }
            case 0x22:
                if pos + 2 < count && buf[pos + 1] == 0x22 && buf[pos + 2] == 0x22 {
                    return try readBlockString()
                }
                return try readString()
            case 0x2D, 0x30...0x39:
                return try readNumber()
            default:
                if isNameStart(c) {
                    let start = pos
                    pos += 1
                    while pos < count && isNameContinue(buf[pos]) { pos += 1 }
                    return make(.name, start, pos)
                }
            }
            if c == 0x27 {
                throw error("Unexpected single quote character ('), did you mean to use a double quote (\")?", at: pos)
            }
            throw error("Unexpected character: \(printCodePoint(at: pos)).", at: pos)
        }
        return make(.eof, count, count)
    }

    @inline(__always) mutating func punct(_ kind: TokenKind) -> Token {
        let t = make(kind, pos, pos + 1)
        pos += 1
        return t
    }

    @inline(__always) func byte(_ i: Int) -> UInt8? { i < buf.count ? buf[i] : nil }

    @inline(never)
    mutating func readNumber() throws(GraphQLSyntaxError) -> Token {
        let start = pos
        var p = pos
        var isFloat = false
        if buf[p] == 0x2D { p += 1 }
        if byte(p) == 0x30 {
            p += 1
            if let d = byte(p), isDigit(d) {
                throw error("Invalid number, unexpected digit after 0: \(printCodePoint(at: p)).", at: p)
            }
        } else {
            p = try readDigits(p)
        }
        if byte(p) == 0x2E {
            isFloat = true
            p = try readDigits(p + 1)
        }
        if let e = byte(p), e == 0x45 || e == 0x65 {
            isFloat = true
            p += 1
            if let s = byte(p), s == 0x2B || s == 0x2D { p += 1 }
            p = try readDigits(p)
        }
        if let n = byte(p), n == 0x2E || isNameStart(n) {
            throw error("Invalid number, expected digit but got: \(printCodePoint(at: p)).", at: p)
        }
        let t = make(isFloat ? .float : .int, start, p)
        pos = p
        return t
    }

    func readDigits(_ start: Int) throws(GraphQLSyntaxError) -> Int {
        guard let d = byte(start), isDigit(d) else {
            throw error("Invalid number, expected digit but got: \(printCodePoint(at: start)).", at: start)
        }
        var p = start + 1
        while p < buf.count && isDigit(buf[p]) { p += 1 }
        return p
    }

    @inline(never)
    mutating func readString() throws(GraphQLSyntaxError) -> Token {
        let start = pos
        let count = buf.count
        var p = pos + 1
        var extra = 0
        // Fast path: no escapes.
        while p < count {
            let c = buf[p]
            if c == 0x22 {
                let t = make(.string, start, p + 1)
                if wantValue { value = text(start + 1, p) }
                lineExtra += extra
                pos = p + 1
                return t
            }
            if c == 0x5C { break }
            if c == 0x0A || c == 0x0D { throw error("Unterminated string.", at: p) }
            if c & 0xC0 == 0x80 { extra += 1 }
            p += 1
        }
        if p >= count { throw error("Unterminated string.", at: p) }
        // Slow path with escapes.
        var out = [UInt8]()
        if wantValue {
            out.reserveCapacity(p - start + 16)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[(start + 1)..<p]))
        }
        while p < count {
            let c = buf[p]
            if c == 0x22 {
                let t = make(.string, start, p + 1)
                if wantValue { value = String(decoding: out, as: UTF8.self) }
                lineExtra += extra
                pos = p + 1
                return t
            }
            if c == 0x5C {
                let (v, size) = try readEscape(p)
                if wantValue { appendUTF8(v, to: &out) }
                p += size
                continue
            }
            if c == 0x0A || c == 0x0D { break }
            if c & 0xC0 == 0x80 { extra += 1 }
            if wantValue { out.append(c) }
            p += 1
        }
        throw error("Unterminated string.", at: p)
    }

    /// Decodes the escape sequence at `p` (a backslash): the scalar and its byte size.
    func readEscape(_ p: Int) throws(GraphQLSyntaxError) -> (UInt32, Int) {
        let next = byte(p + 1)
        if next == 0x75 { // u
            if byte(p + 2) == 0x7B { return try readVariableWidthEscape(p) }
            return try readFixedWidthEscape(p)
        }
        switch next {
        case 0x22: return (0x22, 2)
        case 0x2F: return (0x2F, 2)
        case 0x5C: return (0x5C, 2)
        case 0x62: return (0x08, 2)
        case 0x66: return (0x0C, 2)
        case 0x6E: return (0x0A, 2)
        case 0x72: return (0x0D, 2)
        case 0x74: return (0x09, 2)
        default:
            throw error("Invalid character escape sequence: \"\(scalarText(from: p, count: 2))\".", at: p)
        }
    }

    func readVariableWidthEscape(_ p: Int) throws(GraphQLSyntaxError) -> (UInt32, Int) {
        // Sizes count Unicode scalars, like graphql-core counts characters.
        var remaining = 0
        var i = p
        while remaining < 12 && i < buf.count { i += Lexer.scalarLength(buf[i]); remaining += 1 }
        let maxSize = remaining
        var point = 0
        var size = 3
        var b = p + 3
        while size < maxSize {
            let c = buf[b]
            b += Lexer.scalarLength(c)
            size += 1
            if c == 0x7D { // }
                if size < 5 || !((point >= 0 && point <= 0xD7FF) || (point >= 0xE000 && point <= 0x10FFFF)) {
                    break
                }
                return (UInt32(point), b - p)
            }
            let h = hexValue(c)
            if h < 0 { break }
            point = (point << 4) | h
        }
        throw error("Invalid Unicode escape sequence: \"\(scalarText(from: p, count: size))\".", at: p)
    }

    func hex4(_ i: Int) -> Int {
        guard i + 3 < buf.count else { return -1 }
        let a = hexValue(buf[i]), b = hexValue(buf[i + 1]), c = hexValue(buf[i + 2]), d = hexValue(buf[i + 3])
        if a < 0 || b < 0 || c < 0 || d < 0 { return -1 }
        return a << 12 | b << 8 | c << 4 | d
    }

    func readFixedWidthEscape(_ p: Int) throws(GraphQLSyntaxError) -> (UInt32, Int) {
        let code = hex4(p + 2)
        if (code >= 0 && code <= 0xD7FF) || (code >= 0xE000 && code <= 0x10FFFF) {
            return (UInt32(code), 6)
        }
        if code >= 0xD800 && code <= 0xDBFF && byte(p + 6) == 0x5C && byte(p + 7) == 0x75 {
            let trailing = hex4(p + 8)
            if trailing >= 0xDC00 && trailing <= 0xDFFF {
                return (UInt32(0x10000 + ((code - 0xD800) << 10) + (trailing - 0xDC00)), 12)
            }
        }
        throw error("Invalid Unicode escape sequence: \"\(scalarText(from: p, count: 6))\".", at: p)
    }

    @inline(never)
    mutating func readBlockString() throws(GraphQLSyntaxError) -> Token {
        let start = pos
        let count = buf.count
        var p = pos + 3
        // Raw content with `\"""` unescaped and line terminators normalized
        // to one byte; `lineStarts` indexes its lines (only when wantValue).
        var raw: [UInt8] = []
        var lineStarts: [Int] = []
        if wantValue { lineStarts.append(0) }
        var chunkStart = p
        var newLines = 0
        var lastLineStart = lineStart
        var extra = lineExtra
        while p < count {
            let c = buf[p]
            if c == 0x22 && p + 2 < count && buf[p + 1] == 0x22 && buf[p + 2] == 0x22 {
                let t = make(.blockString, start, p + 3)
                if wantValue {
                    raw.append(contentsOf: UnsafeBufferPointer(rebasing: buf[chunkStart..<p]))
                    value = Lexer.blockStringValue(raw, lineStarts)
                }
                line += newLines
                lineStart = lastLineStart
                lineExtra = extra
                pos = p + 3
                return t
            }
            if c == 0x5C && p + 3 < count && buf[p + 1] == 0x22 && buf[p + 2] == 0x22 && buf[p + 3] == 0x22 {
                if wantValue { raw.append(contentsOf: UnsafeBufferPointer(rebasing: buf[chunkStart..<p])) }
                chunkStart = p + 1
                p += 4
                continue
            }
            if c == 0x0A || c == 0x0D {
                if wantValue {
                    raw.append(contentsOf: UnsafeBufferPointer(rebasing: buf[chunkStart..<p]))
                    raw.append(0x0A)
                    lineStarts.append(raw.count)
                }
                p += (c == 0x0D && p + 1 < count && buf[p + 1] == 0x0A) ? 2 : 1
                chunkStart = p
                lastLineStart = p
                newLines += 1
                extra = 0
                continue
            }
            if c & 0xC0 == 0x80 { extra += 1 }
            p += 1
        }
        throw error("Unterminated string.", at: p)
    }

    /// The spec's BlockStringValue(): common indentation removal and trimming
    /// of leading and trailing blank lines, joined with `\n`. `raw` holds the
    /// lines separated by `\n`; `lineStarts` their start offsets.
    static func blockStringValue(_ raw: [UInt8], _ lineStarts: [Int]) -> String {
        let n = lineStarts.count
        @inline(__always) func lineEnd(_ i: Int) -> Int { i + 1 < n ? lineStarts[i + 1] - 1 : raw.count }
        var commonIndent = Int.max
        var firstNonEmpty = -1
        var lastNonEmpty = -1
        for i in 0..<n {
            let s = lineStarts[i], e = lineEnd(i)
            var j = s
            while j < e && (raw[j] == 0x20 || raw[j] == 0x09) { j += 1 }
            if j == e { continue }
            if firstNonEmpty < 0 { firstNonEmpty = i }
            lastNonEmpty = i
            if i > 0 && j - s < commonIndent { commonIndent = j - s }
        }
        if firstNonEmpty < 0 { return "" }
        var out = [UInt8]()
        out.reserveCapacity(raw.count)
        for i in firstNonEmpty...lastNonEmpty {
            if i > firstNonEmpty { out.append(0x0A) }
            let s = lineStarts[i], e = lineEnd(i)
            if i == 0 {
                out.append(contentsOf: raw[s..<e])
            } else if commonIndent < e - s {
                out.append(contentsOf: raw[(s + commonIndent)..<e])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
