// Spec 5.1.1 Executable Definitions.
import QueryLanguage

final class ExecutableDefinitionsRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.document]) }
    override func enterDocument(_ d: Document) {
        for def in d.definitions {
            switch def {
            case .operation, .fragment: continue
            case .schema(let s): report("The schema definition is not executable.", [s.loc])
            case .type(let t): report("The \"\(t.name.value)\" definition is not executable.", [t.loc])
            case .directive(let x): report("The \"\(x.name.value)\" definition is not executable.", [x.loc])
            }
        }
    }
}
