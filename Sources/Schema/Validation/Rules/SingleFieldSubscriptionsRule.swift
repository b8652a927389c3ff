// Spec 5.2.3.1 Single Root Field (subscriptions), with graphql-js's CollectFields.
import QueryLanguage

final class SingleFieldSubscriptionsRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.operation]) }

    override func enterOperation(_ o: OperationDefinition) {
        guard o.operation == .subscription, let sub = context.schema.subscriptionType else { return }
        let label = o.name.map { "Subscription \"\($0.value)\"" } ?? "Anonymous Subscription"
        var keys: [String] = []
        var fields: [String: [Field]] = [:]
        var visited: Set<String> = []
        collect(sub, o.selectionSet, &keys, &fields, &visited)
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

    func collect(_ runtime: String, _ s: SelectionSet, _ keys: inout [String], _ fields: inout [String: [Field]], _ visited: inout Set<String>) {
        for sel in s.selections {
            switch sel {
            case .field(let f):
                guard include(f.directives) else { continue }
                let k = f.responseKey
                if fields[k] == nil { keys.append(k) }
                fields[k, default: []].append(f)
            case .inlineFragment(let i):
                guard include(i.directives) else { continue }
                if let tc = i.typeCondition, !applies(tc.name.value, runtime) { continue }
                collect(runtime, i.selectionSet, &keys, &fields, &visited)
            case .fragmentSpread(let sp):
                let n = sp.name.value
                guard !visited.contains(n), include(sp.directives) else { continue }
                visited.insert(n)
                guard let frag = context.fragments[n], applies(frag.typeCondition.name.value, runtime) else { continue }
                collect(runtime, frag.selectionSet, &keys, &fields, &visited)
            }
        }
    }
}
