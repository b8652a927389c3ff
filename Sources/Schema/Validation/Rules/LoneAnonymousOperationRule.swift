// Spec 5.2.2.1 Lone Anonymous Operation.
import QueryLanguage

final class LoneAnonymousOperationRule: RuleVisitor {
    var count = 0
    init(_ c: ValidationContext) { super.init(c, [.document, .operation]) }
    override func enterDocument(_ d: Document) {
        count = d.definitions.filter { if case .operation = $0 { return true }; return false }.count
    }
    override func enterOperation(_ o: OperationDefinition) {
        if o.name == nil && count > 1 { report("This anonymous operation must be the only defined operation.", [o.loc]) }
    }
}
