// Spec 5.3.1 Field Selections.
import QueryLanguage

final class FieldsOnCorrectTypeRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.field]) }
    override func enterField(_ f: Field) {
        guard context.fieldEntry == nil, let parent = context.parentType else { return }
        let name = f.name.value
        var suggestion = didYouMeanQuoted(suggestedTypeNames(parent, name), subMessage: "to use an inline fragment on")
        if suggestion.isEmpty { suggestion = didYouMeanQuoted(suggestedFieldNames(parent, name)) }
        report("Cannot query field \"\(name)\" on type \"\(parent)\"." + suggestion, [f.loc])
    }

    func fields(_ t: String) -> [OutputField] { context.schema.types[t]?.fields ?? [] }

    func suggestedTypeNames(_ type: String, _ field: String) -> [String] {
        let s = context.schema
        guard s.types[type]?.isAbstract == true else { return [] }
        var suggested: [String] = []
        var usage: [String: Int] = [:]
        for pt in s.possibleObjectTypes(type) {
            guard fields(pt).contains(where: { $0.name == field }) else { continue }
            if usage[pt] == nil { suggested.append(pt) }
            usage[pt] = 1
            if case .object(let o)? = s.types[pt] {
                for i in o.interfaces {
                    guard fields(i).contains(where: { $0.name == field }) else { continue }
                    if usage[i] == nil { suggested.append(i) }
                    usage[i, default: 0] += 1
                }
            }
        }
        return suggested.sorted { a, b in
            let d = (usage[b] ?? 0) - (usage[a] ?? 0)
            if d != 0 { return d < 0 }
            if case .interface? = s.types[a], s.isSubType(abstract: a, maybeSub: b) { return true }
            if case .interface? = s.types[b], s.isSubType(abstract: b, maybeSub: a) { return false }
            return naturalLess(a, b)
        }
    }

    func suggestedFieldNames(_ type: String, _ field: String) -> [String] {
        guard let fs = context.schema.types[type]?.fields else { return [] }
        return suggestionList(field, fs.map(\.name))
    }
}
