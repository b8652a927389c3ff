// Spec 5.5.2.3 Fragment Spread Is Possible.
import QueryLanguage

final class PossibleFragmentSpreadsRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.inlineFragment, .fragmentSpread]) }
    func composite(_ n: String?) -> String? {
        guard let n, context.index.types[n]?.isComposite == true else { return nil }
        return n
    }
    override func enterInlineFragment(_ i: InlineFragment) {
        guard let frag = composite(context.type?.namedType), let parent = composite(context.parentType) else { return }
        if !context.schema.doTypesOverlap(frag, parent) {
            report("Fragment cannot be spread here as objects of type \"\(parent)\" can never be of type \"\(frag)\".", [i.loc])
        }
    }
    override func enterFragmentSpread(_ s: FragmentSpread) {
        let name = s.name.value
        guard let f = context.fragments[name], let frag = composite(f.typeCondition.name.value), let parent = context.parentType else { return }
        if !context.schema.doTypesOverlap(frag, parent) {
            report("Fragment \"\(name)\" cannot be spread here as objects of type \"\(parent)\" can never be of type \"\(frag)\".", [s.loc])
        }
    }
}
