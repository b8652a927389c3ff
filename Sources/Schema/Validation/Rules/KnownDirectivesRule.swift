// Spec 5.7.1 Directives Are Defined, 5.7.2 Directives Are In Valid Locations.
// A directive the document defines replaces the schema's (graphql-js).
import QueryLanguage

final class KnownDirectivesRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.directive]) }
    override func enterDirective(_ d: Directive, _ location: DirectiveLocation?) {
        let name = d.name.value
        if let defined = context.documentDirectives[name] {
            check(name, d, location, defined.locations.isEmpty) { l in defined.locations.contains { $0.value == l.rawValue } }
        } else if let def = context.directive {
            check(name, d, location, def.locations.isEmpty) { def.locations.contains($0) }
        } else {
            report("Unknown directive \"@\(name)\".", [d.loc])
        }
    }
    private func check(_ name: String, _ d: Directive, _ location: DirectiveLocation?, _ noLocations: Bool, _ allows: (DirectiveLocation) -> Bool) {
        if noLocations { report("Unknown directive \"@\(name)\".", [d.loc]); return }
        if let l = location, !allows(l) {
            report("Directive \"@\(name)\" may not be used on \(l.rawValue).", [d.loc])
        }
    }
}
