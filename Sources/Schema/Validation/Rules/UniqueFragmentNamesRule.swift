// Spec 5.5.1.1 Fragment Name Uniqueness.
import QueryLanguage

final class UniqueFragmentNamesRule: RuleVisitor {
    var known: [String: Name] = [:]
    init(_ c: ValidationContext) { super.init(c, [.fragmentDefinition]) }
    override func enterFragmentDefinition(_ f: FragmentDefinition) {
        if let first = known[f.name.value] {
            report("There can be only one fragment named \"\(f.name.value)\".", [first.loc, f.name.loc])
        } else { known[f.name.value] = f.name }
    }
}
