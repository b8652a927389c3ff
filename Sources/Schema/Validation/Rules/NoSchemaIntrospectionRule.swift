// graphql-js's NoSchemaIntrospectionCustomRule, for GRAPHQL_INTROSPECTION=off
// (or staff, for everyone else): one error per `__schema`/`__type` field
// anywhere in the document, fragments included, with graphql-js's wording.
import QueryLanguage

final class NoSchemaIntrospectionRule: RuleVisitor {
    init(_ c: ValidationContext) { super.init(c, [.field]) }

    override func enterField(_ f: Field) {
        let n = f.name.value
        if n == "__schema" || n == "__type" {
            report("GraphQL introspection has been disabled, but the requested query contained the field \"\(n)\".", [f.loc])
        }
    }
}
