// Spec 5.7.3 Directives Are Unique Per Location.
import QueryLanguage

final class UniqueDirectivesPerLocationRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.operation, .variableDefinition, .field, .fragmentSpread, .inlineFragment, .fragmentDefinition]) }
    func check(_ ds: [Directive]) {
        guard ds.count > 1 else { return }
        var seen: [String: Directive] = [:]
        for d in ds {
            let n = d.name.value
            guard let def = context.schema.directive(n), !def.isRepeatable else { continue }
            if let first = seen[n] {
                report("The directive \"@\(n)\" can only be used once at this location.", [first.loc, d.loc])
            } else { seen[n] = d }
        }
    }
    override func enterOperation(_ o: OperationDefinition) { check(o.directives) }
    override func enterVariableDefinition(_ v: VariableDefinition) { check(v.directives) }
    override func enterField(_ f: Field) { check(f.directives) }
    override func enterFragmentSpread(_ s: FragmentSpread) { check(s.directives) }
    override func enterInlineFragment(_ i: InlineFragment) { check(i.directives) }
    override func enterFragmentDefinition(_ f: FragmentDefinition) { check(f.directives) }
}
