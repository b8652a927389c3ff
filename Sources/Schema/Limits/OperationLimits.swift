// Operation limits (contract INTERFACE.md "Operation limits"), computed on the
// validated document before any resolver runs.
//
// - Depth: fields on the longest chain, leaf included, fragments expanded;
//   fields inside `__schema`/`__type` do not count. Introspection is bounded
//   like graphql-js's MaxIntrospectionDepthRule instead: a third level of
//   `fields`/`inputFields`/`interfaces`/`possibleTypes` nested in one another
//   is rejected.
// - Cost: each field 1; a connection field multiplies its selection's cost by
//   min(first, 100) (absent `first` → its schema default, a variable → its
//   value); `edges`/`nodes` right inside it do not multiply again; other list
//   fields multiply by 10; aliases count separately; fields inside
//   `__schema`/`__type` cost nothing. Arithmetic saturates at Int.max.
//
// Every fragment is measured once per context (memoized), so fragment-heavy
// documents cost time linear in their size.
import QueryLanguage

public struct OperationLimits: Sendable, Equatable {
    public var maxDepth: Int
    public var maxCost: Int
    public init(maxDepth: Int = 12, maxCost: Int = 10000) { self.maxDepth = maxDepth; self.maxCost = maxCost }
}

/// What the limits measure for one operation.
public struct OperationComplexity: Sendable, Equatable {
    public var depth: Int
    public var cost: Int
    /// A MaxIntrospectionDepthRule violation.
    public var introspectionTooDeep: Bool
}

/// One QUERY_TOO_COMPLEX error when the selected operation exceeds `limits`,
/// else nil (also nil when the operation cannot be selected: execution
/// reports that).
public func checkLimits(schema: GraphQLSchema, document: Document, operationName: String?, variables: [String: JSON],
                        limits: OperationLimits) -> GraphQLError? {
    guard let c = measureOperation(schema: schema, document: document, operationName: operationName, variables: variables) else {
        return nil
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

public func measureOperation(schema: GraphQLSchema, document: Document, operationName: String?,
                             variables: [String: JSON]) -> OperationComplexity? {
    let fragments = document.fragmentsByName
    let operation = document.operation(named: operationName)
    guard let operation, let root = schema.rootType(for: operation.operation) else { return nil }
    var m = LimitMeasurer(schema: schema, fragments: fragments, variables: variables, operation: operation)
    let depth = m.depth(operation.selectionSet)
    let cost = m.cost(operation.selectionSet, parentType: root, insideConnection: false)
    let tooDeep = m.introspectionTooDeep(operation.selectionSet)
    return OperationComplexity(depth: depth, cost: cost, introspectionTooDeep: tooDeep)
}

private struct LimitMeasurer {
    let schema: GraphQLSchema
    let fragments: [String: FragmentDefinition]
    let variables: [String: JSON]
    let operation: OperationDefinition
    var depthMemo: [String: Int] = [:]
    var costMemo: [String: Int] = [:]
    var introspectionMemo: [String: Bool] = [:]
    var visiting: Set<String> = []

    init(schema: GraphQLSchema, fragments: [String: FragmentDefinition], variables: [String: JSON], operation: OperationDefinition) {
        self.schema = schema; self.fragments = fragments; self.variables = variables; self.operation = operation
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
        if name == "__schema" || name == "__type" { return 1 }
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

    func connectionSize(_ f: Field, _ def: OutputField) -> Int {
        var first: Int? = nil
        if let arg = f.arguments.first(where: { $0.name.value == "first" }) {
            switch arg.value {
            case .int(let text, _): first = Int(text) ?? 100
            case .variable(let v):
                if case .int(let i)? = variables[v.name.value] { first = i }
                else if variables[v.name.value] == nil,
                        let vd = operation.variableDefinitions.first(where: { $0.variable.name.value == v.name.value }),
                        case .int(let text, _)? = vd.defaultValue { first = Int(text) }
            default: break
            }
        }
        if first == nil, case .int(let text, _)? = def.argument("first")?.defaultValue { first = Int(text) }
        return min(max(first ?? 100, 0), 100)
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
