// Spec 5.3.2 Field Selection Merging (SameResponseShape + FieldsInSetCanMerge),
// graphql-js's algorithm: fields and fragment names of each selection set are
// cached and every pair of fragments is compared at most once (PairSet), so
// large selection sets with many fragments stay far from quadratic.
import QueryLanguage

private struct NodeAndDef {
    var parentType: ValidationTypeEntry?
    var node: Field
    var def: ValidationFieldEntry?
}

/// Response name → fields, in first-seen order. Flat arrays with a chain per
/// name (no array per name), and a hash index only for large sets: small sets
/// are searched linearly (small strings compare by their bits).
private final class FieldMap {
    /// Distinct response names in first-seen order.
    var keys: [String] = []
    /// Per name: index in `items` of its first and last field.
    var first: [Int] = [], last: [Int] = []
    var items: [NodeAndDef] = []
    /// Per item: the next item with the same name, or -1.
    var next: [Int] = []
    var hasDuplicates = false
    private var index: [String: Int]?
    static let linearLimit = 12

    func keyIndex(_ key: String) -> Int? {
        if let index { return index[key] }
        for (i, k) in keys.enumerated() where k == key { return i }
        return nil
    }
    func append(_ key: String, _ v: NodeAndDef) {
        let item = items.count
        items.append(v); next.append(-1)
        if let k = keyIndex(key) {
            next[last[k]] = item; last[k] = item; hasDuplicates = true
            return
        }
        keys.append(key); first.append(item); last.append(item)
        if index != nil { index![key] = keys.count - 1 } else if keys.count > Self.linearLimit {
            var d: [String: Int] = [:]
            d.reserveCapacity(keys.count * 2)
            for (i, k) in keys.enumerated() { d[k] = i }
            index = d
        }
    }
    /// The fields of the `k`-th name.
    func fields(_ k: Int) -> [NodeAndDef] {
        var out: [NodeAndDef] = []
        var i = first[k]
        while i >= 0 { out.append(items[i]); i = next[i] }
        return out
    }
}

private indirect enum ConflictReason {
    case message(String)
    case sub([(String, ConflictReason)])
}

private struct Conflict {
    var responseName: String
    var reason: ConflictReason
    var fields1: [Field]
    var fields2: [Field]
}

private struct PairSet {
    var data: [String: [String: Bool]] = [:]
    func has(_ a: String, _ b: String, _ exclusive: Bool) -> Bool {
        let (k1, k2) = a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? (a, b) : (b, a)
        guard let r = data[k1]?[k2] else { return false }
        return exclusive ? true : exclusive == r
    }
    mutating func add(_ a: String, _ b: String, _ exclusive: Bool) {
        let (k1, k2) = a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? (a, b) : (b, a)
        data[k1, default: [:]][k2] = exclusive
    }
}

final class OverlappingFieldsCanBeMergedRule: RuleVisitor {
    private var comparedFragmentPairs = PairSet()
    private var cache: [Int: (FieldMap, [String])] = [:]
    init(_ c: ValidationContext) { super.init(c, [.selectionSet]) }

    override func enterSelectionSet(_ s: SelectionSet) {
        let conflicts = findConflictsWithinSelectionSet(context.parentTypeEntry, s)
        for c in conflicts {
            report("Fields \"\(c.responseName)\" conflict because \(reasonMessage(c.reason)). Use different aliases on the fields to fetch both if this was intentional.",
                   (c.fields1 + c.fields2).map(\.loc))
        }
    }

    private func reasonMessage(_ r: ConflictReason) -> String {
        switch r {
        case .message(let m): return m
        case .sub(let subs): return subs.map { "subfields \"\($0.0)\" conflict because \(reasonMessage($0.1))" }.joined(separator: " and ")
        }
    }

    private func key(_ s: SelectionSet) -> Int? {
        s.loc.end == 0 && s.loc.start == 0 ? nil : (s.loc.start << 32) | s.loc.end
    }

    private func findConflictsWithinSelectionSet(_ parent: ValidationTypeEntry?, _ s: SelectionSet) -> [Conflict] {
        var conflicts: [Conflict] = []
        let (fieldMap, fragmentNames) = getFieldsAndFragmentNames(parent, s)
        collectConflictsWithin(&conflicts, fieldMap)
        // graphql-js compares every pair of spread fragments. A pair whose field
        // maps share no response name and that reference no further fragments
        // cannot conflict, so only pairs sharing a response name (or with
        // references) are compared — in graphql-js's order, with its results —
        // which keeps many disjoint fragments linear instead of quadratic.
        var infos: [(FieldMap, [String])?] = []
        // Response name → the fragments having it, as a chain (newest first).
        var byKey: [String: Int] = [:]
        var chainFragment: [Int] = [], chainNext: [Int] = []
        var withRefs: [Int] = []
        if fragmentNames.count > 1 {
            for (idx, name) in fragmentNames.enumerated() {
                let info = context.fragments[name].map { getReferencedFieldsAndFragmentNames($0) }
                infos.append(info)
                if let info {
                    for k in info.0.keys {
                        let previous = byKey.updateValue(chainFragment.count, forKey: k) ?? -1
                        chainFragment.append(idx); chainNext.append(previous)
                    }
                    if !info.1.isEmpty { withRefs.append(idx) }
                }
            }
        }
        for (i, name) in fragmentNames.enumerated() {
            collectConflictsBetweenFieldsAndFragment(&conflicts, false, fieldMap, key(s), name)
            guard i + 1 < fragmentNames.count else { continue }
            guard let info = infos[i] else { continue }
            if !info.1.isEmpty {
                for other in fragmentNames[(i + 1)...] { collectConflictsBetweenFragments(&conflicts, false, name, other) }
                continue
            }
            var candidates: Set<Int> = []
            for k in info.0.keys {
                var c = byKey[k]!
                while c >= 0, chainFragment[c] > i { candidates.insert(chainFragment[c]); c = chainNext[c] }
            }
            for j in withRefs where j > i { candidates.insert(j) }
            for j in candidates.sorted() { collectConflictsBetweenFragments(&conflicts, false, name, fragmentNames[j]) }
        }
        return conflicts
    }

    private func collectConflictsBetweenFieldsAndFragment(_ conflicts: inout [Conflict], _ exclusive: Bool, _ fieldMap: FieldMap, _ fieldMapKey: Int?, _ fragmentName: String) {
        guard let fragment = context.fragments[fragmentName] else { return }
        let (fieldMap2, referenced) = getReferencedFieldsAndFragmentNames(fragment)
        if fieldMap === fieldMap2 { return }
        collectConflictsBetween(&conflicts, exclusive, fieldMap, fieldMap2)
        for ref in referenced {
            if comparedFragmentPairs.has(ref, fragmentName, exclusive) { continue }
            comparedFragmentPairs.add(ref, fragmentName, exclusive)
            collectConflictsBetweenFieldsAndFragment(&conflicts, exclusive, fieldMap, fieldMapKey, ref)
        }
    }

    private func collectConflictsBetweenFragments(_ conflicts: inout [Conflict], _ exclusive: Bool, _ name1: String, _ name2: String) {
        if name1 == name2 { return }
        if comparedFragmentPairs.has(name1, name2, exclusive) { return }
        comparedFragmentPairs.add(name1, name2, exclusive)
        guard let f1 = context.fragments[name1], let f2 = context.fragments[name2] else { return }
        let (map1, refs1) = getReferencedFieldsAndFragmentNames(f1)
        let (map2, refs2) = getReferencedFieldsAndFragmentNames(f2)
        collectConflictsBetween(&conflicts, exclusive, map1, map2)
        for r2 in refs2 { collectConflictsBetweenFragments(&conflicts, exclusive, name1, r2) }
        for r1 in refs1 { collectConflictsBetweenFragments(&conflicts, exclusive, r1, name2) }
    }

    private func findConflictsBetweenSubSelectionSets(_ exclusive: Bool, _ p1: ValidationTypeEntry?, _ s1: SelectionSet, _ p2: ValidationTypeEntry?, _ s2: SelectionSet) -> [Conflict] {
        var conflicts: [Conflict] = []
        let (map1, names1) = getFieldsAndFragmentNames(p1, s1)
        let (map2, names2) = getFieldsAndFragmentNames(p2, s2)
        collectConflictsBetween(&conflicts, exclusive, map1, map2)
        for n2 in names2 { collectConflictsBetweenFieldsAndFragment(&conflicts, exclusive, map1, key(s1), n2) }
        for n1 in names1 { collectConflictsBetweenFieldsAndFragment(&conflicts, exclusive, map2, key(s2), n1) }
        for n1 in names1 { for n2 in names2 { collectConflictsBetweenFragments(&conflicts, exclusive, n1, n2) } }
        return conflicts
    }

    private func collectConflictsWithin(_ conflicts: inout [Conflict], _ fieldMap: FieldMap) {
        guard fieldMap.hasDuplicates else { return }
        for (k, name) in fieldMap.keys.enumerated() {
            guard fieldMap.next[fieldMap.first[k]] >= 0 else { continue }
            let fields = fieldMap.fields(k)
            for i in 0..<fields.count {
                for j in (i + 1)..<fields.count {
                    if let c = findConflict(false, name, fields[i], fields[j]) { conflicts.append(c) }
                }
            }
        }
    }

    private func collectConflictsBetween(_ conflicts: inout [Conflict], _ exclusive: Bool, _ map1: FieldMap, _ map2: FieldMap) {
        for (k1, name) in map1.keys.enumerated() {
            guard let k2 = map2.keyIndex(name) else { continue }
            let fields2 = map2.fields(k2)
            for f1 in map1.fields(k1) {
                for f2 in fields2 {
                    if let c = findConflict(exclusive, name, f1, f2) { conflicts.append(c) }
                }
            }
        }
    }


    private func findConflict(_ parentExclusive: Bool, _ responseName: String, _ f1: NodeAndDef, _ f2: NodeAndDef) -> Conflict? {
        let exclusive = parentExclusive || (f1.parentType !== f2.parentType && f1.parentType?.isObject == true && f2.parentType?.isObject == true)
        let type1 = f1.def?.type, type2 = f2.def?.type
        if !exclusive {
            let n1 = f1.node.name.value, n2 = f2.node.name.value
            if n1 != n2 {
                return Conflict(responseName: responseName, reason: .message("\"\(n1)\" and \"\(n2)\" are different fields"), fields1: [f1.node], fields2: [f2.node])
            }
            if !sameArguments(f1.node.arguments, f2.node.arguments) {
                return Conflict(responseName: responseName, reason: .message("they have differing arguments"), fields1: [f1.node], fields2: [f2.node])
            }
        }
        if let t1 = type1, let t2 = type2, doTypesConflict(t1, t2) {
            return Conflict(responseName: responseName, reason: .message("they return conflicting types \"\(t1)\" and \"\(t2)\""), fields1: [f1.node], fields2: [f2.node])
        }
        if let s1 = f1.node.selectionSet, let s2 = f2.node.selectionSet {
            let sub = findConflictsBetweenSubSelectionSets(exclusive, f1.def?.namedType, s1, f2.def?.namedType, s2)
            if !sub.isEmpty {
                return Conflict(responseName: responseName, reason: .sub(sub.map { ($0.responseName, $0.reason) }),
                                fields1: [f1.node] + sub.flatMap(\.fields1), fields2: [f2.node] + sub.flatMap(\.fields2))
            }
        }
        return nil
    }

    private func sameArguments(_ a1: [Argument], _ a2: [Argument]) -> Bool {
        if a1.isEmpty { return a2.isEmpty }
        if a2.isEmpty || a1.count != a2.count { return false }
        var values2: [String: ValueNode] = [:]
        for a in a2 { values2[a.name.value] = a.value }
        for a in a1 {
            guard let v2 = values2[a.name.value] else { return false }
            if printValueNode(sortValue(a.value)) != printValueNode(sortValue(v2)) { return false }
        }
        return true
    }

    private func sortValue(_ v: ValueNode) -> ValueNode {
        switch v {
        case .object(let fields, let l):
            return .object(fields.map { ObjectField(name: $0.name, value: sortValue($0.value), loc: $0.loc) }
                .sorted { naturalLess($0.name.value, $1.name.value) }, l)
        case .list(let items, let l): return .list(items.map(sortValue), l)
        default: return v
        }
    }

    private func doTypesConflict(_ t1: TypeRef, _ t2: TypeRef) -> Bool {
        if case .list(let i1) = t1 {
            if case .list(let i2) = t2 { return doTypesConflict(i1, i2) }
            return true
        }
        if case .list = t2 { return true }
        if case .nonNull(let i1) = t1 {
            if case .nonNull(let i2) = t2 { return doTypesConflict(i1, i2) }
            return true
        }
        if case .nonNull = t2 { return true }
        let n1 = t1.namedType, n2 = t2.namedType
        if context.index.types[n1]?.isLeaf == true || context.index.types[n2]?.isLeaf == true { return n1 != n2 }
        return false
    }

    private func getFieldsAndFragmentNames(_ parent: ValidationTypeEntry?, _ s: SelectionSet) -> (FieldMap, [String]) {
        let k = key(s)
        if let k, let c = cache[k] { return c }
        let map = FieldMap()
        var names: [String] = []
        var seen: Set<String> = []
        collectFieldsAndFragmentNames(parent, s, map, &names, &seen)
        let r = (map, names)
        if let k { cache[k] = r }
        return r
    }

    private func getReferencedFieldsAndFragmentNames(_ f: FragmentDefinition) -> (FieldMap, [String]) {
        if let k = key(f.selectionSet), let c = cache[k] { return c }
        return getFieldsAndFragmentNames(context.index.types[f.typeCondition.name.value], f.selectionSet)
    }

    private func collectFieldsAndFragmentNames(_ parent: ValidationTypeEntry?, _ s: SelectionSet, _ map: FieldMap, _ names: inout [String], _ seen: inout Set<String>) {
        for sel in s.selections {
            switch sel {
            case .field(let f):
                // graphql-js looks fields up without the meta fields (__typename …).
                var def = parent?.field(f.name.value)
                if def?.isMeta == true { def = nil }
                map.append(f.responseKey, NodeAndDef(parentType: parent, node: f, def: def))
            case .fragmentSpread(let sp):
                if seen.insert(sp.name.value).inserted { names.append(sp.name.value) }
            case .inlineFragment(let i):
                var t = parent
                if let tc = i.typeCondition { t = context.index.types[tc.name.value] }
                collectFieldsAndFragmentNames(t, i.selectionSet, map, &names, &seen)
            }
        }
    }
}
