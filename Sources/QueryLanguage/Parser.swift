// Recursive-descent parser (spec sections 2 and 3), shaped after
// graphql-js / graphql-core `parser` so that acceptance and error messages
// match the reference exactly.

/// Parses a GraphQL document (executable and/or type-system definitions).
/// Throws `GraphQLSyntaxError` only.
public func parse(_ source: String, options: ParseOptions = ParseOptions()) throws -> Document {
    try withSourceBytes(source) { buf throws(GraphQLSyntaxError) in
        var p = Parser(buf, options)
        return try p.parseDocument()
    }
}

/// Parses a single value literal (variables allowed), e.g. `[1, $x, {a: "b"}]`.
public func parseValue(_ source: String) throws -> ValueNode {
    try withSourceBytes(source) { buf throws(GraphQLSyntaxError) in
        var p = Parser(buf, ParseOptions())
        try p.expect(.sof)
        let v = try p.parseValueLiteral(const: false)
        try p.expect(.eof)
        return v
    }
}

/// Parses a constant value literal (no variables), e.g. a default value.
public func parseConstValue(_ source: String) throws -> ValueNode {
    try withSourceBytes(source) { buf throws(GraphQLSyntaxError) in
        var p = Parser(buf, ParseOptions())
        try p.expect(.sof)
        let v = try p.parseValueLiteral(const: true)
        try p.expect(.eof)
        return v
    }
}

/// Parses a type reference, e.g. `[String!]!`.
public func parseType(_ source: String) throws -> TypeReference {
    try withSourceBytes(source) { buf throws(GraphQLSyntaxError) in
        var p = Parser(buf, ParseOptions())
        try p.expect(.sof)
        let t = try p.parseTypeReference()
        try p.expect(.eof)
        return t
    }
}

func withSourceBytes<T>(_ source: String, _ body: (UnsafeBufferPointer<UInt8>) throws(GraphQLSyntaxError) -> T) throws(GraphQLSyntaxError) -> T {
    var s = source
    let r: Result<T, GraphQLSyntaxError> = s.withUTF8 { buf in
        Result { () throws(GraphQLSyntaxError) -> T in try body(buf) }
    }
    return try r.get()
}

private let directiveLocationNames: Set<String> = [
    "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION",
]

struct Parser {
    var lexer: Lexer
    var token: Token
    /// End offset of the last consumed token.
    var prevEnd = 0
    var tokenCount = 0
    /// Fields, fragment spreads, inline fragments and directives parsed so far.
    var selectionCount = 0
    var depth = 0
    let maxTokens: Int
    let maxSelections: Int
    let maxDepth: Int
    let noLocation: Bool

    init(_ buf: UnsafeBufferPointer<UInt8>, _ options: ParseOptions) {
        lexer = Lexer(buf)
        token = Token(kind: .sof, start: 0, end: 0, line: 1, column: 1)
        maxTokens = options.maxTokens
        maxSelections = options.maxSelections
        maxDepth = options.maxDepth
        noLocation = options.noLocation
    }

    // MARK: utilities

    @inline(__always) mutating func advance() throws(GraphQLSyntaxError) {
        prevEnd = token.end
        token = try lexer.next()
        if token.kind != .eof {
            tokenCount += 1
            if tokenCount > maxTokens { throw tooManyTokens() }
        }
    }

    /// Counts one selection or directive starting at `t` against `maxSelections`.
    @inline(__always) mutating func countSelection(_ t: Token) throws(GraphQLSyntaxError) {
        selectionCount += 1
        if selectionCount > maxSelections { throw tooManySelections(t) }
    }

    @inline(never) func tooManySelections(_ t: Token) -> GraphQLSyntaxError {
        lexer.error("Document contains more than \(maxSelections) fields, fragments and directives. Parsing aborted.", at: t.start)
    }

    @inline(never) func tooManyTokens() -> GraphQLSyntaxError {
        lexer.error("Document contains more than \(maxTokens) tokens. Parsing aborted.", at: token.start)
    }

    @inline(never) func expectFailed(_ kind: TokenKind) -> GraphQLSyntaxError {
        lexer.error("Expected \(kind.desc), found \(tokenDesc(token)).", at: token.start)
    }

    @inline(__always) func loc(_ start: Token) -> Location {
        noLocation ? .none : Location(start: start.start, end: prevEnd, line: start.line, column: start.column)
    }

    func lookahead() throws(GraphQLSyntaxError) -> Token {
        if token.kind == .eof { return token }
        var l = lexer
        return try l.next()
    }

    @inline(__always) func text(_ t: Token) -> String { lexer.text(t.start, t.end) }

    /// True when `t` is a Name token spelled `kw`.
    @inline(__always) func isKeyword(_ t: Token, _ kw: StaticString) -> Bool {
        guard t.kind == .name, t.end - t.start == kw.utf8CodeUnitCount else { return false }
        let p = kw.utf8Start
        var i = 0
        while i < kw.utf8CodeUnitCount {
            if lexer.buf[t.start + i] != p[i] { return false }
            i += 1
        }
        return true
    }

    /// graphql-core compares `token.value`, which strings have too.
    func tokenValueIs(_ t: Token, _ v: StaticString) -> Bool {
        switch t.kind {
        case .name: return isKeyword(t, v)
        case .string, .blockString: return lexer.stringValue(t) == v.description
        default: return false
        }
    }

    /// graphql-js `getTokenDesc`.
    func tokenDesc(_ t: Token) -> String {
        switch t.kind {
        case .name, .int, .float: return "\(t.kind.desc) \"\(text(t))\""
        case .string, .blockString: return "\(t.kind.desc) \"\(lexer.stringValue(t))\""
        default: return t.kind.desc
        }
    }

    @inline(never) func unexpected(_ t: Token) -> GraphQLSyntaxError {
        lexer.error("Unexpected \(tokenDesc(t)).", at: t.start)
    }

    @discardableResult
    @inline(__always) mutating func expect(_ kind: TokenKind) throws(GraphQLSyntaxError) -> Token {
        let t = token
        if t.kind == kind {
            try advance()
            return t
        }
        throw expectFailed(kind)
    }

    @inline(__always) mutating func expectOptional(_ kind: TokenKind) throws(GraphQLSyntaxError) -> Bool {
        if token.kind == kind {
            try advance()
            return true
        }
        return false
    }

    mutating func expectKeyword(_ kw: StaticString) throws(GraphQLSyntaxError) {
        if isKeyword(token, kw) {
            try advance()
        } else {
            throw lexer.error("Expected \"\(kw)\", found \(tokenDesc(token)).", at: token.start)
        }
    }

    mutating func expectOptionalKeyword(_ kw: StaticString) throws(GraphQLSyntaxError) -> Bool {
        if isKeyword(token, kw) {
            try advance()
            return true
        }
        return false
    }

    /// Enters one nesting level at the opening token `t`.
    @inline(__always) mutating func enter(_ t: Token) throws(GraphQLSyntaxError) {
        depth += 1
        if depth > maxDepth { throw tooDeep(t) }
    }

    @inline(never) func tooDeep(_ t: Token) -> GraphQLSyntaxError {
        lexer.error("Document nesting is deeper than \(maxDepth) levels. Parsing aborted.", at: t.start)
    }

    // MARK: document

    mutating func parseName() throws(GraphQLSyntaxError) -> Name {
        let t = try expect(.name)
        return Name(value: text(t), loc: loc(t))
    }

    mutating func parseDocument() throws(GraphQLSyntaxError) -> Document {
        try expect(.sof)
        var defs: [Definition] = []
        defs.reserveCapacity(16)
        repeat {
            defs.append(try parseDefinition())
        } while !(try expectOptional(.eof))
        let end = prevEnd
        return Document(definitions: defs, loc: noLocation ? .none : Location(start: 0, end: end, line: 1, column: 1))
    }

    mutating func parseDefinition() throws(GraphQLSyntaxError) -> Definition {
        if token.kind == .braceL { return .operation(try parseOperationDefinition()) }
        let hasDescription = token.kind == .string || token.kind == .blockString
        let kw = hasDescription ? try lookahead() : token
        if kw.kind == .name {
            switch text(kw) {
            case "schema": return .schema(try parseSchemaDefinition())
            case "scalar": return .type(.scalar(try parseScalarTypeDefinition()))
            case "type": return .type(.object(try parseObjectTypeDefinition()))
            case "interface": return .type(.interface(try parseInterfaceTypeDefinition()))
            case "union": return .type(.union(try parseUnionTypeDefinition()))
            case "enum": return .type(.enumeration(try parseEnumTypeDefinition()))
            case "input": return .type(.inputObject(try parseInputObjectTypeDefinition()))
            case "directive": return .directive(try parseDirectiveDefinition())
            default: break
            }
            if hasDescription {
                throw lexer.error("Unexpected description, descriptions are supported only on type definitions.", at: token.start)
            }
            switch text(kw) {
            case "query", "mutation", "subscription": return .operation(try parseOperationDefinition())
            case "fragment": return .fragment(try parseFragmentDefinition())
            case "extend": return try parseTypeSystemExtension()
            default: break
            }
        }
        throw unexpected(kw)
    }

    // MARK: operations

    mutating func parseOperationDefinition() throws(GraphQLSyntaxError) -> OperationDefinition {
        let start = token
        if token.kind == .braceL {
            let ss = try parseSelectionSet()
            return OperationDefinition(operation: .query, name: nil, variableDefinitions: [], directives: [], selectionSet: ss, loc: loc(start))
        }
        let operation = try parseOperationType()
        let name = token.kind == .name ? try parseName() : nil
        let vars = try parseVariableDefinitions()
        let dirs = try parseDirectives(const: false)
        let ss = try parseSelectionSet()
        return OperationDefinition(operation: operation, name: name, variableDefinitions: vars, directives: dirs, selectionSet: ss, loc: loc(start))
    }

    mutating func parseOperationType() throws(GraphQLSyntaxError) -> OperationType {
        let t = try expect(.name)
        guard let op = OperationType(rawValue: text(t)) else { throw unexpected(t) }
        return op
    }

    mutating func parseVariableDefinitions() throws(GraphQLSyntaxError) -> [VariableDefinition] {
        guard try expectOptional(.parenL) else { return [] }
        var defs: [VariableDefinition] = []
        repeat {
            defs.append(try parseVariableDefinition())
        } while !(try expectOptional(.parenR))
        return defs
    }

    mutating func parseVariableDefinition() throws(GraphQLSyntaxError) -> VariableDefinition {
        let start = token
        let variable = try parseVariable()
        try expect(.colon)
        let type = try parseTypeReference()
        let defaultValue = try expectOptional(.equals) ? try parseValueLiteral(const: true) : nil
        let dirs = try parseDirectives(const: true)
        return VariableDefinition(variable: variable, type: type, defaultValue: defaultValue, directives: dirs, loc: loc(start))
    }

    mutating func parseVariable() throws(GraphQLSyntaxError) -> Variable {
        let start = token
        try expect(.dollar)
        let name = try parseName()
        return Variable(name: name, loc: loc(start))
    }

    mutating func parseSelectionSet() throws(GraphQLSyntaxError) -> SelectionSet {
        let start = token
        try expect(.braceL)
        try enter(start)
        var selections: [Selection] = []
        selections.reserveCapacity(8)
        repeat {
            selections.append(try parseSelection())
        } while !(try expectOptional(.braceR))
        depth -= 1
        return SelectionSet(selections: selections, loc: loc(start))
    }

    @inline(__always) mutating func parseSelection() throws(GraphQLSyntaxError) -> Selection {
        try countSelection(token)
        if token.kind == .spread { return try parseFragment() }
        return try parseField()
    }

    /// A field, built directly as a `Selection` (avoids copying the large
    /// `Field` struct into the enum).
    mutating func parseField() throws(GraphQLSyntaxError) -> Selection {
        let start = token
        let nameOrAlias = try parseName()
        var alias: Name? = nil
        var name = nameOrAlias
        if try expectOptional(.colon) {
            alias = nameOrAlias
            name = try parseName()
        }
        let args = try parseArguments(const: false)
        let dirs = try parseDirectives(const: false)
        let ss = token.kind == .braceL ? try parseSelectionSet() : nil
        return .field(Field(alias: alias, name: name, arguments: args, directives: dirs, selectionSet: ss, loc: loc(start)))
    }

    mutating func parseArguments(const isConst: Bool) throws(GraphQLSyntaxError) -> [Argument] {
        guard try expectOptional(.parenL) else { return [] }
        var args: [Argument] = []
        args.reserveCapacity(4)
        repeat {
            let start = token
            let name = try parseName()
            try expect(.colon)
            let value = try parseValueLiteral(const: isConst)
            args.append(Argument(name: name, value: value, loc: loc(start)))
        } while !(try expectOptional(.parenR))
        return args
    }

    // MARK: fragments

    mutating func parseFragment() throws(GraphQLSyntaxError) -> Selection {
        let start = token
        try expect(.spread)
        let hasTypeCondition = try expectOptionalKeyword("on")
        if !hasTypeCondition && token.kind == .name {
            let name = try parseFragmentName()
            let dirs = try parseDirectives(const: false)
            return .fragmentSpread(FragmentSpread(name: name, directives: dirs, loc: loc(start)))
        }
        let tc = hasTypeCondition ? try parseNamedType() : nil
        let dirs = try parseDirectives(const: false)
        let ss = try parseSelectionSet()
        return .inlineFragment(InlineFragment(typeCondition: tc, directives: dirs, selectionSet: ss, loc: loc(start)))
    }

    mutating func parseFragmentDefinition() throws(GraphQLSyntaxError) -> FragmentDefinition {
        let start = token
        try expectKeyword("fragment")
        let name = try parseFragmentName()
        try expectKeyword("on")
        let tc = try parseNamedType()
        let dirs = try parseDirectives(const: false)
        let ss = try parseSelectionSet()
        return FragmentDefinition(name: name, typeCondition: tc, directives: dirs, selectionSet: ss, loc: loc(start))
    }

    mutating func parseFragmentName() throws(GraphQLSyntaxError) -> Name {
        if tokenValueIs(token, "on") { throw unexpected(token) }
        return try parseName()
    }

    // MARK: values

    mutating func parseValueLiteral(const isConst: Bool) throws(GraphQLSyntaxError) -> ValueNode {
        let start = token
        switch start.kind {
        case .bracketL:
            return try parseList(start, const: isConst)
        case .braceL:
            return try parseObject(start, const: isConst)
        case .int:
            try advance()
            return .int(text(start), loc(start))
        case .float:
            try advance()
            return .float(text(start), loc(start))
        case .string, .blockString:
            try advance()
            return .string(lexer.stringValue(start), block: start.kind == .blockString, loc(start))
        case .name:
            try advance()
            if isKeyword(start, "true") { return .boolean(true, loc(start)) }
            if isKeyword(start, "false") { return .boolean(false, loc(start)) }
            if isKeyword(start, "null") { return .null(loc(start)) }
            return .enumValue(text(start), loc(start))
        case .dollar:
            if isConst {
                try advance()
                if token.kind == .name {
                    throw lexer.error("Unexpected variable \"$\(text(token))\" in constant value.", at: start.start)
                }
                throw unexpected(start)
            }
            return .variable(try parseVariable())
        default:
            throw unexpected(start)
        }
    }

    @inline(never)
    mutating func parseList(_ start: Token, const isConst: Bool) throws(GraphQLSyntaxError) -> ValueNode {
        try advance()
        try enter(start)
        var values: [ValueNode] = []
        while !(try expectOptional(.bracketR)) {
            values.append(try parseValueLiteral(const: isConst))
        }
        depth -= 1
        return .list(values, loc(start))
    }

    @inline(never)
    mutating func parseObject(_ start: Token, const isConst: Bool) throws(GraphQLSyntaxError) -> ValueNode {
        try advance()
        try enter(start)
        var fields: [ObjectField] = []
        while !(try expectOptional(.braceR)) {
            let fstart = token
            let name = try parseName()
            try expect(.colon)
            let value = try parseValueLiteral(const: isConst)
            fields.append(ObjectField(name: name, value: value, loc: loc(fstart)))
        }
        depth -= 1
        return .object(fields, loc(start))
    }

    mutating func parseDirectives(const isConst: Bool) throws(GraphQLSyntaxError) -> [Directive] {
        var dirs: [Directive] = []
        while token.kind == .at {
            let start = token
            try countSelection(start)
            try advance()
            let name = try parseName()
            let args = try parseArguments(const: isConst)
            dirs.append(Directive(name: name, arguments: args, loc: loc(start)))
        }
        return dirs
    }

    // MARK: types

    mutating func parseTypeReference() throws(GraphQLSyntaxError) -> TypeReference {
        let start = token
        var type: TypeReference
        if try expectOptional(.bracketL) {
            try enter(start)
            let inner = try parseTypeReference()
            try expect(.bracketR)
            depth -= 1
            type = .list(inner, loc(start))
        } else {
            type = .named(try parseNamedType())
        }
        if try expectOptional(.bang) {
            return .nonNull(type, loc(start))
        }
        return type
    }

    mutating func parseNamedType() throws(GraphQLSyntaxError) -> NamedType {
        let start = token
        let name = try parseName()
        return NamedType(name: name, loc: loc(start))
    }

    // MARK: type system

    mutating func parseDescription() throws(GraphQLSyntaxError) -> StringValue? {
        let t = token
        guard t.kind == .string || t.kind == .blockString else { return nil }
        try advance()
        return StringValue(value: lexer.stringValue(t), block: t.kind == .blockString, loc: loc(t))
    }

    mutating func parseSchemaDefinition() throws(GraphQLSyntaxError) -> SchemaDefinition {
        let start = token
        let description = try parseDescription()
        try expectKeyword("schema")
        let dirs = try parseDirectives(const: true)
        try expect(.braceL)
        var ops: [OperationTypeDefinition] = []
        repeat {
            ops.append(try parseOperationTypeDefinition())
        } while !(try expectOptional(.braceR))
        return SchemaDefinition(description: description, directives: dirs, operationTypes: ops, loc: loc(start))
    }

    mutating func parseOperationTypeDefinition() throws(GraphQLSyntaxError) -> OperationTypeDefinition {
        let start = token
        let op = try parseOperationType()
        try expect(.colon)
        let type = try parseNamedType()
        return OperationTypeDefinition(operation: op, type: type, loc: loc(start))
    }

    mutating func parseScalarTypeDefinition() throws(GraphQLSyntaxError) -> ScalarTypeDefinition {
        let start = token
        let description = try parseDescription()
        try expectKeyword("scalar")
        let name = try parseName()
        let dirs = try parseDirectives(const: true)
        return ScalarTypeDefinition(description: description, name: name, directives: dirs, loc: loc(start))
    }

    mutating func parseImplementsInterfaces() throws(GraphQLSyntaxError) -> [NamedType] {
        guard try expectOptionalKeyword("implements") else { return [] }
        _ = try expectOptional(.amp)
        var types: [NamedType] = []
        repeat {
            types.append(try parseNamedType())
        } while try expectOptional(.amp)
        return types
    }

    mutating func parseFieldsDefinition() throws(GraphQLSyntaxError) -> [FieldDefinition] {
        guard try expectOptional(.braceL) else { return [] }
        var fields: [FieldDefinition] = []
        fields.reserveCapacity(8)
        repeat {
            fields.append(try parseFieldDefinition())
        } while !(try expectOptional(.braceR))
        return fields
    }

    mutating func parseFieldDefinition() throws(GraphQLSyntaxError) -> FieldDefinition {
        let start = token
        let description = try parseDescription()
        let name = try parseName()
        let args = try parseArgumentDefs()
        try expect(.colon)
        let type = try parseTypeReference()
        let dirs = try parseDirectives(const: true)
        return FieldDefinition(description: description, name: name, arguments: args, type: type, directives: dirs, loc: loc(start))
    }

    mutating func parseArgumentDefs() throws(GraphQLSyntaxError) -> [InputValueDefinition] {
        guard try expectOptional(.parenL) else { return [] }
        var defs: [InputValueDefinition] = []
        defs.reserveCapacity(4)
        repeat {
            defs.append(try parseInputValueDef())
        } while !(try expectOptional(.parenR))
        return defs
    }

    mutating func parseInputValueDef() throws(GraphQLSyntaxError) -> InputValueDefinition {
        let start = token
        let description = try parseDescription()
        let name = try parseName()
        try expect(.colon)
        let type = try parseTypeReference()
        let defaultValue = try expectOptional(.equals) ? try parseValueLiteral(const: true) : nil
        let dirs = try parseDirectives(const: true)
        return InputValueDefinition(description: description, name: name, type: type, defaultValue: defaultValue, directives: dirs, loc: loc(start))
    }

    mutating func parseObjectTypeDefinition() throws(GraphQLSyntaxError) -> ObjectTypeDefinition {
        let start = token
        let description = try parseDescription()
        try expectKeyword("type")
        let name = try parseName()
        let interfaces = try parseImplementsInterfaces()
        let dirs = try parseDirectives(const: true)
        let fields = try parseFieldsDefinition()
        return ObjectTypeDefinition(description: description, name: name, interfaces: interfaces, directives: dirs, fields: fields, loc: loc(start))
    }

    mutating func parseInterfaceTypeDefinition() throws(GraphQLSyntaxError) -> InterfaceTypeDefinition {
        let start = token
        let description = try parseDescription()
        try expectKeyword("interface")
        let name = try parseName()
        let interfaces = try parseImplementsInterfaces()
        let dirs = try parseDirectives(const: true)
        let fields = try parseFieldsDefinition()
        return InterfaceTypeDefinition(description: description, name: name, interfaces: interfaces, directives: dirs, fields: fields, loc: loc(start))
    }

    mutating func parseUnionMemberTypes() throws(GraphQLSyntaxError) -> [NamedType] {
        guard try expectOptional(.equals) else { return [] }
        _ = try expectOptional(.pipe)
        var types: [NamedType] = []
        repeat {
            types.append(try parseNamedType())
        } while try expectOptional(.pipe)
        return types
    }

    mutating func parseUnionTypeDefinition() throws(GraphQLSyntaxError) -> UnionTypeDefinition {
        let start = token
        let description = try parseDescription()
        try expectKeyword("union")
        let name = try parseName()
        let dirs = try parseDirectives(const: true)
        let types = try parseUnionMemberTypes()
        return UnionTypeDefinition(description: description, name: name, directives: dirs, types: types, loc: loc(start))
    }

    mutating func parseEnumValuesDefinition() throws(GraphQLSyntaxError) -> [EnumValueDefinition] {
        guard try expectOptional(.braceL) else { return [] }
        var values: [EnumValueDefinition] = []
        repeat {
            let start = token
            let description = try parseDescription()
            if tokenValueIs(token, "true") || tokenValueIs(token, "false") || tokenValueIs(token, "null") {
                throw lexer.error("\(tokenDesc(token)) is reserved and cannot be used for an enum value.", at: token.start)
            }
            let name = try parseName()
            let dirs = try parseDirectives(const: true)
            values.append(EnumValueDefinition(description: description, name: name, directives: dirs, loc: loc(start)))
        } while !(try expectOptional(.braceR))
        return values
    }

    mutating func parseEnumTypeDefinition() throws(GraphQLSyntaxError) -> EnumTypeDefinition {
        let start = token
        let description = try parseDescription()
        try expectKeyword("enum")
        let name = try parseName()
        let dirs = try parseDirectives(const: true)
        let values = try parseEnumValuesDefinition()
        return EnumTypeDefinition(description: description, name: name, directives: dirs, values: values, loc: loc(start))
    }

    mutating func parseInputFieldsDefinition() throws(GraphQLSyntaxError) -> [InputValueDefinition] {
        guard try expectOptional(.braceL) else { return [] }
        var defs: [InputValueDefinition] = []
        repeat {
            defs.append(try parseInputValueDef())
        } while !(try expectOptional(.braceR))
        return defs
    }

    mutating func parseInputObjectTypeDefinition() throws(GraphQLSyntaxError) -> InputObjectTypeDefinition {
        let start = token
        let description = try parseDescription()
        try expectKeyword("input")
        let name = try parseName()
        let dirs = try parseDirectives(const: true)
        let fields = try parseInputFieldsDefinition()
        return InputObjectTypeDefinition(description: description, name: name, directives: dirs, fields: fields, loc: loc(start))
    }

    mutating func parseDirectiveDefinition() throws(GraphQLSyntaxError) -> DirectiveDefinition {
        let start = token
        let description = try parseDescription()
        try expectKeyword("directive")
        try expect(.at)
        let name = try parseName()
        let args = try parseArgumentDefs()
        let repeatable = try expectOptionalKeyword("repeatable")
        try expectKeyword("on")
        _ = try expectOptional(.pipe)
        var locations: [Name] = []
        repeat {
            let t = token
            let n = try parseName()
            if !directiveLocationNames.contains(n.value) { throw unexpected(t) }
            locations.append(n)
        } while try expectOptional(.pipe)
        return DirectiveDefinition(description: description, name: name, arguments: args, repeatable: repeatable, locations: locations, loc: loc(start))
    }

    // MARK: extensions

    mutating func parseTypeSystemExtension() throws(GraphQLSyntaxError) -> Definition {
        let kw = try lookahead()
        if kw.kind == .name {
            let start = token
            switch text(kw) {
            case "schema":
                try advance(); try advance()
                let dirs = try parseDirectives(const: true)
                var ops: [OperationTypeDefinition] = []
                if try expectOptional(.braceL) {
                    repeat {
                        ops.append(try parseOperationTypeDefinition())
                    } while !(try expectOptional(.braceR))
                }
                if dirs.isEmpty && ops.isEmpty { throw unexpected(token) }
                return .schema(SchemaDefinition(description: nil, directives: dirs, operationTypes: ops, isExtension: true, loc: loc(start)))
            case "scalar":
                try advance(); try advance()
                let name = try parseName()
                let dirs = try parseDirectives(const: true)
                if dirs.isEmpty { throw unexpected(token) }
                return .type(.scalar(ScalarTypeDefinition(description: nil, name: name, directives: dirs, isExtension: true, loc: loc(start))))
            case "type", "interface":
                let isObject = text(kw) == "type"
                try advance(); try advance()
                let name = try parseName()
                let interfaces = try parseImplementsInterfaces()
                let dirs = try parseDirectives(const: true)
                let fields = try parseFieldsDefinition()
                if interfaces.isEmpty && dirs.isEmpty && fields.isEmpty { throw unexpected(token) }
                if isObject {
                    return .type(.object(ObjectTypeDefinition(description: nil, name: name, interfaces: interfaces, directives: dirs, fields: fields, isExtension: true, loc: loc(start))))
                }
                return .type(.interface(InterfaceTypeDefinition(description: nil, name: name, interfaces: interfaces, directives: dirs, fields: fields, isExtension: true, loc: loc(start))))
            case "union":
                try advance(); try advance()
                let name = try parseName()
                let dirs = try parseDirectives(const: true)
                let types = try parseUnionMemberTypes()
                if dirs.isEmpty && types.isEmpty { throw unexpected(token) }
                return .type(.union(UnionTypeDefinition(description: nil, name: name, directives: dirs, types: types, isExtension: true, loc: loc(start))))
            case "enum":
                try advance(); try advance()
                let name = try parseName()
                let dirs = try parseDirectives(const: true)
                let values = try parseEnumValuesDefinition()
                if dirs.isEmpty && values.isEmpty { throw unexpected(token) }
                return .type(.enumeration(EnumTypeDefinition(description: nil, name: name, directives: dirs, values: values, isExtension: true, loc: loc(start))))
            case "input":
                try advance(); try advance()
                let name = try parseName()
                let dirs = try parseDirectives(const: true)
                let fields = try parseInputFieldsDefinition()
                if dirs.isEmpty && fields.isEmpty { throw unexpected(token) }
                return .type(.inputObject(InputObjectTypeDefinition(description: nil, name: name, directives: dirs, fields: fields, isExtension: true, loc: loc(start))))
            default:
                break
            }
        }
        throw unexpected(kw)
    }
}
