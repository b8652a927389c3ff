// The type system (spec section 3) as plain values.
//
// Types refer to each other by name and the schema owns the name → type map,
// so the whole graph is immutable, `Sendable` and free of reference cycles.
// `SchemaBuilder` (SDL → GraphQLSchema) fills it; validation, coercion,
// introspection and execution read it.
import QueryLanguage

/// A type as used in a field, argument or variable: a named type wrapped in
/// lists and non-nulls.
public indirect enum TypeRef: Sendable, Hashable, CustomStringConvertible {
    case named(String)
    case list(TypeRef)
    case nonNull(TypeRef)

    public var namedType: String {
        switch self {
        case .named(let n): return n
        case .list(let t), .nonNull(let t): return t.namedType
        }
    }
    public var isNonNull: Bool { if case .nonNull = self { return true }; return false }
    /// The type without its outer non-null.
    public var nullable: TypeRef { if case .nonNull(let t) = self { return t }; return self }
    /// `[Int!]!` notation.
    public var description: String {
        switch self {
        case .named(let n): return n
        case .list(let t): return "[\(t)]"
        case .nonNull(let t): return "\(t)!"
        }
    }
    public init(_ node: TypeReference) {
        switch node {
        case .named(let n): self = .named(n.name.value)
        case .list(let t, _): self = .list(TypeRef(t))
        case .nonNull(let t, _): self = .nonNull(TypeRef(t))
        }
    }
}

/// A directive applied in the SDL (`@auth(requires: [ADMIN])`), kept so that
/// servers can read their own annotations at startup.
public struct AppliedDirective: Sendable, Equatable {
    public var name: String
    public var arguments: [String: ValueNode]
    public init(name: String, arguments: [String: ValueNode]) { self.name = name; self.arguments = arguments }
}

public struct InputValue: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var type: TypeRef
    /// The default as written in the SDL; coerced when used.
    public var defaultValue: ValueNode?
    public var deprecationReason: String?
    public var directives: [AppliedDirective]
    public init(name: String, description: String? = nil, type: TypeRef, defaultValue: ValueNode? = nil,
                deprecationReason: String? = nil, directives: [AppliedDirective] = []) {
        self.name = name; self.description = description; self.type = type; self.defaultValue = defaultValue
        self.deprecationReason = deprecationReason; self.directives = directives
    }
}

public struct OutputField: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var arguments: [InputValue]
    public var type: TypeRef
    public var deprecationReason: String?
    public var directives: [AppliedDirective]
    public init(name: String, description: String? = nil, arguments: [InputValue] = [], type: TypeRef,
                deprecationReason: String? = nil, directives: [AppliedDirective] = []) {
        self.name = name; self.description = description; self.arguments = arguments; self.type = type
        self.deprecationReason = deprecationReason; self.directives = directives
    }
    public func argument(_ name: String) -> InputValue? { arguments.first { $0.name == name } }
}

public struct ScalarType: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var specifiedByURL: String?
    public var directives: [AppliedDirective]
    public init(name: String, description: String? = nil, specifiedByURL: String? = nil, directives: [AppliedDirective] = []) {
        self.name = name; self.description = description; self.specifiedByURL = specifiedByURL; self.directives = directives
    }
}

/// An object or interface type: both are a name, fields in definition order
/// (introspection and printing keep it), the interfaces they implement and
/// their directives. `Kind` (QueryLanguage's marker) keeps the two apart in signatures.
public struct FieldsType<Kind: FieldsTypeKind>: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var fields: [OutputField]
    public var interfaces: [String]
    public var directives: [AppliedDirective]
    public init(name: String, description: String? = nil, fields: [OutputField], interfaces: [String] = [], directives: [AppliedDirective] = []) {
        self.name = name; self.description = description; self.fields = fields; self.interfaces = interfaces; self.directives = directives
    }
    public func field(_ name: String) -> OutputField? { fields.first { $0.name == name } }
}

public typealias ObjectType = FieldsType<ObjectKind>
public typealias InterfaceType = FieldsType<InterfaceKind>

public struct UnionType: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var possibleTypes: [String]
    public var directives: [AppliedDirective]
    public init(name: String, description: String? = nil, possibleTypes: [String], directives: [AppliedDirective] = []) {
        self.name = name; self.description = description; self.possibleTypes = possibleTypes; self.directives = directives
    }
}

public struct EnumValue: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var deprecationReason: String?
    public var directives: [AppliedDirective]
    public init(name: String, description: String? = nil, deprecationReason: String? = nil, directives: [AppliedDirective] = []) {
        self.name = name; self.description = description; self.deprecationReason = deprecationReason; self.directives = directives
    }
}

public struct EnumType: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var values: [EnumValue]
    public var directives: [AppliedDirective]
    public init(name: String, description: String? = nil, values: [EnumValue], directives: [AppliedDirective] = []) {
        self.name = name; self.description = description; self.values = values; self.directives = directives
    }
    public func value(_ name: String) -> EnumValue? { values.first { $0.name == name } }
}

public struct InputObjectType: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var fields: [InputValue]
    public var directives: [AppliedDirective]
    public init(name: String, description: String? = nil, fields: [InputValue], directives: [AppliedDirective] = []) {
        self.name = name; self.description = description; self.fields = fields; self.directives = directives
    }
    public func field(_ name: String) -> InputValue? { fields.first { $0.name == name } }
}

public enum NamedTypeDefinition: Sendable, Equatable {
    case scalar(ScalarType)
    case object(ObjectType)
    case interface(InterfaceType)
    case union(UnionType)
    case enumeration(EnumType)
    case inputObject(InputObjectType)

    public var name: String {
        switch self {
        case .scalar(let t): return t.name
        case .object(let t): return t.name
        case .interface(let t): return t.name
        case .union(let t): return t.name
        case .enumeration(let t): return t.name
        case .inputObject(let t): return t.name
        }
    }
    public var description: String? {
        switch self {
        case .scalar(let t): return t.description
        case .object(let t): return t.description
        case .interface(let t): return t.description
        case .union(let t): return t.description
        case .enumeration(let t): return t.description
        case .inputObject(let t): return t.description
        }
    }
    public var directives: [AppliedDirective] {
        switch self {
        case .scalar(let t): return t.directives
        case .object(let t): return t.directives
        case .interface(let t): return t.directives
        case .union(let t): return t.directives
        case .enumeration(let t): return t.directives
        case .inputObject(let t): return t.directives
        }
    }
    /// Fields of an object or interface type; nil for other kinds.
    public var fields: [OutputField]? {
        switch self {
        case .object(let t): return t.fields
        case .interface(let t): return t.fields
        default: return nil
        }
    }
    public var isInputType: Bool {
        switch self { case .scalar, .enumeration, .inputObject: return true; default: return false }
    }
    public var isOutputType: Bool {
        switch self { case .inputObject: return false; default: return true }
    }
    public var isLeaf: Bool {
        switch self { case .scalar, .enumeration: return true; default: return false }
    }
    public var isComposite: Bool {
        switch self { case .object, .interface, .union: return true; default: return false }
    }
    public var isAbstract: Bool {
        switch self { case .interface, .union: return true; default: return false }
    }
}

public enum DirectiveLocation: String, Sendable, CaseIterable {
    // Executable
    case QUERY, MUTATION, SUBSCRIPTION, FIELD, FRAGMENT_DEFINITION, FRAGMENT_SPREAD, INLINE_FRAGMENT, VARIABLE_DEFINITION
    // Type system
    case SCHEMA, SCALAR, OBJECT, FIELD_DEFINITION, ARGUMENT_DEFINITION, INTERFACE, UNION, ENUM, ENUM_VALUE,
         INPUT_OBJECT, INPUT_FIELD_DEFINITION
}

public struct DirectiveType: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var locations: [DirectiveLocation]
    public var arguments: [InputValue]
    public var isRepeatable: Bool
    public init(name: String, description: String? = nil, locations: [DirectiveLocation], arguments: [InputValue] = [], isRepeatable: Bool = false) {
        self.name = name; self.description = description; self.locations = locations; self.arguments = arguments; self.isRepeatable = isRepeatable
    }
}

/// A complete, validated schema. Build one with `SchemaBuilder`.
public struct GraphQLSchema: Sendable {
    public var description: String?
    /// Every named type, built-in scalars and introspection types included.
    public var types: [String: NamedTypeDefinition]
    /// Type names in the order the SDL defined them (printing keeps it).
    public var typeNames: [String]
    public var queryType: String
    public var mutationType: String?
    public var subscriptionType: String?
    /// Every directive, the built-in ones (@include, @skip, @deprecated, @specifiedBy) included.
    public var directives: [DirectiveType]
    /// Directives applied to the schema definition itself.
    public var schemaDirectives: [AppliedDirective]
    /// Interface or union name → the object types that implement or belong to it.
    public var possibleTypes: [String: [String]]

    public init(description: String? = nil, types: [String: NamedTypeDefinition], typeNames: [String], queryType: String,
                mutationType: String? = nil, subscriptionType: String? = nil, directives: [DirectiveType],
                schemaDirectives: [AppliedDirective] = [], possibleTypes: [String: [String]]) {
        self.description = description; self.types = types; self.typeNames = typeNames; self.queryType = queryType
        self.mutationType = mutationType; self.subscriptionType = subscriptionType; self.directives = directives
        self.schemaDirectives = schemaDirectives; self.possibleTypes = possibleTypes
    }

    public subscript(name: String) -> NamedTypeDefinition? { types[name] }
    public func directive(_ name: String) -> DirectiveType? { directives.first { $0.name == name } }
    public func rootType(for operation: OperationType) -> String? {
        switch operation {
        case .query: return queryType
        case .mutation: return mutationType
        case .subscription: return subscriptionType
        }
    }
    /// Whether object type `object` is a possible type of abstract type `abstract`.
    public func isPossibleType(_ object: String, of abstract: String) -> Bool {
        possibleTypes[abstract]?.contains(object) ?? false
    }
}
