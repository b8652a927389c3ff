// SDL → GraphQLSchema (graphql-js `buildASTSchema` + `assertValidSDL` +
// `validateSchema`): every problem is collected and thrown together.
import JSON
import QueryLanguage

/// Every problem found while building a schema, in graphql-js's wording.
public struct SchemaBuildError: Error, Sendable, CustomStringConvertible {
    public let errors: [GraphQLError]
    public init(errors: [GraphQLError]) { self.errors = errors }
    public var description: String {
        errors.map { e in
            e.message + (e.locations.isEmpty ? "" : " (" + e.locations.map { "\($0.line):\($0.column)" }.joined(separator: ", ") + ")")
        }.joined(separator: "\n")
    }
}

public enum SchemaBuilder {
    /// Parses and builds; a syntax error comes back as the only error.
    public static func build(sdl: String) throws -> GraphQLSchema {
        let document: Document
        do {
            document = try parse(sdl)
        } catch {
            throw SchemaBuildError(errors: [syntaxGraphQLError(error)])
        }
        return try build(document: document)
    }

    public static func build(document: Document) throws -> GraphQLSchema {
        var builder = Builder(document: document)
        return try builder.run()
    }

    /// The built-in scalars, directives and introspection types, for tools.
    public static var specifiedDirectiveNames: [String] { BuiltinDefinitions.directives.map(\.name) }
    public static var introspectionTypeNames: [String] { BuiltinDefinitions.introspectionTypes.map(\.name) }
    public static var specifiedScalarNames: [String] { BuiltinDefinitions.scalars.map(\.name) }
}

/// Turns the parser's thrown error into a GraphQLError (message "Syntax Error: …").
func syntaxGraphQLError(_ error: any Error) -> GraphQLError {
    if let e = error as? GraphQLSyntaxError {
        return GraphQLError(message: e.message, locations: [ErrorLocation(line: e.line, column: e.column)])
    }
    if let e = error as? GraphQLError { return e }
    return GraphQLError(message: "\(error)")
}

func errorLocations(_ locs: [Location]) -> [ErrorLocation] {
    locs.filter { $0.line > 0 }.map(ErrorLocation.init)
}

/// One named type's definition node followed by its extension nodes.
struct TypeNodes {
    var definition: TypeDefinition?
    var extensions: [TypeDefinition] = []
    var all: [TypeDefinition] { (definition.map { [$0] } ?? []) + extensions }
}

struct Builder {
    let document: Document
    var errors: [GraphQLError] = []
    var typeNodes: [String: TypeNodes] = [:]
    var order: [String] = []
    var directiveDefs: [DirectiveDefinition] = []
    var schemaDefs: [SchemaDefinition] = []
    var schemaExts: [SchemaDefinition] = []

    init(document: Document) { self.document = document }

    mutating func error(_ message: String, _ locs: [Location]) {
        errors.append(GraphQLError(message: message, locations: errorLocations(locs)))
    }

    static let standardTypeNames: Set<String> = Set(BuiltinDefinitions.scalars.map(\.name) + BuiltinDefinitions.introspectionTypes.map(\.name))

    mutating func run() throws -> GraphQLSchema {
        collect()
        checkSDL()
        if !errors.isEmpty { throw SchemaBuildError(errors: errors) }
        var schema = assemble()
        validateTypes(&schema)
        if !errors.isEmpty { throw SchemaBuildError(errors: errors) }
        return schema
    }

    // MARK: Collecting definitions

    mutating func collect() {
        var firstTypeName: [String: Name] = [:]
        var firstDirective: [String: Name] = [:]
        for def in document.definitions {
            switch def {
            case .schema(let s):
                if s.isExtension { schemaExts.append(s) } else {
                    if !schemaDefs.isEmpty { error("Must provide only one schema definition.", [s.loc]) }
                    schemaDefs.append(s)
                }
            case .type(let t):
                let name = t.name.value
                if t.isExtension {
                    typeNodes[name, default: TypeNodes()].extensions.append(t)
                } else {
                    if let first = firstTypeName[name] {
                        error("There can be only one type named '\(name)'.", [first.loc, t.name.loc])
                        continue
                    }
                    firstTypeName[name] = t.name
                    typeNodes[name, default: TypeNodes()].definition = t
                    if !(Builder.standardTypeNames.contains(name)) { order.append(name) }
                }
            case .directive(let d):
                if let first = firstDirective[d.name.value] {
                    error("There can be only one directive named '@\(d.name.value)'.", [first.loc, d.name.loc])
                    continue
                }
                firstDirective[d.name.value] = d.name
                directiveDefs.append(d)
            case .operation, .fragment:
                break
            }
        }
    }

    // MARK: SDL validation (graphql-js specifiedSDLRules)

    var allTypeNamesForSuggestions: [String] {
        Array(Builder.standardTypeNames) + order
    }

    func isKnownType(_ name: String) -> Bool {
        Builder.standardTypeNames.contains(name) || typeNodes[name]?.definition != nil
    }

    mutating func checkTypeRef(_ t: TypeReference) {
        let n = t.namedType
        if !isKnownType(n.name.value) {
            let s = suggestionList(n.name.value, allTypeNamesForSuggestions)
            error("Unknown type '\(n.name.value)'." + didYouMean(s), [n.loc])
        }
    }

    var directiveTable: [String: DirectiveType] {
        var t: [String: DirectiveType] = [:]
        for d in BuiltinDefinitions.directives { t[d.name] = d }
        for d in directiveDefs {
            t[d.name.value] = DirectiveType(name: d.name.value, locations: d.locations.compactMap { DirectiveLocation(rawValue: $0.value) },
                                            arguments: d.arguments.map { InputValue(name: $0.name.value, type: TypeRef($0.type), defaultValue: $0.defaultValue) },
                                            isRepeatable: d.repeatable)
        }
        return t
    }

    mutating func checkDirectives(_ directives: [Directive], _ location: DirectiveLocation, _ table: [String: DirectiveType]) {
        var seen: [String: Directive] = [:]
        for d in directives {
            let name = d.name.value
            guard let def = table[name] else {
                error("Unknown directive '@\(name)'.", [d.loc]); continue
            }
            if !def.locations.contains(location) {
                error("Directive '@\(name)' may not be used on \(location.rawValue.lowercased().replacingAll("_", with: " ")).", [d.loc])
            }
            if !def.isRepeatable {
                if let first = seen[name] {
                    error("The directive '@\(name)' can only be used once at this location.", [first.loc, d.loc])
                } else { seen[name] = d }
            }
            var argSeen: [String: Name] = [:]
            for a in d.arguments {
                if !def.arguments.contains(where: { $0.name == a.name.value }) {
                    let s = suggestionList(a.name.value, def.arguments.map(\.name))
                    error("Unknown argument '\(a.name.value)' on directive '@\(name)'." + didYouMean(s), [a.loc])
                }
                if let f = argSeen[a.name.value] {
                    error("There can be only one argument named '\(a.name.value)'.", [f.loc, a.name.loc])
                } else { argSeen[a.name.value] = a.name }
            }
            for arg in def.arguments where arg.type.isNonNull && arg.defaultValue == nil {
                if !d.arguments.contains(where: { $0.name.value == arg.name }) {
                    error("Directive '@\(name)' argument '\(arg.name)' of type '\(arg.type)' is required, but it was not provided.", [d.loc])
                }
            }
        }
    }

    mutating func checkArgDefs(_ parent: String, _ args: [InputValueDefinition], _ table: [String: DirectiveType]) {
        var byName: [String: [InputValueDefinition]] = [:]
        var names: [String] = []
        for a in args {
            if byName[a.name.value] == nil { names.append(a.name.value) }
            byName[a.name.value, default: []].append(a)
        }
        for n in names where byName[n]!.count > 1 {
            error("Argument '\(parent)(\(n):)' can only be defined once.", byName[n]!.map(\.name.loc))
        }
        for a in args {
            checkTypeRef(a.type)
            checkDirectives(a.directives, .ARGUMENT_DEFINITION, table)
        }
    }

    mutating func checkSDL() {
        let table = directiveTable
        // Schema definition and operation types.
        var opSeen: [OperationType: OperationTypeDefinition] = [:]
        for s in schemaDefs + schemaExts {
            checkDirectives(s.directives, .SCHEMA, table)
            for op in s.operationTypes {
                if let prev = opSeen[op.operation] {
                    error("There can be only one \(op.operation.rawValue) type in schema.", [prev.loc, op.loc])
                } else { opSeen[op.operation] = op }
                checkTypeRef(.named(op.type))
            }
        }
        for d in directiveDefs {
            checkArgDefs("@\(d.name.value)", d.arguments, table)
            for l in d.locations where DirectiveLocation(rawValue: l.value) == nil {
                error("Unexpected directive location '\(l.value)'.", [l.loc])
            }
        }
        for def in document.definitions {
            guard case .type(let t) = def else { continue }
            let name = t.name.value
            if t.isExtension {
                if let base = typeNodes[name]?.definition {
                    if kindName(base) != kindName(t) {
                        error("Cannot extend non-\(kindName(t)) type '\(name)'.", [base.loc, t.loc])
                    }
                } else if !Builder.standardTypeNames.contains(name) {
                    let s = suggestionList(name, allTypeNamesForSuggestions)
                    error("Cannot extend type '\(name)' because it is not defined." + didYouMean(s), [t.name.loc])
                }
            }
            switch t {
            case .scalar(let d):
                checkDirectives(d.directives, .SCALAR, table)
            case .object(let d):
                for i in d.interfaces { checkTypeRef(.named(i)) }
                checkDirectives(d.directives, .OBJECT, table)
                checkFields(name, d.fields, t.isExtension, table)
            case .interface(let d):
                for i in d.interfaces { checkTypeRef(.named(i)) }
                checkDirectives(d.directives, .INTERFACE, table)
                checkFields(name, d.fields, t.isExtension, table)
            case .union(let d):
                for m in d.types { checkTypeRef(.named(m)) }
                checkDirectives(d.directives, .UNION, table)
            case .enumeration(let d):
                checkDirectives(d.directives, .ENUM, table)
                var seen: [String: Name] = [:]
                for v in d.values {
                    if let f = seen[v.name.value] {
                        error("Enum value '\(name).\(v.name.value)' can only be defined once.", [f.loc, v.name.loc])
                    } else { seen[v.name.value] = v.name }
                    checkDirectives(v.directives, .ENUM_VALUE, table)
                }
            case .inputObject(let d):
                checkDirectives(d.directives, .INPUT_OBJECT, table)
                var seen: [String: Name] = [:]
                for f in d.fields {
                    if let p = seen[f.name.value] {
                        error("Field '\(name).\(f.name.value)' can only be defined once.", [p.loc, f.name.loc])
                    } else { seen[f.name.value] = f.name }
                    checkTypeRef(f.type)
                    checkDirectives(f.directives, .INPUT_FIELD_DEFINITION, table)
                }
            }
        }
        // Fields/values defined twice across a definition and its extensions.
        for name in typeNodes.keys.sorted() {
            let nodes = typeNodes[name]!.all
            guard nodes.count > 1 else { continue }
            var seen: [String: Name] = [:]
            for n in nodes {
                var names: [Name] = []
                switch n {
                case .object(let d): names = d.fields.map(\.name)
                case .interface(let d): names = d.fields.map(\.name)
                case .inputObject(let d): names = d.fields.map(\.name)
                case .enumeration(let d): names = d.values.map(\.name)
                default: break
                }
                var local: Set<String> = []
                for nm in names {
                    if let p = seen[nm.value], !local.contains(nm.value) {
                        if case .enumeration = n {
                            error("Enum value '\(name).\(nm.value)' can only be defined once.", [p.loc, nm.loc])
                        } else {
                            error("Field '\(name).\(nm.value)' can only be defined once.", [p.loc, nm.loc])
                        }
                    }
                    local.insert(nm.value)
                }
                for nm in names where seen[nm.value] == nil { seen[nm.value] = nm }
            }
        }
    }

    mutating func checkFields(_ typeName: String, _ fields: [FieldDefinition], _ isExt: Bool, _ table: [String: DirectiveType]) {
        var seen: [String: Name] = [:]
        for f in fields {
            if let p = seen[f.name.value] {
                error("Field '\(typeName).\(f.name.value)' can only be defined once.", [p.loc, f.name.loc])
            } else { seen[f.name.value] = f.name }
            checkTypeRef(f.type)
            checkDirectives(f.directives, .FIELD_DEFINITION, table)
            checkArgDefs("\(typeName).\(f.name.value)", f.arguments, table)
        }
    }

    func kindName(_ t: TypeDefinition) -> String {
        switch t {
        case .scalar: return "scalar"
        case .object: return "object"
        case .interface: return "interface"
        case .union: return "union"
        case .enumeration: return "enum"
        case .inputObject: return "input object"
        }
    }

    // MARK: Assembling the schema

    static func applied(_ ds: [Directive]) -> [AppliedDirective] {
        ds.map { d in
            var args: [String: ValueNode] = [:]
            for a in d.arguments { args[a.name.value] = a.value }
            return AppliedDirective(name: d.name.value, arguments: args)
        }
    }

    static func deprecation(_ ds: [Directive]) -> String? {
        guard let d = ds.first(where: { $0.name.value == "deprecated" }) else { return nil }
        if let a = d.arguments.first(where: { $0.name.value == "reason" }), case .string(let s, _, _) = a.value { return s }
        return "No longer supported"
    }

    static func inputValue(_ a: InputValueDefinition) -> InputValue {
        InputValue(name: a.name.value, description: a.description?.value, type: TypeRef(a.type), defaultValue: a.defaultValue,
                   deprecationReason: deprecation(a.directives), directives: applied(a.directives))
    }

    static func field(_ f: FieldDefinition) -> OutputField {
        OutputField(name: f.name.value, description: f.description?.value, arguments: f.arguments.map(inputValue), type: TypeRef(f.type),
                    deprecationReason: deprecation(f.directives), directives: applied(f.directives))
    }

    func buildType(_ name: String) -> NamedTypeDefinition? {
        guard let nodes = typeNodes[name], let def = nodes.definition else { return nil }
        let all = nodes.all
        func dirs() -> [Directive] { all.flatMap { n -> [Directive] in
            switch n {
            case .scalar(let d): return d.directives
            case .object(let d): return d.directives
            case .interface(let d): return d.directives
            case .union(let d): return d.directives
            case .enumeration(let d): return d.directives
            case .inputObject(let d): return d.directives
            }
        } }
        let directives = dirs()
        switch def {
        case .scalar(let d):
            var url: String?
            if let s = directives.first(where: { $0.name.value == "specifiedBy" }),
               let a = s.arguments.first(where: { $0.name.value == "url" }), case .string(let u, _, _) = a.value { url = u }
            return .scalar(ScalarType(name: name, description: d.description?.value, specifiedByURL: url, directives: Builder.applied(directives)))
        case .object(let d):
            var fields: [OutputField] = [], ifaces: [String] = []
            for n in all { if case .object(let x) = n { fields += x.fields.map(Builder.field); ifaces += x.interfaces.map(\.name.value) } }
            return .object(ObjectType(name: name, description: d.description?.value, fields: fields, interfaces: ifaces, directives: Builder.applied(directives)))
        case .interface(let d):
            var fields: [OutputField] = [], ifaces: [String] = []
            for n in all { if case .interface(let x) = n { fields += x.fields.map(Builder.field); ifaces += x.interfaces.map(\.name.value) } }
            return .interface(InterfaceType(name: name, description: d.description?.value, fields: fields, interfaces: ifaces, directives: Builder.applied(directives)))
        case .union(let d):
            var members: [String] = []
            for n in all { if case .union(let x) = n { members += x.types.map(\.name.value) } }
            return .union(UnionType(name: name, description: d.description?.value, possibleTypes: members, directives: Builder.applied(directives)))
        case .enumeration(let d):
            var values: [EnumValue] = []
            for n in all { if case .enumeration(let x) = n {
                values += x.values.map { EnumValue(name: $0.name.value, description: $0.description?.value,
                                                   deprecationReason: Builder.deprecation($0.directives), directives: Builder.applied($0.directives)) }
            } }
            return .enumeration(EnumType(name: name, description: d.description?.value, values: values, directives: Builder.applied(directives)))
        case .inputObject(let d):
            var fields: [InputValue] = []
            for n in all { if case .inputObject(let x) = n { fields += x.fields.map(Builder.inputValue) } }
            return .inputObject(InputObjectType(name: name, description: d.description?.value, fields: fields, directives: Builder.applied(directives)))
        }
    }

    mutating func assemble() -> GraphQLSchema {
        var types: [String: NamedTypeDefinition] = [:]
        for name in order { if let t = buildType(name) { types[name] = t } }
        // A redefinition of a standard type is ignored, as in graphql-js.
        for t in BuiltinDefinitions.introspectionTypes { types[t.name] = t }

        // Directives: user-defined ones, plus the specified ones not redefined.
        var directives: [DirectiveType] = []
        let userNames = Set(directiveDefs.map(\.name.value))
        for d in directiveDefs {
            directives.append(DirectiveType(name: d.name.value, description: d.description?.value,
                                            locations: d.locations.compactMap { DirectiveLocation(rawValue: $0.value) },
                                            arguments: d.arguments.map(Builder.inputValue), isRepeatable: d.repeatable))
        }
        for d in BuiltinDefinitions.directives where !userNames.contains(d.name) { directives.append(d) }

        // Built-in scalars: only those referenced anywhere, as graphql-js's type map.
        var referenced: Set<String> = ["String", "Boolean"]
        for t in types.values {
            switch t {
            case .object(let o): for f in o.fields { referenced.insert(f.type.namedType); for a in f.arguments { referenced.insert(a.type.namedType) } }
            case .interface(let o): for f in o.fields { referenced.insert(f.type.namedType); for a in f.arguments { referenced.insert(a.type.namedType) } }
            case .inputObject(let o): for f in o.fields { referenced.insert(f.type.namedType) }
            default: break
            }
        }
        for d in directives { for a in d.arguments { referenced.insert(a.type.namedType) } }
        for s in BuiltinDefinitions.scalars where referenced.contains(s.name) && types[s.name] == nil { types[s.name] = .scalar(s) }

        // Root types.
        var query: String?, mutation: String?, subscription: String?
        if let s = schemaDefs.first {
            for op in (schemaDefs.prefix(1) + schemaExts).flatMap(\.operationTypes) {
                switch op.operation {
                case .query: query = op.type.name.value
                case .mutation: mutation = op.type.name.value
                case .subscription: subscription = op.type.name.value
                }
            }
            _ = s
        } else {
            for op in schemaExts.flatMap(\.operationTypes) {
                switch op.operation {
                case .query: query = op.type.name.value
                case .mutation: mutation = op.type.name.value
                case .subscription: subscription = op.type.name.value
                }
            }
            if query == nil, types["Query"] != nil { query = "Query" }
            if mutation == nil, types["Mutation"] != nil { mutation = "Mutation" }
            if subscription == nil, types["Subscription"] != nil { subscription = "Subscription" }
        }
        if query == nil {
            error("Query root type must be provided.", schemaDefs.first.map { [$0.loc] } ?? [])
        }

        // Possible types: union members; interface implementers (transitively).
        var possible: [String: [String]] = [:]
        for name in order {
            switch types[name] {
            case .union(let u)?:
                var seen: Set<String> = []
                possible[name] = u.possibleTypes.filter { seen.insert($0).inserted }
            case .interface?:
                possible[name] = possible[name] ?? []
            default: break
            }
        }
        for name in order {
            guard case .object(let o)? = types[name] else { continue }
            var visited: Set<String> = []
            var stack = o.interfaces
            while let i = stack.popLast() {
                guard visited.insert(i).inserted else { continue }
                if case .interface(let it)? = types[i] {
                    if !(possible[i]?.contains(name) ?? false) { possible[i, default: []].append(name) }
                    stack.append(contentsOf: it.interfaces)
                }
            }
        }
        // Keep implementers in type order.
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for (k, v) in possible where types[k].map({ if case .interface = $0 { return true }; return false }) ?? false {
            possible[k] = v.sorted { (position[$0] ?? 0) < (position[$1] ?? 0) }
        }
        let def = schemaDefs.first
        return GraphQLSchema(description: def?.description?.value, types: types, typeNames: order, queryType: query ?? "",
                             mutationType: mutation, subscriptionType: subscription, directives: directives,
                             schemaDirectives: Builder.applied((schemaDefs.prefix(1) + schemaExts).flatMap(\.directives)),
                             possibleTypes: possible)
    }
}
