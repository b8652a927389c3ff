// Spec 5.4.2 Argument Uniqueness.
import QueryLanguage

final class UniqueArgumentNamesRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.field, .directive]) }
    func check(_ args: [Argument]) {
        guard args.count > 1 else { return }
        var order: [String] = []
        var groups: [String: [Name]] = [:]
        for a in args {
            if groups[a.name.value] == nil { order.append(a.name.value) }
            groups[a.name.value, default: []].append(a.name)
        }
        for n in order where groups[n]!.count > 1 {
            report("There can be only one argument named \"\(n)\".", groups[n]!.map(\.loc))
        }
    }
    override func enterField(_ f: Field) { check(f.arguments) }
    override func enterDirective(_ d: Directive, _ location: DirectiveLocation?) { check(d.arguments) }
}
