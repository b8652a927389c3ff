// A small in-memory schema and data set for the execution tests.
import JSON
import XCTest
import Synchronization
@testable import Schema
import QueryLanguage

let executionTestSDL = """
interface Node { id: ID! }
interface Named { name: String }
enum Role { ADMIN USER }
type Person implements Node & Named {
  id: ID!
  name: String
  age: Int
  role: Role
  friends: [Person!]!
  bestFriend: Person
  pets(first: Int = 2): [Pet]
  required: String!
  tags: [String!]
  score: Float
}
type Dog implements Node & Named { id: ID! name: String barks: Boolean }
type Cat implements Node & Named { id: ID! name: String lives: Int }
union Pet = Dog | Cat
input EchoInput { a: Int = 1, b: String, role: Role = USER }
type Query {
  person(id: ID!): Person
  people: [Person!]!
  peopleNullable: [Person]
  node(id: ID!): Node
  named: [Named]
  echo(value: Int, text: String = "default", input: EchoInput, list: [Int]): String
  failing: String
  failingGraphQL: String
  failingNonNull: String!
  badEnum: Role
  badInt: Int
  notAList: [Int]
  hugeFloat: Float
}
type Mutation { append(value: String!): [String!]! }
"""

struct PersonRow: FieldReadable {
    var id: Int
    var name: String?
    var age: Int?
    var role: String?
    var friendIDs: [Int]
    var required: String?
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .leaf(.string(String(id)))
        case "name": return name.map { .leaf(.string($0)) } ?? .null
        case "age": return age.map { .leaf(.int($0)) } ?? .null
        case "role": return role.map { .leaf(.string($0)) } ?? .null
        case "required": return required.map { .leaf(.string($0)) } ?? .null
        case "tags": return .list([.leaf(.string("a")), .leaf(.string("b"))])
        case "score": return .leaf(.double(1.5))
        default: return nil
        }
    }
}

struct PetRow: FieldReadable {
    var id: Int
    var kind: String  // "Dog" or "Cat"
    var name: String
    var ownerID: Int
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "id": return .leaf(.string("pet\(id)"))
        case "name": return .leaf(.string(name))
        case "barks": return .leaf(.bool(true))
        case "lives": return .leaf(.int(9))
        default: return nil
        }
    }
}

/// Counts resolver calls per "Type.field".
final class CallCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    private let log = Mutex<[String]>([])
    func hit(_ key: String) { counts.withLock { $0[key, default: 0] += 1 } }
    func count(_ key: String) -> Int { counts.withLock { $0[key] ?? 0 } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
    func append(_ s: String) { log.withLock { $0.append(s) } }
    var entries: [String] { log.withLock { $0 } }
}

struct Boom: Error {}

/// People 1…n; person i is friends with i+1 and i+2 (mod n); each has pets.
func makeTestExecutor(people n: Int = 5, counter: CallCounter = CallCounter(),
                      fieldGuard: FieldGuard? = nil, objectGuard: ObjectGuard? = nil,
                      objectGuardApplies: (@Sendable (String) -> Bool)? = nil,
                      personRequiredNullFor: Set<Int> = []) throws -> Executor {
    let schema = try SchemaBuilder.build(sdl: executionTestSDL)
    let people: [Int: PersonRow] = Dictionary(uniqueKeysWithValues: (1...n).map { i in
        (i, PersonRow(id: i, name: "P\(i)", age: 20 + i, role: i % 2 == 0 ? "ADMIN" : "USER",
                      friendIDs: [i % n + 1, (i + 1) % n + 1],
                      required: personRequiredNullFor.contains(i) ? nil : "r\(i)"))
    })
    let pets: [PetRow] = (1...n).flatMap { i in
        [PetRow(id: i * 10, kind: "Dog", name: "Dog\(i)", ownerID: i), PetRow(id: i * 10 + 1, kind: "Cat", name: "Cat\(i)", ownerID: i)]
    }
    var r: [String: BatchResolver] = [:]
    r["Query.person"] = { b in
        counter.hit("Query.person")
        guard case .string(let s)? = b.arguments["id"], let id = Int(s), let p = people[id] else { return b.parents.map { _ in .null } }
        return b.parents.map { _ in .object(p, typeName: "Person") }
    }
    r["Query.people"] = { b in
        counter.hit("Query.people")
        let list = ResolvedValue.list((1...n).map { .object(people[$0]!, typeName: "Person") })
        return b.parents.map { _ in list }
    }
    r["Query.peopleNullable"] = { b in
        counter.hit("Query.peopleNullable")
        return b.parents.map { _ in .list([.object(people[1]!, typeName: "Person"), .null]) }
    }
    r["Query.node"] = { b in
        guard case .string(let s)? = b.arguments["id"] else { return b.parents.map { _ in .null } }
        if s.hasPrefix("pet"), let pid = Int(s.dropFirst(3)), let pet = pets.first(where: { $0.id == pid }) {
            return b.parents.map { _ in .object(pet, typeName: pet.kind) }
        }
        if let id = Int(s), let p = people[id] { return b.parents.map { _ in .object(p, typeName: "Person") } }
        return b.parents.map { _ in .null }
    }
    r["Query.named"] = { b in
        b.parents.map { _ in .list([.object(people[1]!, typeName: "Person"), .object(pets[0], typeName: "Dog"), .object(pets[1], typeName: "Cat")]) }
    }
    r["Query.echo"] = { b in
        let text = JSON.object(b.arguments.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }).serializedString
        return b.parents.map { _ in .leaf(.string(text)) }
    }
    r["Query.failing"] = { _ in throw Boom() }
    r["Query.failingGraphQL"] = { _ in throw GraphQLError("Not yours", code: "FORBIDDEN") }
    r["Query.failingNonNull"] = { b in b.parents.map { _ in .null } }
    r["Query.badEnum"] = { b in b.parents.map { _ in .leaf(.string("OWNER")) } }
    r["Query.badInt"] = { b in b.parents.map { _ in .leaf(.int(1 << 40)) } }
    r["Query.notAList"] = { b in b.parents.map { _ in .leaf(.int(1)) } }
    r["Query.hugeFloat"] = { b in b.parents.map { _ in .leaf(.double(.infinity)) } }
    r["Person.friends"] = { b in
        counter.hit("Person.friends")
        return b.parents.map { p in
            let row = p as! PersonRow
            return .list(row.friendIDs.map { .object(people[$0]!, typeName: "Person") })
        }
    }
    r["Person.bestFriend"] = { b in
        counter.hit("Person.bestFriend")
        return b.parents.map { p in .object(people[(p as! PersonRow).friendIDs[0]]!, typeName: "Person") }
    }
    r["Person.pets"] = { b in
        counter.hit("Person.pets")
        let first: Int
        if case .int(let f)? = b.arguments["first"] { first = f } else { first = 100 }
        return b.parents.map { p in
            let row = p as! PersonRow
            return .list(pets.filter { $0.ownerID == row.id }.prefix(first).map { .object($0, typeName: $0.kind) })
        }
    }
    let log = counter
    r["Mutation.append"] = { b in
        guard case .string(let v)? = b.arguments["value"] else { return [] }
        // The first call sleeps longest: only serial execution keeps the order.
        let delay = v == "first" ? 30 : (v == "second" ? 10 : 0)
        try await Task.sleep(for: .milliseconds(delay))
        log.append(v)
        let entries = log.entries
        return b.parents.map { _ in .list(entries.map { .leaf(.string($0)) }) }
    }
    return Executor(schema: ExecutableSchema(schema: schema, resolvers: r, fieldGuard: fieldGuard, objectGuard: objectGuard,
                                             objectGuardApplies: objectGuardApplies))
}

extension Executor {
    func run(_ query: String, variables: [String: JSON] = [:], operationName: String? = nil) async throws -> ExecutionResult {
        let doc = try parse(query)
        return await execute(document: doc, operationName: operationName, variables: variables, context: ())
    }
}

extension ExecutionResult {
    var dataText: String { data?.serializedString ?? "<absent>" }
}
