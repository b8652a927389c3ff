// Spec 5.7.1 Directives Are Defined, 5.7.2 Directives Are In Valid Locations.
import QueryLanguage

final class KnownDirectivesRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.directive]) }
    override func enterDirective(_ d: Directive, _ location: DirectiveLocation?) {
        let name = d.name.value
        guard let def = context.directive, !def.locations.isEmpty else {
            report("Unknown directive \"@\(name)\".", [d.loc]); return
        }
        if let l = location, !def.locations.contains(l) {
            report("Directive \"@\(name)\" may not be used on \(l.rawValue).", [d.loc])
        }
    }
}
