// A per-schema lookup table for validation, built once per schema and cached:
// type kinds as flags and fields as shared objects, so the walk looks a type
// or field up without copying the schema's value types (each copy of an
// `OutputField` or `NamedTypeDefinition` retains half a dozen buffers).
import QueryLanguage
import Synchronization

struct ValidationTypeFlags: OptionSet, Sendable {
    let rawValue: UInt16
    static let scalar = ValidationTypeFlags(rawValue: 1 << 0)
    static let object = ValidationTypeFlags(rawValue: 1 << 1)
    static let interface = ValidationTypeFlags(rawValue: 1 << 2)
    static let union = ValidationTypeFlags(rawValue: 1 << 3)
    static let enumeration = ValidationTypeFlags(rawValue: 1 << 4)
    static let inputObject = ValidationTypeFlags(rawValue: 1 << 5)
    static let composite: ValidationTypeFlags = [.object, .interface, .union]
    static let leaf: ValidationTypeFlags = [.scalar, .enumeration]
    static let input: ValidationTypeFlags = [.scalar, .enumeration, .inputObject]
    static let abstract: ValidationTypeFlags = [.interface, .union]
}

/// A named type of the schema. Immutable once its index is built (fields are
/// set right after all entries exist, since types refer to each other).
final class ValidationTypeEntry: @unchecked Sendable {
    let name: String
    let flags: ValidationTypeFlags
    /// Fields of an object or interface type (`__typename` and the root's
    /// `__schema`/`__type` included), in definition order.
    private(set) var fields: [ValidationFieldEntry] = []
    /// Field name → index in `fields`.
    private(set) var fieldIndex: [String: Int] = [:]
    init(name: String, flags: ValidationTypeFlags) { self.name = name; self.flags = flags }
    fileprivate func setFields(_ fs: [ValidationFieldEntry]) {
        fields = fs
        for (i, f) in fs.enumerated() where fieldIndex[f.name] == nil { fieldIndex[f.name] = i }
    }
    var isComposite: Bool { !flags.isDisjoint(with: .composite) }
    var isLeaf: Bool { !flags.isDisjoint(with: .leaf) }
    var isInput: Bool { !flags.isDisjoint(with: .input) }
    var isOutput: Bool { !flags.contains(.inputObject) }
    var isObject: Bool { flags.contains(.object) }

    /// The field named `name`: a linear scan (field lists are short and small
    /// strings compare by their bits) beats hashing the name.
    @inline(__always) func field(_ name: String) -> ValidationFieldEntry? {
        if fields.count <= 24 {
            for f in fields where f.name == name { return f }
            return nil
        }
        return fieldIndex[name].map { fields[$0] }
    }
}

/// An argument definition of a field or directive, with what the walk needs.
final class ValidationArgumentEntry: Sendable {
    let name: String
    let def: InputValue
    /// The argument's type when it is an input type, else nil.
    let inputType: TypeRef?
    let hasDefault: Bool
    init(_ def: InputValue, isInput: Bool) {
        name = def.name; self.def = def; inputType = isInput ? def.type : nil; hasDefault = def.defaultValue != nil
    }
}

/// A field of an object or interface type.
final class ValidationFieldEntry: @unchecked Sendable {
    let def: OutputField
    let name: String
    let type: TypeRef
    /// The field's named type, nil when unknown (owned by the index, which
    /// outlives every walk that reads it).
    unowned(unsafe) let namedType: ValidationTypeEntry?
    /// `type` when it is an output type (graphql-js TypeInfo), else nil.
    let outputType: TypeRef?
    /// Arguments that are non-null without a default (ProvidedRequiredArguments).
    let requiredArguments: [InputValue]
    /// `__typename`, `__schema` or `__type`.
    let isMeta: Bool
    let arguments: [ValidationArgumentEntry]
    init(_ def: OutputField, _ namedType: ValidationTypeEntry?, _ types: [String: ValidationTypeEntry], meta: Bool = false) {
        self.def = def; isMeta = meta
        arguments = def.arguments.map { ValidationArgumentEntry($0, isInput: types[$0.type.namedType]?.isInput ?? false) }
        name = def.name; type = def.type; self.namedType = namedType
        outputType = namedType?.isOutput == true ? def.type : nil
        requiredArguments = def.arguments.filter { $0.type.isNonNull && $0.defaultValue == nil }
    }
}

final class ValidationSchemaIndex: Sendable {
    let types: [String: ValidationTypeEntry]
    let queryType: ValidationTypeEntry?
    let directives: [String: DirectiveType]
    /// Directive name → its argument entries.
    let directiveArguments: [String: [ValidationArgumentEntry]]

    /// Every entry (keeps them alive: fields refer to types unowned).
    private let entries: [ValidationTypeEntry]

    init(_ schema: GraphQLSchema) {
        func flags(_ t: NamedTypeDefinition) -> ValidationTypeFlags {
            switch t {
            case .scalar: return .scalar
            case .object: return .object
            case .interface: return .interface
            case .union: return .union
            case .enumeration: return .enumeration
            case .inputObject: return .inputObject
            }
        }
        var all: [String: ValidationTypeEntry] = [:]
        for (name, t) in schema.types { all[name] = ValidationTypeEntry(name: name, flags: flags(t)) }
        for (name, t) in schema.types {
            var fields: [ValidationFieldEntry] = []
            if let fs = t.fields { fields = fs.map { ValidationFieldEntry($0, all[$0.type.namedType], all) } }
            if t.isComposite {
                fields.append(ValidationFieldEntry(typenameMetaField, all["String"], all, meta: true))
                if name == schema.queryType {
                    fields.append(ValidationFieldEntry(schemaMetaField, all["__Schema"], all, meta: true))
                    fields.append(ValidationFieldEntry(typeMetaField, all["__Type"], all, meta: true))
                }
            }
            all[name]!.setFields(fields)
        }
        entries = Array(all.values)
        let final = all
        types = final
        queryType = final[schema.queryType]
        var ds: [String: DirectiveType] = [:]
        var da: [String: [ValidationArgumentEntry]] = [:]
        for d in schema.directives where ds[d.name] == nil {
            ds[d.name] = d
            da[d.name] = d.arguments.map { ValidationArgumentEntry($0, isInput: all[$0.type.namedType]?.isInput ?? false) }
        }
        directives = ds
        directiveArguments = da
    }

    // MARK: Cache keyed by schema identity

    private struct Key: Equatable {
        var types: UInt, directives: UInt, possibleTypes: UInt
        var query: String, mutation: String?, subscription: String?
    }
    private struct Entry {
        var key: Key
        /// Keeps the keyed buffers alive, so their addresses cannot be reused.
        var schema: GraphQLSchema
        var index: ValidationSchemaIndex
    }
    private static let cache = Mutex<[Entry]>([])

    private static func bits<T>(_ v: T) -> UInt {
        withUnsafeBytes(of: v) { $0.count == MemoryLayout<UInt>.size ? $0.load(as: UInt.self) : 0 }
    }

    /// The index of `schema`, built on first use and cached (the last 8 schemas).
    static func of(_ schema: GraphQLSchema) -> ValidationSchemaIndex {
        let key = Key(types: bits(schema.types), directives: bits(schema.directives), possibleTypes: bits(schema.possibleTypes),
                      query: schema.queryType, mutation: schema.mutationType, subscription: schema.subscriptionType)
        if key.types != 0, let hit = cache.withLock({ c in c.first { $0.key == key }?.index }) { return hit }
        let index = ValidationSchemaIndex(schema)
        if key.types != 0 {
            cache.withLock { c in
                if c.count >= 8 { c.removeFirst() }
                c.append(Entry(key: key, schema: schema, index: index))
            }
        }
        return index
    }
}

extension ValidationSchemaIndex {
    func isInputTypeRef(_ t: TypeRef) -> Bool {
        if case .named(let n) = t { return types[n]?.isInput ?? false }
        return types[t.namedType]?.isInput ?? false
    }
}
