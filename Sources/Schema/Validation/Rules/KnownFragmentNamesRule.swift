// Spec 5.5.2.1 Fragment Spread Target Defined.
import QueryLanguage

final class KnownFragmentNamesRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.fragmentSpread]) }
    override func enterFragmentSpread(_ s: FragmentSpread) {
        if context.fragments[s.name.value] == nil { report("Unknown fragment \"\(s.name.value)\".", [s.name.loc]) }
    }
}
