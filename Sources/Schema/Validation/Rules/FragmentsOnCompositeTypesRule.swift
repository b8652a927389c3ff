// Spec 5.5.1.3 Fragments On Composite Types.
import QueryLanguage

final class FragmentsOnCompositeTypesRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.inlineFragment, .fragmentDefinition]) }
    override func enterInlineFragment(_ i: InlineFragment) {
        guard let tc = i.typeCondition, let t = context.schema.types[tc.name.value], !t.isComposite else { return }
        report("Fragment cannot condition on non composite type \"\(tc.name.value)\".", [tc.loc])
    }
    override func enterFragmentDefinition(_ f: FragmentDefinition) {
        let tc = f.typeCondition
        guard let t = context.schema.types[tc.name.value], !t.isComposite else { return }
        report("Fragment \"\(f.name.value)\" cannot condition on non composite type \"\(tc.name.value)\".", [tc.loc])
    }
}
