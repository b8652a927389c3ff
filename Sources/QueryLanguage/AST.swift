// The GraphQL abstract syntax tree (spec October 2021, sections 2 and 3).
//
// Shaped after graphql-js's `language/ast.ts` so that validation rules and the
// printer read like their reference counterparts. Every node is a value type
// and carries the location of its first token.

/// Where a node starts and ends in the source. `start`/`end` are UTF-8 byte
/// offsets; `line`/`column` are 1-based and point at the first token (column
/// counts Unicode scalars, as graphql-js counts characters).
public struct Location: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var line: Int
    public var column: Int
    public init(start: Int, end: Int, line: Int, column: Int) {
        self.start = start; self.end = end; self.line = line; self.column = column
    }
    public static let none = Location(start: 0, end: 0, line: 0, column: 0)
}

public struct Name: Sendable, Equatable {
    public var value: String
    public var loc: Location
    public init(value: String, loc: Location = .none) { self.value = value; self.loc = loc }
}

public struct Document: Sendable, Equatable {
    public var definitions: [Definition]
    public var loc: Location
    public init(definitions: [Definition], loc: Location = .none) { self.definitions = definitions; self.loc = loc }
}

public enum Definition: Sendable, Equatable {
    case operation(OperationDefinition)
    case fragment(FragmentDefinition)
    /// `schema { … }` or `extend schema …` (see `isExtension`).
    case schema(SchemaDefinition)
    /// A type definition or an `extend` of one (see each struct's `isExtension`).
    case type(TypeDefinition)
    case directive(DirectiveDefinition)
}

// MARK: - Executable definitions

public enum OperationType: String, Sendable, Equatable {
    case query, mutation, subscription
}

public struct OperationDefinition: Sendable, Equatable {
    public var operation: OperationType
    public var name: Name?
    public var variableDefinitions: [VariableDefinition]
    public var directives: [Directive]
    public var selectionSet: SelectionSet
    public var loc: Location
    public init(operation: OperationType, name: Name?, variableDefinitions: [VariableDefinition], directives: [Directive], selectionSet: SelectionSet, loc: Location = .none) {
        self.operation = operation; self.name = name; self.variableDefinitions = variableDefinitions
        self.directives = directives; self.selectionSet = selectionSet; self.loc = loc
    }
}

public struct VariableDefinition: Sendable, Equatable {
    public var variable: Variable
    public var type: TypeReference
    public var defaultValue: ValueNode?
    public var directives: [Directive]
    public var loc: Location
    public init(variable: Variable, type: TypeReference, defaultValue: ValueNode?, directives: [Directive], loc: Location = .none) {
        self.variable = variable; self.type = type; self.defaultValue = defaultValue; self.directives = directives; self.loc = loc
    }
}

public struct Variable: Sendable, Equatable {
    public var name: Name
    public var loc: Location
    public init(name: Name, loc: Location = .none) { self.name = name; self.loc = loc }
}

public struct SelectionSet: Sendable, Equatable {
    public var selections: [Selection]
    public var loc: Location
    public init(selections: [Selection], loc: Location = .none) { self.selections = selections; self.loc = loc }
}

public enum Selection: Sendable, Equatable {
    case field(Field)
    case fragmentSpread(FragmentSpread)
    case inlineFragment(InlineFragment)
}

public struct Field: Sendable, Equatable {
    public var alias: Name?
    public var name: Name
    public var arguments: [Argument]
    public var directives: [Directive]
    public var selectionSet: SelectionSet?
    public var loc: Location
    /// The key this field has in the response: the alias, else the name.
    public var responseKey: String { alias?.value ?? name.value }
    public init(alias: Name?, name: Name, arguments: [Argument], directives: [Directive], selectionSet: SelectionSet?, loc: Location = .none) {
        self.alias = alias; self.name = name; self.arguments = arguments; self.directives = directives
        self.selectionSet = selectionSet; self.loc = loc
    }
}

public struct Argument: Sendable, Equatable {
    public var name: Name
    public var value: ValueNode
    public var loc: Location
    public init(name: Name, value: ValueNode, loc: Location = .none) { self.name = name; self.value = value; self.loc = loc }
}

public struct FragmentSpread: Sendable, Equatable {
    public var name: Name
    public var directives: [Directive]
    public var loc: Location
    public init(name: Name, directives: [Directive], loc: Location = .none) { self.name = name; self.directives = directives; self.loc = loc }
}

public struct InlineFragment: Sendable, Equatable {
    public var typeCondition: NamedType?
    public var directives: [Directive]
    public var selectionSet: SelectionSet
    public var loc: Location
    public init(typeCondition: NamedType?, directives: [Directive], selectionSet: SelectionSet, loc: Location = .none) {
        self.typeCondition = typeCondition; self.directives = directives; self.selectionSet = selectionSet; self.loc = loc
    }
}

public struct FragmentDefinition: Sendable, Equatable {
    public var name: Name
    public var typeCondition: NamedType
    public var directives: [Directive]
    public var selectionSet: SelectionSet
    public var loc: Location
    public init(name: Name, typeCondition: NamedType, directives: [Directive], selectionSet: SelectionSet, loc: Location = .none) {
        self.name = name; self.typeCondition = typeCondition; self.directives = directives; self.selectionSet = selectionSet; self.loc = loc
    }
}

// MARK: - Values

public struct ObjectField: Sendable, Equatable {
    public var name: Name
    public var value: ValueNode
    public var loc: Location
    public init(name: Name, value: ValueNode, loc: Location = .none) { self.name = name; self.value = value; self.loc = loc }
}

/// A literal or variable in the document. Int and Float keep their source
/// text: the range check belongs to input coercion, not to the parser.
public indirect enum ValueNode: Sendable, Equatable {
    case variable(Variable)
    case int(String, Location)
    case float(String, Location)
    /// `block` is true for a `"""block string"""` (the printer keeps the form).
    case string(String, block: Bool, Location)
    case boolean(Bool, Location)
    case null(Location)
    case enumValue(String, Location)
    case list([ValueNode], Location)
    case object([ObjectField], Location)

    public var loc: Location {
        switch self {
        case .variable(let v): return v.loc
        case .int(_, let l), .float(_, let l), .string(_, _, let l), .boolean(_, let l), .null(let l),
             .enumValue(_, let l), .list(_, let l), .object(_, let l):
            return l
        }
    }
}

// MARK: - Types and directives

public struct NamedType: Sendable, Equatable {
    public var name: Name
    public var loc: Location
    public init(name: Name, loc: Location = .none) { self.name = name; self.loc = loc }
}

public indirect enum TypeReference: Sendable, Equatable {
    case named(NamedType)
    case list(TypeReference, Location)
    case nonNull(TypeReference, Location)

    public var loc: Location {
        switch self {
        case .named(let n): return n.loc
        case .list(_, let l), .nonNull(_, let l): return l
        }
    }
    /// The innermost named type.
    public var namedType: NamedType {
        switch self {
        case .named(let n): return n
        case .list(let t, _), .nonNull(let t, _): return t.namedType
        }
    }
}

public struct Directive: Sendable, Equatable {
    public var name: Name
    public var arguments: [Argument]
    public var loc: Location
    public init(name: Name, arguments: [Argument], loc: Location = .none) { self.name = name; self.arguments = arguments; self.loc = loc }
}

// MARK: - Type system definitions and extensions

/// A description string; `block` records whether the source used `"""`.
public struct StringValue: Sendable, Equatable {
    public var value: String
    public var block: Bool
    public var loc: Location
    public init(value: String, block: Bool, loc: Location = .none) { self.value = value; self.block = block; self.loc = loc }
}

public struct OperationTypeDefinition: Sendable, Equatable {
    public var operation: OperationType
    public var type: NamedType
    public var loc: Location
    public init(operation: OperationType, type: NamedType, loc: Location = .none) { self.operation = operation; self.type = type; self.loc = loc }
}

public struct SchemaDefinition: Sendable, Equatable {
    public var description: StringValue?
    public var directives: [Directive]
    public var operationTypes: [OperationTypeDefinition]
    public var isExtension: Bool
    public var loc: Location
    public init(description: StringValue?, directives: [Directive], operationTypes: [OperationTypeDefinition], isExtension: Bool = false, loc: Location = .none) {
        self.description = description; self.directives = directives; self.operationTypes = operationTypes
        self.isExtension = isExtension; self.loc = loc
    }
}

public enum TypeDefinition: Sendable, Equatable {
    case scalar(ScalarTypeDefinition)
    case object(ObjectTypeDefinition)
    case interface(InterfaceTypeDefinition)
    case union(UnionTypeDefinition)
    case enumeration(EnumTypeDefinition)
    case inputObject(InputObjectTypeDefinition)

    /// The definition inside, whatever its kind: the accessors below read it through one switch.
    public var node: any TypeDefinitionNode {
        switch self {
        case .scalar(let d): return d
        case .object(let d): return d
        case .interface(let d): return d
        case .union(let d): return d
        case .enumeration(let d): return d
        case .inputObject(let d): return d
        }
    }
    public var name: Name { node.name }
    public var isExtension: Bool { node.isExtension }
    public var loc: Location { node.loc }
}

/// What every kind of type definition has.
public protocol TypeDefinitionNode: Sendable {
    var name: Name { get }
    var isExtension: Bool { get }
    var loc: Location { get }
}

extension ScalarTypeDefinition: TypeDefinitionNode {}
extension FieldsTypeDefinition: TypeDefinitionNode {}
extension UnionTypeDefinition: TypeDefinitionNode {}
extension EnumTypeDefinition: TypeDefinitionNode {}
extension InputObjectTypeDefinition: TypeDefinitionNode {}

public struct ScalarTypeDefinition: Sendable, Equatable {
    public var description: StringValue?
    public var name: Name
    public var directives: [Directive]
    public var isExtension: Bool
    public var loc: Location
    public init(description: StringValue?, name: Name, directives: [Directive], isExtension: Bool = false, loc: Location = .none) {
        self.description = description; self.name = name; self.directives = directives; self.isExtension = isExtension; self.loc = loc
    }
}

public struct FieldDefinition: Sendable, Equatable {
    public var description: StringValue?
    public var name: Name
    public var arguments: [InputValueDefinition]
    public var type: TypeReference
    public var directives: [Directive]
    public var loc: Location
    public init(description: StringValue?, name: Name, arguments: [InputValueDefinition], type: TypeReference, directives: [Directive], loc: Location = .none) {
        self.description = description; self.name = name; self.arguments = arguments; self.type = type
        self.directives = directives; self.loc = loc
    }
}

public struct InputValueDefinition: Sendable, Equatable {
    public var description: StringValue?
    public var name: Name
    public var type: TypeReference
    public var defaultValue: ValueNode?
    public var directives: [Directive]
    public var loc: Location
    public init(description: StringValue?, name: Name, type: TypeReference, defaultValue: ValueNode?, directives: [Directive], loc: Location = .none) {
        self.description = description; self.name = name; self.type = type; self.defaultValue = defaultValue
        self.directives = directives; self.loc = loc
    }
}

/// An object or interface type definition (or extension): both have a name,
/// the interfaces they implement, directives and field definitions. `Kind`
/// keeps the two apart in signatures (`ObjectTypeDefinition`, `InterfaceTypeDefinition`).
public struct FieldsTypeDefinition<Kind: FieldsTypeKind>: Sendable, Equatable {
    public var description: StringValue?
    public var name: Name
    public var interfaces: [NamedType]
    public var directives: [Directive]
    public var fields: [FieldDefinition]
    public var isExtension: Bool
    public var loc: Location
    public init(description: StringValue?, name: Name, interfaces: [NamedType], directives: [Directive], fields: [FieldDefinition], isExtension: Bool = false, loc: Location = .none) {
        self.description = description; self.name = name; self.interfaces = interfaces; self.directives = directives
        self.fields = fields; self.isExtension = isExtension; self.loc = loc
    }
}

/// Marks a type with fields as an object or an interface (here and in Schema's type system).
public protocol FieldsTypeKind: Sendable {}
public enum ObjectKind: FieldsTypeKind {}
public enum InterfaceKind: FieldsTypeKind {}
public typealias ObjectTypeDefinition = FieldsTypeDefinition<ObjectKind>
public typealias InterfaceTypeDefinition = FieldsTypeDefinition<InterfaceKind>

public struct UnionTypeDefinition: Sendable, Equatable {
    public var description: StringValue?
    public var name: Name
    public var directives: [Directive]
    public var types: [NamedType]
    public var isExtension: Bool
    public var loc: Location
    public init(description: StringValue?, name: Name, directives: [Directive], types: [NamedType], isExtension: Bool = false, loc: Location = .none) {
        self.description = description; self.name = name; self.directives = directives; self.types = types
        self.isExtension = isExtension; self.loc = loc
    }
}

public struct EnumValueDefinition: Sendable, Equatable {
    public var description: StringValue?
    public var name: Name
    public var directives: [Directive]
    public var loc: Location
    public init(description: StringValue?, name: Name, directives: [Directive], loc: Location = .none) {
        self.description = description; self.name = name; self.directives = directives; self.loc = loc
    }
}

public struct EnumTypeDefinition: Sendable, Equatable {
    public var description: StringValue?
    public var name: Name
    public var directives: [Directive]
    public var values: [EnumValueDefinition]
    public var isExtension: Bool
    public var loc: Location
    public init(description: StringValue?, name: Name, directives: [Directive], values: [EnumValueDefinition], isExtension: Bool = false, loc: Location = .none) {
        self.description = description; self.name = name; self.directives = directives; self.values = values
        self.isExtension = isExtension; self.loc = loc
    }
}

public struct InputObjectTypeDefinition: Sendable, Equatable {
    public var description: StringValue?
    public var name: Name
    public var directives: [Directive]
    public var fields: [InputValueDefinition]
    public var isExtension: Bool
    public var loc: Location
    public init(description: StringValue?, name: Name, directives: [Directive], fields: [InputValueDefinition], isExtension: Bool = false, loc: Location = .none) {
        self.description = description; self.name = name; self.directives = directives; self.fields = fields
        self.isExtension = isExtension; self.loc = loc
    }
}

public struct DirectiveDefinition: Sendable, Equatable {
    public var description: StringValue?
    public var name: Name
    public var arguments: [InputValueDefinition]
    public var repeatable: Bool
    /// The location names as written (`FIELD_DEFINITION`, `QUERY`, …).
    public var locations: [Name]
    public var loc: Location
    public init(description: StringValue?, name: Name, arguments: [InputValueDefinition], repeatable: Bool, locations: [Name], loc: Location = .none) {
        self.description = description; self.name = name; self.arguments = arguments; self.repeatable = repeatable
        self.locations = locations; self.loc = loc
    }
}
