// Spec 5.4.2.1 Required Arguments.
import QueryLanguage

final class ProvidedRequiredArgumentsRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.field, .directive]) }
    override func leaveField(_ f: Field) {
        guard let def = context.fieldEntry, !def.requiredArguments.isEmpty else { return }
        for a in def.requiredArguments {
            if !f.arguments.contains(where: { $0.name.value == a.name }) {
                report("Field \"\(f.name.value)\" argument \"\(a.name)\" of type \"\(a.type)\" is required, but it was not provided.", [f.loc])
            }
        }
    }
    override func leaveDirective(_ d: Directive) {
        // A directive the document defines replaces the schema's (graphql-js).
        if let defined = context.documentDirectives[d.name.value] {
            for a in defined.arguments {
                guard case .nonNull = a.type, a.defaultValue == nil, !d.arguments.contains(where: { $0.name.value == a.name.value }) else { continue }
                report("Directive \"@\(d.name.value)\" argument \"\(a.name.value)\" of type \"\(printType(a.type))\" is required, but it was not provided.", [d.loc])
            }
            return
        }
        guard let def = context.index.directives[d.name.value] else { return }
        for a in def.arguments where a.type.isNonNull && a.defaultValue == nil {
            if !d.arguments.contains(where: { $0.name.value == a.name }) {
                report("Directive \"@\(d.name.value)\" argument \"\(a.name)\" of type \"\(a.type)\" is required, but it was not provided.", [d.loc])
            }
        }
    }
}
