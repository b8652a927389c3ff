// Differential test: the same ~40 queries over the same schema and in-memory
// data, executed by our engine and by graphql-core 3.2 (LIVE: fails when
// python3 or graphql-core is missing). The data and resolution rules are
// shared through ExecutionFixtures/differential (see oracle.py).
import Foundation
import JSON
import XCTest
@testable import Schema
import QueryLanguage

final class DataStore: Sendable {
    let objects: [String: JSON]
    init(objects: [String: JSON]) { self.objects = objects }

    func resolve(_ j: JSON?) -> ResolvedValue {
        guard let j else { return .null }
        switch j {
        case .object:
            if case .string(let id)? = j["$ref"] {
                guard let o = objects[id] else { return .null }
                return object(o)
            }
            if case .string(let message)? = j["$error"] { return .error(GraphQLError(message: message)) }
            return object(j)
        case .array(let items): return .list(items.map { resolve($0) })
        case .null: return .null
        default: return .leaf(j)
        }
    }

    func object(_ o: JSON) -> ResolvedValue {
        var typeName: String? = nil
        if case .string(let t)? = o["__typename"] { typeName = t }
        return .object(DataObject(json: o, store: self), typeName: typeName)
    }

    /// `{"$ref": id}` → the object itself (other values unchanged).
    func deref(_ j: JSON) -> JSON {
        if case .string(let id)? = j["$ref"] { return objects[id] ?? .null }
        return j
    }
}

struct DataObject: FieldReadable {
    let json: JSON
    let store: DataStore
    func readField(_ field: String) -> ResolvedValue? { store.resolve(json[field]) }
}

final class ExecutionDifferentialTests: XCTestCase {
    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: executionFixture("differential/" + name)))
    }

    func makeExecutor() throws -> (Executor, JSON, DataStore) {
        let schema = try SchemaBuilder.build(sdl: String(decoding: try fixture("schema.graphql"), as: UTF8.self))
        let data = try JSONParser.parse(try fixture("data.json"))
        guard case .object(let members)? = data["objects"] else { throw CoercionFailure("no objects") }
        let store = DataStore(objects: Dictionary(uniqueKeysWithValues: members))
        let root = data["Query"] ?? .null

        let list: BatchResolver = { batch in
            batch.parents.map { parent in
                let source = (parent as? DataObject)?.json ?? root
                guard case .array(var items)? = source[batch.fieldName] else { return store.resolve(source[batch.fieldName]) }
                items = items.map { store.deref($0) }
                if case .string(let genre)? = batch.arguments["genre"] { items = items.filter { $0["genre"] == .string(genre) } }
                if case .string(let term)? = batch.arguments["term"] {
                    items = items.filter { item in
                        var text = ""
                        if case .string(let s)? = item["name"] { text = s } else if case .string(let s)? = item["title"] { text = s }
                        return text.contains(term)
                    }
                }
                if case .int(let first)? = batch.arguments["first"] { items = Array(items.prefix(max(first, 0))) }
                return .list(items.map { item in item == .null ? .null : store.object(item) })
            }
        }
        let byID: BatchResolver = { batch in
            guard case .string(let id)? = batch.arguments["id"], let o = store.objects[id] else { return batch.parents.map { _ in .null } }
            return batch.parents.map { _ in store.object(o) }
        }
        let count: BatchResolver = { batch in
            var total = 0
            if case .array(let values)? = batch.arguments["values"] {
                for v in values { if case .int(let i) = v { total += i } }
            }
            if case .int(let o)? = batch.arguments["offset"] { total += o }
            if case .object? = batch.arguments["range"] {
                if case .int(let f)? = batch.arguments["range"]?["from"] { total += f }
                if case .int(let t)? = batch.arguments["range"]?["to"] { total += t }
            }
            return batch.parents.map { _ in .leaf(.int(total)) }
        }
        let greeting: BatchResolver = { batch in
            let name: String
            switch batch.arguments["name"] {
            case .string(let s)?: name = s
            default: name = "None"
            }
            return batch.parents.map { _ in .leaf(.string("hello " + name)) }
        }
        let resolvers: [String: BatchResolver] = [
            "Query.node": byID, "Query.author": byID, "Query.authors": list, "Query.books": list, "Query.search": list,
            "Author.books": list, "Query.count": count, "Query.greeting": greeting,
        ]
        return (Executor(schema: ExecutableSchema(schema: schema, resolvers: resolvers)), root, store)
    }

    func testResponsesMatchGraphQLCoreOnSharedSchemaAndData() async throws {
        let (executor, root, store) = try makeExecutor()
        guard case .array(let queries) = try JSONParser.parse(try fixture("queries.json")) else { return XCTFail("queries.json") }
        XCTAssertGreaterThanOrEqual(queries.count, 30)
        var results: [JSON] = []
        for q in queries {
            guard case .string(let text)? = q["query"] else { return XCTFail("query text") }
            var variables: [String: JSON] = [:]
            if case .object(let m)? = q["variables"] { variables = Dictionary(uniqueKeysWithValues: m) }
            var operationName: String? = nil
            if case .string(let n)? = q["operationName"] { operationName = n }
            let result = await executor.execute(document: try parse(text), operationName: operationName, variables: variables,
                                                context: (), rootValue: DataObject(json: root, store: store))
            results.append(try JSONParser.parse(result.jsonBytes()))
        }
        let path = try writeTemp(JSON.array(results).serialized(), "differential.json")
        let dir = executionFixture("differential")
        let (ok, output) = runExecutionOracle("differential/oracle.py", [
            dir.appendingPathComponent("schema.graphql").path, dir.appendingPathComponent("data.json").path,
            dir.appendingPathComponent("queries.json").path, path,
        ])
        XCTAssertTrue(ok, output)
        XCTAssertTrue(output.contains("\(queries.count)/\(queries.count) identical"), output)
    }
}
