// Operation limit: root fields of one mutation (each alias counts, fragments
// expanded, @skip/@include not evaluated: the most that can run). Mutations
// such as `login` hash a password, so their number is bounded before any runs.
import QueryLanguage

final class MaxRootMutationFieldsRule: RuleVisitor {
    let maximum: Int
    init(_ c: ValidationContext, maximum: Int) { self.maximum = maximum; super.init(c, [.operation]) }

    override func leaveOperation(_ o: OperationDefinition) {
        guard o.operation == .mutation, context.isMeasured(o) else { return }
        let count = rootFieldCount(o, fragments: context.fragments)
        if count > maximum {
            report("Query is too complex: \(count) root mutation fields exceed the maximum of \(maximum).", [], code: "QUERY_TOO_COMPLEX")
        }
    }
}

/// The number of root fields of the selected operation that can run: distinct
/// response names (each alias counts), fragments expanded, @skip/@include
/// not evaluated. 0 when no operation can be selected. The server can sum it
/// over the mutations of a batch to bound the batch as a whole.
public func rootFieldCount(document: Document, operationName: String?) -> Int {
    guard let operation = document.operation(named: operationName) else { return 0 }
    return rootFieldCount(operation, fragments: document.fragmentsByName)
}

func rootFieldCount(_ operation: OperationDefinition, fragments: [String: FragmentDefinition]) -> Int {
    var names: Set<String> = []
    forEachCollectedField(in: [operation.selectionSet], fragments: fragments) { names.insert($0.responseKey) }
    return names.count
}
