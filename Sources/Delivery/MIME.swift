// The text encodings of an Internet message: quoted-printable bodies
// (RFC 2045 §6.7), encoded-words for non-ASCII header text (RFC 2047), and
// header folding (RFC 5322 §2.2.3). Lines end in CRLF.
import JSON

public enum MIME {
    // MARK: - Quoted-printable

    /// UTF-8 `text` as quoted-printable: lines of at most 76 characters (soft
    /// breaks `=`), `=`, non-ASCII and control bytes as `=XX`, spaces and tabs
    /// before a line break encoded so transports cannot strip them. Hard line
    /// breaks (LF or CRLF in the input) become CRLF.
    public static func quotedPrintable(_ text: String) -> String {
        var out = ""
        let lines = splitLines(text)
        for (index, line) in lines.enumerated() {
            if index > 0 { out += "\r\n" }
            let bytes = Array(line.utf8)
            var current = ""
            var currentLength = 0
            for (i, b) in bytes.enumerated() {
                let isLast = i == bytes.count - 1
                let token: String
                if (b == 0x20 || b == 0x09) && isLast {
                    token = hexEscape(b)
                } else if b == 0x3D || b < 0x20 && b != 0x09 || b > 0x7E {
                    token = hexEscape(b)
                } else {
                    token = String(UnicodeScalar(b))
                }
                // Leave room for the soft break "=" (76 incl. it), except on the last token of the line.
                let limit = isLast ? 76 : 75
                if currentLength + token.count > limit {
                    out += current + "=\r\n"
                    current = ""
                    currentLength = 0
                }
                current += token
                currentLength += token.count
            }
            out += current
        }
        return out
    }

    /// Decodes quoted-printable (soft breaks removed, `=XX` to bytes) as UTF-8.
    public static func decodeQuotedPrintable(_ text: String) -> String {
        let b = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == 0x3D {
                if i + 1 < b.count, b[i + 1] == 0x0A { i += 2; continue }
                if i + 2 < b.count, b[i + 1] == 0x0D, b[i + 2] == 0x0A { i += 3; continue }
                if i + 2 < b.count, let h = hexValue(b[i + 1]), let l = hexValue(b[i + 2]) {
                    out.append(h << 4 | l)
                    i += 3
                    continue
                }
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Encoded-words

    static func needsEncoding(_ text: String) -> Bool {
        text.utf8.contains { $0 > 0x7E || ($0 < 0x20 && $0 != 0x09) } || text.contains("=?")
    }

    /// Header text: ASCII as is, otherwise `=?UTF-8?B?…?=` words of at most
    /// 75 characters, split between whole characters, separated by CRLF SP
    /// (a folding point, so a long subject stays within line limits).
    public static func encodedWords(_ text: String) -> String {
        guard needsEncoding(text) else { return text }
        // 75 - "=?UTF-8?B?".count - "?=".count = 63 base64 chars → 45 bytes of UTF-8 per word.
        var words: [String] = []
        var chunk: [UInt8] = []
        for ch in text {
            let bytes = Array(String(ch).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Base64.encode(chunk) + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Base64.encode(chunk) + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Decodes every `=?charset?B|Q?…?=` word (UTF-8 assumed) and unfolds; for tests and logs.
    public static func decodeHeader(_ value: String) -> String {
        let unfolded = value.replacingAll("\r\n ", with: " ").replacingAll("\r\n\t", with: " ")
        var out = ""
        var rest = Substring(unfolded)
        var lastWasWord = false
        while let start = rest.firstRange(ofText: "=?") {
            let before = rest[..<start.lowerBound]
            let afterStart = rest[start.upperBound...]
            let parts = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[3].hasPrefix("=") else { out += rest; return out }
            if !(lastWasWord && before.allSatisfy({ $0 == " " || $0 == "\t" })) { out += before }
            let encoding = parts[1].uppercased()
            let payload = String(parts[2])
            if encoding == "B" {
                out += String(decoding: Base64.decode(payload, ignoringLineBreaks: true) ?? [], as: UTF8.self)
            } else {
                out += decodeQuotedPrintable(payload.replacingAll("_", with: " "))
            }
            rest = parts[3].dropFirst()
            lastWasWord = true
        }
        out += rest
        return out
    }

    /// `"Name" <addr>` with the name as encoded-words when not ASCII, quoted when it has specials.
    public static func mailbox(name: String?, address: String) -> String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        if needsEncoding(name) { return encodedWords(name) + " <\(address)>" }
        let specials = Set("()<>[]:;@\\,.\"")
        if name.contains(where: { specials.contains($0) }) {
            let escaped = name.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
            return "\"\(escaped)\" <\(address)>"
        }
        return "\(name) <\(address)>"
    }

    // MARK: - Multipart

    /// A boundary that cannot occur in our parts: "=_" appears neither in
    /// quoted-printable (every "=" there is followed by hex or a line break)
    /// nor in base64.
    static func boundary(_ key: String) -> String {
        "=_part_" + String(key.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(40))
    }

    /// Base64 in lines of 76 characters (RFC 2045 §6.8), CRLF between them.
    public static func base64Lines(_ bytes: [UInt8]) -> String {
        var lines: [String] = []
        var start = 0
        // 57 bytes encode to exactly 76 characters.
        while start < bytes.count {
            let end = min(start + 57, bytes.count)
            lines.append(Base64.encode(Array(bytes[start..<end])))
            start = end
        }
        return lines.joined(separator: "\r\n")
    }

    // MARK: - Helpers

    static func splitLines(_ text: String) -> [Substring] {
        let normalized = text.replacingAll("\r\n", with: "\n").replacingAll("\r", with: "\n")
        return Substring(normalized).split(separator: "\n", omittingEmptySubsequences: false)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func hexEscape(_ b: UInt8) -> String {
        String(decoding: [0x3D, hexDigits[Int(b >> 4)], hexDigits[Int(b & 0xF)]], as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
