// graphql-js's recommended rule: introspection queries may not nest
// fields/interfaces/possibleTypes/inputFields three deep. Among the spec's
// rules it reports GRAPHQL_VALIDATION_FAILED as graphql-js does; among the
// operation-limit rules the contract's QUERY_TOO_COMPLEX.
import QueryLanguage

final class MaxIntrospectionDepthRule: RuleVisitor {
    var visiting: Set<String> = []
    var skipDepth = 0
    let code: String
    init(_ c: ValidationContext, code: String = "GRAPHQL_VALIDATION_FAILED") { self.code = code; super.init(c, [.field]) }

    func tooDeep(_ s: Selection, _ depth: Int) -> Bool {
        switch s {
        case .fragmentSpread(let sp):
            let n = sp.name.value
            if visiting.contains(n) { return false }
            guard let f = context.fragments[n] else { return false }
            visiting.insert(n); defer { visiting.remove(n) }
            return f.selectionSet.selections.contains { tooDeep($0, depth) }
        case .field(let f):
            var d = depth
            if ["fields", "interfaces", "possibleTypes", "inputFields"].contains(f.name.value) {
                d += 1
                if d >= 3 { return true }
            }
            return f.selectionSet?.selections.contains { tooDeep($0, d) } ?? false
        case .inlineFragment(let i):
            return i.selectionSet.selections.contains { tooDeep($0, depth) }
        }
    }

    override func enterField(_ f: Field) {
        if skipDepth > 0 { skipDepth += 1; return }
        if f.name.value == "__schema" || f.name.value == "__type", tooDeep(.field(f), 0) {
            report("Maximum introspection depth exceeded", [f.loc], code: code)
            skipDepth = 1
        }
    }
    override func leaveField(_ f: Field) { if skipDepth > 0 { skipDepth -= 1 } }
}
