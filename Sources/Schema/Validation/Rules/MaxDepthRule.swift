// Operation limit (contract INTERFACE.md "Operation limits"): depth is the
// number of fields on the longest chain, leaf included, fragments expanded;
// fields inside `__schema`/`__type` do not count (MaxIntrospectionDepth
// bounds them). Measured once per operation, each fragment once (memoized),
// so fragment-heavy documents cost time linear in their size.
import QueryLanguage

final class MaxDepthRule: RuleVisitor {
    let maximum: Int
    init(_ c: ValidationContext, maximum: Int) { self.maximum = maximum; super.init(c, [.operation]) }

    override func leaveOperation(_ o: OperationDefinition) {
        guard context.isMeasured(o) else { return }
        var measurer = DepthMeasurer(fragments: context.fragments)
        let depth = measurer.depth(o.selectionSet)
        if depth > maximum {
            report("Query is too complex: depth \(depth) exceeds the maximum of \(maximum).", [], code: "QUERY_TOO_COMPLEX")
        }
    }
}

struct DepthMeasurer {
    let fragments: [String: FragmentDefinition]
    var memo: [String: Int] = [:]
    var visiting: Set<String> = []

    init(fragments: [String: FragmentDefinition]) { self.fragments = fragments }

    mutating func depth(_ set: SelectionSet) -> Int {
        var best = 0
        for s in set.selections {
            switch s {
            case .field(let f):
                let name = f.name.value
                var d = 1
                if name != "__schema" && name != "__type", let sub = f.selectionSet { d += depth(sub) }
                best = max(best, d)
            case .inlineFragment(let i):
                best = max(best, depth(i.selectionSet))
            case .fragmentSpread(let spread):
                let name = spread.name.value
                if let m = memo[name] { best = max(best, m); continue }
                guard let frag = fragments[name], !visiting.contains(name) else { continue }
                visiting.insert(name)
                let d = depth(frag.selectionSet)
                visiting.remove(name)
                memo[name] = d
                best = max(best, d)
            }
        }
        return best
    }
}
