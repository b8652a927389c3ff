// Operation limits (contract INTERFACE.md "Operation limits"), computed on the
// validated document before any resolver runs.
//
// - Depth: fields on the longest chain, leaf included, fragments expanded;
//   fields inside `__schema`/`__type` do not count. Introspection is bounded
//   like graphql-js's MaxIntrospectionDepthRule instead: a third level of
//   `fields`/`inputFields`/`interfaces`/`possibleTypes` nested in one another
//   is rejected.
// - Cost: each field 1; a connection field multiplies its selection's cost by
//   min(first, 100), `first` taken from the coerced arguments exactly as
//   execution sees them (variables coerced, defaults applied: `1e2` is 100;
//   absent or null → its schema default); `edges`/`nodes` right inside it do
//   not multiply again; other list fields multiply by 10; aliases count
//   separately. Fields inside `__schema`/`__type` cost nothing, but each
//   `__schema` and `__type` costs a fixed amount reflecting its answer (see
//   `OperationLimits.schemaIntrospectionCost`), so aliases cannot ask for the
//   schema many times. Arithmetic saturates at Int.max.
// - Root mutation fields: each alias counts (fragments expanded, distinct
//   response names, @skip/@include not evaluated: the most that can run).
//
// Every fragment is measured once per context (memoized), so fragment-heavy
// documents cost time linear in their size.
import JSON
import QueryLanguage

public struct OperationLimits: Sendable, Equatable {
    public var maxDepth: Int
    public var maxCost: Int
    /// Root fields of one mutation operation (each alias counts): mutations
    /// such as `login` hash a password (tens of ms and 16 MiB each).
    public var maxRootMutationFields: Int
    /// The cost of one `__schema`: the standard full introspection query
    /// resolves about 5,800 fields (108 KB) on the contract schema, so one fits
    /// under the default maximum cost and two do not.
    public var schemaIntrospectionCost: Int
    /// The cost of one `__type`: a full type query on the largest type of the
    /// contract schema (Mutation) resolves about 650 fields.
    public var typeIntrospectionCost: Int
    public init(maxDepth: Int = 12, maxCost: Int = 10000, maxRootMutationFields: Int = 10,
                schemaIntrospectionCost: Int = 6_000, typeIntrospectionCost: Int = 600) {
        self.maxDepth = maxDepth; self.maxCost = maxCost; self.maxRootMutationFields = maxRootMutationFields
        self.schemaIntrospectionCost = schemaIntrospectionCost; self.typeIntrospectionCost = typeIntrospectionCost
    }
}

/// What the limits measure for one operation.
public struct OperationComplexity: Sendable, Equatable {
    public var depth: Int
    public var cost: Int
    /// A MaxIntrospectionDepthRule violation.
    public var introspectionTooDeep: Bool
    /// `rootFieldCount` when the operation is a mutation, else 0.
    public var rootMutationFields: Int
}

/// One QUERY_TOO_COMPLEX error when the selected operation exceeds `limits`,
/// else nil (also nil when the operation cannot be selected: execution
/// reports that).
public func checkLimits(schema: GraphQLSchema, document: Document, operationName: String?, variables: [String: JSON],
                        limits: OperationLimits, scalars: [String: any ScalarCoercing] = [:]) -> GraphQLError? {
    guard let c = measureOperation(schema: schema, document: document, operationName: operationName, variables: variables,
                                   limits: limits, scalars: scalars) else {
        return nil
    }
    if c.rootMutationFields > limits.maxRootMutationFields {
        return GraphQLError("Query is too complex: \(c.rootMutationFields) root mutation fields exceed the maximum of \(limits.maxRootMutationFields).",
                            code: "QUERY_TOO_COMPLEX")
    }
    if c.introspectionTooDeep {
        return GraphQLError("Maximum introspection depth exceeded", code: "QUERY_TOO_COMPLEX")
    }
    if c.depth > limits.maxDepth {
        return GraphQLError("Query is too complex: depth \(c.depth) exceeds the maximum of \(limits.maxDepth).", code: "QUERY_TOO_COMPLEX")
    }
    if c.cost > limits.maxCost {
        return GraphQLError("Query is too complex: cost \(c.cost) exceeds the maximum of \(limits.maxCost).", code: "QUERY_TOO_COMPLEX")
    }
    return nil
}

/// Measures the selected operation; nil when it cannot be selected or its
/// variables fail coercion (execution reports both). `limits` supplies the
/// introspection costs; `scalars` the custom scalars' coercers (without one,
/// a custom scalar's value is taken as is, as in execution).
public func measureOperation(schema: GraphQLSchema, document: Document, operationName: String?,
                             variables: [String: JSON], limits: OperationLimits = OperationLimits(),
                             scalars: [String: any ScalarCoercing] = [:]) -> OperationComplexity? {
    let fragments = document.fragmentsByName
    let operation = document.operation(named: operationName)
    guard let operation, let root = schema.rootType(for: operation.operation) else { return nil }
    guard case .success(let coerced) = coerceVariableValues(schema: schema, scalars: scalars, definitions: operation.variableDefinitions,
                                                            inputs: variables) else { return nil }
    var m = LimitMeasurer(schema: schema, scalars: scalars, fragments: fragments, variables: coerced, limits: limits)
    let depth = m.depth(operation.selectionSet)
    let cost = m.cost(operation.selectionSet, parentType: root, insideConnection: false)
    let tooDeep = m.introspectionTooDeep(operation.selectionSet)
    let mutationFields = operation.operation == .mutation ? rootFieldCount(operation, fragments: fragments) : 0
    return OperationComplexity(depth: depth, cost: cost, introspectionTooDeep: tooDeep, rootMutationFields: mutationFields)
}

/// The number of root fields of the selected operation that can run: distinct
/// response names (each alias counts), fragments expanded, @skip/@include
/// not evaluated. 0 when no operation can be selected. The server can sum it
/// over the mutations of a batch to bound the batch as a whole.
public func rootFieldCount(document: Document, operationName: String?) -> Int {
    guard let operation = document.operation(named: operationName) else { return 0 }
    return rootFieldCount(operation, fragments: document.fragmentsByName)
}

private func rootFieldCount(_ operation: OperationDefinition, fragments: [String: FragmentDefinition]) -> Int {
    var names: Set<String> = []
    var visited: Set<String> = []
    func collect(_ set: SelectionSet) {
        for s in set.selections {
            switch s {
            case .field(let f): names.insert(f.responseKey)
            case .inlineFragment(let i): collect(i.selectionSet)
            case .fragmentSpread(let spread):
                guard visited.insert(spread.name.value).inserted, let frag = fragments[spread.name.value] else { continue }
                collect(frag.selectionSet)
            }
        }
    }
    collect(operation.selectionSet)
    return names.count
}

private struct LimitMeasurer {
    let schema: GraphQLSchema
    let scalars: [String: any ScalarCoercing]
    let fragments: [String: FragmentDefinition]
    /// The operation's variables, coerced (defaults applied).
    let variables: [String: JSON]
    let limits: OperationLimits
    var depthMemo: [String: Int] = [:]
    var costMemo: [String: Int] = [:]
    var introspectionMemo: [String: Bool] = [:]
    var visiting: Set<String> = []

    init(schema: GraphQLSchema, scalars: [String: any ScalarCoercing], fragments: [String: FragmentDefinition],
         variables: [String: JSON], limits: OperationLimits) {
        self.schema = schema; self.scalars = scalars; self.fragments = fragments; self.variables = variables; self.limits = limits
    }

    // MARK: Depth

    mutating func depth(_ set: SelectionSet) -> Int {
        var best = 0
        for s in set.selections {
            switch s {
            case .field(let f):
                let name = f.name.value
                var d = 1
                if name != "__schema" && name != "__type", let sub = f.selectionSet { d += depth(sub) }
                best = max(best, d)
            case .inlineFragment(let i):
                best = max(best, depth(i.selectionSet))
            case .fragmentSpread(let spread):
                let name = spread.name.value
                if let memo = depthMemo[name] { best = max(best, memo); continue }
                guard let frag = fragments[name], !visiting.contains(name) else { continue }
                visiting.insert(name)
                let d = depth(frag.selectionSet)
                visiting.remove(name)
                depthMemo[name] = d
                best = max(best, d)
            }
        }
        return best
    }

    // MARK: Cost

    mutating func cost(_ set: SelectionSet, parentType: String, insideConnection: Bool) -> Int {
        var total = 0
        for s in set.selections {
            switch s {
            case .field(let f):
                total = add(total, fieldCost(f, parentType: parentType, insideConnection: insideConnection))
            case .inlineFragment(let i):
                let t = i.typeCondition?.name.value ?? parentType
                total = add(total, cost(i.selectionSet, parentType: t, insideConnection: insideConnection))
            case .fragmentSpread(let spread):
                let name = spread.name.value
                let key = insideConnection ? name + "|c" : name
                if let memo = costMemo[key] { total = add(total, memo); continue }
                guard let frag = fragments[name], !visiting.contains(key) else { continue }
                visiting.insert(key)
                let c = cost(frag.selectionSet, parentType: frag.typeCondition.name.value, insideConnection: insideConnection)
                visiting.remove(key)
                costMemo[key] = c
                total = add(total, c)
            }
        }
        return total
    }

    mutating func fieldCost(_ f: Field, parentType: String, insideConnection: Bool) -> Int {
        let name = f.name.value
        if name == "__schema" { return limits.schemaIntrospectionCost }
        if name == "__type" { return limits.typeIntrospectionCost }
        guard let sub = f.selectionSet,
              let def = schema.types[parentType]?.fields?.first(where: { $0.name == name }) else { return 1 }
        let childType = def.type.namedType
        let childCost = cost(sub, parentType: childType, insideConnection: isConnection(def))
        let multiplier: Int
        if isConnection(def) {
            multiplier = connectionSize(f, def)
        } else if case .list = def.type.nullable {
            multiplier = (insideConnection && (name == "edges" || name == "nodes")) ? 1 : 10
        } else {
            multiplier = 1
        }
        return add(1, mul(multiplier, childCost))
    }

    func isConnection(_ def: OutputField) -> Bool {
        let t = def.type.namedType
        guard t.hasSuffix("Connection"), def.argument("first") != nil,
              let fields = schema.types[t]?.fields else { return false }
        return fields.contains { $0.name == "edges" || $0.name == "nodes" }
    }

    /// min(first, 100) with `first` as execution will see it: the coerced
    /// argument (variables coerced, defaults applied); absent or null → the
    /// schema default. Arguments that fail coercion (execution reports them)
    /// count as the maximum.
    func connectionSize(_ f: Field, _ def: OutputField) -> Int {
        let maximum = 100
        guard case .success(let arguments) = coerceArgumentValues(schema: schema, scalars: scalars, definitions: def.arguments,
                                                                  arguments: f.arguments, variables: variables, location: f.loc)
        else { return maximum }
        var first: Int? = nil
        switch arguments["first"] {
        case .int(let n)?: first = n
        case nil, .null?:
            if let arg = def.argument("first"), let d = arg.defaultValue,
               case .int(let n)? = valueFromAST(schema: schema, scalars: scalars, value: d, type: arg.type, variables: nil) { first = n }
        default: break
        }
        return min(max(first ?? maximum, 0), maximum)
    }

    func add(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? Int.max : r
    }

    func mul(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? Int.max : r
    }

    // MARK: Introspection depth (graphql-js MaxIntrospectionDepthRule)

    mutating func introspectionTooDeep(_ set: SelectionSet) -> Bool {
        for s in set.selections {
            switch s {
            case .field(let f):
                if f.name.value == "__schema" || f.name.value == "__type" {
                    if let sub = f.selectionSet, listDepthExceeded(sub, depth: 0) { return true }
                } else if let sub = f.selectionSet, introspectionTooDeep(sub) {
                    return true
                }
            case .inlineFragment(let i):
                if introspectionTooDeep(i.selectionSet) { return true }
            case .fragmentSpread(let spread):
                let name = spread.name.value
                let key = "top|" + name
                if let memo = introspectionMemo[key] { if memo { return true } else { continue } }
                guard let frag = fragments[name], !visiting.contains(key) else { continue }
                visiting.insert(key)
                let r = introspectionTooDeep(frag.selectionSet)
                visiting.remove(key)
                introspectionMemo[key] = r
                if r { return true }
            }
        }
        return false
    }

    mutating func listDepthExceeded(_ set: SelectionSet, depth: Int) -> Bool {
        for s in set.selections {
            switch s {
            case .field(let f):
                var d = depth
                let n = f.name.value
                if n == "fields" || n == "interfaces" || n == "possibleTypes" || n == "inputFields" {
                    d += 1
                    if d >= 3 { return true }
                }
                if let sub = f.selectionSet, listDepthExceeded(sub, depth: d) { return true }
            case .inlineFragment(let i):
                if listDepthExceeded(i.selectionSet, depth: depth) { return true }
            case .fragmentSpread(let spread):
                let name = spread.name.value
                let key = "\(depth)|" + name
                if let memo = introspectionMemo[key] { if memo { return true } else { continue } }
                guard let frag = fragments[name], !visiting.contains(key) else { continue }
                visiting.insert(key)
                let r = listDepthExceeded(frag.selectionSet, depth: depth)
                visiting.remove(key)
                introspectionMemo[key] = r
                if r { return true }
            }
        }
        return false
    }
}
