// Keyset pagination cursors: the sort key of the last row seen plus its id as
// tie-breaker, so the next page is `WHERE (key, id) > ($1, $2)` and page 500
// costs what page 1 costs. Opaque to clients: base64url of a versioned text
// form `1,<scope>,<key>…,<id>` where each key is `i<int>`, `t<microseconds>`,
// `s<base64url UTF-8>` or `n` (null). `scope` names the list and its order
// ("appointments.startsAt.asc"), so a cursor of one list is refused by another.
import ClinicDomain
import JSON
import Schema

enum CursorValue: Sendable, Hashable {
    case int(Int64)
    case string(String)
    case instant(Instant)
    case null
}

/// What a list expects at each key position; `nullable…` also accepts `.null`.
enum CursorKeyKind: Sendable, Hashable {
    case int, string, instant, nullableInt, nullableString, nullableInstant

    func accepts(_ v: CursorValue) -> Bool {
        switch (self, v) {
        case (.int, .int), (.nullableInt, .int), (.string, .string), (.nullableString, .string),
             (.instant, .instant), (.nullableInstant, .instant),
             (.nullableInt, .null), (.nullableString, .null), (.nullableInstant, .null): return true
        default: return false
        }
    }
}

struct Cursor: Sendable, Hashable {
    var scope: String
    var keys: [CursorValue]
    var id: Int64

    static let maximumLength = 2048

    /// `scope` is limited to letters, digits, `.`, `_` and `-`.
    init(scope: String, keys: [CursorValue], id: Int64) {
        self.scope = scope; self.keys = keys; self.id = id
    }

    var encoded: String {
        var parts = ["1", scope]
        for k in keys {
            switch k {
            case .int(let i): parts.append("i\(i)")
            case .instant(let t): parts.append("t\(t.microsecondsSinceEpoch)")
            case .string(let s): parts.append("s" + Base64.urlEncode(Array(s.utf8)))
            case .null: parts.append("n")
            }
        }
        parts.append(String(id))
        return Base64.urlEncode(Array(parts.joined(separator: ",").utf8))
    }

    /// The cursor in `text`, which must come from `encoded` of a cursor of the
    /// same `scope` (and, when given, keys of the expected kinds).
    static func decode(_ text: String, scope: String, keyKinds: [CursorKeyKind]? = nil) throws(CursorError) -> Cursor {
        guard !text.isEmpty, text.utf8.count <= maximumLength, let bytes = Base64.urlDecode(text),
              let plain = String(validating: bytes, as: UTF8.self) else { throw .malformed }
        let parts = plain.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "1", let id = parseCanonicalInt64(parts[parts.count - 1]) else { throw .malformed }
        let foundScope = String(parts[1])
        var keys: [CursorValue] = []
        for p in parts[2..<(parts.count - 1)] {
            guard let tag = p.first else { throw .malformed }
            let body = p.dropFirst()
            switch tag {
            case "i":
                guard let v = parseCanonicalInt64(body) else { throw .malformed }
                keys.append(.int(v))
            case "t":
                guard let v = parseCanonicalInt64(body) else { throw .malformed }
                keys.append(.instant(Instant(microsecondsSinceEpoch: v)))
            case "s":
                guard let b = Base64.urlDecode(String(body)), let s = String(validating: b, as: UTF8.self) else { throw .malformed }
                keys.append(.string(s))
            case "n":
                guard body.isEmpty else { throw .malformed }
                keys.append(.null)
            default:
                throw .malformed
            }
        }
        let cursor = Cursor(scope: foundScope, keys: keys, id: id)
        // One spelling per cursor: anything that does not re-encode to itself is forged.
        guard cursor.encoded == text else { throw .malformed }
        guard foundScope == scope else { throw .wrongList }
        if let kinds = keyKinds {
            guard kinds.count == keys.count, zip(kinds, keys).allSatisfy({ $0.accepts($1) }) else { throw .wrongList }
        }
        return cursor
    }
}

/// BAD_USER_INPUT on the `after` argument.
enum CursorError: Error, Sendable, Equatable {
    case malformed
    /// Well-formed, but made for another list or ordering.
    case wrongList

    var message: String {
        switch self {
        case .malformed: return "`after` is not a valid cursor"
        case .wrongList: return "`after` is a cursor of a different list or ordering; start again from the first page"
        }
    }
}

/// `first`/`after` of a connection, validated.
struct PageRequest: Sendable, Hashable {
    static let maximumFirst = 100

    var first: Int
    var after: Cursor?

    /// Unchecked; use `init(arguments:…)` for client input.
    init(first: Int, after: Cursor?) { self.first = first; self.after = after }

    /// Reads `first` (0…100; absent or null: `defaultFirst`) and `after` from
    /// coerced field arguments.
    init(arguments: [String: JSON], scope: String, keyKinds: [CursorKeyKind]? = nil,
                defaultFirst: Int = 20) throws(PageArgumentError) {
        switch arguments["first"] {
        case nil, .null?: first = defaultFirst
        case .int(let n)?:
            guard (0...PageRequest.maximumFirst).contains(n) else {
                throw PageArgumentError(argument: "first", message: "`first` must be between 0 and \(PageRequest.maximumFirst), got \(n)")
            }
            first = n
        case let other?:
            throw PageArgumentError(argument: "first", message: "`first` must be an integer, got \(describeInput(other))")
        }
        switch arguments["after"] {
        case nil, .null?: after = nil
        case .string(let s)?:
            do throws(CursorError) { after = try Cursor.decode(s, scope: scope, keyKinds: keyKinds) } catch {
                throw PageArgumentError(argument: "after", message: error.message)
            }
        case .some:
            throw PageArgumentError(argument: "after", message: CursorError.malformed.message)
        }
    }

    /// Rows to fetch: one more than `first`, to learn `hasNextPage`.
    var fetchLimit: Int { first + 1 }

    /// The page out of up to `fetchLimit` fetched rows, and whether more exist.
    func page<Row>(of rows: [Row]) -> (rows: [Row], hasNextPage: Bool) {
        (Array(rows.prefix(first)), rows.count > first)
    }
}

/// BAD_USER_INPUT with `extensions.field` = `argument`.
struct PageArgumentError: Error, Sendable, Equatable {
    var argument: String
    var message: String
    init(argument: String, message: String) { self.argument = argument; self.message = message }
}
