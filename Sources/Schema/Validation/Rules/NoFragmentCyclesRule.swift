// Spec 5.5.2.2 Fragment Spreads Must Not Form Cycles.
import QueryLanguage

final class NoFragmentCyclesRule: RuleVisitor {
    var visited: Set<String> = []
    var spreadPath: [FragmentSpread] = []
    var indexByName: [String: Int] = [:]
    init(_ c: ValidationContext) { super.init(c, [.fragmentDefinition]) }
    override func enterFragmentDefinition(_ f: FragmentDefinition) { detect(f) }

    func detect(_ fragment: FragmentDefinition) {
        let name = fragment.name.value
        if visited.contains(name) { return }
        visited.insert(name)
        let spreads = context.fragmentSpreads(fragment.selectionSet)
        if spreads.isEmpty { return }
        indexByName[name] = spreadPath.count
        for spread in spreads {
            let spreadName = spread.name.value
            let cycleIndex = indexByName[spreadName]
            spreadPath.append(spread)
            if let ci = cycleIndex {
                let cycle = spreadPath[ci...]
                let via = cycle.dropLast().map { "\"\($0.name.value)\"" }.joined(separator: ", ")
                report("Cannot spread fragment \"\(spreadName)\" within itself" + (via.isEmpty ? "." : " via \(via)."), cycle.map(\.loc))
            } else if let f = context.fragments[spreadName] {
                detect(f)
            }
            spreadPath.removeLast()
        }
        indexByName[name] = nil
    }
}
