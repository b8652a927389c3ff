// Spec 5.8.1 Variable Uniqueness.
import QueryLanguage

final class UniqueVariableNamesRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.operation]) }
    override func enterOperation(_ o: OperationDefinition) {
        var order: [String] = []
        var groups: [String: [Name]] = [:]
        for v in o.variableDefinitions {
            let n = v.variable.name
            if groups[n.value] == nil { order.append(n.value) }
            groups[n.value, default: []].append(n)
        }
        for n in order where groups[n]!.count > 1 {
            report("There can be only one variable named \"$\(n)\".", groups[n]!.map(\.loc))
        }
    }
}
