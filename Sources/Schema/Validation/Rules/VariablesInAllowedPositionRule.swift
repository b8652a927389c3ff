// Spec 5.8.5 All Variable Usages Are Allowed.
import QueryLanguage

final class VariablesInAllowedPositionRule: RuleVisitor {
    var defs: [String: VariableDefinition] = [:]
    init(_ c: ValidationContext) { super.init(c, [.operation, .variableDefinition]) }
    override func enterOperation(_ o: OperationDefinition) { defs.removeAll() }
    override func enterVariableDefinition(_ v: VariableDefinition) { defs[v.variable.name.value] = v }
    override func leaveOperation(_ o: OperationDefinition) {
        let schema = context.schema
        for u in context.recursiveVariableUsages(o, index: context.currentOperationIndex) {
            let name = u.node.name.value
            guard let def = defs[name], let locationType = u.type, let varType = context.typeFromAST(def.type) else { continue }
            if !allowed(schema, varType, def.defaultValue, locationType, u.hasLocationDefault) {
                report("Variable \"$\(name)\" of type \"\(varType)\" used in position expecting type \"\(locationType)\".", [def.loc, u.node.loc])
            }
        }
    }
    func allowed(_ s: GraphQLSchema, _ varType: TypeRef, _ varDefault: ValueNode?, _ locationType: TypeRef, _ hasLocationDefault: Bool) -> Bool {
        if case .nonNull(let inner) = locationType, !varType.isNonNull {
            var hasNonNullVarDefault = false
            if let d = varDefault { if case .null = d {} else { hasNonNullVarDefault = true } }
            if !hasNonNullVarDefault && !hasLocationDefault { return false }
            return s.isTypeSubTypeOf(varType, inner)
        }
        return s.isTypeSubTypeOf(varType, locationType)
    }
}
