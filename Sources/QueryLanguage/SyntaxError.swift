// Syntax errors and parse options (graphql-js wording).

/// A syntax error: `message` is the full graphql-js text (`Syntax Error: …`),
/// `line`/`column` are 1-based; the column counts Unicode scalars.
public struct GraphQLSyntaxError: Error, Sendable, Equatable {
    public let message: String
    public let line: Int
    public let column: Int
    public init(message: String, line: Int, column: Int) {
        self.message = message; self.line = line; self.column = column
    }
}

/// Limits and switches for `parse`.
public struct ParseOptions: Sendable {
    /// Maximum number of tokens (EOF not counted) before parsing aborts.
    public var maxTokens: Int = 15_000
    /// Maximum number of fields, fragment spreads, inline fragments and
    /// directives before parsing aborts: it bounds the work of validation
    /// (OverlappingFieldsCanBeMerged compares same-named fields pairwise), as
    /// `maxTokens` bounds the parser's.
    public var maxSelections: Int = ParseOptions.defaultMaxSelections
    public static let defaultMaxSelections = 2_000
    /// Maximum nesting of selection sets, list/object values and list types.
    public var maxDepth: Int = 256
    /// When true, nodes get `Location.none` instead of their source location.
    public var noLocation: Bool = false
    public init(maxTokens: Int = 15_000, maxSelections: Int = ParseOptions.defaultMaxSelections, maxDepth: Int = 256, noLocation: Bool = false) {
        self.maxTokens = maxTokens; self.maxSelections = maxSelections; self.maxDepth = maxDepth; self.noLocation = noLocation
    }
}

/// Line and column (1-based, column in Unicode scalars) of a UTF-8 byte
/// offset, with graphql-js's line terminators (`\r\n`, `\n`, `\r`).
@inline(never)
func sourceLocation(_ buf: UnsafeBufferPointer<UInt8>, _ offset: Int) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    var i = 0
    let end = min(offset, buf.count)
    while i < end {
        let b = buf[i]
        if b == 0x0A {
            line += 1; column = 1
        } else if b == 0x0D {
            if i + 1 < buf.count && buf[i + 1] == 0x0A {
                i += 1
            }
            line += 1; column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
        i += 1
    }
    return (line, column)
}
