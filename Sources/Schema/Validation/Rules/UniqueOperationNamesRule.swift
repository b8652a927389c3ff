// Spec 5.2.1.1 Operation Name Uniqueness.
import QueryLanguage

final class UniqueOperationNamesRule: RuleVisitor {
    var known: [String: Name] = [:]
    init(_ c: ValidationContext) { super.init(c, [.operation]) }
    override func enterOperation(_ o: OperationDefinition) {
        guard let n = o.name else { return }
        if let first = known[n.value] {
            report("There can be only one operation named \"\(n.value)\".", [first.loc, n.loc])
        } else { known[n.value] = n }
    }
}
