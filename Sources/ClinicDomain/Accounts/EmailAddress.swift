// Email addresses as the contract stores them: trimmed, lowercased, plain
// ASCII addr-spec (dot-atom local part, DNS domain). Quoted local parts, IP
// literals and internationalized addresses are refused on purpose.
import Foundation

public enum EmailAddress {
    public static let maximumLength = 254
    public static let maximumLocalPartLength = 64

    /// The stored form of `input`, or nil when it is not an acceptable address.
    public static func normalize(_ input: String) -> String? {
        let email = input.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !email.isEmpty, email.utf8.count <= maximumLength, email.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        let lowered = String(decoding: email.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
        let parts = lowered.utf8.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = parts[0], domain = parts[1]
        guard !local.isEmpty, local.count <= maximumLocalPartLength, isDotAtom(local) else { return nil }
        guard isDomain(domain) else { return nil }
        return lowered
    }

    /// RFC 5322 atext: letters, digits and !#$%&'*+-/=?^_`{|}~
    private static let atext = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~".utf8)

    /// atext runs separated by single dots, no dot at either end.
    private static func isDotAtom(_ s: Substring.UTF8View.SubSequence) -> Bool {
        s.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { atom in
            !atom.isEmpty && atom.allSatisfy { atext.contains($0) }
        }
    }

    /// At least two labels of 1…63 letters, digits and hyphens, none starting or ending
    /// with a hyphen; the last one not all digits (so no bare IPv4 address).
    private static func isDomain(_ s: Substring.UTF8View.SubSequence) -> Bool {
        guard s.count <= 253 else { return false }
        let labels = s.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last,
              !tld.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return false }
        return labels.allSatisfy { label in
            guard !label.isEmpty, label.count <= 63,
                  label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else { return false }
            return label.allSatisfy { c in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: "-")
            }
        }
    }
}
