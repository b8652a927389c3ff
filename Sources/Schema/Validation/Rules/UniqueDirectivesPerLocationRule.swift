// Spec 5.7.3 Directives Are Unique Per Location.
import QueryLanguage

final class UniqueDirectivesPerLocationRule: RuleVisitor {
    /// Directives seen on a type and its extensions ("" for the schema), as graphql-js.
    var seenByType: [String: [String: Directive]] = [:]
    init(_ c: ValidationContext) {
        super.init(c, [.operation, .variableDefinition, .field, .fragmentSpread, .inlineFragment, .fragmentDefinition, .typeSystemNode])
    }
    /// Whether `name` may appear once per location: a directive the document
    /// defines replaces the schema's; unknown ones are not checked.
    func isUnique(_ name: String) -> Bool {
        if let defined = context.documentDirectives[name] { return !defined.repeatable }
        guard let def = context.schema.directive(name) else { return false }
        return !def.isRepeatable
    }
    func check(_ ds: [Directive]) {
        guard ds.count > 1 else { return }
        var seen: [String: Directive] = [:]
        check(ds, &seen)
    }
    func check(_ ds: [Directive], _ seen: inout [String: Directive]) {
        for d in ds {
            let n = d.name.value
            guard isUnique(n) else { continue }
            if let first = seen[n] {
                report("The directive \"@\(n)\" can only be used once at this location.", [first.loc, d.loc])
            } else { seen[n] = d }
        }
    }
    override func enterTypeSystemNode(_ directives: [Directive], typeName: String?) {
        guard let typeName else { check(directives); return }
        check(directives, &seenByType[typeName, default: [:]])
    }
    override func enterOperation(_ o: OperationDefinition) { check(o.directives) }
    override func enterVariableDefinition(_ v: VariableDefinition) { check(v.directives) }
    override func enterField(_ f: Field) { check(f.directives) }
    override func enterFragmentSpread(_ s: FragmentSpread) { check(s.directives) }
    override func enterInlineFragment(_ i: InlineFragment) { check(i.directives) }
    override func enterFragmentDefinition(_ f: FragmentDefinition) { check(f.directives) }
}
