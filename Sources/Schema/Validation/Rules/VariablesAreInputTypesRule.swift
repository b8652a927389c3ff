// Spec 5.8.2 Variables Are Input Types.
import QueryLanguage

final class VariablesAreInputTypesRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.variableDefinition]) }
    override func enterVariableDefinition(_ v: VariableDefinition) {
        guard let t = context.schema.types[v.type.namedType.name.value], !t.isInputType else { return }
        report("Variable \"$\(v.variable.name.value)\" cannot be non-input type \"\(printType(v.type))\".", [v.type.loc])
    }
}
