// Spec 5.2.3.1 Single Root Field (subscriptions), with graphql-js's CollectFields.
import QueryLanguage

final class SingleFieldSubscriptionsRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.operation]) }

    override func enterOperation(_ o: OperationDefinition) {
        guard o.operation == .subscription, let sub = context.schema.subscriptionType else { return }
        let label = o.name.map { "Subscription \"\($0.value)\"" } ?? "Anonymous Subscription"
        var keys: [String] = []
        var fields: [String: [Field]] = [:]
        forEachCollectedField(in: [o.selectionSet], fragments: context.fragments, include: include, applies: { applies($0, sub) }) { f in
            let k = f.responseKey
            if fields[k] == nil { keys.append(k) }
            fields[k, default: []].append(f)
        }
        if keys.count > 1 {
            report("\(label) must select only one top level field.", keys.dropFirst().flatMap { fields[$0]! }.map(\.loc))
        }
        for k in keys {
            let nodes = fields[k]!
            if nodes[0].name.value.hasPrefix("__") {
                report("\(label) must not select an introspection top level field.", nodes.map(\.loc))
            }
        }
    }

    func include(_ ds: [Directive]) -> Bool {
        for d in ds {
            if d.name.value == "skip", case .boolean(true, _)? = d.arguments.first(where: { $0.name.value == "if" })?.value { return false }
            if d.name.value == "include", case .boolean(false, _)? = d.arguments.first(where: { $0.name.value == "if" })?.value { return false }
        }
        return true
    }

    func applies(_ typeCondition: String, _ runtime: String) -> Bool {
        guard let t = context.schema.types[typeCondition] else { return false }
        if typeCondition == runtime { return true }
        if t.isAbstract { return context.schema.isSubType(abstract: typeCondition, maybeSub: runtime) }
        return false
    }
}
