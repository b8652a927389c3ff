// Spec 5.3.3 Leaf Field Selections.
import QueryLanguage

final class ScalarLeafsRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.field]) }
    override func enterField(_ f: Field) {
        guard let e = context.typeEntry, let t = context.type else { return }
        if e.isLeaf {
            if let ss = f.selectionSet {
                report("Field \"\(f.name.value)\" must not have a selection since type \"\(t)\" has no subfields.", [ss.loc])
            }
        } else if f.selectionSet == nil {
            report("Field \"\(f.name.value)\" of type \"\(t)\" must have a selection of subfields. Did you mean \"\(f.name.value) { ... }\"?", [f.loc])
        }
    }
}
