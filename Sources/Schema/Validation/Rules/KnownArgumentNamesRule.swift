// Spec 5.4.1 Argument Names.
import QueryLanguage

final class KnownArgumentNamesRule: RuleVisitor {
    var inDirective = false
    init(_ c: ValidationContext) { super.init(c, [.directive, .argument]) }
    override func enterDirective(_ d: Directive, _ location: DirectiveLocation?) {
        inDirective = true
        // A directive the document defines replaces the schema's (graphql-js).
        let defined = context.documentDirectives[d.name.value]
        if defined == nil && context.directive == nil { return }
        func known(_ n: String) -> Bool {
            if let defined { return defined.arguments.contains { $0.name.value == n } }
            return context.directive!.arguments.contains { $0.name == n }
        }
        for a in d.arguments where !known(a.name.value) {
            let names = defined.map { $0.arguments.map(\.name.value) } ?? context.directive!.arguments.map(\.name)
            let s = suggestionList(a.name.value, names)
            report("Unknown argument \"\(a.name.value)\" on directive \"@\(d.name.value)\"." + didYouMeanQuoted(s), [a.loc])
        }
    }
    override func leaveDirective(_ d: Directive) { inDirective = false }
    override func enterArgument(_ a: Argument) {
        guard !inDirective, !context.argumentKnown, let field = context.fieldDef, let parent = context.parentType else { return }
        let s = suggestionList(a.name.value, field.arguments.map(\.name))
        report("Unknown argument \"\(a.name.value)\" on field \"\(parent).\(field.name)\"." + didYouMeanQuoted(s), [a.loc])
    }
}
