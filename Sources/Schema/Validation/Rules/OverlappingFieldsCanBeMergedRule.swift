// Spec 5.3.2 Field Selection Merging (SameResponseShape + FieldsInSetCanMerge),
// graphql-js's algorithm: fields and fragment names of each selection set are
// cached and every pair of fragments is compared at most once (PairSet), so
// large selection sets with many fragments stay far from quadratic.
//
// Same-named fields are compared pairwise, as in graphql-js; repeating one
// field thousands of times made that quadratic (CVE-2023-26144 in graphql-js).
// Here every field gets a shape class: fields of one class are ones this rule
// cannot tell apart (parent type, response name, field name, arguments, and the
// classes and fragment names of its selection), so one comparison of two
// classes answers for every pair of fields with those classes:
// - a pair of classes found not to conflict is remembered (`safePairs`) and not
//   compared again. graphql-js would find nothing either: its memo of compared
//   fragment pairs only grows, so a repeated comparison visits a subset of what
//   the first one visited, and adds nothing to the memo;
// - pairs that cannot conflict are not even enumerated: the same field with the
//   same arguments and type, no fragment anywhere below either, and no shared
//   sub-response name under which their sub-fields differ (`ClassInfo.profile`).
//   Such a comparison would find nothing and touch no memo.
// What is left is compared in graphql-js's order, so verdicts and messages are
// graphql-js's, up to `conflictLimit` conflicts in one document. The rule also
// stops once validation would abort (`maxErrors` errors): the rest is dropped.
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
    /// Per item: its shape class, -1 until asked for (see `classOf`); empty
    /// until the first is asked for (most maps never need one).
    var classes: [Int] = []
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
    /// The shape class of item `i`, -1 when not computed yet.
    @inline(__always) func knownClass(_ i: Int) -> Int { classes.isEmpty ? -1 : classes[i] }

    /// The item indices of the `k`-th name, in order.
    func itemIndices(_ k: Int) -> [Int] {
        var out: [Int] = []
        var i = first[k]
        while i >= 0 { out.append(i); i = next[i] }
        return out
    }
    /// The interned `SelectionShape` of this map's selection set, nil until computed.
    var selectionShape: Int?
}

/// What identifies a field for this rule (see the header).
private struct FieldShape: Hashable {
    var parentType: ObjectIdentifier?
    var responseName: String
    var name: String
    var arguments: String
    /// The shape of its selection set, -1 when it has none.
    var selection: Int
}

/// A selection set as this rule sees it: its fields' classes (inline fragments
/// flattened) and the fragments it spreads.
private struct SelectionShape: Hashable {
    var fields: [Int]
    var fragmentNames: [String]
}

/// The field name, arguments and type: two fields with equal heads are compared
/// only through their selections.
private struct FieldHead: Hashable {
    var name: String
    var arguments: String
    var type: TypeRef?
}

private struct ClassInfo {
    var head: Int
    /// No fragment spread anywhere in the selection below.
    var pure: Bool
    /// Two fields of this class never conflict: pure, and under each
    /// sub-response name only fields of one self-safe class.
    var selfSafe: Bool
    /// Per sub-response name: the class of its fields when they are all of one
    /// self-safe class, else a number no other name or class has (< 0).
    var profile: [(key: String, signature: Int)]
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
    /// Shape classes: interned `FieldShape`s, their infos, and interned selection shapes.
    private var classIDs: [FieldShape: Int] = [:]
    private var classInfos: [ClassInfo] = []
    private var selectionShapeIDs: [SelectionShape: Int] = [:]
    private var headIDs: [FieldHead: Int] = [:]
    private var uniqueSignatures = 0
    /// Class pairs (ordered, with the parent exclusivity) compared without conflict.
    private var safePairs: Set<SafePair> = []
    /// Conflicts found so far, nested ones included. The rule stops at
    /// `conflictLimit`: one error can hold a conflict for every pair of two
    /// long lists of subfields (graphql-js would print them all); the limit is
    /// far above what real documents (and the differential corpus) reach.
    private var conflictsFound = 0
    static let conflictLimit = 10_000
    /// Conflicts found in the current selection set at its own level (each
    /// one error), and how deep in sub-selection comparisons the rule is.
    private var errorsInSelectionSet = 0
    /// How many errors validation still reports (set per selection set).
    private var errorsAllowed = Int.max
    private var subSelectionDepth = 0
    /// Pairs compared in the current selection set (added to the context's count).
    private var comparisons = 0
    /// Past `conflictLimit`, or past what validation reports: errors beyond
    /// `maxErrors` are dropped (validation then aborts), so finding them is waste.
    private var stopped: Bool {
        conflictsFound >= Self.conflictLimit || errorsInSelectionSet > errorsAllowed
    }
    /// Lists smaller than this (pairs) are compared directly, without shape classes.
    private static let directPairLimit = 16

    private struct SafePair: Hashable { var a: Int32; var b: Int32; var exclusive: Bool }

    init(_ c: ValidationContext) { super.init(c, [.selectionSet]) }

    override func enterSelectionSet(_ s: SelectionSet) {
        errorsInSelectionSet = 0
        errorsAllowed = Int.max  // set at the first conflict (see `record`)
        comparisons = 0
        let conflicts = findConflictsWithinSelectionSet(context.parentTypeEntry, s)
        if comparisons > 0 { context.overlappingFieldsComparisons += comparisons }
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
        guard !stopped, let fragment = context.fragments[fragmentName] else { return }
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
        if name1 == name2 || stopped { return }
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
        subSelectionDepth += 1
        defer { subSelectionDepth -= 1 }
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
            comparePairs(&conflicts, false, name, fieldMap, fieldMap.itemIndices(k), nil, [])
        }
    }

    private func collectConflictsBetween(_ conflicts: inout [Conflict], _ exclusive: Bool, _ map1: FieldMap, _ map2: FieldMap) {
        for (k1, name) in map1.keys.enumerated() {
            guard let k2 = map2.keyIndex(name) else { continue }
            comparePairs(&conflicts, exclusive, name, map1, map1.itemIndices(k1), map2, map2.itemIndices(k2))
        }
    }

    /// Compares the fields graphql-js compares, in its order: each `items1[i]`
    /// with each later one of `items1` (`map2` nil), or with each of `items2`.
    /// Small lists directly; larger ones by shape class, skipping the pairs of
    /// classes known not to conflict (`safePairs`) or that cannot (`mayConflict`).
    private func comparePairs(_ conflicts: inout [Conflict], _ exclusive: Bool, _ name: String,
                              _ map1: FieldMap, _ items1: [Int], _ map2: FieldMap?, _ items2: [Int]) {
        let within = map2 == nil
        let list2Map = map2 ?? map1, list2 = within ? items1 : items2
        if items1.count * list2.count <= Self.directPairLimit {
            for (i, a) in items1.enumerated() {
                for j in (within ? i + 1 : 0)..<list2.count {
                    if stopped { return }
                    let b = list2[j]
                    let c1 = map1.knownClass(a), c2 = list2Map.knownClass(b)
                    if let c = findConflict(exclusive, name, map1.items[a], list2Map.items[b], c1 >= 0 && c2 >= 0 ? (c1, c2) : nil) {
                        record(&conflicts, c)
                    }
                }
            }
            return
        }
        let classes1 = items1.map { classOf(map1, $0) }
        let classes2 = within ? classes1 : list2.map { classOf(list2Map, $0) }
        // Positions in list 2 of each distinct class, ascending.
        var positions: [Int: [Int]] = [:]
        var distinct2: [Int] = []
        for (j, c) in classes2.enumerated() {
            if positions[c] == nil { distinct2.append(c) }
            positions[c, default: []].append(j)
        }
        let index = CandidateIndex(distinct2, classInfos)
        var candidatesByClass: [Int: [Int]] = [:]
        for (i, c1) in classes1.enumerated() {
            if stopped { return }
            let candidates: [Int]
            if let known = candidatesByClass[c1] { candidates = known } else {
                candidates = index.candidates(for: c1, classInfos, settled: settled).filter { mayConflict(c1, $0) }
                candidatesByClass[c1] = candidates
            }
            var js: [Int] = []
            for c2 in candidates where !safePairs.contains(SafePair(a: Int32(c1), b: Int32(c2), exclusive: exclusive)) {
                let ps = positions[c2]!
                if within {
                    // The positions after i (binary search).
                    var lo = 0, hi = ps.count
                    while lo < hi { let m = (lo + hi) / 2; if ps[m] <= i { lo = m + 1 } else { hi = m } }
                    js.append(contentsOf: ps[lo...])
                } else {
                    js.append(contentsOf: ps)
                }
            }
            if candidates.count > 1 { js.sort() }
            for j in js {
                if stopped { return }
                let c2 = classes2[j]
                // Pairs compared meanwhile may have settled this one.
                if !mayConflict(c1, c2) { continue }
                if let c = findConflict(exclusive, name, map1.items[items1[i]], list2Map.items[list2[j]], (c1, c2)) { record(&conflicts, c) }
            }
        }
    }

    private func record(_ conflicts: inout [Conflict], _ c: Conflict) {
        conflicts.append(c)
        conflictsFound += 1
        if subSelectionDepth == 0 {
            if errorsInSelectionSet == 0 { errorsAllowed = context.maxErrors - context.errors.count }
            errorsInSelectionSet += 1
        }
    }

    /// Whether sub-fields of signatures `s1` and `s2` (one self-safe class
    /// each) are known not to conflict.
    private func settled(_ s1: Int, _ s2: Int) -> Bool {
        s1 >= 0 && s2 >= 0 && (s1 == s2 || safePairs.contains(SafePair(a: Int32(s1), b: Int32(s2), exclusive: false)))
    }

    /// False when fields of classes `c1` and `c2` cannot conflict: the same
    /// head, nothing spread below either, and under every sub-response name
    /// they share, fields of one self-safe class in each, the same class or a
    /// pair of classes already compared without conflict (non-exclusively,
    /// which covers the exclusive comparison too).
    private func mayConflict(_ c1: Int, _ c2: Int) -> Bool {
        let a = classInfos[c1], b = classInfos[c2]
        if a.head != b.head || !a.pure || !b.pure { return true }
        if c1 == c2 { return !a.selfSafe }
        if a.profile.isEmpty || b.profile.isEmpty { return false }
        if a.profile.count * b.profile.count <= 64 {
            for (k1, s1) in a.profile { for (k2, s2) in b.profile where k1 == k2 { if !settled(s1, s2) { return true } } }
            return false
        }
        var byKey: [String: Int] = [:]
        for (k, sig) in b.profile { byKey[k] = sig }
        for (k, s1) in a.profile { if let s2 = byKey[k], !settled(s1, s2) { return true } }
        return false
    }

    /// The classes of a list worth a look for one class: those with another
    /// head or something spread below, and those of its head sharing a
    /// sub-response name under which their classes are not settled (see
    /// `mayConflict`) — found through an index, without visiting every class.
    private struct CandidateIndex {
        var all: [Int]
        var byHead: [Int: [Int]] = [:]
        var impure: [Int] = []
        /// (head, sub-response name) → signature → classes.
        var bySignature: [HeadKey: [Int: [Int]]] = [:]
        struct HeadKey: Hashable { var head: Int; var key: String }

        init(_ classes: [Int], _ infos: [ClassInfo]) {
            all = classes
            for c in classes {
                let info = infos[c]
                byHead[info.head, default: []].append(c)
                if !info.pure { impure.append(c); continue }
                for (k, sig) in info.profile { bySignature[HeadKey(head: info.head, key: k), default: [:]][sig, default: []].append(c) }
            }
        }

        func candidates(for c: Int, _ infos: [ClassInfo], settled: (Int, Int) -> Bool) -> [Int] {
            let info = infos[c]
            if !info.pure { return all }
            var out = Set(impure)
            if byHead[info.head] != nil, !info.selfSafe { out.insert(c) }
            for (head, classes) in byHead where head != info.head { out.formUnion(classes) }
            for (k, sig) in info.profile {
                for (otherSig, classes) in bySignature[HeadKey(head: info.head, key: k)] ?? [:] where !settled(sig, otherSig) {
                    out.formUnion(classes)
                }
            }
            return out.count >= all.count ? all : Array(out)
        }
    }

    /// graphql-js `findConflict`; `classes` (when known) consults and fills `safePairs`.
    private func findConflict(_ parentExclusive: Bool, _ responseName: String, _ f1: NodeAndDef, _ f2: NodeAndDef, _ classes: (Int, Int)?) -> Conflict? {
        if let (c1, c2) = classes {
            let pair = SafePair(a: Int32(c1), b: Int32(c2), exclusive: parentExclusive)
            if safePairs.contains(pair) { return nil }
            let c = compareFields(parentExclusive, responseName, f1, f2)
            if c == nil { safePairs.insert(pair) }
            return c
        }
        return compareFields(parentExclusive, responseName, f1, f2)
    }

    private func compareFields(_ parentExclusive: Bool, _ responseName: String, _ f1: NodeAndDef, _ f2: NodeAndDef) -> Conflict? {
        comparisons += 1
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
            if printValue(sortValue(a.value)) != printValue(sortValue(v2)) { return false }
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

    // MARK: Shape classes

    /// The shape class of `map.items[i]`, computed (with its whole selection) on first use.
    private func classOf(_ map: FieldMap, _ i: Int) -> Int {
        if map.classes.isEmpty { map.classes = Array(repeating: -1, count: map.items.count) }
        let known = map.classes[i]
        if known >= 0 { return known }
        let item = map.items[i]
        var selection = -1
        var childProfile: [(String, Int)] = []
        var pure = true, selfSafe = true
        if let ss = item.node.selectionSet {
            let (sub, fragmentNames) = getFieldsAndFragmentNames(item.def?.namedType, ss)
            if let shape = sub.selectionShape { selection = shape } else {
                let fields = sub.items.indices.map { classOf(sub, $0) }
                let key = SelectionShape(fields: fields, fragmentNames: fragmentNames)
                if let id = selectionShapeIDs[key] { selection = id } else {
                    selection = selectionShapeIDs.count
                    selectionShapeIDs[key] = selection
                }
                sub.selectionShape = selection
            }
            pure = fragmentNames.isEmpty
            for (k, name) in sub.keys.enumerated() {
                let members = sub.itemIndices(k).map { sub.classes[$0] }
                pure = pure && members.allSatisfy { classInfos[$0].pure }
                let uniform = members.allSatisfy { $0 == members[0] } && classInfos[members[0]].selfSafe
                if uniform { childProfile.append((name, members[0])) } else {
                    uniqueSignatures += 1
                    childProfile.append((name, -uniqueSignatures))
                    selfSafe = false
                }
            }
            selfSafe = selfSafe && pure
        }
        let arguments = argumentsKey(item.node.arguments)
        let shape = FieldShape(parentType: item.parentType.map(ObjectIdentifier.init), responseName: item.node.responseKey,
                               name: item.node.name.value, arguments: arguments, selection: selection)
        let id: Int
        if let existing = classIDs[shape] { id = existing } else {
            id = classInfos.count
            classIDs[shape] = id
            // Repeated argument names make `sameArguments` order-dependent (even
            // false for a field and its copy): such a field gets a head of its own.
            var headArguments = arguments
            if arguments.hasPrefix("!") { uniqueSignatures += 1; headArguments += "#\(uniqueSignatures)" }
            let head = FieldHead(name: item.node.name.value, arguments: headArguments, type: item.def?.type)
            let headID: Int
            if let h = headIDs[head] { headID = h } else { headID = headIDs.count; headIDs[head] = headID }
            classInfos.append(ClassInfo(head: headID, pure: pure, selfSafe: selfSafe, profile: childProfile))
        }
        map.classes[i] = id
        return id
    }

    /// The arguments as `sameArguments` sees them: sorted by name, values
    /// printed with object fields sorted. With a name repeated, in source order
    /// and marked with "!" (see `classOf`).
    private func argumentsKey(_ arguments: [Argument]) -> String {
        if arguments.isEmpty { return "" }
        let names = Set(arguments.map(\.name.value))
        let ordered = names.count == arguments.count ? arguments.sorted { naturalLess($0.name.value, $1.name.value) } : arguments
        let printed = ordered.map { $0.name.value + ":" + printValue(sortValue($0.value)) }.joined(separator: ",")
        return names.count == arguments.count ? printed : "!" + printed
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
