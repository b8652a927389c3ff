// Opaque global IDs: base64url("Type:id"), e.g. "RG9jdG9yOjQy" for Doctor 42.
// The API's IDs and the audit log's targets are the same strings.
// Opaque so clients never build them by hand; typed so `node(id:)` knows the
// table and an argument can refuse an ID of another type.
import JSON

public enum GlobalID {
    /// Longest string `decode` looks at; real IDs are far shorter.
    static let maximumLength = 128

    /// `id` must be ≥ 0 (database keys); `type` an object type name.
    public static func encode(type: String, id: Int64) -> String {
        var type = type
        return type.withUTF8 { name in
            // "Type:id" in a buffer on the stack (an Int64 has at most 20 characters).
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: name.count + 21) { buffer in
                var n = 0
                for c in name { buffer[n] = c; n += 1 }
                buffer[n] = UInt8(ascii: ":"); n += 1
                if id < 0 { buffer[n] = UInt8(ascii: "-"); n += 1 }
                var rest = id.magnitude
                let digits = n
                repeat {
                    buffer[n] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                    rest /= 10
                    n += 1
                } while rest > 0
                buffer[digits..<n].reverse()
                return Base64.urlEncode(UnsafeBufferPointer(rebasing: buffer[0..<n]))
            }
        }
    }

    /// The type name and key of a well-formed ID, nil for anything else: not
    /// canonical base64url, not `Type:digits`, a type name that is not an
    /// identifier starting with a capital, a negative, zero-padded or
    /// overflowing number. The type is not checked against the schema.
    public static func decode(_ s: String) -> (type: String, id: Int64)? {
        guard !s.isEmpty, s.utf8.count <= maximumLength, let bytes = Base64.urlDecode(s),
              let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let typeBytes = bytes[..<colon]
        guard let first = typeBytes.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z"),
              typeBytes.count <= 64,
              typeBytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) })
        else { return nil }
        let digits = bytes[(colon + 1)...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let id = parseCanonicalInt64(Substring(String(decoding: digits, as: UTF8.self))) else { return nil }
        return (String(decoding: typeBytes, as: UTF8.self), id)
    }

    /// The key of an ID that must be of type `expecting`.
    public static func decode(_ s: String, expecting type: String) throws(GlobalIDError) -> Int64 {
        guard let decoded = decode(s) else { throw .malformed(s) }
        guard decoded.type == type else { throw .wrongType(expected: type, found: decoded.type) }
        return decoded.id
    }
}

/// Both cases are BAD_USER_INPUT when the ID is an argument.
public enum GlobalIDError: Error, Sendable, Equatable {
    case malformed(String)
    case wrongType(expected: String, found: String)
}

/// Canonical decimal Int64: no sign but a leading `-`, no leading zeros, no `-0`.
public func parseCanonicalInt64(_ s: Substring) -> Int64? {
    guard let v = Int64(s), String(v) == s else { return nil }
    return v
}
