// The one base64 (RFC 4648), pure Swift: tokens, IDs and cursors use the URL
// form, mail (SMTP AUTH, RFC 2047 encoded-words) the standard one.

/// RFC 4648 §4 ("base64", with `=` padding) and §5 ("base64url", here always
/// without padding as JWS requires). Decoding is strict: no whitespace, no
/// characters outside the alphabet, and the unused trailing bits must be zero
/// (so every byte string has exactly one accepted encoding). MIME text, whose
/// base64 may be folded over lines, is read with `decode(_:ignoringLineBreaks:)`.
public enum Base64 {
    private static let standardAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let standardTable = table(standardAlphabet)
    private static let urlTable = table(urlAlphabet)

    private static func table(_ alphabet: [UInt8]) -> [UInt8] {
        var t = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }

    /// Standard base64 with padding.
    public static func encode(_ bytes: [UInt8]) -> String { encode(bytes, standardAlphabet, pad: true) }

    /// Strict standard base64: padding required to a multiple of 4. With
    /// `ignoringLineBreaks`, CR, LF, space and tab are dropped first (MIME folds
    /// encoded text over lines, RFC 2045 §6.8); the rest is as strict.
    public static func decode(_ string: String, ignoringLineBreaks: Bool = false) -> [UInt8]? {
        var chars = Array(string.utf8)
        if ignoringLineBreaks { chars.removeAll { $0 == 0x0D || $0 == 0x0A || $0 == 0x20 || $0 == 0x09 } }
        guard chars.count % 4 == 0 else { return nil }
        var padding = 0
        while padding < 2, chars.last == UInt8(ascii: "=") { chars.removeLast(); padding += 1 }
        if padding > 0, chars.count % 4 == 1 { return nil }
        return decode(chars, standardTable)
    }

    /// base64url without padding.
    public static func urlEncode(_ bytes: [UInt8]) -> String { encode(bytes, urlAlphabet, pad: false) }

    /// Strict base64url: rejects padding, characters outside `A–Z a–z 0–9 - _`,
    /// impossible lengths and non-zero trailing bits.
    public static func urlDecode(_ string: String) -> [UInt8]? { decode(Array(string.utf8), urlTable) }

    public static func urlDecode(_ chars: ArraySlice<UInt8>) -> [UInt8]? { decode(Array(chars), urlTable) }

    /// base64url without padding, of bytes the caller holds.
    public static func urlEncode(_ bytes: UnsafeBufferPointer<UInt8>) -> String { encode(bytes, urlAlphabet, pad: false) }

    private static func encode(_ bytes: [UInt8], _ alphabet: [UInt8], pad: Bool) -> String {
        bytes.withUnsafeBufferPointer { encode($0, alphabet, pad: pad) }
    }

    /// Written straight into the string's storage.
    private static func encode(_ bytes: UnsafeBufferPointer<UInt8>, _ alphabet: [UInt8], pad: Bool) -> String {
        let full = (bytes.count + 2) / 3 * 4
        let length = pad ? full : full - (3 - bytes.count % 3) % 3
        return alphabet.withUnsafeBufferPointer { a in
            String(unsafeUninitializedCapacity: length) { out in
                var i = 0, o = 0
                while i + 3 <= bytes.count {
                    let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                    out[o] = a[Int(n >> 18 & 63)]; out[o + 1] = a[Int(n >> 12 & 63)]
                    out[o + 2] = a[Int(n >> 6 & 63)]; out[o + 3] = a[Int(n & 63)]
                    i += 3; o += 4
                }
                let rest = bytes.count - i
                if rest == 1 {
                    let n = UInt32(bytes[i]) << 16
                    out[o] = a[Int(n >> 18 & 63)]; out[o + 1] = a[Int(n >> 12 & 63)]; o += 2
                    if pad { out[o] = UInt8(ascii: "="); out[o + 1] = UInt8(ascii: "="); o += 2 }
                } else if rest == 2 {
                    let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
                    out[o] = a[Int(n >> 18 & 63)]; out[o + 1] = a[Int(n >> 12 & 63)]; out[o + 2] = a[Int(n >> 6 & 63)]; o += 3
                    if pad { out[o] = UInt8(ascii: "="); o += 1 }
                }
                return o
            }
        }
    }

    /// Decodes unpadded characters with `table`; nil on any irregularity.
    private static func decode(_ chars: [UInt8], _ table: [UInt8]) -> [UInt8]? {
        if chars.count % 4 == 1 { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for c in chars {
            let v = table[Int(c)]
            if v == 0xff { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                acc &= (1 << UInt32(bits)) - 1
            }
        }
        // Leftover bits (2 or 4) must be zero: otherwise two strings would decode alike.
        if acc != 0 { return nil }
        return out
    }
}
