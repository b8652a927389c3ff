// Spec 5.5.1.2 Fragment Spread Type Existence / 5.8.2 (variable types).
import QueryLanguage

final class KnownTypeNamesRule: RuleVisitor {
    lazy var typeNames: [String] = Array(context.schema.types.keys)
    init(_ c: ValidationContext) { super.init(c, [.namedType]) }
    override func enterNamedType(_ n: NamedType) {
        let name = n.name.value
        if context.schema.types[name] != nil { return }
        for def in context.document.definitions { if case .type(let t) = def, !t.isExtension, t.name.value == name { return } }
        report("Unknown type \"\(name)\"." + didYouMeanQuoted(suggestionList(name, typeNames)), [n.loc])
    }
}
