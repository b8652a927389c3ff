// The contract between the execution engine and the code that serves data.
//
// Execution is breadth-first: at each level of the response tree the engine
// groups pending fields by (parent type, field name, coerced arguments) and
// makes ONE call per group with every parent object of that level, so a
// relation costs one round trip per level whatever the list sizes.
import JSON
import QueryLanguage

/// Coerces a custom (or built-in) scalar. `JSON` is the internal form on both
/// sides: resolvers produce it, variables arrive as it.
public protocol ScalarCoercing: Sendable {
    /// A variable's JSON value → internal value. Throw `CoercionFailure` to reject.
    func parseValue(_ value: JSON) throws -> JSON
    /// A literal from the document (never `.variable`) → internal value.
    func parseLiteral(_ value: ValueNode) throws -> JSON
    /// A resolver's value → the response value.
    func serialize(_ value: JSON) throws -> JSON
}

public struct CoercionFailure: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// What a resolver returns for one parent.
///
/// Leaves and lists are stored inline (a value per field read allocates nothing); objects and
/// errors, whose payloads are larger, are boxed so the enum stays the size of a `JSON`.
public enum ResolvedValue: Sendable {
    case null
    /// A scalar or enum value, serialized by the field type's coercer.
    case leaf(JSON)
    /// An object handed to the next level's resolvers. `typeName` names the
    /// concrete object type; it is required when the field's type is abstract. Stored inline
    /// (not `indirect`): a box per object was an allocation per row, edge and joined relation.
    case object(any Sendable, typeName: String?)
    case list([ResolvedValue])
    /// This parent's field failed: null plus this error at the field's path.
    indirect case error(GraphQLError)
}

/// Parent objects that can answer plain fields themselves (a loaded row):
/// fields without a registered resolver are read through this at no cost.
public protocol FieldReadable: Sendable {
    /// The value of `field`, or nil when this object has no such field.
    func readField(_ field: String) -> ResolvedValue?
}

/// One resolver call: a field of a type, for every parent of one level.
public struct FieldBatch: Sendable {
    public var typeName: String
    public var fieldName: String
    /// The parents, in order; the resolver returns one value per parent.
    /// Each parent object appears once, even when several aliases select the
    /// field with the same arguments on it (they share the value).
    public var parents: [any Sendable]
    /// Coerced arguments, defaults applied (absent optional ones are missing).
    public var arguments: [String: JSON]
    /// Names of the fields selected directly under this field (fragments
    /// expanded, every type condition), for look-ahead such as `totalCount`.
    public var selectedFields: Set<String>
    /// Dotted paths of the fields selected below this field, `lookaheadDepth`
    /// levels deep (`nodes`, `nodes.user`, `edges.node.user.firstName`, …;
    /// fragments expanded, every type condition), for joining to-one relations
    /// into this field's statement.
    public var selectedPaths: Set<String>
    /// How deep `selectedPaths` looks.
    public static let lookaheadDepth = 6
    /// The request's own context (the viewer, a database handle, …).
    public var context: any Sendable
    /// Locations of the field in the document, for resolver-made errors.
    public var locations: [ErrorLocation]

    public init(typeName: String, fieldName: String, parents: [any Sendable], arguments: [String: JSON],
                selectedFields: Set<String>, context: any Sendable, locations: [ErrorLocation], selectedPaths: Set<String> = []) {
        self.typeName = typeName; self.fieldName = fieldName; self.parents = parents; self.arguments = arguments
        self.selectedFields = selectedFields; self.context = context; self.locations = locations
        self.selectedPaths = selectedPaths
    }
}

public typealias BatchResolver = @Sendable (FieldBatch) async throws -> [ResolvedValue]

/// Decides, before a field's resolver runs, which parents may read it.
/// Returns one entry per parent: nil allows, an error denies (the field is
/// null with that error at its path). Throwing denies the whole batch.
public typealias FieldGuard = @Sendable (FieldBatch) async throws -> [GraphQLError?]

/// Decides, after a field resolved to objects of `typeName`, which of those
/// objects the viewer may see: nil allows, an error nulls that value.
public typealias ObjectGuard = @Sendable (_ typeName: String, _ objects: [any Sendable], _ context: any Sendable) async throws -> [GraphQLError?]

/// A schema plus everything needed to execute against it.
public struct ExecutableSchema: Sendable {
    public var schema: GraphQLSchema
    /// "Type.field" → resolver. Fields without one are read via `FieldReadable`.
    public var resolvers: [String: BatchResolver]
    /// Custom scalar name → coercer (the five built-ins are provided).
    public var scalars: [String: any ScalarCoercing]
    public var fieldGuard: FieldGuard?
    /// Whether `fieldGuard` has anything to decide for `(type, field)`; nil: for every field.
    /// Asked once per field of a document, so a field it never applies to is read straight
    /// from its parent (no guard call, no batch) when it has no resolver either.
    public var fieldGuardApplies: (@Sendable (_ typeName: String, _ fieldName: String) -> Bool)?
    public var objectGuard: ObjectGuard?
    /// Whether `objectGuard` has anything to decide for objects of a type; nil: for every type.
    /// Asked once per type of a level: the objects of other types are not passed to the guard.
    public var objectGuardApplies: (@Sendable (_ typeName: String) -> Bool)?

    public init(schema: GraphQLSchema, resolvers: [String: BatchResolver] = [:], scalars: [String: any ScalarCoercing] = [:],
                fieldGuard: FieldGuard? = nil, fieldGuardApplies: (@Sendable (String, String) -> Bool)? = nil,
                objectGuard: ObjectGuard? = nil, objectGuardApplies: (@Sendable (String) -> Bool)? = nil) {
        self.schema = schema; self.resolvers = resolvers; self.scalars = scalars
        self.fieldGuard = fieldGuard; self.fieldGuardApplies = fieldGuardApplies
        self.objectGuard = objectGuard; self.objectGuardApplies = objectGuardApplies
    }
}
