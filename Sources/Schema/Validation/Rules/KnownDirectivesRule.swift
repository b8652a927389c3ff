// Spec 5.7.1 Directives Are Defined, 5.7.2 Directives Are In Valid Locations.
// A directive the document defines replaces the schema's (graphql-js).
import QueryLanguage

final class KnownDirectivesRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.directive]) }
    override func enterDirective(_ d: Directive, _ location: DirectiveLocation?) {
        let name = d.name.value
        let locations: [String]
        if let defined = context.documentDirectives[name] {
            locations = defined.locations.map(\.value)
        } else if let def = context.directive {
            locations = def.locations.map(\.rawValue)
        } else {
            locations = []
        }
        if locations.isEmpty { report("Unknown directive \"@\(name)\".", [d.loc]); return }
        if let l = location, !locations.contains(l.rawValue) {
            report("Directive \"@\(name)\" may not be used on \(l.rawValue).", [d.loc])
        }
    }
}
