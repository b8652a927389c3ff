// Spec 5.5.1.4 Fragments Must Be Used.
import QueryLanguage

final class NoUnusedFragmentsRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.document]) }
    override func leaveDocument(_ d: Document) {
        var used: Set<String> = []
        for (i, def) in d.definitions.enumerated() {
            if case .operation(let op) = def {
                for f in context.recursivelyReferencedFragments(op, index: i) { used.insert(f.name.value) }
            }
        }
        for def in d.definitions {
            if case .fragment(let f) = def, !used.contains(f.name.value) {
                report("Fragment \"\(f.name.value)\" is never used.", [f.loc])
            }
        }
    }
}
