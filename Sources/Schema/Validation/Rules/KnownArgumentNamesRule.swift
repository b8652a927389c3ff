// Spec 5.4.1 Argument Names.
import QueryLanguage

final class KnownArgumentNamesRule: RuleVisitor {
    var inDirective = false
    init(_ c: ValidationContext) { super.init(c, [.directive, .argument]) }
    override func enterDirective(_ d: Directive, _ location: DirectiveLocation?) {
        inDirective = true
        guard let def = context.directive else { return }
        for a in d.arguments where !def.arguments.contains(where: { $0.name == a.name.value }) {
            let s = suggestionList(a.name.value, def.arguments.map(\.name))
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
