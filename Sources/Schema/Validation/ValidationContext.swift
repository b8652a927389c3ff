// The document validator (spec section 5, graphql-js `validate`): one walk
// over the document keeps graphql-js's TypeInfo (parent type, field, input
// type, …) and calls every rule's hooks in rule order, so rules stay small and
// errors come out in graphql-js's order.
import JSON
import QueryLanguage

/// A validation rule: a name and a factory for its per-document visitor.
public struct ValidationRule: Sendable {
    public let name: String
    let make: @Sendable (ValidationContext) -> RuleVisitor
    init(_ name: String, _ make: @escaping @Sendable (ValidationContext) -> RuleVisitor) { self.name = name; self.make = make }
}

/// Every rule of spec section 5, in graphql-js's order, plus graphql-js's
/// recommended MaxIntrospectionDepth rule.
public let specifiedRules: [ValidationRule] = [
    ValidationRule("ExecutableDefinitions", ExecutableDefinitionsRule.init),
    ValidationRule("UniqueOperationNames", UniqueOperationNamesRule.init),
    ValidationRule("LoneAnonymousOperation", LoneAnonymousOperationRule.init),
    ValidationRule("SingleFieldSubscriptions", SingleFieldSubscriptionsRule.init),
    ValidationRule("KnownTypeNames", KnownTypeNamesRule.init),
    ValidationRule("FragmentsOnCompositeTypes", FragmentsOnCompositeTypesRule.init),
    ValidationRule("VariablesAreInputTypes", VariablesAreInputTypesRule.init),
    ValidationRule("ScalarLeafs", ScalarLeafsRule.init),
    ValidationRule("FieldsOnCorrectType", FieldsOnCorrectTypeRule.init),
    ValidationRule("UniqueFragmentNames", UniqueFragmentNamesRule.init),
    ValidationRule("KnownFragmentNames", KnownFragmentNamesRule.init),
    ValidationRule("NoUnusedFragments", NoUnusedFragmentsRule.init),
    ValidationRule("PossibleFragmentSpreads", PossibleFragmentSpreadsRule.init),
    ValidationRule("NoFragmentCycles", NoFragmentCyclesRule.init),
    ValidationRule("UniqueVariableNames", UniqueVariableNamesRule.init),
    ValidationRule("NoUndefinedVariables", NoUndefinedVariablesRule.init),
    ValidationRule("NoUnusedVariables", NoUnusedVariablesRule.init),
    ValidationRule("KnownDirectives", KnownDirectivesRule.init),
    ValidationRule("UniqueDirectivesPerLocation", UniqueDirectivesPerLocationRule.init),
    ValidationRule("KnownArgumentNames", KnownArgumentNamesRule.init),
    ValidationRule("UniqueArgumentNames", UniqueArgumentNamesRule.init),
    ValidationRule("ValuesOfCorrectType", ValuesOfCorrectTypeRule.init),
    ValidationRule("ProvidedRequiredArguments", ProvidedRequiredArgumentsRule.init),
    ValidationRule("VariablesInAllowedPosition", VariablesInAllowedPositionRule.init),
    ValidationRule("OverlappingFieldsCanBeMerged", OverlappingFieldsCanBeMergedRule.init),
    ValidationRule("UniqueInputFieldNames", UniqueInputFieldNamesRule.init),
    ValidationRule("MaxIntrospectionDepth") { MaxIntrospectionDepthRule($0) },
]

/// The operation a request runs and its variable values, coerced (defaults
/// applied), when the caller has them: rules that measure an operation as
/// execution will run it (the operation-limit rules) measure that one only,
/// with these values. Without it they measure every operation, variables
/// absent.
public struct SelectedOperation: Sendable {
    public var operationName: String?
    public var variableValues: [String: JSON]
    public init(operationName: String?, variableValues: [String: JSON]) {
        self.operationName = operationName; self.variableValues = variableValues
    }
}

/// Validates an executable document; errors carry code GRAPHQL_VALIDATION_FAILED
/// (the operation-limit rules': QUERY_TOO_COMPLEX).
public func validate(schema: GraphQLSchema, document: Document, rules: [ValidationRule] = specifiedRules, maxErrors: Int = 100) -> [GraphQLError] {
    validate(schema: schema, document: document, rules: rules, maxErrors: maxErrors, scalars: [:])
}

/// As above; `scalars` supplies custom scalars' `parseLiteral` to ValuesOfCorrectType
/// (a custom scalar without a coercer accepts any literal, as in graphql-js);
/// `operation` the request's operation and coerced variables, if known.
public func validate(schema: GraphQLSchema, document: Document, rules: [ValidationRule] = specifiedRules, maxErrors: Int = 100,
                     scalars: [String: any ScalarCoercing], operation: SelectedOperation? = nil) -> [GraphQLError] {
    let context = ValidationContext(schema: schema, document: document, maxErrors: maxErrors, scalars: scalars, operation: operation)
    let visitors = rules.map { $0.make(context) }
    context.run(visitors)
    return context.errors
}

struct Hooks: OptionSet {
    let rawValue: UInt32
    static let document = Hooks(rawValue: 1 << 0)
    static let operation = Hooks(rawValue: 1 << 1)
    static let fragmentDefinition = Hooks(rawValue: 1 << 2)
    static let variableDefinition = Hooks(rawValue: 1 << 3)
    static let selectionSet = Hooks(rawValue: 1 << 4)
    static let field = Hooks(rawValue: 1 << 5)
    static let fragmentSpread = Hooks(rawValue: 1 << 6)
    static let inlineFragment = Hooks(rawValue: 1 << 7)
    static let directive = Hooks(rawValue: 1 << 8)
    static let argument = Hooks(rawValue: 1 << 9)
    static let value = Hooks(rawValue: 1 << 10)
    static let objectField = Hooks(rawValue: 1 << 11)
    static let namedType = Hooks(rawValue: 1 << 12)
    static let typeSystemNode = Hooks(rawValue: 1 << 13)
}

/// A rule's visitor: override the hooks named in `hooks`.
class RuleVisitor {
    unowned let context: ValidationContext
    let hooks: Hooks
    init(_ context: ValidationContext, _ hooks: Hooks) { self.context = context; self.hooks = hooks }
    func report(_ message: String, _ locs: [Location]) { context.report(message, locs) }
    func report(_ message: String, _ locs: [Location], code: String) { context.report(message, locs, code: code) }

    func enterDocument(_ d: Document) {}
    func leaveDocument(_ d: Document) {}
    func enterOperation(_ o: OperationDefinition) {}
    func leaveOperation(_ o: OperationDefinition) {}
    func enterFragmentDefinition(_ f: FragmentDefinition) {}
    func leaveFragmentDefinition(_ f: FragmentDefinition) {}
    func enterVariableDefinition(_ v: VariableDefinition) {}
    func leaveVariableDefinition(_ v: VariableDefinition) {}
    func enterSelectionSet(_ s: SelectionSet) {}
    func leaveSelectionSet(_ s: SelectionSet) {}
    func enterField(_ f: Field) {}
    func leaveField(_ f: Field) {}
    func enterFragmentSpread(_ s: FragmentSpread) {}
    func enterInlineFragment(_ i: InlineFragment) {}
    func leaveInlineFragment(_ i: InlineFragment) {}
    /// `location` is where the directive is applied (nil for type-system nodes).
    func enterDirective(_ d: Directive, _ location: DirectiveLocation?) {}
    func leaveDirective(_ d: Directive) {}
    func enterArgument(_ a: Argument) {}
    func leaveArgument(_ a: Argument) {}
    func enterValue(_ v: ValueNode) {}
    func leaveValue(_ v: ValueNode) {}
    func enterObjectField(_ f: ObjectField) {}
    func leaveObjectField(_ f: ObjectField) {}
    /// Named types in variable definitions, type conditions and type-system definitions.
    func enterNamedType(_ n: NamedType) {}
    /// A type-system node that can hold directives (schema, type, field,
    /// argument, enum value, input field definitions and extensions), entered
    /// before its directives. `typeName` groups a type with its extensions
    /// ("" for the schema), nil for the nodes inside them.
    func enterTypeSystemNode(_ directives: [Directive], typeName: String?) {}
}

struct ValidationAborted: Error {}

/// A variable used somewhere, with the input type and default of its position.
struct VariableUsage {
    var node: Variable
    var type: TypeRef?
    var hasLocationDefault: Bool
}

let typenameMetaField = OutputField(name: "__typename", description: "The name of the current Object type at runtime.", type: .nonNull(.named("String")))
let schemaMetaField = OutputField(name: "__schema", description: "Access the current type schema of this server.", type: .nonNull(.named("__Schema")))
let typeMetaField = OutputField(name: "__type", description: "Request the type information of a single type.",
                                arguments: [InputValue(name: "name", type: .nonNull(.named("String")))], type: .named("__Type"))

final class ValidationContext {
    let schema: GraphQLSchema
    /// The schema's lookup tables (built once per schema, cached).
    let index: ValidationSchemaIndex
    let document: Document
    let maxErrors: Int
    let scalars: [String: any ScalarCoercing]
    private(set) var errors: [GraphQLError] = []
    /// Pairs of fields OverlappingFieldsCanBeMerged compared (its work, for tests).
    var overlappingFieldsComparisons = 0
    /// Fragments by name (the last definition wins, as in graphql-js).
    let fragments: [String: FragmentDefinition]
    /// Directives and types the document defines. graphql-js's rules accept
    /// them as if the schema had them (a directive defined in the document
    /// replaces the schema's, the last definition wins).
    let documentDirectives: [String: DirectiveDefinition]
    let documentTypeNames: [String]
    /// True while walking a type-system definition or extension.
    private(set) var inTypeSystemDefinition = false

    // TypeInfo state.
    @exclusivity(unchecked) var parentTypeStack: [ValidationTypeEntry?] = []
    @exclusivity(unchecked) var typeStack: [TypeRef?] = []
    /// The entry of `typeStack`'s named type, in step with it.
    @exclusivity(unchecked) var typeEntryStack: [ValidationTypeEntry?] = []
    @exclusivity(unchecked) var inputTypeStack: [TypeRef?] = []
    @exclusivity(unchecked) var fieldDefStack: [ValidationFieldEntry?] = []
    @exclusivity(unchecked) var defaultStack: [Bool] = []
    @exclusivity(unchecked) var directive: DirectiveType?
    @exclusivity(unchecked) var argumentEntry: ValidationArgumentEntry?
    var argument: InputValue? { argumentEntry?.def }
    /// Whether the current argument is defined (cheaper than `argument != nil`).
    @exclusivity(unchecked) var argumentKnown = false

    /// The request's operation and coerced variables, when the caller has them.
    let selected: SelectedOperation?

    init(schema: GraphQLSchema, document: Document, maxErrors: Int, scalars: [String: any ScalarCoercing],
         operation: SelectedOperation? = nil) {
        self.schema = schema; self.index = ValidationSchemaIndex.of(schema); self.document = document; self.maxErrors = maxErrors; self.scalars = scalars
        self.selected = operation
        var f: [String: FragmentDefinition] = [:]
        var directives: [String: DirectiveDefinition] = [:]
        var typeNames: [String] = []
        for d in document.definitions {
            switch d {
            case .fragment(let x): f[x.name.value] = x
            case .directive(let x): directives[x.name.value] = x
            case .type(let t) where !t.isExtension: typeNames.append(t.name.value)
            default: break
            }
        }
        fragments = f
        documentDirectives = directives
        documentTypeNames = typeNames
    }

    func report(_ message: String, _ locs: [Location], code: String = "GRAPHQL_VALIDATION_FAILED") {
        // Raising here unwinds the walk (see `run`).
        pendingAbort = pendingAbort || errors.count >= maxErrors
        if pendingAbort { return }
        errors.append(GraphQLError(message, code: code, locations: errorLocations(locs)))
    }

    /// Whether `o` is the operation to measure: the selected one when the
    /// caller named it (operation names are unique in a valid document), else every one.
    func isMeasured(_ o: OperationDefinition) -> Bool {
        guard let selected else { return true }
        guard let op = document.operation(named: selected.operationName) else { return false }
        return op.name?.value == o.name?.value
    }

    /// The variable values rules measure with (coerced), empty when unknown.
    var variableValues: [String: JSON] { selected?.variableValues ?? [:] }
    private var pendingAbort = false

    // MARK: TypeInfo accessors
    var parentType: String? { parentTypeStack.last??.name }
    var parentTypeEntry: ValidationTypeEntry? { parentTypeStack.last ?? nil }
    var type: TypeRef? { typeStack.last ?? nil }
    var typeEntry: ValidationTypeEntry? { typeEntryStack.last ?? nil }
    var inputType: TypeRef? { inputTypeStack.last ?? nil }
    var parentInputType: TypeRef? { inputTypeStack.count >= 2 ? inputTypeStack[inputTypeStack.count - 2] : nil }
    var fieldDef: OutputField? { fieldDefStack.last??.def }
    var fieldEntry: ValidationFieldEntry? { fieldDefStack.last ?? nil }
    var hasDefault: Bool { defaultStack.last ?? false }

    func fieldDefinition(_ parent: String, _ name: String) -> OutputField? {
        index.types[parent]?.field(name)?.def
    }

    /// graphql-js `typeFromAST`: nil when the named type is unknown.
    func typeFromAST(_ t: TypeReference) -> TypeRef? {
        schema.types[t.namedType.name.value] == nil ? nil : TypeRef(t)
    }

    // MARK: Fragment helpers (cached)
    private var spreadsCache: [String: [FragmentSpread]] = [:]
    private var recursiveFragmentsCache: [Int: [FragmentDefinition]] = [:]
    private var usagesCache: [String: [VariableUsage]] = [:]

    func fragmentSpreads(_ set: SelectionSet) -> [FragmentSpread] {
        var spreads: [FragmentSpread] = []
        var toVisit = [set]
        while let s = toVisit.popLast() {
            for sel in s.selections {
                switch sel {
                case .fragmentSpread(let sp): spreads.append(sp)
                case .field(let f): if let ss = f.selectionSet { toVisit.append(ss) }
                case .inlineFragment(let i): toVisit.append(i.selectionSet)
                }
            }
        }
        return spreads
    }

    func fragmentSpreads(ofFragment name: String) -> [FragmentSpread] {
        if let c = spreadsCache[name] { return c }
        let r = fragments[name].map { fragmentSpreads($0.selectionSet) } ?? []
        spreadsCache[name] = r
        return r
    }

    func recursivelyReferencedFragments(_ op: OperationDefinition, index: Int) -> [FragmentDefinition] {
        if let c = recursiveFragmentsCache[index] { return c }
        var result: [FragmentDefinition] = []
        var collected: Set<String> = []
        var toVisit: [[FragmentSpread]] = [fragmentSpreads(op.selectionSet)]
        while let spreads = toVisit.popLast() {
            for sp in spreads {
                let n = sp.name.value
                if collected.insert(n).inserted, let frag = fragments[n] {
                    result.append(frag)
                    toVisit.append(fragmentSpreads(ofFragment: frag.name.value))
                }
            }
        }
        recursiveFragmentsCache[index] = result
        return result
    }

    /// Variable usages of an operation (index = its position among definitions) and its fragments.
    func recursiveVariableUsages(_ op: OperationDefinition, index: Int) -> [VariableUsage] {
        if let cached = operationUsagesCache[index] { return cached }
        var c0 = VariableUsageCollector(context: self)
        var usages = c0.collect(op)
        for frag in recursivelyReferencedFragments(op, index: index) {
            if let c = usagesCache[frag.name.value] { usages += c; continue }
            var c1 = VariableUsageCollector(context: self)
            let u = c1.collect(frag)
            usagesCache[frag.name.value] = u
            usages += u
        }
        operationUsagesCache[index] = usages
        return usages
    }
    private var operationUsagesCache: [Int: [VariableUsage]] = [:]

    /// The operation currently walked and its index among the definitions.
    var currentOperationIndex = 0

    // MARK: The walk

    private var vDocument: [RuleVisitor] = [], vOperation: [RuleVisitor] = [], vFragmentDefinition: [RuleVisitor] = []
    private var vVariableDefinition: [RuleVisitor] = [], vSelectionSet: [RuleVisitor] = [], vField: [RuleVisitor] = []
    private var vFragmentSpread: [RuleVisitor] = [], vInlineFragment: [RuleVisitor] = [], vDirective: [RuleVisitor] = []
    private var vArgument: [RuleVisitor] = [], vValue: [RuleVisitor] = [], vObjectField: [RuleVisitor] = [], vNamedType: [RuleVisitor] = []
    private var vTypeSystemNode: [RuleVisitor] = []

    func run(_ visitors: [RuleVisitor]) {
        for v in visitors {
            let h = v.hooks
            if h.contains(.document) { vDocument.append(v) }
            if h.contains(.operation) { vOperation.append(v) }
            if h.contains(.fragmentDefinition) { vFragmentDefinition.append(v) }
            if h.contains(.variableDefinition) { vVariableDefinition.append(v) }
            if h.contains(.selectionSet) { vSelectionSet.append(v) }
            if h.contains(.field) { vField.append(v) }
            if h.contains(.fragmentSpread) { vFragmentSpread.append(v) }
            if h.contains(.inlineFragment) { vInlineFragment.append(v) }
            if h.contains(.directive) { vDirective.append(v) }
            if h.contains(.argument) { vArgument.append(v) }
            if h.contains(.value) { vValue.append(v) }
            if h.contains(.objectField) { vObjectField.append(v) }
            if h.contains(.namedType) { vNamedType.append(v) }
            if h.contains(.typeSystemNode) { vTypeSystemNode.append(v) }
        }
        walkDocument()
        if pendingAbort {
            errors.append(GraphQLError("Too many validation errors, error limit reached. Validation aborted.", code: "GRAPHQL_VALIDATION_FAILED"))
        }
    }

    private func walkDocument() {
        for v in vDocument { v.enterDocument(document) }
        for (i, def) in document.definitions.enumerated() {
            if pendingAbort { return }
            switch def {
            case .operation(let op):
                currentOperationIndex = i
                walkOperation(op)
            case .fragment(let f):
                walkFragmentDefinition(f)
            case .schema(let d):
                inTypeSystemDefinition = true
                walkTypeSystemDefinition(d)
                inTypeSystemDefinition = false
            case .type(let d):
                inTypeSystemDefinition = true
                walkTypeSystemDefinition(d)
                inTypeSystemDefinition = false
            case .directive(let d):
                inTypeSystemDefinition = true
                for a in d.arguments { walkInputValueDefinition(a, .ARGUMENT_DEFINITION) }
                inTypeSystemDefinition = false
            }
        }
        for v in vDocument { v.leaveDocument(document) }
    }

    // MARK: Type-system definitions
    // graphql-js validates a whole document, so besides ExecutableDefinitions
    // its rules report what they find in type-system definitions too (unknown
    // types and directives, directives in the wrong place, their arguments).
    // The walk follows graphql-js's visitor keys; TypeInfo sets nothing there
    // but the directive and its arguments.

    private func enterTypeSystemNode(_ directives: [Directive], typeName: String?) {
        for v in vTypeSystemNode { v.enterTypeSystemNode(directives, typeName: typeName) }
    }

    private func walkTypeSystemDefinition(_ d: SchemaDefinition) {
        enterTypeSystemNode(d.directives, typeName: "")
        walkDirectives(d.directives, .SCHEMA)
        for o in d.operationTypes { walkNamedType(o.type) }
    }

    private func walkTypeSystemDefinition(_ d: TypeDefinition) {
        switch d {
        case .scalar(let x):
            enterTypeSystemNode(x.directives, typeName: x.name.value)
            walkDirectives(x.directives, .SCALAR)
        case .object(let x):
            enterTypeSystemNode(x.directives, typeName: x.name.value)
            for i in x.interfaces { walkNamedType(i) }
            walkDirectives(x.directives, .OBJECT)
            for f in x.fields { walkFieldDefinition(f) }
        case .interface(let x):
            enterTypeSystemNode(x.directives, typeName: x.name.value)
            for i in x.interfaces { walkNamedType(i) }
            walkDirectives(x.directives, .INTERFACE)
            for f in x.fields { walkFieldDefinition(f) }
        case .union(let x):
            enterTypeSystemNode(x.directives, typeName: x.name.value)
            walkDirectives(x.directives, .UNION)
            for t in x.types { walkNamedType(t) }
        case .enumeration(let x):
            enterTypeSystemNode(x.directives, typeName: x.name.value)
            walkDirectives(x.directives, .ENUM)
            for value in x.values {
                enterTypeSystemNode(value.directives, typeName: nil)
                walkDirectives(value.directives, .ENUM_VALUE)
            }
        case .inputObject(let x):
            enterTypeSystemNode(x.directives, typeName: x.name.value)
            walkDirectives(x.directives, .INPUT_OBJECT)
            for f in x.fields { walkInputValueDefinition(f, .INPUT_FIELD_DEFINITION) }
        }
    }

    private func walkFieldDefinition(_ f: FieldDefinition) {
        enterTypeSystemNode(f.directives, typeName: nil)
        for a in f.arguments { walkInputValueDefinition(a, .ARGUMENT_DEFINITION) }
        walkNamedType(f.type.namedType)
        walkDirectives(f.directives, .FIELD_DEFINITION)
    }

    private func walkInputValueDefinition(_ a: InputValueDefinition, _ location: DirectiveLocation) {
        enterTypeSystemNode(a.directives, typeName: nil)
        walkNamedType(a.type.namedType)
        if let dv = a.defaultValue {
            // No input type here (graphql-js's TypeInfo has none either).
            inputTypeStack.append(nil); defaultStack.append(false)
            walkValue(dv)
            inputTypeStack.removeLast(); defaultStack.removeLast()
        }
        walkDirectives(a.directives, location)
    }

    private func walkOperation(_ op: OperationDefinition) {
        let root = schema.rootType(for: op.operation).flatMap { index.types[$0] }
        if let r = root, r.isObject { typeStack.append(.named(r.name)); typeEntryStack.append(r) } else { typeStack.append(nil); typeEntryStack.append(nil) }
        for v in vOperation { v.enterOperation(op) }
        for vd in op.variableDefinitions { walkVariableDefinition(vd) }
        let loc: DirectiveLocation = op.operation == .query ? .QUERY : op.operation == .mutation ? .MUTATION : .SUBSCRIPTION
        walkDirectives(op.directives, loc)
        walkSelectionSet(op.selectionSet)
        for v in vOperation { v.leaveOperation(op) }
        typeStack.removeLast(); typeEntryStack.removeLast()
    }

    private func walkVariableDefinition(_ vd: VariableDefinition) {
        let t = typeFromAST(vd.type)
        inputTypeStack.append(t.flatMap { index.isInputTypeRef($0) ? $0 : nil })
        for v in vVariableDefinition { v.enterVariableDefinition(vd) }
        walkNamedType(vd.type.namedType)
        if let dv = vd.defaultValue { walkValue(dv) }
        walkDirectives(vd.directives, .VARIABLE_DEFINITION)
        for v in vVariableDefinition { v.leaveVariableDefinition(vd) }
        inputTypeStack.removeLast()
    }

    private func walkNamedType(_ n: NamedType) {
        for v in vNamedType { v.enterNamedType(n) }
    }

    private func walkFragmentDefinition(_ f: FragmentDefinition) {
        let e = index.types[f.typeCondition.name.value].flatMap { $0.isOutput ? $0 : nil }
        typeStack.append(e.map { .named($0.name) }); typeEntryStack.append(e)
        for v in vFragmentDefinition { v.enterFragmentDefinition(f) }
        walkNamedType(f.typeCondition)
        walkDirectives(f.directives, .FRAGMENT_DEFINITION)
        walkSelectionSet(f.selectionSet)
        for v in vFragmentDefinition { v.leaveFragmentDefinition(f) }
        typeStack.removeLast(); typeEntryStack.removeLast()
    }

    private func walkSelectionSet(_ s: SelectionSet) {
        let e = typeEntry
        parentTypeStack.append(e?.isComposite == true ? e : nil)
        for v in vSelectionSet { v.enterSelectionSet(s) }
        for sel in s.selections {
            if pendingAbort { break }
            switch sel {
            case .field(let f): walkField(f)
            case .fragmentSpread(let sp):
                for v in vFragmentSpread { v.enterFragmentSpread(sp) }
                walkDirectives(sp.directives, .FRAGMENT_SPREAD)
            case .inlineFragment(let i): walkInlineFragment(i)
            }
        }
        for v in vSelectionSet { v.leaveSelectionSet(s) }
        parentTypeStack.removeLast()
    }

    private func walkField(_ f: Field) {
        let def = parentTypeEntry?.field(f.name.value)
        fieldDefStack.append(def)
        let ot = def?.outputType
        typeStack.append(ot); typeEntryStack.append(ot == nil ? nil : def!.namedType)
        for v in vField { v.enterField(f) }
        if !f.arguments.isEmpty { let args = def?.arguments; for a in f.arguments { walkArgument(a, args) } }
        walkDirectives(f.directives, .FIELD)
        if let ss = f.selectionSet { walkSelectionSet(ss) }
        for v in vField { v.leaveField(f) }
        typeStack.removeLast(); typeEntryStack.removeLast()
        fieldDefStack.removeLast()
    }

    private func walkInlineFragment(_ i: InlineFragment) {
        let e: ValidationTypeEntry?
        if let tc = i.typeCondition { e = index.types[tc.name.value] } else { e = typeEntry }
        let out = e?.isOutput == true ? e : nil
        typeStack.append(out.map { .named($0.name) }); typeEntryStack.append(out)
        for v in vInlineFragment { v.enterInlineFragment(i) }
        if let tc = i.typeCondition { walkNamedType(tc) }
        walkDirectives(i.directives, .INLINE_FRAGMENT)
        walkSelectionSet(i.selectionSet)
        for v in vInlineFragment { v.leaveInlineFragment(i) }
        typeStack.removeLast(); typeEntryStack.removeLast()
    }

    private func walkDirectives(_ ds: [Directive], _ location: DirectiveLocation) {
        for d in ds {
            directive = index.directives[d.name.value]
            for v in vDirective { v.enterDirective(d, location) }
            let args = directive == nil ? nil : index.directiveArguments[d.name.value]
            if !d.arguments.isEmpty { for a in d.arguments { walkArgument(a, args) } }
            for v in vDirective { v.leaveDirective(d) }
            directive = nil
        }
    }

    private func walkArgument(_ a: Argument, _ defs: [ValidationArgumentEntry]?) {
        var def: ValidationArgumentEntry?
        if let defs { let n = a.name.value; for d in defs where d.name == n { def = d; break } }
        argumentEntry = def
        argumentKnown = def != nil
        defaultStack.append(def?.hasDefault ?? false)
        inputTypeStack.append(def?.inputType)
        for v in vArgument { v.enterArgument(a) }
        walkValue(a.value)
        for v in vArgument { v.leaveArgument(a) }
        inputTypeStack.removeLast()
        defaultStack.removeLast()
        argumentEntry = nil
        argumentKnown = false
    }

    private func walkValue(_ value: ValueNode) {
        switch value {
        case .list(let items, _):
            let lt = inputType?.nullable
            var item: TypeRef?
            if case .list(let it)? = lt { item = it } else { item = lt }
            defaultStack.append(false)
            inputTypeStack.append(item.flatMap { index.isInputTypeRef($0) ? $0 : nil })
            for v in vValue { v.enterValue(value) }
            for i in items { walkValue(i) }
            for v in vValue { v.leaveValue(value) }
            inputTypeStack.removeLast()
            defaultStack.removeLast()
        case .object(let fields, _):
            for v in vValue { v.enterValue(value) }
            let objectType = inputType?.namedType
            var io: InputObjectType?
            if let n = objectType, index.types[n]?.flags.contains(.inputObject) == true, case .inputObject(let x)? = schema.types[n] { io = x }
            for f in fields {
                let fd = io?.field(f.name.value)
                defaultStack.append(fd?.defaultValue != nil)
                inputTypeStack.append(fd.flatMap { index.isInputTypeRef($0.type) ? $0.type : nil })
                for v in vObjectField { v.enterObjectField(f) }
                walkValue(f.value)
                for v in vObjectField { v.leaveObjectField(f) }
                inputTypeStack.removeLast()
                defaultStack.removeLast()
            }
            for v in vValue { v.leaveValue(value) }
        default:
            for v in vValue { v.enterValue(value) }
            for v in vValue { v.leaveValue(value) }
        }
    }
}

/// graphql-js `getVariableUsages`: every variable in a definition (variable
/// definitions excluded) with the input type of its position.
struct VariableUsageCollector {
    let context: ValidationContext
    var usages: [VariableUsage] = []
    init(context: ValidationContext) { self.context = context }

    mutating func collect(_ op: OperationDefinition) -> [VariableUsage] {
        var root: ValidationTypeEntry?
        if let r = context.schema.rootType(for: op.operation).flatMap({ context.index.types[$0] }), r.isObject { root = r }
        directives(op.directives)
        selectionSet(op.selectionSet, root)
        return usages
    }
    mutating func collect(_ f: FragmentDefinition) -> [VariableUsage] {
        let e = context.index.types[f.typeCondition.name.value]
        directives(f.directives)
        selectionSet(f.selectionSet, e?.isComposite == true ? e : nil)
        return usages
    }
    mutating func directives(_ ds: [Directive]) {
        for d in ds {
            let defs = context.index.directives[d.name.value]?.arguments
            for a in d.arguments { argument(a, defs) }
        }
    }
    mutating func argument(_ a: Argument, _ defs: [InputValue]?) {
        let def = defs?.first { $0.name == a.name.value }
        value(a.value, def.flatMap { context.index.isInputTypeRef($0.type) ? $0.type : nil }, def?.defaultValue != nil)
    }
    mutating func value(_ v: ValueNode, _ type: TypeRef?, _ hasDefault: Bool) {
        switch v {
        case .variable(let x): usages.append(VariableUsage(node: x, type: type, hasLocationDefault: hasDefault))
        case .list(let items, _):
            let lt = type?.nullable
            var item: TypeRef?
            if case .list(let it)? = lt { item = it } else { item = lt }
            let it = item.flatMap { context.index.isInputTypeRef($0) ? $0 : nil }
            for i in items { value(i, it, false) }
        case .object(let fields, _):
            var io: InputObjectType?
            if let n = type?.namedType, context.index.types[n]?.flags.contains(.inputObject) == true, case .inputObject(let x)? = context.schema.types[n] { io = x }
            for f in fields {
                let fd = io?.field(f.name.value)
                value(f.value, fd.flatMap { context.index.isInputTypeRef($0.type) ? $0.type : nil }, fd?.defaultValue != nil)
            }
        default: break
        }
    }
    mutating func selectionSet(_ s: SelectionSet, _ parent: ValidationTypeEntry?) {
        for sel in s.selections {
            switch sel {
            case .field(let f):
                let def = parent?.field(f.name.value)
                if !f.arguments.isEmpty { let args = def?.def.arguments; for a in f.arguments { argument(a, args) } }
                if !f.directives.isEmpty { directives(f.directives) }
                if let ss = f.selectionSet {
                    let t = def?.outputType == nil ? nil : def!.namedType
                    selectionSet(ss, t?.isComposite == true ? t : nil)
                }
            case .fragmentSpread(let sp):
                directives(sp.directives)
            case .inlineFragment(let i):
                var t = parent
                if let tc = i.typeCondition { t = context.index.types[tc.name.value] }
                directives(i.directives)
                selectionSet(i.selectionSet, t?.isComposite == true ? t : nil)
            }
        }
    }
}
