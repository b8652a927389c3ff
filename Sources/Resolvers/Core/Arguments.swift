// The one argument reader of the resolvers. Arguments arrive already coerced
// by the engine (types checked); this reads them as Swift values and applies
// the clinic's bounds. Every mistake is BAD_USER_INPUT naming the argument
// path (`input.email`).
//
// Two families, one type: the static accessors read a value leniently
// (absent or null is nil) and leave the checks to the caller; an
// `Arguments` value reads one input object strictly (null refused, lengths
// bounded) with the object's path in its messages.
import ClinicDomain
import Crypto
import Foundation
import JSON
import Schema

/// One input object (or the root arguments) with the path used in error messages.
struct Arguments {
    let values: [String: JSON]
    /// "input" for `input: {…}`, "" for root arguments.
    let prefix: String

    init(_ values: [String: JSON], prefix: String = "") { self.values = values; self.prefix = prefix }

    init(arguments: [String: JSON], object name: String) throws {
        guard case .object? = arguments[name] else { throw ClinicError.badInput("\(name) is required.", field: name) }
        self.init(Arguments.object(arguments, name), prefix: name)
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    /// Whether the key was given at all (explicit null included).
    func has(_ key: String) -> Bool { values[key] != nil }

    /// A string that is present; nil when absent. Explicit null: error unless `nullable`.
    func string(_ key: String, max: Int, required: Bool = false, allowEmpty: Bool = true, label: String? = nil) throws -> String? {
        let label = label ?? key
        switch values[key] {
        case nil:
            if required { throw ClinicError.badInput("\(label) is required.", field: path(key)) }
            return nil
        case .null?:
            throw ClinicError.badInput("\(label) must not be null.", field: path(key))
        case .string(let s)?:
            // PostgreSQL's length() counts code points, so the bound does too.
            if s.unicodeScalars.count > max { throw ClinicError.badInput("\(label) must be at most \(max) characters.", field: path(key)) }
            if !allowEmpty, s.allSatisfy(\.isWhitespace) {
                throw ClinicError.badInput("\(label) must not be empty.", field: path(key))
            }
            return s
        case let other?:
            throw ClinicError.badInput("\(label) must be a string, got \(other).", field: path(key))
        }
    }

    /// A nullable string: absent → .absent, null → .null, else the value.
    func nullableString(_ key: String, max: Int, label: String? = nil) throws -> Patch<String> {
        switch values[key] {
        case nil: return .absent
        case .null?: return .null
        default: return .value(try string(key, max: max, label: label)!)
        }
    }

    /// A phone number (see `PhoneNumber`), trimmed; nil when absent, "" when
    /// given empty (callers treat that as "no number").
    func phone(_ key: String, required: Bool = false, kind: PhoneNumber.Kind) throws -> String? {
        guard let raw = try string(key, max: IdentityLimits.phone, required: required) else { return nil }
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty, !required { return "" }
        guard PhoneNumber.isValid(text, kind: kind) else { throw ClinicError.badInput(PhoneNumber.rule(kind, label: key), field: path(key)) }
        return text
    }

    /// A nullable phone number: absent → .absent, null → .null, else the checked value.
    func nullablePhone(_ key: String, kind: PhoneNumber.Kind) throws -> Patch<String> {
        switch values[key] {
        case nil: return .absent
        case .null?: return .null
        default: return .value(try phone(key, kind: kind)!)
        }
    }

    func bool(_ key: String) throws -> Bool? {
        switch values[key] {
        case nil: return nil
        case .bool(let b)?: return b
        default: throw ClinicError.badInput("\(key) must be true or false.", field: path(key))
        }
    }

    func email(_ key: String) throws -> String {
        guard case .string(let raw)? = values[key], let email = EmailAddress.normalize(raw) else {
            throw ClinicError.badInput("Enter a valid email address (at most \(EmailAddress.maximumLength) characters).", field: path(key))
        }
        return email
    }

    func password(_ key: String, email: String) throws -> String {
        guard case .string(let password)? = values[key] else { throw ClinicError.badInput("A password is required.", field: path(key)) }
        if let violation = PasswordPolicy.check(password, email: email) {
            throw ClinicError.badInput(violation.message, field: path(key))
        }
        return password
    }

    func role(_ key: String) throws -> Role? {
        switch values[key] {
        case nil, .null?: return nil
        case .string(let s)?:
            guard let role = Role(rawValue: s) else { throw ClinicError.badInput("Unknown role \(s).", field: path(key)) }
            return role
        default: throw ClinicError.badInput("\(key) must be a role.", field: path(key))
        }
    }

    func gender(_ key: String) throws -> String? {
        switch values[key] {
        case nil: return nil
        case .string(let s)? where ["FEMALE", "MALE", "OTHER", "UNDISCLOSED"].contains(s): return s
        default: throw ClinicError.badInput("gender must be FEMALE, MALE, OTHER or UNDISCLOSED.", field: path(key))
        }
    }

    /// A date of birth: a real date from 1900-01-01 up to `today`; nil when absent or null.
    func dateOfBirth(_ key: String, today: LocalDate) throws -> LocalDate? {
        switch values[key] {
        case nil, .null?: return nil
        case .string(let s)?:
            guard let d = LocalDate(iso: s) else { throw ClinicError.badInput("dateOfBirth must be a date.", field: path(key)) }
            guard d >= LocalDate(year: 1900, month: 1, day: 1)!, d <= today else {
                throw ClinicError.badInput("dateOfBirth must be between 1900-01-01 and today.", field: path(key))
            }
            return d
        default: throw ClinicError.badInput("dateOfBirth must be a date.", field: path(key))
        }
    }

    func globalID(_ key: String, type: String) throws -> Int64 {
        guard case .string(let s)? = values[key] else { throw ClinicError.badInput("\(key) is required.", field: path(key)) }
        return try Arguments.id(s, type, field: path(key))
    }
}

/// An optional input that distinguishes "not given" from "set to null".
enum Patch<T> {
    case absent, null, value(T)
}

// MARK: - Lenient accessors

extension Arguments {
    /// A string argument; nil when absent, null or not a string.
    static func string(_ args: [String: JSON], _ name: String) -> String? {
        if case .string(let s)? = args[name] { return s }
        return nil
    }
    static func int(_ args: [String: JSON], _ name: String) -> Int? {
        if case .int(let i)? = args[name] { return i }
        return nil
    }
    static func bool(_ args: [String: JSON], _ name: String) -> Bool? {
        if case .bool(let b)? = args[name] { return b }
        return nil
    }
    /// The members of an input object argument; empty when absent or null.
    static func object(_ args: [String: JSON], _ name: String) -> [String: JSON] { members(args[name]) }

    /// The members of an input object value (a list item); empty for anything else.
    static func members(_ value: JSON?) -> [String: JSON] {
        guard case .object(let members)? = value else { return [:] }
        var out: [String: JSON] = [:]
        for (k, v) in members { out[k] = v }
        return out
    }

    /// Decodes an opaque ID argument of type `type`; BAD_USER_INPUT naming `field`.
    static func id(_ value: String?, _ type: String, field: String) throws -> Int64 {
        guard let value else { throw ClinicError.badInput("`\(field)` is required", field: field) }
        do throws(GlobalIDError) {
            return try GlobalID.decode(value, expecting: type)
        } catch {
            throw ClinicError.badInput(error.message, field: field)
        }
    }

    static func date(_ value: String?, field: String) throws -> LocalDate {
        guard let value, let d = LocalDate(iso: value) else { throw ClinicError.badInput("`\(field)` must be a date YYYY-MM-DD", field: field) }
        return d
    }
    static func time(_ value: String?, field: String) throws -> LocalTime {
        guard let value, let t = LocalTime(iso: value) else { throw ClinicError.badInput("`\(field)` must be a time HH:MM", field: field) }
        return t
    }

    /// Free text with a maximum length (INTERFACE.md "Policies").
    static func text(_ value: String, field: String, max: Int, label: String, allowEmpty: Bool = true) throws -> String {
        if !allowEmpty, value.trimmingSpaces.isEmpty { throw ClinicError.badInput("\(label) must not be empty", field: field) }
        if value.count > max { throw ClinicError.badInput("\(label) is too long (at most \(max) characters)", field: field) }
        return value
    }
}
