// Spec 5.8.3 All Variable Uses Defined.
import QueryLanguage

final class NoUndefinedVariablesRule: RuleVisitor {
    var defined: Set<String> = []
    init(_ c: ValidationContext) { super.init(c, [.operation, .variableDefinition]) }
    override func enterOperation(_ o: OperationDefinition) { defined.removeAll() }
    override func enterVariableDefinition(_ v: VariableDefinition) { defined.insert(v.variable.name.value) }
    override func leaveOperation(_ o: OperationDefinition) {
        for u in context.recursiveVariableUsages(o, index: context.currentOperationIndex) {
            let name = u.node.name.value
            if defined.contains(name) { continue }
            let msg = o.name.map { "Variable \"$\(name)\" is not defined by operation \"\($0.value)\"." } ?? "Variable \"$\(name)\" is not defined."
            report(msg, [u.node.loc, o.loc])
        }
    }
}
