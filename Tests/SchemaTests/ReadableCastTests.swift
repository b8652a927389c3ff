import JSON
import XCTest
@testable import Schema

/// The executor casts a level's parents to `FieldReadable` once per concrete type and reuses the
/// cast for the next parents of that type: a level whose parents change type from one object to
/// the next, with some not readable at all (JSON) and classes with a subclass, reads every field
/// from its own parent.
final class ReadableCastTests: XCTestCase {
    private struct Plain: FieldReadable {
        var name: String
        func readField(_ field: String) -> ResolvedValue? { field == "name" ? .leaf(.string("plain " + name)) : nil }
    }
    private struct Other: FieldReadable {
        var name: String
        func readField(_ field: String) -> ResolvedValue? { field == "name" ? .leaf(.string("other " + name)) : nil }
    }
    private class Base: FieldReadable, @unchecked Sendable {
        let name: String
        init(_ name: String) { self.name = name }
        func readField(_ field: String) -> ResolvedValue? { field == "name" ? .leaf(.string("base " + name)) : nil }
    }
    private final class Derived: Base, @unchecked Sendable {
        override func readField(_ field: String) -> ResolvedValue? { field == "name" ? .leaf(.string("derived " + name)) : nil }
    }

    func testMixedParentsEachReadTheirOwnFields() async throws {
        let schema = try SchemaBuilder.build(sdl: """
            type Item { name: String }
            type Query { items: [Item] }
            """)
        let items: [ResolvedValue] = [
            .object(Plain(name: "1"), typeName: "Item"), .object(Plain(name: "2"), typeName: "Item"),
            .object(Other(name: "3"), typeName: "Item"), .object(JSON.object([("name", .string("json 4"))]), typeName: "Item"),
            .object(Plain(name: "5"), typeName: "Item"), .object(Base("6"), typeName: "Item"),
            .object(Derived("7"), typeName: "Item"), .object(Base("8"), typeName: "Item"),
            .object(JSON.object([("name", .string("json 9"))]), typeName: "Item"), .object(Other(name: "10"), typeName: "Item"),
        ]
        let executor = Executor(schema: ExecutableSchema(schema: schema, resolvers: [
            "Query.items": { b in b.parents.map { _ in .list(items) } },
        ]))
        let result = try await executor.run("{ items { name } again: items { name __typename } }")
        let names = ["plain 1", "plain 2", "other 3", "json 4", "plain 5", "base 6", "derived 7", "base 8", "json 9", "other 10"]
        XCTAssertEqual(result.dataText, JSON.object([
            ("items", .array(names.map { .object([("name", .string($0))]) })),
            ("again", .array(names.map { .object([("name", .string($0)), ("__typename", .string("Item"))]) })),
        ]).serializedString)
    }
}
