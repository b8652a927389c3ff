// The one walk over a level of selections (spec 6.3.2 CollectFields): the
// fields of some selection sets, entering inline fragments and named
// fragments — each named fragment once, however often it is spread — but not
// the fields' own selection sets. Execution's field collection, the
// selected-fields look-ahead, the subscription root-field rule and the
// root-mutation-field count are all this walk with different filters.

/// Calls `visit` for each field of `sets` in document order, as CollectFields
/// finds them. `include` decides from a field's or fragment's directives
/// whether it counts (@skip/@include); `applies` whether a fragment's type
/// condition applies. A spread already entered, or skipped by `include`, is
/// not entered again; an unknown fragment is ignored.
@inlinable
public func forEachCollectedField(
    in sets: [SelectionSet], fragments: [String: FragmentDefinition],
    include: ([Directive]) -> Bool, applies: (String) -> Bool,
    _ visit: (Field) -> Void
) {
    var visited: Set<String> = []
    func walk(_ set: SelectionSet) {
        for selection in set.selections {
            switch selection {
            case .field(let field):
                guard include(field.directives) else { continue }
                visit(field)
            case .fragmentSpread(let spread):
                let name = spread.name.value
                guard !visited.contains(name), include(spread.directives) else { continue }
                visited.insert(name)
                guard let fragment = fragments[name], applies(fragment.typeCondition.name.value) else { continue }
                walk(fragment.selectionSet)
            case .inlineFragment(let inline):
                guard include(inline.directives) else { continue }
                if let condition = inline.typeCondition, !applies(condition.name.value) { continue }
                walk(inline.selectionSet)
            }
        }
    }
    for set in sets { walk(set) }
}

/// The same walk with every field and fragment counted (no directives
/// evaluated, every type condition applying): the most fields that can run.
@inlinable
public func forEachCollectedField(in sets: [SelectionSet], fragments: [String: FragmentDefinition], _ visit: (Field) -> Void) {
    forEachCollectedField(in: sets, fragments: fragments, include: { _ in true }, applies: { _ in true }, visit)
}
