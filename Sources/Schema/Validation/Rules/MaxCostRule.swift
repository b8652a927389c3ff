// Operation limit (contract INTERFACE.md "Operation limits"): cost. Each
// field 1; a connection field multiplies its selection's cost by
// min(first, 100), `first` taken from the coerced arguments exactly as
// execution sees them (the request's coerced variables, defaults applied:
// `first: $n` with `$n = 1e2` is 100; absent or null → its schema default);
// `edges`/`nodes` right inside it do not multiply again; other list fields
// multiply by 10; aliases count separately. Fields inside `__schema`/`__type`
// cost nothing, but each `__schema` and `__type` costs a fixed amount
// reflecting its answer (`OperationLimits.schemaIntrospectionCost`), so
// aliases cannot ask for the schema many times. Arithmetic saturates at
// Int.max; each fragment is measured once per context (memoized).
import JSON
import QueryLanguage

final class MaxCostRule: RuleVisitor {
    let limits: OperationLimits
    init(_ c: ValidationContext, limits: OperationLimits) { self.limits = limits; super.init(c, [.operation]) }

    override func leaveOperation(_ o: OperationDefinition) {
        guard context.isMeasured(o), let root = context.schema.rootType(for: o.operation) else { return }
        var measurer = CostMeasurer(schema: context.schema, scalars: context.scalars, fragments: context.fragments,
                                    variables: context.variableValues, limits: limits)
        let cost = measurer.cost(o.selectionSet, parentType: root, insideConnection: false)
        if cost > limits.maxCost {
            report("Query is too complex: cost \(cost) exceeds the maximum of \(limits.maxCost).", [], code: "QUERY_TOO_COMPLEX")
        }
    }
}

struct CostMeasurer {
    let schema: GraphQLSchema
    let scalars: [String: any ScalarCoercing]
    let fragments: [String: FragmentDefinition]
    /// The operation's variables, coerced (defaults applied).
    let variables: [String: JSON]
    let limits: OperationLimits
    var memo: [String: Int] = [:]
    var visiting: Set<String> = []

    init(schema: GraphQLSchema, scalars: [String: any ScalarCoercing], fragments: [String: FragmentDefinition],
         variables: [String: JSON], limits: OperationLimits) {
        self.schema = schema; self.scalars = scalars; self.fragments = fragments; self.variables = variables; self.limits = limits
    }

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
                if let memo = memo[key] { total = add(total, memo); continue }
                guard let frag = fragments[name], !visiting.contains(key) else { continue }
                visiting.insert(key)
                let c = cost(frag.selectionSet, parentType: frag.typeCondition.name.value, insideConnection: insideConnection)
                visiting.remove(key)
                memo[key] = c
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
}
