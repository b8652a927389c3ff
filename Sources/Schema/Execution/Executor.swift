// The executor (spec section 6), breadth-first and batched by level.
//
// At each level of the response tree every pending field is grouped by
// (parent concrete type, field name, coerced arguments) and each group makes
// ONE resolver call with all its parents, so the number of resolver calls is
// bounded by the query's shape, never by its data. Fields without a resolver
// are read from the parent (`FieldReadable`, or a `JSON` object) for free.
import JSON
import QueryLanguage

public struct ExecutionResult: Sendable {
    /// Where `data` lives: a JSON value, or the executor's result cells, which
    /// `jsonBytes()` serializes directly (no intermediate JSON tree).
    enum DataStorage: Sendable {
        case value(JSON?)
        case cells(ResultCells)
    }
    var storage: DataStorage
    /// nil = absent (a request error: execution never started).
    public var data: JSON? {
        get {
            switch storage {
            case .value(let j): return j
            case .cells(let c): return c.json
            }
        }
        set { storage = .value(newValue) }
    }
    /// Whether `data` is present, without building it.
    public var hasData: Bool {
        switch storage {
        case .value(let j): return j != nil
        case .cells: return true
        }
    }
    public var errors: [GraphQLError]
    public var extensions: [(String, JSON)]
    public init(data: JSON?, errors: [GraphQLError] = [], extensions: [(String, JSON)] = []) {
        self.storage = .value(data); self.errors = errors; self.extensions = extensions
    }
    init(cells: ResultCells, errors: [GraphQLError]) {
        self.storage = .cells(cells); self.errors = errors; self.extensions = []
    }
}

public struct Executor: Sendable {
    public let executable: ExecutableSchema
    /// Object/interface type → field name → definition (with `__schema` and
    /// `__type` added to the query type).
    let fieldMaps: [String: [String: OutputField]]
    /// The schema's resolvers plus the introspection ones.
    let resolvers: [String: BatchResolver]
    /// Called with every non-GraphQL error a resolver or guard throws (the
    /// response only says "Internal server error"), for logging.
    public var onInternalError: (@Sendable (any Error, [PathComponent]) -> Void)?

    public init(schema: ExecutableSchema) {
        var schema = schema
        Introspection.completeMetaTypes(&schema.schema)
        self.executable = schema
        var maps: [String: [String: OutputField]] = [:]
        for (name, def) in schema.schema.types {
            guard let fields = def.fields else { continue }
            var m: [String: OutputField] = [:]
            m.reserveCapacity(fields.count)
            for f in fields { m[f.name] = f }
            maps[name] = m
        }
        let q = schema.schema.queryType
        maps[q, default: [:]]["__schema"] = Introspection.schemaField
        maps[q, default: [:]]["__type"] = Introspection.typeField
        self.fieldMaps = maps
        var resolvers = schema.resolvers
        for (key, r) in Introspection.resolvers(schema: schema.schema) { resolvers[key] = r }
        self.resolvers = resolvers
    }

    public func execute(document: Document, operationName: String?, variables: [String: JSON],
                        context: any Sendable, rootValue: (any Sendable)? = nil) async -> ExecutionResult {
        await execute(document: document, operationName: operationName, variables: variables, context: context,
                      rootValue: rootValue, plans: nil)
    }

    /// With `plans`, the run's plan (collected fields, coerced arguments, groups) is the one taken
    /// from the document's memo for these variables (when an earlier run left one there), and is
    /// left there after: a repeated query plans nothing. A plan is used by one run at a time (taken out, put
    /// back), so runs never share mutable state.
    func execute(document: Document, operationName: String?, variables: [String: JSON],
                 context: any Sendable, rootValue: (any Sendable)? = nil,
                 plans: (memo: OperationMemo, key: String, taken: ExecutionPlan?)?) async -> ExecutionResult {
        // Operation selection (GetOperation, spec 6.1), with the reason when there is none.
        guard let operation = document.operation(named: operationName) else {
            if let operationName { return requestError("Unknown operation named \"\(operationName)\".") }
            return requestError(document.operations.isEmpty ? "Must provide an operation."
                                : "Must provide operation name if query contains multiple operations.")
        }
        guard let rootType = executable.schema.rootType(for: operation.operation) else {
            return requestError("Schema is not configured to execute \(operation.operation.rawValue) operation.")
        }
        if operation.operation == .subscription {
            return requestError("Subscriptions are not supported over this transport.")
        }

        let coerced: [String: JSON]
        switch coerceVariableValues(schema: executable.schema, scalars: executable.scalars,
                                    definitions: operation.variableDefinitions, inputs: variables) {
        case .success(let v): coerced = v
        case .failure(let e): return ExecutionResult(data: nil, errors: e.errors)
        }

        let state = plans?.taken
            ?? ExecutionPlan(collector: FieldCollector(schema: executable.schema, fragments: document.fragmentsByName, variables: coerced))
        let run = ExecutionRun(executor: self, plan: state, variables: coerced, context: context)
        await run.execute(operation: operation, rootType: rootType, rootValue: rootValue ?? ())
        let errors = run.orderedErrors()
        let result = ExecutionResult(cells: run.resultCells(), errors: errors)
        if let plans, run.keep(in: state) { plans.memo.putPlan(state, plans.key) }
        return result
    }

    private func requestError(_ message: String) -> ExecutionResult {
        ExecutionResult(data: nil, errors: [GraphQLError(message, code: "BAD_REQUEST")])
    }
}

// MARK: - One execution

enum CellValue: Sendable {
    case pending
    case null
    case leaf(JSON)
    /// Children are the cells `first ..< first + shape.keys.count`.
    case object(ObjectShape, first: Int)
    /// Items are the cells `first ..< first + count`.
    case list(first: Int, count: Int)
}

/// One position of the response tree.
struct Cell: Sendable {
    var value: CellValue
    var parent: Int
    /// The position's type is non-null: a null here nulls the parent.
    var nonNull: Bool
    var key: PathComponent
}

/// A field to resolve for one parent object.
private struct FieldEntry {
    var parent: any Sendable
    /// `parent` as FieldReadable, cast once per object (not per field).
    var readable: (any FieldReadable)?
    var typeName: String
    var field: CollectedField
    var cell: Int
}

/// An object whose fields the next level resolves.
private struct ObjectWork {
    var value: any Sendable
    var typeName: String
    var cell: Int
    var fields: CollectedFields
    /// The field that produced this object (nil for the root value).
    var field: CollectedField?
}

/// `value as? any FieldReadable` for the objects of one level, which mostly share one type: the
/// runtime looks a conformance up on every such cast; here it is looked up once per type, and
/// later objects of that type are cast to the type itself (a comparison of type metadata).
private struct ReadableCast {
    private var type: ObjectIdentifier?
    private var sameType: (@Sendable (any Sendable) -> (any FieldReadable)?)?

    mutating func callAsFunction(_ value: any Sendable) -> (any FieldReadable)? {
        let t = ObjectIdentifier(Swift.type(of: value))
        if t == type, let sameType { return sameType(value) }
        type = t
        guard let readable = value as? any FieldReadable else {
            sameType = { _ in nil }
            return nil
        }
        sameType = ReadableCast.cast(like: readable)
        return readable
    }

    /// Called only with values whose dynamic type is `R` (the caller compares the types first), so
    /// the forced cast cannot fail; `as? R` would instantiate `Optional<R>`'s metadata per call.
    private static func cast<R: FieldReadable>(like _: R) -> @Sendable (any Sendable) -> (any FieldReadable)? {
        { $0 as! R }
    }
}

/// The fields of one level being gathered.
private struct Level {
    var groups: [Group] = []
    /// Group id → index in `groups` (-1: none yet).
    var groupIndex: [Int] = []
    var pending: [ObjectWork] = []
    /// The objects whose fields the level reads: what a group's arrays are sized for up front
    /// (they would otherwise grow one doubling at a time, an allocation each).
    var objects = 1
}

/// Grows `array` to hold `count` more without reallocating per append: to at least twice its
/// capacity (a `reserveCapacity` of the exact need, repeated, would copy per call).
@inline(__always)
private func ensureRoom<T>(_ array: inout [T], for count: Int) {
    let need = array.count + count
    if need > array.capacity { array.reserveCapacity(Swift.max(need, 2 * array.capacity)) }
}

private struct GroupKey: Hashable {
    var typeName: String
    var fieldName: String
    var argKey: String
}

private final class Group {
    let typeName: String
    let field: CollectedField
    let def: OutputField
    let plan: FieldPlan
    /// Distinct parent objects: the resolver sees each one once, even when
    /// the same field with the same arguments is selected under several
    /// aliases of one object (`{ a: me { id } b: me { id } }`).
    var parents: [any Sendable] = []
    /// The object cell of the last parent added (aliases of one object are
    /// added while that object is expanded, so they follow each other).
    var lastParentCell = -1
    /// Per response position: its cell, its alias's collected field, and the
    /// index of its parent in `parents`.
    var cells: [Int] = []
    var fields: [CollectedField] = []
    var parentIndex: [Int] = []
    init(typeName: String, field: CollectedField, def: OutputField, plan: FieldPlan, objects: Int) {
        self.typeName = typeName; self.field = field; self.def = def; self.plan = plan
        parents.reserveCapacity(objects); cells.reserveCapacity(objects)
        fields.reserveCapacity(objects); parentIndex.reserveCapacity(objects)
    }
}

/// Per-run data about a collected field: its definition, coerced arguments,
/// the group it batches into, and how to serialize its leaves.
private final class FieldPlan {
    let def: OutputField?
    var arguments: [String: JSON] = [:]
    var argKey = ""
    var argError: GraphQLError?
    let resolver: BatchResolver?
    let isIntrospection: Bool
    var selected: Set<String>?
    var selectedPaths: Set<String>?
    /// Interned (type, field, arguments): equal ids share one resolver call.
    var groupID = 0
    /// Read straight from the parent, completed inline (no resolver, no guard).
    var direct = false
    /// The schema's field guard decides this field.
    var guarded = false
    /// The field type's named type and its serializer when it is a leaf.
    var namedDef: NamedTypeDefinition?
    var leaf: LeafSerializer?
    /// The type is `Leaf` or `Leaf!` (no list): completed without walking the TypeRef.
    var simpleLeaf = false
    var nonNull = false
    /// For a simple leaf of a built-in scalar: the JSON case that needs no
    /// coercion (checked inline, without copying `leaf`).
    var fastLeaf = FastLeaf.none
    /// What the named type is (read per completed value without copying `namedDef`).
    var namedKind = NamedKind.missing
    /// The field's type (copied out of `def` once).
    let type: TypeRef
    let hasDef: Bool
    var hasArgError = false
    init(def: OutputField?, resolver: BatchResolver?, isIntrospection: Bool) {
        self.def = def; self.resolver = resolver; self.isIntrospection = isIntrospection
        self.type = def?.type ?? .named("")
        self.hasDef = def != nil
    }
}

enum NamedKind: UInt8 {
    case missing, leaf, object, abstract, input
}

enum FastLeaf: UInt8 {
    case none, string, int, double, bool

    /// Whether `j` is already the serialized form of this built-in scalar.
    @inline(__always)
    func accepts(_ j: JSON) -> Bool {
        switch (self, j) {
        case (.string, .string): return true
        case (.int, .int(let i)): return i >= -2147483648 && i <= 2147483647
        case (.double, .double(let d)): return d.isFinite
        case (.bool, .bool): return true
        default: return false
        }
    }
}

/// Serializes the values of one leaf type (built-in fast paths first).
enum LeafSerializer {
    case string, int, float, boolean, id
    case custom(String, any ScalarCoercing)
    case passthrough(String)
    case enumeration(String, Set<String>)

    init(_ def: NamedTypeDefinition, scalars: [String: any ScalarCoercing]) {
        switch def {
        case .enumeration(let e): self = .enumeration(e.name, Set(e.values.map(\.name)))
        default:
            let name = def.name
            if let c = scalars[name] { self = .custom(name, c); return }
            switch name {
            case "String": self = .string
            case "Int": self = .int
            case "Float": self = .float
            case "Boolean": self = .boolean
            case "ID": self = .id
            default: self = .passthrough(name)
            }
        }
    }

    func serialize(_ j: JSON) -> Result<JSON, CoercionFailure> {
        switch self {
        case .string:
            if case .string = j { return .success(j) }
            return BuiltinScalarCoercion.serialize("String", j)!
        case .int:
            if case .int(let i) = j, i >= -2147483648 && i <= 2147483647 { return .success(j) }
            return BuiltinScalarCoercion.serialize("Int", j)!
        case .float:
            if case .double(let d) = j, d.isFinite { return .success(j) }
            return BuiltinScalarCoercion.serialize("Float", j)!
        case .boolean:
            if case .bool = j { return .success(j) }
            return BuiltinScalarCoercion.serialize("Boolean", j)!
        case .id:
            if case .string = j { return .success(j) }
            return BuiltinScalarCoercion.serialize("ID", j)!
        case .enumeration(let name, let values):
            if case .string(let s) = j, values.contains(s) { return .success(j) }
            return .failure(CoercionFailure("Enum \"\(name)\" cannot represent value: \(BuiltinScalarCoercion.describe(j))"))
        case .custom(let name, let coercer):
            do {
                let out = try coercer.serialize(j)
                return out.isFiniteJSON ? .success(out) : .failure(CoercionFailure("\(name) cannot represent a non-finite number."))
            } catch let f as CoercionFailure {
                return .failure(f)
            } catch {
                return .failure(CoercionFailure("\(name) cannot represent value: \(BuiltinScalarCoercion.describe(j))"))
            }
        case .passthrough(let name):
            return j.isFiniteJSON ? .success(j) : .failure(CoercionFailure("\(name) cannot represent a non-finite number."))
        }
    }
}

/// What a run works out about its document before it reads any data (collected fields, field
/// plans with their coerced arguments, group ids): the same for every run of one document,
/// operation and variable values, so it is kept for the next (see `OperationMemo`).
final class ExecutionPlan: @unchecked Sendable {
    fileprivate let collector: FieldCollector
    fileprivate var collectCache: [String: CollectedFields] = [:]
    fileprivate var plans: [ObjectIdentifier: FieldPlan] = [:]
    fileprivate var groupIDs: [GroupKey: Int] = [:]
    /// Plans of more fields than this are not kept (a huge document's plan is not worth the memory).
    static let maxKeptFields = 512
    /// What keeping it costs, roughly (for `MemoBudget`): a field plan with its collected field.
    var estimatedBytes: Int { 64 + 512 * plans.count + 128 * collectCache.count }

    fileprivate init(collector: FieldCollector) { self.collector = collector }
}

private final class ExecutionRun {
    let executor: Executor
    let schema: GraphQLSchema
    let collector: FieldCollector
    let variables: [String: JSON]
    let context: any Sendable
    @exclusivity(unchecked) var cells: [Cell] = []
    var errors: [GraphQLError] = []
    /// The cell each error of `errors` comes from (0: the operation itself).
    var errorCells: [Int] = []
    /// Object or list cell → its first child that threw out of it (a
    /// non-null position that became null). graphql-js completes children in
    /// order and stops at that one, so children after it never ran there:
    /// their errors are dropped (see `reached`) to answer like it does.
    var abortedAt: [Int: Int] = [:]
    /// Whether `abortedAt` has an entry (read per field: a plain flag is cheaper).
    var anyAborted = false
    var collectCache: [String: CollectedFields] = [:]
    var plans: [ObjectIdentifier: FieldPlan] = [:]
    var groupIDs: [GroupKey: Int] = [:]
    var isMutation = false

    init(executor: Executor, plan: ExecutionPlan, variables: [String: JSON], context: any Sendable) {
        self.executor = executor
        self.schema = executor.executable.schema
        self.collector = plan.collector
        // Moved out of the plan (not copied): the run is their only owner until `keep`.
        swap(&collectCache, &plan.collectCache)
        swap(&plans, &plan.plans)
        swap(&groupIDs, &plan.groupIDs)
        self.variables = variables
        self.context = context
        cells.reserveCapacity(256)
    }

    /// Gives the plan back what this run added to it; false when it is not worth keeping.
    func keep(in plan: ExecutionPlan) -> Bool {
        guard plans.count <= ExecutionPlan.maxKeptFields else { return false }
        swap(&collectCache, &plan.collectCache)
        swap(&plans, &plan.plans)
        swap(&groupIDs, &plan.groupIDs)
        return true
    }

    func execute(operation: OperationDefinition, rootType: String, rootValue: any Sendable) async {
        cells.append(Cell(value: .pending, parent: -1, nonNull: false, key: .key("")))
        let fields: CollectedFields
        do {
            fields = try collect(rootType, [operation.selectionSet])
        } catch {
            // graphql-js: an operation error, `data` null and no path.
            cells[0].value = .null
            errors.append(error)
            errorCells.append(0)
            return
        }
        let root = ObjectWork(value: rootValue, typeName: rootType, cell: 0, fields: fields, field: nil)
        if operation.operation == .mutation {
            // Root fields one at a time, each with its whole subtree.
            let entries = expand([root])
            for entry in entries {
                if !reached(entry.cell) { break }
                isMutation = true
                var level = Level()
                handle(entry.parent, entry.readable, entry.typeName, entry.field, nil, entry.cell, &level)
                isMutation = false
                var next = await finish(&level)
                while !next.isEmpty { next = await processLevel(next) }
            }
        } else {
            var next = await processLevel([root])
            while !next.isEmpty { next = await processLevel(next) }
        }
    }

    // MARK: Collection

    /// The collected subfields of `field` on concrete type `typeName`,
    /// remembered per field (most fields always meet the same type).
    func subfields(_ field: CollectedField, _ typeName: String) throws(GraphQLError) -> CollectedFields {
        if let c = field.subfields, field.subfieldsType == typeName { return c }
        let c = try collect(typeName, field.nodes.compactMap(\.selectionSet))
        field.subfields = c
        field.subfieldsType = typeName
        return c
    }

    func collect(_ typeName: String, _ sets: [SelectionSet]) throws(GraphQLError) -> CollectedFields {
        var cacheable = true
        var key = typeName
        for s in sets {
            if s.loc.start == 0 && s.loc.end == 0 { cacheable = false; break }
            key += "|\(s.loc.start):\(s.loc.end)"
        }
        if cacheable, let hit = collectCache[key] { return hit }
        let result = try collector.collect(objectType: typeName, selectionSets: sets)
        if cacheable { collectCache[key] = result }
        return result
    }

    func plan(_ field: CollectedField, on typeName: String) -> FieldPlan {
        if let p = field.plan { return unsafeDowncast(p, to: FieldPlan.self) }
        let id = ObjectIdentifier(field)
        let def = executor.fieldMaps[typeName]?[field.fieldName]
        let p = FieldPlan(def: def, resolver: def == nil ? nil : executor.resolvers["\(typeName).\(field.fieldName)"],
                          isIntrospection: field.fieldName.hasPrefix("__") || typeName.hasPrefix("__"))
        if let def {
            if !def.arguments.isEmpty {
                let node = field.nodes[0]
                switch coerceArgumentValues(schema: schema, scalars: executor.executable.scalars, definitions: def.arguments,
                                            arguments: node.arguments, variables: variables, location: node.loc) {
                case .success(let args):
                    p.arguments = args
                    p.argKey = JSON.object(args.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }).serializedString
                case .failure(let e):
                    // Located at the argument's value (at the field when it is
                    // missing), as graphql-js's locatedError keeps the error's own nodes.
                    p.argError = e
                    p.hasArgError = true
                }
            }
            let executable = executor.executable
            p.guarded = !p.isIntrospection && executable.fieldGuard != nil
                && (executable.fieldGuardApplies?(typeName, field.fieldName) ?? true)
            p.direct = p.resolver == nil && !p.guarded
            let key = GroupKey(typeName: typeName, fieldName: field.fieldName, argKey: p.argKey)
            if let g = groupIDs[key] { p.groupID = g } else { p.groupID = groupIDs.count; groupIDs[key] = p.groupID }
            p.namedDef = schema.types[def.type.namedType]
            switch p.namedDef {
            case nil: p.namedKind = .missing
            case .scalar?, .enumeration?: p.namedKind = .leaf
            case .object?: p.namedKind = .object
            case .interface?, .union?: p.namedKind = .abstract
            case .inputObject?: p.namedKind = .input
            }
            if let nd = p.namedDef, nd.isLeaf { p.leaf = LeafSerializer(nd, scalars: executor.executable.scalars) }
            p.nonNull = def.type.isNonNull
            if p.leaf != nil, case .named = def.type.nullable { p.simpleLeaf = true }
            if p.simpleLeaf, let leaf = p.leaf {
                switch leaf {
                case .string, .id: p.fastLeaf = .string
                case .int: p.fastLeaf = .int
                case .float: p.fastLeaf = .double
                case .boolean: p.fastLeaf = .bool
                default: break
                }
            }
        }
        plans[id] = p
        field.plan = p
        return p
    }

    // MARK: Levels

    /// Allocates the child cells of each live object and lists its fields.
    func expand(_ works: [ObjectWork]) -> [FieldEntry] {
        var entries: [FieldEntry] = []
        entries.reserveCapacity(works.count * 4)
        for w in works {
            if !reached(w.cell) { continue }
            let first = cells.count
            let readable = w.value as? any FieldReadable
            for f in w.fields.fields {
                let cell = cells.count
                cells.append(Cell(value: .pending, parent: w.cell, nonNull: false, key: .key(f.responseKey)))
                entries.append(FieldEntry(parent: w.value, readable: readable, typeName: w.typeName, field: f, cell: cell))
            }
            cells[w.cell].value = .object(w.fields.shape, first: first)
        }
        return entries
    }

    /// One level: the fields of every object in `works`. Plain reads are
    /// completed on the spot; the rest is grouped for one call per group.
    func processLevel(_ works: [ObjectWork]) async -> [ObjectWork] {
        var level = Level()
        level.objects = works.count
        // Objects are read in place (by index): copying an ObjectWork costs
        // a retain per member and per parent reference.
        var cellCount = cells.count
        for wi in works.indices { cellCount += works[wi].fields.fields.count }
        cells.reserveCapacity(cellCount)
        var lastCollected: CollectedFields?
        var lastType = ""
        // The plans of `lastCollected`'s fields on `lastType` (nil for `__typename`): looked up once
        // per run of objects that share them, not per field of each object.
        var lastPlans: [FieldPlan?] = []
        var hasDirectRead = false
        var cast = ReadableCast()
        for wi in works.indices {
            let objectCell = works[wi].cell
            if !reached(objectCell) { continue }
            let first = cells.count
            let collected = works[wi].fields
            // Cast only an object with a plain read among its fields; objects of a level mostly share
            // their collected fields and their type (`ReadableCast`).
            if collected !== lastCollected || works[wi].typeName != lastType {
                lastCollected = collected
                lastType = works[wi].typeName
                let typeName = lastType
                lastPlans = collected.fields.map { $0.isTypename ? nil : plan($0, on: typeName) }
                hasDirectRead = lastPlans.contains { $0?.direct == true }
                // Objects with an object field mostly yield one object each to the next level (a level of
                // leaves yields none: nothing reserved for it).
                if lastPlans.contains(where: { $0?.namedKind == .object || $0?.namedKind == .abstract }) {
                    ensureRoom(&level.pending, for: works.count - wi)
                }
            }
            let readable = hasDirectRead ? cast(works[wi].value) : nil
            let fields = collected.fields
            for k in fields.indices {
                cells.append(Cell(value: .pending, parent: objectCell, nonNull: false, key: .key(fields[k].responseKey)))
            }
            cells[objectCell].value = .object(collected.shape, first: first)
            for k in fields.indices {
                handle(works[wi].value, readable, works[wi].typeName, fields[k], lastPlans[k], first + k, &level)
            }
        }
        return await finish(&level)
    }

    /// One field of one parent: completed now when it is a plain read, else
    /// added to its group.
    func handle(_ parent: any Sendable, _ readable: (any FieldReadable)?, _ typeName: String, _ f: CollectedField,
                _ known: FieldPlan?, _ cell: Int, _ level: inout Level) {
        if f.isTypename {
            cells[cell].value = .leaf(.string(typeName))
            return
        }
        let p = known ?? plan(f, on: typeName)
        guard p.hasDef else { cells[cell].value = .null; return }
        if p.hasArgError, let argError = p.argError {
            cells[cell].nonNull = p.nonNull
            recordError(argError, at: cell, field: f)
            nullify(cell)
            return
        }
        if p.direct {
            // A plain read from the loaded parent: no call, completed now.
            if !reached(cell) { return }
            let value: ResolvedValue
            // Optional chaining reads the existential in place (`if let` would copy it per field).
            if readable != nil { value = readable?.readField(f.fieldName) ?? .null } else { value = readField(parent, f.fieldName) }
            if p.simpleLeaf, case .leaf(let j) = value {
                if p.fastLeaf.accepts(j) {
                    cells[cell].nonNull = p.nonNull
                    cells[cell].value = .leaf(j)
                    return
                }
                if let leaf = p.leaf, case .success(let out) = leaf.serialize(j) {
                    cells[cell].nonNull = p.nonNull
                    cells[cell].value = .leaf(out)
                    return
                }
            }
            complete(value, p.type, cell: cell, field: f, parentType: typeName, plan: p, pending: &level.pending)
            return
        }
        let group: Group
        let gid = p.groupID
        if gid >= level.groupIndex.count {
            level.groupIndex.append(contentsOf: repeatElement(-1, count: gid + 1 - level.groupIndex.count))
        }
        if !isMutation, level.groupIndex[gid] >= 0 {
            group = level.groups[level.groupIndex[gid]]
        } else {
            group = Group(typeName: typeName, field: f, def: p.def!, plan: p, objects: level.objects)
            level.groupIndex[gid] = level.groups.count
            level.groups.append(group)
        }
        let objectCell = cells[cell].parent
        if group.lastParentCell != objectCell || group.parents.isEmpty {
            group.parents.append(parent)
            group.lastParentCell = objectCell
        }
        group.parentIndex.append(group.parents.count - 1)
        group.cells.append(cell)
        group.fields.append(f)
    }

    /// Runs the level's groups, completes their values, applies the object
    /// guard and returns the objects of the next level.
    func finish(_ level: inout Level) async -> [ObjectWork] {
        let groups = level.groups
        // Resolve every group: synchronous reads inline, resolver calls
        // concurrently (one call per group).
        var results = [[ResolvedValue]?](repeating: nil, count: groups.count)
        var asyncJobs: [(Int, FieldBatch, BatchResolver?, FieldGuard?)] = []
        for (gi, g) in groups.enumerated() {
            let p = g.plan
            let guardFn = p.guarded ? executor.executable.fieldGuard : nil
            if p.resolver == nil && guardFn == nil {
                let name = g.field.fieldName
                results[gi] = g.parents.map { readField($0, name) }
                continue
            }
            let batch = FieldBatch(typeName: g.typeName, fieldName: g.field.fieldName, parents: g.parents,
                                   arguments: p.arguments, selectedFields: selectedFields(g),
                                   context: context, locations: g.field.nodes.map { ErrorLocation($0.loc) },
                                   selectedPaths: selectedPaths(g))
            asyncJobs.append((gi, batch, p.resolver, guardFn))
        }
        if asyncJobs.count == 1 {
            let j = asyncJobs[0]
            results[j.0] = await ExecutionRun.runBatch(j.1, resolver: j.2, guard: j.3)
        } else if !asyncJobs.isEmpty {
            await withTaskGroup(of: (Int, [ResolvedValue]).self) { tg in
                for j in asyncJobs {
                    let (gi, batch, resolver, guardFn) = j
                    tg.addTask { (gi, await ExecutionRun.runBatch(batch, resolver: resolver, guard: guardFn)) }
                }
                for await (gi, r) in tg { results[gi] = r }
            }
        }

        // Complete values in entry order of groups.
        var pending = level.pending
        level.pending = []
        var objectCells = 0
        for g in groups where g.plan.namedKind == .object || g.plan.namedKind == .abstract { objectCells += g.cells.count }
        ensureRoom(&pending, for: objectCells)
        for (gi, g) in groups.enumerated() {
            let values = results[gi] ?? []
            let parentName = g.typeName
            let type = g.plan.type
            for (i, cell) in g.cells.enumerated() {
                if !reached(cell) { continue }
                complete(values[g.parentIndex[i]], type, cell: cell, field: g.fields[i], parentType: parentName, plan: g.plan, pending: &pending)
            }
        }
        if pending.isEmpty { return [] }

        // Object guard once per concrete type of this level.
        if let objectGuard = executor.executable.objectGuard {
            // Types in order of first appearance, with their objects' indexes (a level has few types,
            // mostly one: compared with the last one seen rather than hashed per object).
            var order: [String] = []
            var indexes: [[Int]] = []
            // Per type of `order`: whether the guard has anything to decide for it.
            var guarded: [Bool] = []
            var last = -1
            for (i, o) in pending.enumerated() where !o.typeName.hasPrefix("__") {
                if last < 0 || order[last] != o.typeName {
                    last = order.firstIndex(of: o.typeName) ?? -1
                    if last < 0 {
                        order.append(o.typeName); indexes.append([]); last = order.count - 1
                        guarded.append(executor.executable.objectGuardApplies?(o.typeName) ?? true)
                        if guarded[last] { indexes[last].reserveCapacity(pending.count - i) }
                    }
                }
                if guarded[last] { indexes[last].append(i) }
            }
            for (t, typeName) in order.enumerated() where guarded[t] {
                let idx = indexes[t]
                let objects = idx.map { pending[$0].value }
                var verdicts: [GraphQLError?]
                do {
                    verdicts = try await objectGuard(typeName, objects, context)
                    if verdicts.count != objects.count {
                        verdicts = Array(repeating: internalError(GuardCountMismatch(), path: []), count: objects.count)
                    }
                } catch {
                    verdicts = Array(repeating: convert(error), count: objects.count)
                }
                for (k, i) in idx.enumerated() {
                    guard let err = verdicts[k] else { continue }
                    let o = pending[i]
                    if !reached(o.cell) { continue }
                    recordError(err, at: o.cell, field: o.field!)
                    nullify(o.cell)
                }
            }
        }

        // The objects whose cells are still set move on (no copies when all are).
        var anyNulled = false
        for i in pending.indices {
            if case .null = cells[pending[i].cell].value { anyNulled = true; break }
        }
        if !anyNulled { return pending }
        return pending.filter { o in
            if case .null = cells[o.cell].value { return false }
            return true
        }
    }

    /// Names of the fields selected under the group's field (every alias of it on this level).
    func selectedFields(_ g: Group) -> Set<String> {
        selection(g) { plan, f in
            if let s = plan.selected { return s }
            let s = collector.selectedFieldNames(f.nodes)
            plan.selected = s
            return s
        }
    }

    /// Dotted paths of the fields selected below the group's field, `FieldBatch.lookaheadDepth` levels deep.
    func selectedPaths(_ g: Group) -> Set<String> {
        selection(g) { plan, f in
            if let s = plan.selectedPaths { return s }
            let s = collector.selectedFieldPaths(f.nodes, depth: FieldBatch.lookaheadDepth)
            plan.selectedPaths = s
            return s
        }
    }

    /// The union over the group's distinct collected fields of what `of` gives for each (kept in
    /// its plan); with one distinct field, the kept set itself (no set made per request).
    private func selection(_ g: Group, _ of: (FieldPlan, CollectedField) -> Set<String>) -> Set<String> {
        guard g.plan.namedKind == .object || g.plan.namedKind == .abstract else { return [] }
        var result = of(g.plan, g.field)
        var seen: [ObjectIdentifier] = []
        for f in g.fields where f !== g.field {
            let id = ObjectIdentifier(f)
            if seen.contains(id) { continue }
            seen.append(id)
            result.formUnion(of(plan(f, on: g.typeName), f))
        }
        return result
    }

    static func runBatch(_ batch: FieldBatch, resolver: BatchResolver?, guard guardFn: FieldGuard?) async -> [ResolvedValue] {
        let n = batch.parents.count
        var allowed = batch
        var denied: [GraphQLError?] = []
        if let guardFn {
            do {
                denied = try await guardFn(batch)
                if denied.count != n { return Array(repeating: .error(internalMarker(GuardCountMismatch())), count: n) }
            } catch {
                return Array(repeating: errorValue(error), count: n)
            }
            if denied.contains(where: { $0 != nil }) {
                allowed.parents = zip(batch.parents, denied).compactMap { $0.1 == nil ? $0.0 : nil }
            } else {
                denied = []
            }
        }
        var resolved: [ResolvedValue]
        if allowed.parents.isEmpty {
            resolved = []
        } else if let resolver {
            do {
                resolved = try await resolver(allowed)
                if resolved.count != allowed.parents.count {
                    resolved = Array(repeating: .error(internalMarker(ResolverCountMismatch(field: "\(batch.typeName).\(batch.fieldName)", expected: allowed.parents.count, got: resolved.count))), count: allowed.parents.count)
                }
            } catch {
                resolved = Array(repeating: errorValue(error), count: allowed.parents.count)
            }
        } else {
            resolved = allowed.parents.map { readFieldStatic($0, batch.fieldName) }
        }
        if denied.isEmpty { return resolved }
        var out: [ResolvedValue] = []
        out.reserveCapacity(n)
        var k = 0
        for d in denied {
            if let d { out.append(.error(d)) } else { out.append(resolved[k]); k += 1 }
        }
        return out
    }

    static func errorValue(_ error: any Error) -> ResolvedValue {
        if let g = error as? GraphQLError { return .error(g) }
        return .error(internalMarker(error))
    }

    /// An internal error travels as a GraphQLError carrying the original error
    /// in a side table-free way: its message is replaced at record time.
    static func internalMarker(_ error: any Error) -> GraphQLError {
        var e = GraphQLError("Internal server error", code: "INTERNAL_SERVER_ERROR")
        e.extensions.append((internalKey, .string(String(describing: error))))
        return e
    }
    static let internalKey = "__internal"

    func convert(_ error: any Error) -> GraphQLError {
        if let g = error as? GraphQLError { return g }
        return ExecutionRun.internalMarker(error)
    }

    func internalError(_ error: any Error, path: [PathComponent]) -> GraphQLError {
        ExecutionRun.internalMarker(error)
    }

    func readField(_ parent: any Sendable, _ name: String) -> ResolvedValue {
        ExecutionRun.readFieldStatic(parent, name)
    }

    static func readFieldStatic(_ parent: any Sendable, _ name: String) -> ResolvedValue {
        if let r = parent as? any FieldReadable { return r.readField(name) ?? .null }
        if let j = parent as? JSON, let member = j[name] { return resolvedFromJSON(member) }
        return .null
    }

    static func resolvedFromJSON(_ j: JSON) -> ResolvedValue {
        switch j {
        case .null: return .null
        case .object: return .object(j, typeName: nil)
        case .array(let items): return .list(items.map(resolvedFromJSON))
        default: return .leaf(j)
        }
    }

    // MARK: Completion

    func complete(_ value: ResolvedValue, _ type: TypeRef, cell: Int, field: CollectedField, parentType: String,
                  plan: FieldPlan, pending: inout [ObjectWork]) {
        var inner = type
        if case .nonNull(let t) = type { inner = t; cells[cell].nonNull = true }
        switch value {
        case .error(let e):
            recordError(e, at: cell, field: field)
            nullify(cell)
            return
        case .null:
            if cells[cell].nonNull {
                recordError(GraphQLError("Cannot return null for non-nullable field \(parentType).\(field.fieldName).",
                                         code: "INTERNAL_SERVER_ERROR"), at: cell, field: field)
            }
            nullify(cell)
            return
        default: break
        }
        switch inner {
        case .nonNull:
            // [T!]! handled above; a doubled non-null cannot occur.
            complete(value, inner, cell: cell, field: field, parentType: parentType, plan: plan, pending: &pending)
        case .list(let itemType):
            guard case .list(let items) = value else {
                fieldError("Expected Iterable, but did not find one for field \"\(parentType).\(field.fieldName)\".", cell, field)
                return
            }
            if let leaf = plan.leaf, let fast = leafListFast(items, itemType, leaf) {
                cells[cell].value = .leaf(.array(fast))
                return
            }
            let first = cells.count
            ensureRoom(&cells, for: items.count)
            if plan.namedKind == .object || plan.namedKind == .abstract { ensureRoom(&pending, for: items.count) }
            for i in 0..<items.count {
                cells.append(Cell(value: .pending, parent: cell, nonNull: false, key: .index(i)))
            }
            cells[cell].value = .list(first: first, count: items.count)
            for i in items.indices {
                complete(items[i], itemType, cell: first + i, field: field, parentType: parentType, plan: plan, pending: &pending)
                if case .null = cells[cell].value { break }
            }
        case .named(let name):
            switch plan.namedKind {
            case .missing: cells[cell].value = .null; return
            case .leaf:
                guard case .leaf(let j) = value, let leaf = plan.leaf else {
                    fieldError("Expected a value of type \"\(name)\" for field \"\(parentType).\(field.fieldName)\", but received an object or list.", cell, field)
                    return
                }
                switch leaf.serialize(j) {
                case .success(let out): cells[cell].value = .leaf(out)
                case .failure(let f): fieldError(f.message, cell, field)
                }
            case .object, .abstract:
                guard case .object(let obj, let tn) = value else {
                    fieldError("Expected an object of type \"\(name)\" for field \"\(parentType).\(field.fieldName)\".", cell, field)
                    return
                }
                var concrete = name
                if plan.namedKind == .abstract {
                    var runtime = tn
                    if runtime == nil {
                        if case .leaf(.string(let s))? = (obj as? any FieldReadable)?.readField("__typename") { runtime = s }
                        else if let j = obj as? JSON, case .string(let s)? = j["__typename"] { runtime = s }
                    }
                    guard let runtime else {
                        fieldError("Abstract type \"\(name)\" must resolve to an Object type at runtime for field \"\(parentType).\(field.fieldName)\". Either the \"\(name)\" type should provide a \"resolveType\" function or each possible type should provide an \"isTypeOf\" function.", cell, field)
                        return
                    }
                    guard case .object? = schema.types[runtime] else {
                        fieldError("Abstract type \"\(name)\" was resolved to a type \"\(runtime)\" that does not exist inside the schema.", cell, field)
                        return
                    }
                    guard schema.isPossibleType(runtime, of: name) else {
                        fieldError("Runtime Object type \"\(runtime)\" is not a possible type for \"\(name)\".", cell, field)
                        return
                    }
                    concrete = runtime
                }
                let fields: CollectedFields
                do {
                    fields = try subfields(field, concrete)
                } catch {
                    // A @skip/@include variable that is null: this object's field error.
                    recordError(error, at: cell, field: field)
                    nullify(cell)
                    return
                }
                pending.append(ObjectWork(value: obj, typeName: concrete, cell: cell, fields: fields, field: field))
            case .input:
                cells[cell].value = .null
            }
        }
    }

    /// A list of leaves that all serialize cleanly, as one JSON array.
    func leafListFast(_ items: [ResolvedValue], _ itemType: TypeRef, _ leaf: LeafSerializer) -> [JSON]? {
        let nonNull: Bool
        switch itemType {
        case .named: nonNull = false
        case .nonNull(.named): nonNull = true
        default: return nil
        }
        var out: [JSON] = []
        out.reserveCapacity(items.count)
        for item in items {
            switch item {
            case .null:
                if nonNull { return nil }
                out.append(.null)
            case .leaf(let j):
                guard case .success(let v) = leaf.serialize(j) else { return nil }
                out.append(v)
            default: return nil
            }
        }
        return out
    }

    // MARK: Errors and null propagation

    func fieldError(_ message: String, _ cell: Int, _ field: CollectedField) {
        recordError(GraphQLError(message, code: "INTERNAL_SERVER_ERROR"), at: cell, field: field)
        nullify(cell)
    }

    func recordError(_ error: GraphQLError, at cell: Int, field: CollectedField) {
        var e = error
        let path = self.path(cell)
        if let i = e.extensions.firstIndex(where: { $0.0 == ExecutionRun.internalKey }) {
            e.extensions.remove(at: i)
            if let handler = executor.onInternalError {
                struct Described: Error, CustomStringConvertible { var description: String }
                if case .string(let d) = error.extensions[i].1 { handler(Described(description: d), path) }
            }
        }
        if e.path == nil { e.path = path }
        if e.locations.isEmpty { e.locations = field.nodes.map { ErrorLocation($0.loc) } }
        if e.code == nil { e.extensions.insert(("code", .string("INTERNAL_SERVER_ERROR")), at: 0) }
        errors.append(e)
        errorCells.append(cell)
    }

    /// Nulls `cell` and, through non-null positions, its parents (spec 6.4.4).
    func nullify(_ cell: Int) {
        cells[cell].value = .null
        var c = cell
        while cells[c].nonNull {
            let p = cells[c].parent
            if p < 0 { break }
            abortedAt[p] = min(abortedAt[p] ?? c, c)
            anyAborted = true
            cells[p].value = .null
            c = p
        }
    }

    /// Whether graphql-js, completing depth-first in order, would have run
    /// this cell: no parent on its way up stopped at an earlier child. Cells
    /// below a nulled parent are still run when reached (graphql-js runs the
    /// fields before the one that threw, and reports their errors).
    @inline(__always)
    func reached(_ cell: Int) -> Bool {
        !anyAborted || reachedAfterAbort(cell)
    }

    func reachedAfterAbort(_ cell: Int) -> Bool {
        var c = cell
        while c > 0 {
            let p = cells[c].parent
            if let at = abortedAt[p], c > at { return false }
            c = p
        }
        return true
    }

    /// The errors graphql-js reports, in its order: those of reached cells,
    /// in depth-first response order (the order it meets them).
    func orderedErrors() -> [GraphQLError] {
        if errors.count < 2 && !anyAborted { return errors }
        var keep: [(chain: [Int], index: Int)] = []
        for (i, cell) in errorCells.enumerated() where reached(cell) {
            var chain: [Int] = []
            var c = cell
            while c >= 0 { chain.append(c); c = cells[c].parent }
            keep.append((chain.reversed(), i))
        }
        // Siblings are allocated together and in order, so at the first
        // difference of two root paths the lower cell comes first.
        keep.sort { a, b in
            for (x, y) in zip(a.chain, b.chain) where x != y { return x < y }
            return a.chain.count != b.chain.count ? a.chain.count < b.chain.count : a.index < b.index
        }
        return keep.map { errors[$0.index] }
    }

    func path(_ cell: Int) -> [PathComponent] {
        var out: [PathComponent] = []
        var c = cell
        while c > 0 {
            out.append(cells[c].key)
            c = cells[c].parent
        }
        return out.reversed()
    }

    // MARK: Result

    /// The finished response tree, handed over without copying.
    func resultCells() -> ResultCells {
        let c = cells
        cells = []
        return ResultCells(cells: c)
    }
}

struct GuardCountMismatch: Error, CustomStringConvertible {
    var description: String { "guard returned a wrong number of verdicts" }
}

struct ResolverCountMismatch: Error, CustomStringConvertible {
    var field: String
    var expected: Int
    var got: Int
    var description: String { "resolver \(field) returned \(got) values for \(expected) parents" }
}
