// Spec 5.8.4 All Variables Used.
import QueryLanguage

final class NoUnusedVariablesRule: RuleVisitor {
    var defs: [VariableDefinition] = []
    init(_ c: ValidationContext) { super.init(c, [.operation, .variableDefinition]) }
    override func enterOperation(_ o: OperationDefinition) { defs.removeAll() }
    override func enterVariableDefinition(_ v: VariableDefinition) { defs.append(v) }
    override func leaveOperation(_ o: OperationDefinition) {
        let used = Set(context.recursiveVariableUsages(o, index: context.currentOperationIndex).map { $0.node.name.value })
        for d in defs where !used.contains(d.variable.name.value) {
            let name = d.variable.name.value
            let msg = o.name.map { "Variable \"$\(name)\" is never used in operation \"\($0.value)\"." } ?? "Variable \"$\(name)\" is never used."
            report(msg, [d.loc])
        }
    }
}
