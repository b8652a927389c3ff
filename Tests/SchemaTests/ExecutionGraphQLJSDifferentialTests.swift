// Differential execution against graphql-js 16 (Debian's node-graphql): the
// same valid documents over the same schemas and in-memory data, executed by
// graphql-js (ExecutionFixtures/graphqljs/oracle.js) and by our executor on
// the server's path (`Executor.execute`, batched by level, then the direct
// serializer `ExecutionResult.jsonBytes()`), must give the same response
// text: data with its key order, and errors (message, locations, path) in
// graphql-js's order. Our errors' `extensions` are dropped (graphql-js has
// none). Each document runs several times on one parsed Document, so per-run caches
// must not leak between executions; it runs three times: planned afresh, then
// twice through a memo (the last run on the plan the second one kept).
//
// Documents: the committed regression corpus (regressions.json, every
// disagreement ever found) plus documents the seeded generator in oracle.js
// writes for the three schemas (shapes, failures, and the clinic's
// schema.graphql). EXEC_DIFF_SECONDS=N keeps generating with new seeds for N
// seconds. Without node or node-graphql the test skips.
import Foundation
import JSON
import Synchronization
import TestSupport
import XCTest
import QueryLanguage
@testable import Schema

/// Our side of the shared resolution rule (oracle.js states it; keep both
/// identical): objects are JSON, a field's value is parent[field] with
/// `$ref`, `$error`, `$echo`, `$mutation`, list filters from the arguments,
/// lookups for non-list fields, and abstract types by `__typename`.
final class GraphQLJSDifferentialData: Sendable {
    struct State {
        var objects: [String: JSON]
        var query: JSON
    }
    let schema: GraphQLSchema
    let original: State
    let mutationRoot: JSON
    private let state: Mutex<State>

    init(schema: GraphQLSchema, data: JSON) throws {
        guard case .object(let members)? = data["objects"] else { throw CoercionFailure("data without objects") }
        self.schema = schema
        self.original = State(objects: Dictionary(uniqueKeysWithValues: members), query: data["Query"] ?? .null)
        self.mutationRoot = data["Mutation"] ?? .null
        self.state = Mutex(original)
    }

    /// A fresh copy of the data for the next document (mutations change it).
    func reset() { state.withLock { $0 = original } }

    var queryRoot: DifferentialObject { DifferentialObject(json: original.query, typeName: schema.queryType, data: self) }
    var mutationRootObject: DifferentialObject {
        DifferentialObject(json: mutationRoot, typeName: schema.mutationType ?? "Mutation", data: self)
    }

    func fieldType(_ typeName: String, _ fieldName: String) -> TypeRef? {
        schema.types[typeName]?.fields?.first { $0.name == fieldName }?.type
    }

    /// The executable schema: fields with arguments, composite fields and
    /// mutation fields go through batch resolvers (grouped by level); plain
    /// leaves are read from the parent (the executor's direct path).
    func executable() -> ExecutableSchema {
        var resolvers: [String: BatchResolver] = [:]
        for (typeName, def) in schema.types where !typeName.hasPrefix("__") {
            guard case .object = def, let fields = def.fields else { continue }
            for field in fields {
                let named = schema.types[field.type.namedType]
                guard !field.arguments.isEmpty || named?.isComposite == true || typeName == schema.mutationType else { continue }
                let fieldName = field.name
                if typeName == schema.queryType || typeName == schema.mutationType {
                    // Like the clinic's root resolvers: one answer per operation. The
                    // executor hands the root once, however many aliases select a
                    // root field (issue 14); a second copy would be a count mismatch.
                    resolvers["\(typeName).\(fieldName)"] = { [self] batch in
                        let json = (batch.parents.first as? DifferentialObject)?.json ?? .null
                        return [self.resolve(json, typeName, fieldName, batch.arguments)]
                    }
                    continue
                }
                resolvers["\(typeName).\(fieldName)"] = { [self] batch in
                    batch.parents.map { parent in
                        let json = (parent as? DifferentialObject)?.json ?? .null
                        return self.resolve(json, typeName, fieldName, batch.arguments)
                    }
                }
            }
        }
        var scalars: [String: any ScalarCoercing] = [:]
        if schema.types["Upper"] != nil { scalars["Upper"] = UpperScalar() }
        return ExecutableSchema(schema: schema, resolvers: resolvers, scalars: scalars)
    }

    func resolve(_ parent: JSON, _ typeName: String, _ fieldName: String, _ args: [String: JSON]) -> ResolvedValue {
        guard let type = fieldType(typeName, fieldName) else { return .null }
        let raw = parent[fieldName] ?? .null
        if let echo = raw["$echo"] {
            if echo == .bool(true) { return .leaf(.string(fieldName + "(" + Self.canonical(.object(args.map { ($0.key, $0.value) })) + ")")) }
            if case .string(let name) = echo { return value(args[name] ?? .null, type) }
        }
        if case .string(let op)? = raw["$mutation"] { return value(mutate(op, args), type) }
        if case .string(let message)? = raw["$error"] { return .error(GraphQLError(message: message)) }
        var v = deref(raw)
        if case .array(let items) = v {
            v = .array(Self.filter(items, args))
        } else if case .object(let members) = v, !args.isEmpty {
            v = .object(members.map { key, member in
                guard case .array = member, case .array(let items) = deref(member) else { return (key, member) }
                return (key, .array(Self.filter(items, args)))
            })
        }
        if case .array(let items) = v, !type.nullable.isList { v = items.first ?? .null }
        return value(v, type)
    }

    /// `{"$ref": id}` → objects[id]; lists dereference their items (errors stay `{"$error": m}`).
    func deref(_ j: JSON) -> JSON {
        switch j {
        case .object:
            if case .string(let id)? = j["$ref"] { return state.withLock { $0.objects[id] } ?? .null }
            return j
        case .array(let items): return .array(items.map(deref))
        default: return j
        }
    }

    static func isError(_ j: JSON) -> Bool { j["$error"] != nil }

    static func filter(_ items: [JSON], _ args: [String: JSON]) -> [JSON] {
        var out = items
        for name in args.keys.sorted() where name != "first" && name != "offset" {
            let a = args[name]!
            switch a {
            case .string, .int, .double, .bool: break
            default: continue
            }
            out = out.filter { item in
                guard case .object = item, !isError(item), let member = item[name] else { return true }
                return sameScalar(member, a)
            }
        }
        if case .int(let offset)? = args["offset"] { out = Array(out.dropFirst(max(offset, 0))) }
        if case .int(let first)? = args["first"] { out = Array(out.prefix(max(first, 0))) }
        return out
    }

    /// JavaScript's `===` on a member and a string, number or boolean.
    static func sameScalar(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        default: return a == b
        }
    }

    func mutate(_ op: String, _ args: [String: JSON]) -> JSON {
        state.withLock { s in
            switch op {
            case "increment":
                guard case .int(let counter)? = s.query["counter"] else { return .null }
                var by = 0
                if case .int(let n)? = args["by"] { by = n }
                s.query = s.query.setting("counter", .int(counter + by))
                return .int(counter + by)
            case "counter": return s.query["counter"] ?? .null
            case "push":
                guard case .array(var pushed)? = s.query["pushed"], let tag = args["tag"] else { return .null }
                pushed.append(tag)
                s.query = s.query.setting("pushed", .array(pushed))
                return .array(pushed)
            case "rename":
                guard case .string(let id)? = args["id"], let o = s.objects[id], let label = args["label"] else { return .null }
                s.objects[id] = o.setting("label", label)
                return s.objects[id]!
            default: return .object([("$error", .string("unknown mutation \(op)"))])
            }
        }
    }

    /// A JSON value as the executor receives it for a field of `type`.
    func value(_ j: JSON, _ type: TypeRef) -> ResolvedValue {
        if case .string(let message)? = j["$error"] { return .error(GraphQLError(message: message)) }
        if j == .null { return .null }
        let inner = type.nullable
        if case .list(let item) = inner {
            guard case .array(let items) = j else { return .leaf(j) }
            return .list(items.map { value(deref($0), item) })
        }
        if schema.types[inner.namedType]?.isComposite == true, case .object = j {
            var typeName: String?
            if case .string(let t)? = j["__typename"] { typeName = t }
            return .object(DifferentialObject(json: j, typeName: inner.namedType, data: self), typeName: typeName)
        }
        return .leaf(j)
    }

    /// oracle.js's canonical(): sorted keys, compact, numbers as JavaScript prints them.
    static func canonical(_ j: JSON) -> String {
        switch j {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return JSONWriter.javaScriptNumber(d)
        case .string: return j.serializedString
        case .array(let items): return "[" + items.map(canonical).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.sorted { $0.0 < $1.0 }.map { JSON.string($0.0).serializedString + ":" + canonical($0.1) }
                .joined(separator: ",") + "}"
        }
    }
}

/// An object of the differential data; plain leaves are read from it directly.
struct DifferentialObject: FieldReadable {
    let json: JSON
    let typeName: String
    let data: GraphQLJSDifferentialData
    func readField(_ field: String) -> ResolvedValue? {
        if field == "__typename" { return json["__typename"].map { .leaf($0) } }
        let concrete: String
        if case .string(let t)? = json["__typename"] { concrete = t } else { concrete = typeName }
        return data.resolve(json, concrete, field, [:])
    }
}

/// oracle.js's `Upper`: strings in, lower-cased; strings out, upper-cased.
struct UpperScalar: ScalarCoercing {
    static let failure = CoercionFailure("Upper cannot represent a non-string value")
    func parseValue(_ value: JSON) throws -> JSON {
        guard case .string(let s) = value else { throw Self.failure }
        return .string(s.lowercased())
    }
    func parseLiteral(_ value: ValueNode) throws -> JSON {
        guard case .string(let s, _, _) = value else { throw Self.failure }
        return .string(s.lowercased())
    }
    func serialize(_ value: JSON) throws -> JSON {
        guard case .string(let s) = value else { throw Self.failure }
        return .string(s.uppercased())
    }
}

private extension JSON {
    func setting(_ key: String, _ value: JSON) -> JSON {
        guard case .object(var members) = self else { return self }
        if let i = members.firstIndex(where: { $0.0 == key }) { members[i].1 = value } else { members.append((key, value)) }
        return .object(members)
    }
}

private extension TypeRef {
    var isList: Bool { if case .list = self { return true }; return false }
}

final class ExecutionGraphQLJSDifferentialTests: XCTestCase {
    static let fixtures = executionFixture("graphqljs")

    struct Side {
        let executor: Executor
        let data: GraphQLJSDifferentialData
    }

    /// The three differential schemas with their data, built once per test.
    func makeSides() throws -> [String: Side] {
        let sources = ["shapes": ("shapes.graphql", "shapes.json"), "failures": ("failures.graphql", "failures.json"),
                       "clinic": ("../../../../schema.graphql", "clinic.json")]
        var sides: [String: Side] = [:]
        for (name, (sdl, json)) in sources {
            let schema = try SchemaBuilder.build(sdl: String(contentsOf: Self.fixtures.appendingPathComponent(sdl), encoding: .utf8))
            let data = try GraphQLJSDifferentialData(schema: schema,
                                                     data: JSONParser.parse(Array(Data(contentsOf: Self.fixtures.appendingPathComponent(json)))))
            var executor = Executor(schema: data.executable())
            executor.onInternalError = { error, path in print("INTERNAL \(path): \(error)") }
            sides[name] = Side(executor: executor, data: data)
        }
        return sides
    }

    func requireGraphQLJS() throws {
        let node = try? ProcessRunner.run("node", ["-e", "require('graphql')"], environment: DifferentialSupport.nodeEnvironment)
        if node?.status != 0 {
            throw XCTSkip("node with graphql-js (Debian's node-graphql, on NODE_PATH=/usr/share/nodejs) is not installed")
        }
    }

    /// Runs oracle.js and returns its documents (the first line names the graphql-js version).
    func oracle(_ arguments: [String]) throws -> (version: String, documents: [JSON]) {
        let output = try DifferentialSupport.run("node", "../ExecutionFixtures/graphqljs/oracle.js", arguments, stdin: nil)
        var lines = output.split(separator: "\n").map(String.init)
        let header = try JSONParser.parse(lines.removeFirst())
        guard case .string(let version)? = header["graphql"] else { throw CoercionFailure("oracle header: \(header)") }
        return (version, try lines.map { try JSONParser.parse($0) })
    }

    struct Disagreement {
        var record: JSON
        var expected: String
        var got: String
    }

    /// Executes one oracle record our way; nil when the responses agree.
    func compare(_ record: JSON, _ sides: [String: Side]) async throws -> Disagreement? {
        guard case .string(let schemaName)? = record["schema"], let side = sides[schemaName],
              case .string(let query)? = record["query"], case .string(let expectedText)? = record["expected"] else {
            throw CoercionFailure("bad oracle record \(record)")
        }
        var variables: [String: JSON] = [:]
        if case .object(let m)? = record["variables"] { variables = Dictionary(uniqueKeysWithValues: m) }
        var operationName: String?
        if case .string(let n)? = record["operationName"] { operationName = n }
        // No size limits here: the generator's largest documents are valid too.
        let document = try parse(query, options: ParseOptions(maxTokens: .max, maxSelections: .max))
        let isMutation = document.operation(named: operationName)?.operation == .mutation
        let expected = try JSONParser.parse(expectedText).serializedString
        // Planned afresh, then through a memo: the second run plans and leaves its plan there, the
        // third runs on that plan (as repeated requests do on the server).
        var responses: [String] = []
        let memo = OperationMemo()
        let key = "k"
        memo.update(key) { _ in }
        for run in 0..<3 {
            side.data.reset()
            let root = isMutation ? side.data.mutationRootObject : side.data.queryRoot
            let result = await side.executor.execute(document: document, operationName: operationName, variables: variables,
                                                     context: (), rootValue: root,
                                                     plans: run == 0 ? nil : (memo, key, memo.begin(key).plan))
            responses.append(Self.withoutExtensions(try JSONParser.parse(result.jsonBytes())).serializedString)
        }
        if Set(responses).count != 1 {
            return Disagreement(record: record, expected: "the same response each time", got: responses.joined(separator: "\n  then: "))
        }
        return responses[0] == expected ? nil : Disagreement(record: record, expected: expected, got: responses[0])
    }

    /// The response without the errors' `extensions` (graphql-js adds none).
    static func withoutExtensions(_ response: JSON) -> JSON {
        guard case .object(let members) = response else { return response }
        return .object(members.map { key, value in
            guard key == "errors", case .array(let errors) = value else { return (key, value) }
            return (key, .array(errors.map { e in
                guard case .object(let fields) = e else { return e }
                return .object(fields.filter { $0.0 != "extensions" })
            }))
        })
    }

    func report(_ disagreements: [Disagreement]) {
        for d in disagreements.prefix(15) {
            print("""
            DISAGREEMENT [\(d.record["schema"]?.serializedString ?? "")] \(d.record["query"]?.serializedString ?? "")
              variables: \(d.record["variables"]?.serializedString ?? "{}") operationName: \(d.record["operationName"]?.serializedString ?? "null")
              graphql-js: \(d.expected)
              ours:       \(d.got)
            """)
        }
        // Ready to paste into regressions.json.
        let cases = JSON.array(disagreements.map { d in
            .object([("schema", d.record["schema"] ?? .null), ("query", d.record["query"] ?? .null),
                     ("variables", d.record["variables"] ?? .object([])), ("operationName", d.record["operationName"] ?? .null),
                     ("graphqljs", .string(d.expected)), ("ours", .string(d.got))])
        })
        if !disagreements.isEmpty, let path = try? writeTemp(cases.serialized(), "graphqljs-disagreements.json") {
            print("\(disagreements.count) disagreements written to \(path)")
        }
    }

    func testRegressionCorpusMatchesGraphQLJS() async throws {
        try requireGraphQLJS()
        let sides = try makeSides()
        let (version, records) = try oracle(["corpus", Self.fixtures.appendingPathComponent("regressions.json").path])
        XCTAssertTrue(version.hasPrefix("16."), "graphql-js \(version)")
        var disagreements: [Disagreement] = []
        for r in records { if let d = try await compare(r, sides) { disagreements.append(d) } }
        report(disagreements)
        print("graphql-js \(version) regression corpus: \(records.count) documents, \(disagreements.count) disagreements")
        XCTAssertGreaterThanOrEqual(records.count, 10)
        XCTAssertEqual(disagreements.count, 0)
    }

    func testGeneratedDocumentsMatchGraphQLJS() async throws {
        try requireGraphQLJS()
        let sides = try makeSides()
        let seconds = Double(ProcessInfo.processInfo.environment["EXEC_DIFF_SECONDS"] ?? "") ?? 0
        let batch = 240
        let start = Date()
        var seed = 1, total = 0, perSchema: [String: Int] = [:], withErrors = 0
        var disagreements: [Disagreement] = []
        repeat {
            let (version, records) = try oracle(["generate", String(seed), String(batch)])
            XCTAssertTrue(version.hasPrefix("16."), "graphql-js \(version)")
            for r in records {
                total += 1
                if case .string(let name)? = r["schema"] { perSchema[name, default: 0] += 1 }
                if case .string(let e)? = r["expected"], e.contains("\"errors\":") { withErrors += 1 }
                if let d = try await compare(r, sides) { disagreements.append(d) }
            }
            seed += batch
        } while Date().timeIntervalSince(start) < seconds
        report(disagreements)
        print("graphql-js differential execution: \(total) documents (\(perSchema.sorted { $0.key < $1.key })), \(withErrors) with errors, seeds 1..<\(seed), \(Int(Date().timeIntervalSince(start)))s; \(disagreements.count) disagreements")
        XCTAssertGreaterThanOrEqual(total, 200)
        XCTAssertEqual(disagreements.count, 0)
    }
}
