// Operation and fragment lookup on a document, shared by execution, the
// operation limits and the HTTP layer (spec 6.1 GetOperation).

extension Document {
    /// The operation definitions, in document order.
    public var operations: [OperationDefinition] {
        definitions.compactMap { if case .operation(let o) = $0 { return o }; return nil }
    }

    /// Fragment definitions by name (the last one wins; validation rejects duplicates).
    public var fragmentsByName: [String: FragmentDefinition] {
        var out: [String: FragmentDefinition] = [:]
        for case .fragment(let f) in definitions { out[f.name.value] = f }
        return out
    }

    /// The operation a request names, or its only one; nil when unknown or ambiguous.
    public func operation(named name: String?) -> OperationDefinition? {
        // Asked several times per request: a walk over the definitions, no array of operations.
        var only: OperationDefinition?
        for case .operation(let o) in definitions {
            if let name {
                if o.name?.value == name { return o }
            } else {
                guard only == nil else { return nil }
                only = o
            }
        }
        return only
    }
}
