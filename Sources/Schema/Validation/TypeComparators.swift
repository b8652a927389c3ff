// Type relations used by schema and document validation (graphql-js
// `typeComparators`, `isSubType`).
import QueryLanguage

extension GraphQLSchema {
    /// Whether `maybeSub` (object or interface) is a possible type of abstract type `abstract`.
    func isSubType(abstract: String, maybeSub: String) -> Bool {
        switch types[abstract] {
        case .union(let u)?: return u.possibleTypes.contains(maybeSub)
        case .interface?:
            switch types[maybeSub] {
            case .object(let o)?: return o.interfaces.contains(abstract)
            case .interface(let i)?: return i.interfaces.contains(abstract)
            default: return false
            }
        default: return false
        }
    }

    /// graphql-js `isTypeSubTypeOf`.
    func isTypeSubTypeOf(_ maybeSub: TypeRef, _ superType: TypeRef) -> Bool {
        if maybeSub == superType { return true }
        if case .nonNull(let sup) = superType {
            if case .nonNull(let sub) = maybeSub { return isTypeSubTypeOf(sub, sup) }
            return false
        }
        if case .nonNull(let sub) = maybeSub { return isTypeSubTypeOf(sub, superType) }
        if case .list(let sup) = superType {
            if case .list(let sub) = maybeSub { return isTypeSubTypeOf(sub, sup) }
            return false
        }
        if case .list = maybeSub { return false }
        guard case .named(let supName) = superType, case .named(let subName) = maybeSub else { return false }
        guard let sup = types[supName], sup.isAbstract, let sub = types[subName] else { return false }
        switch sub {
        case .object, .interface: return isSubType(abstract: supName, maybeSub: subName)
        default: return false
        }
    }

    /// Object types that may be the runtime type of a composite type.
    func possibleObjectTypes(_ name: String) -> [String] {
        switch types[name] {
        case .object?: return [name]
        case .union(let u)?: return u.possibleTypes
        case .interface?: return possibleTypes[name] ?? []
        default: return []
        }
    }

    /// Whether two composite types can share a runtime object type (graphql-js `doTypesOverlap`).
    func doTypesOverlap(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let ta = types[a], tb = types[b]
        if ta?.isAbstract == true {
            if tb?.isAbstract == true {
                let pb = Set(possibleObjectTypes(b))
                return possibleObjectTypes(a).contains { pb.contains($0) }
            }
            return isSubType(abstract: a, maybeSub: b)
        }
        if tb?.isAbstract == true { return isSubType(abstract: b, maybeSub: a) }
        return false
    }

    func isInputTypeRef(_ t: TypeRef) -> Bool { types[t.namedType]?.isInputType ?? false }
    func isOutputTypeRef(_ t: TypeRef) -> Bool { types[t.namedType]?.isOutputType ?? false }
}
