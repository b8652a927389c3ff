// Introspection (spec 4.2, October 2021, plus what current tools ask for:
// specifiedByURL, isOneOf, args/inputFields(includeDeprecated:),
// isRepeatable). Answered from the GraphQLSchema, no I/O, as ordinary batch
// resolvers and FieldReadable objects that plug into the same executor.
import JSON
import QueryLanguage

enum Introspection {
    static let schemaField = OutputField(name: "__schema", description: "Access the current type schema of this server.",
                                         type: .nonNull(.named("__Schema")))
    static let typeField = OutputField(name: "__type", description: "Request the type information of a single type.",
                                       arguments: [InputValue(name: "name", type: .nonNull(.named("String")))],
                                       type: .named("__Type"))

    /// Adds `__Type.isOneOf` (graphql-js 16.9+/graphql-core 3.2.6+) when the
    /// schema's meta types predate it, so introspection answers it.
    static func completeMetaTypes(_ schema: inout GraphQLSchema) {
        if case .object(var t)? = schema.types["__Type"], t.field("isOneOf") == nil {
            t.fields.append(OutputField(name: "isOneOf", type: .named("Boolean")))
            schema.types["__Type"] = .object(t)
        }
    }

    static func resolvers(schema: GraphQLSchema) -> [String: BatchResolver] {
        let q = schema.queryType
        let root = IntroSchema(schema: schema)
        var r: [String: BatchResolver] = [:]
        r["\(q).__schema"] = { batch in batch.parents.map { _ in .object(root, typeName: "__Schema") } }
        r["\(q).__type"] = { batch in
            guard case .string(let name)? = batch.arguments["name"], schema.types[name] != nil else {
                return batch.parents.map { _ in .null }
            }
            return batch.parents.map { _ in .object(IntroType(schema: schema, ref: .named(name)), typeName: "__Type") }
        }
        r["__Type.fields"] = { batch in
            let all = batch.arguments["includeDeprecated"] == .bool(true)
            return batch.parents.map { p in
                guard let t = p as? IntroType, case .named(let n) = t.ref, let fields = schema.types[n]?.fields else { return .null }
                return .list(fields.filter { all || $0.deprecationReason == nil }
                    .map { .object(IntroField(schema: schema, field: $0), typeName: "__Field") })
            }
        }
        r["__Type.inputFields"] = { batch in
            let all = batch.arguments["includeDeprecated"] == .bool(true)
            return batch.parents.map { p in
                guard let t = p as? IntroType, case .named(let n) = t.ref, case .inputObject(let io)? = schema.types[n] else { return .null }
                return .list(io.fields.filter { all || $0.deprecationReason == nil }
                    .map { .object(IntroInputValue(schema: schema, value: $0), typeName: "__InputValue") })
            }
        }
        r["__Type.enumValues"] = { batch in
            let all = batch.arguments["includeDeprecated"] == .bool(true)
            return batch.parents.map { p in
                guard let t = p as? IntroType, case .named(let n) = t.ref, case .enumeration(let e)? = schema.types[n] else { return .null }
                return .list(e.values.filter { all || $0.deprecationReason == nil }
                    .map { .object(IntroEnumValue(value: $0), typeName: "__EnumValue") })
            }
        }
        r["__Field.args"] = { batch in
            let all = batch.arguments["includeDeprecated"] == .bool(true)
            return batch.parents.map { p in
                guard let f = p as? IntroField else { return .null }
                return .list(f.field.arguments.filter { all || $0.deprecationReason == nil }
                    .map { .object(IntroInputValue(schema: schema, value: $0), typeName: "__InputValue") })
            }
        }
        r["__Directive.args"] = { batch in
            let all = batch.arguments["includeDeprecated"] == .bool(true)
            return batch.parents.map { p in
                guard let d = p as? IntroDirective else { return .null }
                return .list(d.directive.arguments.filter { all || $0.deprecationReason == nil }
                    .map { .object(IntroInputValue(schema: schema, value: $0), typeName: "__InputValue") })
            }
        }
        return r
    }
}

struct IntroSchema: FieldReadable {
    let schema: GraphQLSchema

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "description": return schema.description.map { .leaf(.string($0)) } ?? .null
        case "types":
            var names = schema.typeNames
            var seen = Set(names)
            for n in schema.types.keys.sorted() where !seen.contains(n) { names.append(n); seen.insert(n) }
            return .list(names.filter { schema.types[$0] != nil }
                .map { .object(IntroType(schema: schema, ref: .named($0)), typeName: "__Type") })
        case "queryType": return .object(IntroType(schema: schema, ref: .named(schema.queryType)), typeName: "__Type")
        case "mutationType":
            return schema.mutationType.map { .object(IntroType(schema: schema, ref: .named($0)), typeName: "__Type") } ?? .null
        case "subscriptionType":
            return schema.subscriptionType.map { .object(IntroType(schema: schema, ref: .named($0)), typeName: "__Type") } ?? .null
        case "directives":
            return .list(schema.directives.map { .object(IntroDirective(schema: schema, directive: $0), typeName: "__Directive") })
        default: return nil
        }
    }
}

struct IntroType: FieldReadable {
    let schema: GraphQLSchema
    let ref: TypeRef

    func readField(_ field: String) -> ResolvedValue? {
        switch ref {
        case .list(let of), .nonNull(let of):
            switch field {
            case "kind": if case .list = ref { return .leaf(.string("LIST")) } else { return .leaf(.string("NON_NULL")) }
            case "ofType": return .object(IntroType(schema: schema, ref: of), typeName: "__Type")
            default: return .null
            }
        case .named(let name):
            guard let def = schema.types[name] else { return .null }
            switch field {
            case "kind":
                switch def {
                case .scalar: return .leaf(.string("SCALAR"))
                case .object: return .leaf(.string("OBJECT"))
                case .interface: return .leaf(.string("INTERFACE"))
                case .union: return .leaf(.string("UNION"))
                case .enumeration: return .leaf(.string("ENUM"))
                case .inputObject: return .leaf(.string("INPUT_OBJECT"))
                }
            case "name": return .leaf(.string(name))
            case "description": return def.description.map { .leaf(.string($0)) } ?? .null
            case "specifiedByURL", "specifiedByUrl":
                if case .scalar(let s) = def, let url = s.specifiedByURL { return .leaf(.string(url)) }
                return .null
            case "isOneOf":
                if case .inputObject = def { return .leaf(.bool(false)) }
                return .null
            case "interfaces":
                let names: [String]
                switch def {
                case .object(let o): names = o.interfaces
                case .interface(let i): names = i.interfaces
                default: return .null
                }
                return .list(names.map { .object(IntroType(schema: schema, ref: .named($0)), typeName: "__Type") })
            case "possibleTypes":
                guard def.isAbstract else { return .null }
                let names: [String]
                if case .union(let u) = def { names = u.possibleTypes } else { names = schema.possibleTypes[name] ?? [] }
                return .list(names.map { .object(IntroType(schema: schema, ref: .named($0)), typeName: "__Type") })
            case "ofType": return .null
            default: return .null
            }
        }
    }
}

struct IntroField: FieldReadable {
    let schema: GraphQLSchema
    let field: OutputField

    func readField(_ name: String) -> ResolvedValue? {
        switch name {
        case "name": return .leaf(.string(field.name))
        case "description": return field.description.map { .leaf(.string($0)) } ?? .null
        case "type": return .object(IntroType(schema: schema, ref: field.type), typeName: "__Type")
        case "isDeprecated": return .leaf(.bool(field.deprecationReason != nil))
        case "deprecationReason": return field.deprecationReason.map { .leaf(.string($0)) } ?? .null
        default: return .null
        }
    }
}

struct IntroInputValue: FieldReadable {
    let schema: GraphQLSchema
    let value: InputValue

    func readField(_ name: String) -> ResolvedValue? {
        switch name {
        case "name": return .leaf(.string(value.name))
        case "description": return value.description.map { .leaf(.string($0)) } ?? .null
        case "type": return .object(IntroType(schema: schema, ref: value.type), typeName: "__Type")
        case "defaultValue":
            guard let d = value.defaultValue else { return .null }
            return .leaf(.string(LiteralPrinter.javaScript(schema).printDefault(d, value.type) ?? printValue(d)))
        case "isDeprecated": return .leaf(.bool(value.deprecationReason != nil))
        case "deprecationReason": return value.deprecationReason.map { .leaf(.string($0)) } ?? .null
        default: return .null
        }
    }
}

struct IntroEnumValue: FieldReadable {
    let value: EnumValue
    func readField(_ name: String) -> ResolvedValue? {
        switch name {
        case "name": return .leaf(.string(value.name))
        case "description": return value.description.map { .leaf(.string($0)) } ?? .null
        case "isDeprecated": return .leaf(.bool(value.deprecationReason != nil))
        case "deprecationReason": return value.deprecationReason.map { .leaf(.string($0)) } ?? .null
        default: return .null
        }
    }
}

struct IntroDirective: FieldReadable {
    let schema: GraphQLSchema
    let directive: DirectiveType
    func readField(_ name: String) -> ResolvedValue? {
        switch name {
        case "name": return .leaf(.string(directive.name))
        case "description": return directive.description.map { .leaf(.string($0)) } ?? .null
        case "locations": return .list(directive.locations.map { .leaf(.string($0.rawValue)) })
        case "isRepeatable": return .leaf(.bool(directive.isRepeatable))
        default: return .null
        }
    }
}
