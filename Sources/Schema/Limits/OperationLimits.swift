// Operation limits (contract INTERFACE.md "Operation limits"), checked on the
// validated document before any resolver runs. Each limit is a validation
// rule beside the spec's (Validation/Rules: MaxRootMutationFieldsRule,
// MaxIntrospectionDepthRule, MaxDepthRule, MaxCostRule), run on the request's
// operation with its coerced variables; their errors are QUERY_TOO_COMPLEX.
//
// They are not in the cached spec-rule pass: cost depends on the variables
// (`first: $n`) and all of them on the operation the request selects, so the
// pipeline runs them per request (GraphQLService.run), after the cached pass.
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

public extension ValidationRule {
    /// Root fields of a mutation over `maximum`: QUERY_TOO_COMPLEX.
    static func maxRootMutationFields(_ maximum: Int) -> ValidationRule {
        ValidationRule("MaxRootMutationFields") { MaxRootMutationFieldsRule($0, maximum: maximum) }
    }
    /// graphql-js's MaxIntrospectionDepth with the contract's code, QUERY_TOO_COMPLEX.
    static let maxIntrospectionDepthTooComplex = ValidationRule("MaxIntrospectionDepth") {
        MaxIntrospectionDepthRule($0, code: "QUERY_TOO_COMPLEX")
    }
    /// Depth over `maximum`: QUERY_TOO_COMPLEX.
    static func maxDepth(_ maximum: Int) -> ValidationRule { ValidationRule("MaxDepth") { MaxDepthRule($0, maximum: maximum) } }
    /// Cost over `limits.maxCost`: QUERY_TOO_COMPLEX.
    static func maxCost(_ limits: OperationLimits) -> ValidationRule { ValidationRule("MaxCost") { MaxCostRule($0, limits: limits) } }
    /// Introspection turned off: GRAPHQL_VALIDATION_FAILED per `__schema`/`__type`.
    static let noSchemaIntrospection = ValidationRule("NoSchemaIntrospection", NoSchemaIntrospectionRule.init)
}

/// The operation-limit rules, in the order their errors take precedence
/// (the introspection bound reports while walking, the others when their
/// operation has been walked).
public func operationLimitRules(_ limits: OperationLimits) -> [ValidationRule] {
    [.maxRootMutationFields(limits.maxRootMutationFields), .maxIntrospectionDepthTooComplex, .maxDepth(limits.maxDepth), .maxCost(limits)]
}

/// The first QUERY_TOO_COMPLEX error of the selected operation, else nil
/// (also nil when the operation cannot be selected or its variables fail
/// coercion: execution reports both).
public func checkLimits(schema: GraphQLSchema, document: Document, operationName: String?, variables: [String: JSON],
                        limits: OperationLimits, scalars: [String: any ScalarCoercing] = [:]) -> GraphQLError? {
    guard let operation = document.operation(named: operationName),
          case .success(let coerced) = coerceVariableValues(schema: schema, scalars: scalars, definitions: operation.variableDefinitions,
                                                            inputs: variables) else { return nil }
    return validate(schema: schema, document: document, rules: operationLimitRules(limits), scalars: scalars,
                    operation: SelectedOperation(operationName: operationName, variableValues: coerced)).first
}

/// What the limit rules measure for the selected operation (for tests and
/// tools); nil when it cannot be selected or its variables fail coercion.
public func measureOperation(schema: GraphQLSchema, document: Document, operationName: String?,
                             variables: [String: JSON], limits: OperationLimits = OperationLimits(),
                             scalars: [String: any ScalarCoercing] = [:]) -> OperationComplexity? {
    let fragments = document.fragmentsByName
    guard let operation = document.operation(named: operationName), let root = schema.rootType(for: operation.operation),
          case .success(let coerced) = coerceVariableValues(schema: schema, scalars: scalars, definitions: operation.variableDefinitions,
                                                            inputs: variables) else { return nil }
    var depth = DepthMeasurer(fragments: fragments)
    var cost = CostMeasurer(schema: schema, scalars: scalars, fragments: fragments, variables: coerced, limits: limits)
    let tooDeep = !validate(schema: schema, document: document, rules: [.maxIntrospectionDepthTooComplex], scalars: scalars,
                            operation: SelectedOperation(operationName: operationName, variableValues: coerced)).isEmpty
    return OperationComplexity(depth: depth.depth(operation.selectionSet),
                               cost: cost.cost(operation.selectionSet, parentType: root, insideConnection: false),
                               introspectionTooDeep: tooDeep,
                               rootMutationFields: operation.operation == .mutation ? rootFieldCount(operation, fragments: fragments) : 0)
}
