import Synchronization

/// The columns of a result: their names and types, and the positions row decoders look up (by
/// name, by prefix, by layout), worked out once for every result of the same statement on one
/// connection (`PQConnection` keeps the descriptions of its recent results).
final class ResultDescription: Sendable {
    let columns: [String]
    /// Type OID per column (see `PostgresType`).
    let columnTypes: [UInt32]
    /// Per prefix (`Row.prefixed`), the columns named prefix + name by name, and per layout the
    /// positions of its columns.
    let prefixIndexes = PrefixIndexes()
    init(columns: [String], columnTypes: [UInt32]) { self.columns = columns; self.columnTypes = columnTypes }
}

/// The rows of one statement, in PostgreSQL's text format, decoded on access (from libpq's own
/// result: no copy of the cells is made). A class: every row holds its result, and a row is
/// copied as it is decoded (one retain, not one per member).
public final class QueryResult: Sendable, Sequence {
    /// Its columns, shared with the other results of this shape (see `ResultDescription`).
    let shape: ResultDescription
    public var columns: [String] { shape.columns }
    /// Type OID per column (see `PostgresType`).
    public var columnTypes: [UInt32] { shape.columnTypes }
    /// Rows inserted/updated/deleted/selected/copied, from the command tag.
    public let affectedRows: Int
    /// E.g. `INSERT 0 1`, `UPDATE 3`, `COMMIT`, `ROLLBACK`.
    public let commandTag: String
    let cells: ResultCells
    var prefixIndexes: PrefixIndexes { shape.prefixIndexes }

    init(shape: ResultDescription, cells: ResultCells, affectedRows: Int, commandTag: String) {
        self.shape = shape
        self.cells = cells
        self.affectedRows = affectedRows
        self.commandTag = commandTag
    }

    /// The columns by name (the first of a name wins): built on the first lookup by name
    /// (decoders that read by position never need it).
    var index: [String: Int] { prefixIndexes.full(columns) }

    public var count: Int { columns.isEmpty ? 0 : cells.rows }
    public var isEmpty: Bool { count == 0 }
    public var rows: [Row] { (0..<count).map { Row(result: self, row: $0) } }
    public var first: Row? { isEmpty ? nil : Row(result: self, row: 0) }
    public subscript(row: Int) -> Row { Row(result: self, row: row) }

    public func makeIterator() -> IndexingIterator<[Row]> { rows.makeIterator() }

    func index(prefixed prefix: String) -> [String: Int] {
        prefixIndexes.cache.withLock { cache in
            if let known = cache[prefix] { return known }
            var made: [String: Int] = [:]
            for (position, name) in columns.enumerated() where name.hasPrefix(prefix) {
                let key = String(name.dropFirst(prefix.count))
                if made[key] == nil { made[key] = position }
            }
            cache[prefix] = made
            return made
        }
    }
}

final class PrefixIndexes: @unchecked Sendable {  // fullIndex: an Atomic of a retained immutable Box
    /// The unprefixed index, made once (lock-free to read: decoders by name look up every cell).
    private let fullIndex = Atomic<UnsafeMutableRawPointer?>(nil)
    private final class Box: Sendable {
        let index: [String: Int]
        init(_ index: [String: Int]) { self.index = index }
    }

    deinit {
        if let p = fullIndex.load(ordering: .acquiring) { Unmanaged<Box>.fromOpaque(p).release() }
    }

    func full(_ columns: [String]) -> [String: Int] {
        if let p = fullIndex.load(ordering: .acquiring) { return Unmanaged<Box>.fromOpaque(p).takeUnretainedValue().index }
        var made: [String: Int] = [:]
        for (position, name) in columns.enumerated() where made[name] == nil { made[name] = position }
        let box = Unmanaged.passRetained(Box(made))
        let (stored, current) = fullIndex.compareExchange(expected: nil, desired: box.toOpaque(), ordering: .acquiringAndReleasing)
        if stored { return made }
        box.release()
        return Unmanaged<Box>.fromOpaque(current!).takeUnretainedValue().index
    }

    let cache = Mutex<[String: [String: Int]]>([:])
    /// Per (prefix, layout): the layout's columns' positions (see `Row.positions`).
    let layouts = Mutex<[(prefix: String, layout: ObjectIdentifier, positions: [Int])]>([])
}

/// The columns a row decoder reads, by name, in the order it reads them: resolved to positions
/// once per result (and prefix), so decoding a row reads its cells by position with no lookup
/// by name per cell.
public final class ColumnLayout: Sendable {
    public let names: [String]
    public init(_ names: [String]) { self.names = names }
}

/// One row. Typed accessors throw `PostgresError.decoding` on NULL (non-optional
/// variants), a missing column, or text that is not the requested type.
public struct Row: Sendable {
    let result: QueryResult
    let row: Int
    /// Prepended to every column name looked up (see `prefixed`).
    let prefix: String

    init(result: QueryResult, row: Int) { self.result = result; self.row = row; prefix = "" }

    init(result: QueryResult, row: Int, prefix: String) {
        self.result = result; self.row = row; self.prefix = prefix
    }

    /// The columns by name as this row reads them (the result's, or those of `prefix`: looked up
    /// per call, so decoders of joined rows use `positions`).
    var index: [String: Int] { prefix.isEmpty ? result.index : result.index(prefixed: prefix) }

    public var columns: [String] { result.columns }

    /// The same row, whose name lookups read the columns named `prefix` + name: a
    /// to-one relation joined into its parent's statement (`pu_email`, …) decodes
    /// with the relation's own row decoder.
    public func prefixed(_ prefix: String) -> Row { Row(result: result, row: row, prefix: self.prefix + prefix) }

    @inline(__always) func position(_ column: String) -> Int? { index[column] }

    /// The positions of `layout`'s columns in this row's result (under this row's prefix), in
    /// the layout's order; a column the result lacks is a decoding error naming it.
    public func positions(_ layout: ColumnLayout) throws -> [Int] {
        let id = ObjectIdentifier(layout)
        let known = result.prefixIndexes.layouts.withLock { entries in
            entries.first { $0.layout == id && $0.prefix == prefix }?.positions
        }
        if let known { return known }
        // Resolved by scanning the column names (no index by name built for this).
        let columns = result.columns
        let positions = try layout.names.map { name in
            let full = prefix.isEmpty ? name : prefix + name
            guard let p = columns.firstIndex(of: full) else { return try position(checked: name) }
            return p
        }
        result.prefixIndexes.layouts.withLock { $0.append((prefix, id, positions)) }
        return positions
    }

    // Reads by position (see `positions`); errors name the column.
    public func string(at position: Int) throws -> String {
        guard let value = self[position] else { throw nullError(position, String.self) }
        return value
    }
    public func optionalString(at position: Int) -> String? { self[position] }
    /// The cell's bytes in PostgreSQL's text format (nil for NULL), valid during `body`.
    public func withBytes<R>(at position: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        try result.cells.withBytes(row, position, body)
    }
    public func int(at position: Int) throws -> Int {
        guard let value = try optionalInt(at: position) else { throw nullError(position, Int.self) }
        return value
    }
    public func optionalInt(at position: Int) throws -> Int? {
        let fast: Int?? = result.cells.withBytes(row, position) { bytes in
            guard let bytes else { return .some(nil) }
            return Row.decimal(bytes).map { .some($0) }
        }
        if let fast { return fast }
        return try decode(Int.self, at: position)
    }
    public func bool(at position: Int) throws -> Bool {
        guard let value = try optionalBool(at: position) else { throw nullError(position, Bool.self) }
        return value
    }
    /// `t`/`f` read from the cell's bytes; anything else takes the general way.
    public func optionalBool(at position: Int) throws -> Bool? {
        let fast: Bool?? = result.cells.withBytes(row, position) { bytes in
            guard let bytes else { return .some(nil) }
            if bytes.count == 1 && bytes[0] == UInt8(ascii: "t") { return .some(true) }
            if bytes.count == 1 && bytes[0] == UInt8(ascii: "f") { return .some(false) }
            return nil
        }
        if let fast { return fast }
        return try decode(Bool.self, at: position)
    }
    /// Any `PostgresDecodable` by position; nil for SQL NULL.
    public func decode<T: PostgresDecodable>(_ type: T.Type, at position: Int) throws -> T? {
        guard let text = self[position] else { return nil }
        do { return try T.decode(postgresText: text) } catch let error as PostgresError {
            if case .decoding(let message) = error {
                throw PostgresError.decoding("column \"\(result.columns[position])\": \(message)")
            }
            throw error
        }
    }
    public func decode<T: PostgresDecodable>(_ type: T.Type, at position: Int) throws -> T {
        guard let value: T = try decode(type, at: position) else { throw nullError(position, T.self) }
        return value
    }

    /// An integer array (`{1,-2,3}`), read from the cell's bytes; elements that are not plain
    /// decimal integers (NULL, quotes, nesting) take the general way and its errors.
    public func intArray(at position: Int) throws -> [Int] {
        let fast: [Int]?? = result.cells.withBytes(row, position) { bytes in
            guard let bytes else { return .some(nil) }
            guard bytes.count >= 2, bytes[0] == UInt8(ascii: "{"), bytes[bytes.count - 1] == UInt8(ascii: "}") else { return nil }
            if bytes.count == 2 { return .some([]) }
            var values: [Int] = []
            var start = 1
            for i in 1..<bytes.count where bytes[i] == UInt8(ascii: ",") || i == bytes.count - 1 {
                guard let v = Row.decimal(UnsafeBufferPointer(rebasing: bytes[start..<i])) else { return nil }
                values.append(v)
                start = i + 1
            }
            return .some(values)
        }
        if let fast, let values = fast { return values }
        guard let values = try decode([Int].self, at: position) else { throw nullError(position, [Int].self) }
        return values
    }

    private func nullError<T>(_ position: Int, _ type: T.Type) -> PostgresError {
        .decoding("column \"\(result.columns[position])\" is NULL, expected \(T.self)")
    }

    /// Raw text of a column (nil for NULL or an unknown column name).
    public subscript(column: String) -> String? {
        guard let position = position(column) else { return nil }
        return self[position]
    }
    public subscript(position: Int) -> String? { result.cells.text(row, position) }

    public func isNull(_ column: String) throws -> Bool { try raw(column) == nil }

    /// Decodes any `PostgresDecodable`; nil for SQL NULL.
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T? {
        guard let text = try raw(column) else { return nil }
        do { return try T.decode(postgresText: text) } catch let error as PostgresError {
            if case .decoding(let message) = error {
                throw PostgresError.decoding("column \"\(column)\": \(message)")
            }
            throw error
        }
    }
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T {
        guard let value: T = try decode(type, column) else {
            throw PostgresError.decoding("column \"\(column)\" is NULL, expected \(T.self)")
        }
        return value
    }

    public func int(_ column: String) throws -> Int { try int(at: position(checked: column)) }
    public func optionalInt(_ column: String) throws -> Int? { try optionalInt(at: position(checked: column)) }
    public func string(_ column: String) throws -> String { try decode(String.self, column) }
    public func optionalString(_ column: String) throws -> String? { try decode(String.self, column) }
    public func bool(_ column: String) throws -> Bool { try bool(at: position(checked: column)) }
    public func optionalBool(_ column: String) throws -> Bool? { try optionalBool(at: position(checked: column)) }

    /// An optional minus and 1–18 decimal digits (no overflow possible); nil for anything else.
    @inline(__always)
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0, negative = false
        if bytes.count > 0 && bytes[0] == UInt8(ascii: "-") { negative = true; i = 1 }
        guard bytes.count > i, bytes.count - i <= 18 else { return nil }
        var value = 0
        while i < bytes.count {
            let d = Int(bytes[i]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            value = value * 10 + d
            i += 1
        }
        return negative ? -value : value
    }
    public func double(_ column: String) throws -> Double { try decode(Double.self, column) }
    public func optionalDouble(_ column: String) throws -> Double? { try decode(Double.self, column) }
    public func numeric(_ column: String) throws -> PGNumeric { try decode(PGNumeric.self, column) }
    public func optionalNumeric(_ column: String) throws -> PGNumeric? { try decode(PGNumeric.self, column) }
    /// uuid (or any text) as a String.
    public func uuid(_ column: String) throws -> String { try decode(String.self, column) }
    public func optionalUUID(_ column: String) throws -> String? { try decode(String.self, column) }
    public func bytes(_ column: String) throws -> [UInt8] { try decode(PostgresBytes.self, column).bytes }
    public func optionalBytes(_ column: String) throws -> [UInt8]? { try decode(PostgresBytes.self, column)?.bytes }
    /// int2[]/int4[]/int8[]; a NULL element is a decoding error.
    public func intArray(_ column: String) throws -> [Int] { try intArray(at: position(checked: column)) }
    public func optionalIntArray(_ column: String) throws -> [Int]? { try decode([Int].self, column) }
    /// text[]/varchar[]/uuid[]/enum[]; a NULL element is a decoding error.
    public func stringArray(_ column: String) throws -> [String] { try decode([String].self, column) }
    public func optionalStringArray(_ column: String) throws -> [String]? { try decode([String].self, column) }
    public func boolArray(_ column: String) throws -> [Bool] { try decode([Bool].self, column) }

    private func raw(_ column: String) throws -> String? { self[try position(checked: column)] }

    private func position(checked column: String) throws -> Int {
        guard let position = position(column) else {
            throw PostgresError.decoding("no column \"\(prefix)\(column)\" in result (columns: \(result.columns.joined(separator: ", ")))")
        }
        return position
    }
}

/// A type that can be read from PostgreSQL's text output format.
public protocol PostgresDecodable {
    static func decode(postgresText text: String) throws -> Self
}

private func mismatch<T>(_ text: String, _ type: T.Type) -> PostgresError {
    let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
    return .decoding("\"\(shown)\" is not a valid \(type)")
}

extension Int: PostgresDecodable {
    public static func decode(postgresText text: String) throws -> Int {
        guard let value = Int(text) else { throw mismatch(text, Int.self) }
        return value
    }
}
extension Int32: PostgresDecodable {
    public static func decode(postgresText text: String) throws -> Int32 {
        guard let value = Int32(text) else { throw mismatch(text, Int32.self) }
        return value
    }
}
extension String: PostgresDecodable {
    public static func decode(postgresText text: String) throws -> String { text }
}
extension Bool: PostgresDecodable {
    public static func decode(postgresText text: String) throws -> Bool {
        switch text {
        case "t", "true": return true
        case "f", "false": return false
        default: throw mismatch(text, Bool.self)
        }
    }
}
extension Double: PostgresDecodable {
    public static func decode(postgresText text: String) throws -> Double {
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(text) else { throw mismatch(text, Double.self) }
            return value
        }
    }
}
extension PGNumeric: PostgresDecodable {
    public static func decode(postgresText text: String) throws -> PGNumeric {
        guard let value = PGNumeric(text) else { throw mismatch(text, PGNumeric.self) }
        return value
    }
}

/// bytea in the (default) hex output format.
public struct PostgresBytes: PostgresDecodable, Sendable, Hashable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public static func decode(postgresText text: String) throws -> PostgresBytes {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == 0x5C, utf8[1] == 0x78, utf8.count % 2 == 0 else {
            throw PostgresError.decoding("bytea is not in hex format")
        }
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: throw PostgresError.decoding("bytea contains a non-hex digit")
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var i = 2
        while i < utf8.count {
            bytes.append(try nibble(utf8[i]) << 4 | nibble(utf8[i + 1]))
            i += 2
        }
        return PostgresBytes(bytes)
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// One-dimensional arrays only; NULL elements are an error.
    public static func decode(postgresText text: String) throws -> [Element] {
        try PostgresArrayParser.parse(text).map { element in
            guard let element else { throw PostgresError.decoding("array contains NULL, expected \(Element.self)") }
            return try Element.decode(postgresText: element)
        }
    }
}

enum PostgresArrayParser {
    /// Splits `{a,"b c",NULL}` into its elements (nil for NULL).
    static func parse(_ text: String) throws -> [String?] {
        let chars = Array(text.unicodeScalars)
        guard chars.first == "{", chars.last == "}" else {
            throw PostgresError.decoding("\"\(text.prefix(40))\" is not a one-dimensional array")
        }
        if chars.count == 2 { return [] }
        var elements: [String?] = []
        var i = 1
        let end = chars.count - 1
        while i < end {
            if chars[i] == "{" { throw PostgresError.decoding("multi-dimensional arrays are not supported") }
            var value = String.UnicodeScalarView()
            var quoted = false
            if chars[i] == "\"" {
                quoted = true
                i += 1
                while i < end, chars[i] != "\"" {
                    if chars[i] == "\\" { i += 1 }
                    guard i < end else { break }
                    value.append(chars[i])
                    i += 1
                }
                guard i < end else { throw PostgresError.decoding("unterminated quoted array element") }
                i += 1  // closing quote
            } else {
                while i < end, chars[i] != "," {
                    value.append(chars[i])
                    i += 1
                }
            }
            let string = String(value)
            elements.append(!quoted && string == "NULL" ? nil : string)
            if i < end {
                guard chars[i] == "," else { throw PostgresError.decoding("malformed array literal") }
                i += 1
            }
        }
        return elements
    }
}
