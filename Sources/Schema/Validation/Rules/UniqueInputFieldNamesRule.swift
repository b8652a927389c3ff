// Spec 5.6.3 Input Object Field Uniqueness.
import QueryLanguage

final class UniqueInputFieldNamesRule: RuleVisitor {
    var stack: [[String: Name]] = []
    var known: [String: Name] = [:]
    init(_ c: ValidationContext) { super.init(c, [.value, .objectField]) }
    override func enterValue(_ v: ValueNode) {
        if case .object = v { stack.append(known); known = [:] }
    }
    override func leaveValue(_ v: ValueNode) {
        if case .object = v { known = stack.removeLast() }
    }
    override func enterObjectField(_ f: ObjectField) {
        if let first = known[f.name.value] {
            report("There can be only one input field named \"\(f.name.value)\".", [first.loc, f.name.loc])
        } else { known[f.name.value] = f.name }
    }
}
