// Spec 5.5.1.2 Fragment Spread Type Existence / 5.8.2 (variable types), and
// the named types of type-system definitions (graphql-js validates those too:
// there the standard scalars and introspection types are always known).
import QueryLanguage

final class KnownTypeNamesRule: RuleVisitor {
    /// Suggestions: the schema's types and those the document defines.
    lazy var typeNames: [String] = Array(Set(context.schema.types.keys).union(context.documentTypeNames))
    lazy var sdlTypeNames: [String] = Array(Set(typeNames).union(SchemaBuilder.specifiedScalarNames).union(SchemaBuilder.introspectionTypeNames))
    init(_ c: ValidationContext) { super.init(c, [.namedType]) }
    override func enterNamedType(_ n: NamedType) {
        let name = n.name.value
        if context.schema.types[name] != nil || context.documentTypeNames.contains(name) { return }
        let isSDL = context.inTypeSystemDefinition
        if isSDL && (SchemaBuilder.specifiedScalarNames.contains(name) || SchemaBuilder.introspectionTypeNames.contains(name)) { return }
        report("Unknown type \"\(name)\"." + didYouMeanQuoted(suggestionList(name, isSDL ? sdlTypeNames : typeNames)), [n.loc])
    }
}
