// The rules account inputs follow, whoever enters them (the API or the CLI):
// maximum lengths and what a phone number looks like. Passwords and email
// addresses have their own files beside this one.

/// Maximum lengths of the account inputs (INTERFACE.md "Policies").
public enum IdentityLimits {
    public static let name = 100
    public static let phone = 50
    public static let address = 500
    public static let emergencyContact = 100
    public static let medicalText = 10_000
    public static let search = 100
}

/// Phone numbers as people type them ("+52 55 1234 5678", "+1 (555) 010-0199"):
/// digits with spaces, dots, dashes or parentheses between them, 7 to 15
/// digits (E.164's maximum). The number SMS go to (`phone`) must be
/// international (a leading "+" and the country code), so a message cannot be
/// sent to a guessed country or to free text; an emergency contact's number,
/// which staff dial by hand, may be local.
public enum PhoneNumber {
    public enum Kind { case international, dialable }

    public static func isValid(_ text: String, kind: Kind) -> Bool {
        var rest = Substring(text)
        if rest.hasPrefix("+") { rest = rest.dropFirst() } else if kind == .international { return false }
        guard let first = rest.first, first.isASCII, first.isNumber || first == "(" else { return false }
        var digits = 0
        for c in rest.unicodeScalars {
            switch c {
            case "0"..."9": digits += 1
            case " ", "-", ".", "(", ")": continue
            default: return false
            }
        }
        return (7...15).contains(digits)
    }

    public static func rule(_ kind: Kind, label: String) -> String {
        switch kind {
        case .international:
            return "\(label) must be an international number with the country code, e.g. +52 55 1234 5678 (7 to 15 digits)."
        case .dialable:
            return "\(label) must be a phone number of 7 to 15 digits, e.g. +52 55 1234 5678 or 55 1234 5678."
        }
    }
}

extension PhoneNumber {
    /// The digits alone, as staff search and duplicate checks compare numbers
    /// ("+52 55 1234-5678" and "+52 (55) 12345678" are one number).
    public static func digits(_ text: String) -> String {
        String(text.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
    }

    /// Whether a search text means a phone number: nothing but phone
    /// characters and at least 3 digits (a name or an email never qualifies).
    public static func looksLikePhoneSearch(_ text: String) -> Bool {
        let digits = digits(text)
        guard digits.count >= 3 else { return false }
        return text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || " +-.()".unicodeScalars.contains($0) }
    }
}

/// The languages emails and SMS are written in (`users.locale`).
public enum MessageLocale {
    public static let supported = ["es", "en"]
    public static let fallback = "es"
}
