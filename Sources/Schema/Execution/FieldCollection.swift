// CollectFields (spec 6.3.2): fragments, inline fragments, @skip/@include,
// aliases and merging of fields that share a response key.
import JSON
import QueryLanguage

/// The fields one response key stands for, in document order.
final class CollectedField {
    let responseKey: String
    let fieldName: String
    var nodes: [Field]
    /// The executor's per-run plan for this field (collected fields are per run).
    var plan: AnyObject?
    let isTypename: Bool
    /// The executor's collected subfields, for objects of `subfieldsType`.
    var subfields: CollectedFields?
    var subfieldsType: String?
    init(responseKey: String, fieldName: String, nodes: [Field]) {
        self.responseKey = responseKey; self.fieldName = fieldName; self.nodes = nodes
        self.isTypename = fieldName == "__typename"
    }
}

/// The grouped fields of one selection on one concrete type, plus the keys in
/// order (shared by every object completed with this selection).
final class CollectedFields {
    let fields: [CollectedField]
    let keys: [String]
    /// The keys as the response needs them (shared by the result cells).
    let shape: ObjectShape
    init(fields: [CollectedField]) {
        self.fields = fields
        self.keys = fields.map(\.responseKey)
        self.shape = ObjectShape(keys: keys)
    }
}

/// The response keys of an object, in order, with their JSON text
/// (`"key":`) encoded once for the serializer.
final class ObjectShape: Sendable {
    let keys: [String]
    /// `"key":` of every key, back to back; key i is `encoded[offsets[i] ..< offsets[i + 1]]`.
    let encoded: [UInt8]
    let offsets: [Int]
    init(keys: [String]) {
        self.keys = keys
        var bytes: [UInt8] = []
        var offsets: [Int] = [0]
        offsets.reserveCapacity(keys.count + 1)
        for k in keys {
            JSONWriter.writeString(k, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            offsets.append(bytes.count)
        }
        self.encoded = bytes
        self.offsets = offsets
    }
}

struct FieldCollector {
    let schema: GraphQLSchema
    let fragments: [String: FragmentDefinition]
    let variables: [String: JSON]

    /// The `if` argument @skip and @include declare.
    static let ifArgument = [InputValue(name: "if", type: .nonNull(.named("Boolean")))]

    /// Whether @skip/@include let a selection through. A variable that is
    /// null or was not provided throws the argument error graphql-js raises
    /// (a field error where the selection is collected, spec 6.3.2).
    func shouldInclude(_ directives: [Directive]) throws(GraphQLError) -> Bool {
        for d in directives {
            let name = d.name.value
            guard name == "skip" || name == "include" else { continue }
            guard let arg = d.arguments.first(where: { $0.name.value == "if" }) else { continue }
            let value: Bool
            switch arg.value {
            case .boolean(let b, _): value = b
            case .variable(let v):
                if case .bool(let b)? = variables[v.name.value] { value = b; break }
                switch coerceArgumentValues(schema: schema, scalars: [:], definitions: Self.ifArgument, arguments: [arg],
                                            variables: variables, location: d.loc) {
                case .failure(let e): throw e
                case .success(let args):
                    guard case .bool(let b)? = args["if"] else { return false }
                    value = b
                }
            default: value = false
            }
            if name == "skip" && value { return false }
            if name == "include" && !value { return false }
        }
        return true
    }

    func typeApplies(_ condition: String, to objectType: String) -> Bool {
        if condition == objectType { return true }
        return schema.isPossibleType(objectType, of: condition)
    }

    func collect(objectType: String, selectionSets: [SelectionSet]) throws(GraphQLError) -> CollectedFields {
        var order: [CollectedField] = []
        var index: [String: CollectedField] = [:]
        // The first @skip/@include that cannot be evaluated stops the walk
        // (nothing more is included) and is thrown.
        var failure: GraphQLError?
        func include(_ directives: [Directive]) -> Bool {
            if failure != nil { return false }
            do { return try shouldInclude(directives) } catch { failure = error; return false }
        }
        func applies(_ condition: String) -> Bool { typeApplies(condition, to: objectType) }
        func add(_ field: Field) {
            let key = field.responseKey
            if let existing = index[key] {
                existing.nodes.append(field)
            } else {
                let c = CollectedField(responseKey: key, fieldName: field.name.value, nodes: [field])
                index[key] = c
                order.append(c)
            }
        }
        forEachCollectedField(in: selectionSets, fragments: fragments, include: include, applies: applies, add)
        if let failure { throw failure }
        return CollectedFields(fields: order)
    }

    /// Names of fields selected directly under `nodes`, every type condition
    /// included (for `FieldBatch.selectedFields`).
    func selectedFieldNames(_ nodes: [Field]) -> Set<String> {
        var names: Set<String> = []
        forEachCollectedField(in: nodes.compactMap(\.selectionSet), fragments: fragments,
                              include: { (try? shouldInclude($0)) ?? false }, applies: { _ in true }) { names.insert($0.name.value) }
        return names
    }

    /// Dotted paths of the fields selected under `nodes` down to `depth` levels
    /// (`edges`, `edges.node`, `edges.node.user`, …), every type condition included
    /// (for `FieldBatch.selectedPaths`).
    func selectedFieldPaths(_ nodes: [Field], depth: Int) -> Set<String> {
        var paths: Set<String> = []
        func walk(_ nodes: [Field], prefix: String, depth: Int) {
            var below: [String: [Field]] = [:]
            var order: [String] = []
            forEachCollectedField(in: nodes.compactMap(\.selectionSet), fragments: fragments,
                                  include: { (try? shouldInclude($0)) ?? false }, applies: { _ in true }) { field in
                let path = prefix + field.name.value
                paths.insert(path)
                guard depth > 1, field.selectionSet != nil else { return }
                if below[path] == nil { order.append(path) }
                below[path, default: []].append(field)
            }
            for path in order { walk(below[path]!, prefix: path + ".", depth: depth - 1) }
        }
        walk(nodes, prefix: "", depth: depth)
        return paths
    }
}
