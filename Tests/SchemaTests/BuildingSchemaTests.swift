import Foundation
import XCTest
import QueryLanguage
@testable import Schema

final class BuildingSchemaTests: XCTestCase {
    func build(_ sdl: String) throws -> GraphQLSchema { try SchemaBuilder.build(sdl: sdl) }

    func buildErrors(_ sdl: String) -> [String] {
        do { _ = try build(sdl); return [] } catch let e as SchemaBuildError {
            return e.errors.map { $0.message + " @" + $0.locations.map { "\($0.line):\($0.column)" }.joined(separator: ",") }
        } catch { return ["unexpected \(error)"] }
    }

    // MARK: Building

    func testBuildsAllSixKindsWithDefaultRootNames() throws {
        let s = try build("""
        scalar Date
        interface Node { id: ID! }
        type Query implements Node { id: ID!, items(first: Int = 5): [Item!]!, search: [Result] }
        type Mutation { touch: Boolean }
        type Item implements Node { id: ID!, color: Color, when: Date }
        union Result = Item | Query
        enum Color { RED GREEN }
        input Filter { color: Color = RED, ids: [ID!] }
        """)
        XCTAssertEqual(s.queryType, "Query")
        XCTAssertEqual(s.mutationType, "Mutation")
        XCTAssertNil(s.subscriptionType)
        XCTAssertEqual(s.typeNames, ["Date", "Node", "Query", "Mutation", "Item", "Result", "Color", "Filter"])
        XCTAssertEqual(s.possibleTypes["Node"], ["Query", "Item"])
        XCTAssertEqual(s.possibleTypes["Result"], ["Item", "Query"])
        guard case .object(let q)? = s.types["Query"] else { return XCTFail() }
        XCTAssertEqual(q.field("items")?.type, .nonNull(.list(.nonNull(.named("Item")))))
        guard case .int("5", _)? = q.field("items")?.arguments.first?.defaultValue else { return XCTFail("default of first") }
    }

    func testIncludesBuiltinScalarsDirectivesAndIntrospectionTypes() throws {
        let s = try build("type Query { a: Int, b: Float, c: ID }")
        for name in ["Int", "Float", "String", "Boolean", "ID", "__Schema", "__Type", "__TypeKind", "__Field", "__InputValue",
                     "__EnumValue", "__Directive", "__DirectiveLocation"] {
            XCTAssertNotNil(s.types[name], name)
        }
        XCTAssertEqual(s.directives.map(\.name), ["include", "skip", "deprecated", "specifiedBy"])
        guard case .object(let t)? = s.types["__Type"] else { return XCTFail() }
        XCTAssertNotNil(t.field("specifiedByURL"))
        XCTAssertEqual(t.field("fields")?.arguments.first?.name, "includeDeprecated")
        guard case .object(let d)? = s.types["__Directive"] else { return XCTFail() }
        XCTAssertEqual(d.field("isRepeatable")?.type, .nonNull(.named("Boolean")))
    }

    func testOmitsUnreferencedBuiltinScalarsLikeGraphQLJS() throws {
        let s = try build("type Query { a: String }")
        XCTAssertNil(s.types["Float"])
        XCTAssertNotNil(s.types["Boolean"])
    }

    func testSchemaDefinitionNamesTheRoots() throws {
        let s = try build("schema { query: Q, subscription: S } type Q { a: Int } type S { b: Int } type Mutation { c: Int }")
        XCTAssertEqual(s.queryType, "Q")
        XCTAssertNil(s.mutationType)
        XCTAssertEqual(s.subscriptionType, "S")
    }

    func testDeprecationSpecifiedByAndDescriptions() throws {
        let s = try build("""
        "The root."
        type Query {
          "Old field."
          a(x: Int @deprecated): Int @deprecated
          b: Int @deprecated(reason: "Use a.")
          c(f: F): E
        }
        enum E { ONE TWO @deprecated(reason: "no") }
        input F { g: Int @deprecated }
        scalar Url @specifiedBy(url: "https://example.com")
        type Other { u: Url }
        """)
        guard case .object(let q)? = s.types["Query"], case .enumeration(let e)? = s.types["E"], case .inputObject(let f)? = s.types["F"],
              case .scalar(let url)? = s.types["Url"] else { return XCTFail() }
        XCTAssertEqual(q.description, "The root.")
        XCTAssertEqual(q.field("a")?.description, "Old field.")
        XCTAssertEqual(q.field("a")?.deprecationReason, "No longer supported")
        XCTAssertEqual(q.field("a")?.arguments[0].deprecationReason, "No longer supported")
        XCTAssertEqual(q.field("b")?.deprecationReason, "Use a.")
        XCTAssertNil(q.field("c")?.deprecationReason)
        XCTAssertEqual(e.value("TWO")?.deprecationReason, "no")
        XCTAssertEqual(f.field("g")?.deprecationReason, "No longer supported")
        XCTAssertEqual(url.specifiedByURL, "https://example.com")
    }

    func testCustomDirectivesAreKeptAppliedAndDefined() throws {
        let s = try build("""
        directive @auth(requires: [Role!]!) repeatable on FIELD_DEFINITION | OBJECT
        enum Role { ADMIN SELF }
        type Query @auth(requires: [ADMIN]) { me: String @auth(requires: [SELF, ADMIN]) }
        """)
        XCTAssertEqual(s.directive("auth")?.isRepeatable, true)
        XCTAssertEqual(s.directive("auth")?.locations, [.FIELD_DEFINITION, .OBJECT])
        XCTAssertEqual(s.directives.map(\.name), ["auth", "include", "skip", "deprecated", "specifiedBy"])
        guard case .object(let q)? = s.types["Query"] else { return XCTFail() }
        XCTAssertEqual(q.directives.map(\.name), ["auth"])
        guard case .list(let rules, _)? = q.field("me")?.directives.first?.arguments["requires"] else { return XCTFail() }
        XCTAssertEqual(rules.count, 2)
    }

    func testExtensionsAreMergedIn() throws {
        let s = try build("""
        type Query { a: Int }
        extend type Query { b: Int }
        interface I { a: Int }
        extend type Query implements I
        enum E { A }
        extend enum E { B }
        union U = Query
        type T { x: Int }
        extend union U = T
        input In { a: Int }
        extend input In { b: Int }
        extend schema { mutation: T }
        """)
        guard case .object(let q)? = s.types["Query"], case .enumeration(let e)? = s.types["E"], case .union(let u)? = s.types["U"],
              case .inputObject(let i)? = s.types["In"] else { return XCTFail() }
        XCTAssertEqual(q.fields.map(\.name), ["a", "b"])
        XCTAssertEqual(q.interfaces, ["I"])
        XCTAssertEqual(e.values.map(\.name), ["A", "B"])
        XCTAssertEqual(u.possibleTypes, ["Query", "T"])
        XCTAssertEqual(i.fields.map(\.name), ["a", "b"])
        XCTAssertEqual(s.mutationType, "T")
        XCTAssertEqual(s.possibleTypes["I"], ["Query"])
    }

    func testInterfacesImplementingInterfacesFillPossibleTypes() throws {
        let s = try build("""
        interface Node { id: ID! }
        interface Resource implements Node { id: ID!, url: String }
        type File implements Resource & Node { id: ID!, url: String }
        type Query { node: Node }
        """)
        XCTAssertEqual(s.possibleTypes["Node"], ["File"])
        XCTAssertEqual(s.possibleTypes["Resource"], ["File"])
        XCTAssertTrue(s.isPossibleType("File", of: "Node"))
    }

    func testAcceptsCovariantInterfaceFieldTypes() {
        XCTAssertEqual(buildErrors("interface I { a: [Int] }\ntype Query implements I { a: [Int!]! }\ninterface J { n: I }\ntype T implements J { n: Query }"), [])
    }

    func testSyntaxErrorsComeThroughAsTheOnlyError() {
        let errors = buildErrors("type Query { a: }")
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].hasPrefix("Syntax Error:"), errors[0])
    }

    func testTheClinicSchemaBuildsAndValidates() throws {
        let s = try DifferentialSupport.schema("ValidationClinicSchema.graphql")
        XCTAssertEqual(s.mutationType, "Mutation")
        XCTAssertFalse(s.possibleTypes["Node", default: []].isEmpty)
    }

    // MARK: Errors, compared live with graphql-core

    static let invalidSchemas: [String] = [
        "type Query { a: Int }\ntype Query { b: Int }",
        "type Query { a: Strin, b: [Foo!] }",
        "type Query { a: Int }\nextend type Nope { b: Int }",
        "type Query { a: Int }\nscalar S\nextend type S @deprecated",
        "type Query { a: Int @unknown, b: Int @include(if: true) }",
        "type Query { a(x: Int, x: Int): Int }",
        "type Query { a: Int, a: String }",
        "enum E { A A }\ntype Query { e: E }",
        "directive @d on FIELD\ndirective @d on QUERY\ntype Query { a: Int }",
        "schema { query: Query }\nschema { query: Query }\ntype Query { a: Int }",
        "schema { query: Query, query: Query }\ntype Query { a: Int }",
        "type Query { a: Int @deprecated(reason: \"x\") @deprecated }",
        "directive @d(a: Int!) on FIELD_DEFINITION\ntype Query { a: Int @d, b: Int @d(b: 1, a: 2) }",
        "type Query { a: Int }\ninput Q { a: Int }\nextend input Q { a: String }",
        "type Mutation { a: Int }",
        "schema { query: Q }\ninput Q { a: Int }",
        "type Query { __bad: Int, a(__arg: Int): Int }\ntype __Bad { a: Int }",
        "type Query { a: Int }\ntype Empty",
        "type Query { a: In }\ninput In { q: Query }",
        "type Query { a(i: Query): Int }",
        "interface I { a: Int }\ntype Query implements I { b: Int }",
        "interface I { a: Int }\ntype Query implements I { a: String }",
        "interface I { a(x: Int): Int }\ntype Query implements I { a: Int }",
        "interface I { a(x: Int): Int }\ntype Query implements I { a(x: String, y: Int!): Int }",
        "interface I { a: Int }\ninterface J implements I { a: Int }\ntype Query implements J { a: Int }",
        "interface I implements I { a: Int }\ntype Query { i: I }",
        "type Query implements Query { a: Int }",
        "interface I { a: Int }\ntype Query implements I & I { a: Int }",
        "type Query implements Other { a: Int }\ntype Other { a: Int }",
        "union U = Query | Query\ntype Query { u: U }",
        "union U = Query | E\nenum E { A }\ntype Query { u: U }",
        "enum E\ntype Query { e: E }",
        "input A { b: B! }\ninput B { a: A! }\ninput C { c: C }\ntype Query { f(a: A, c: C): Int }",
        "input A { self: A! }\ntype Query { f(a: A): Int }",
        "type Query { f(a: Int! @deprecated): Int }\ninput In { x: Int! @deprecated }",
        "directive @d(x: Query) on FIELD\ntype Query { a: Int }",
        "type Query { a: Int }\nunion U\ninput In",
    ]

    func testBuildErrorsAgreeWithGraphQLCore() throws {
        let input = String(decoding: try JSONSerialization.data(withJSONObject: Self.invalidSchemas), as: UTF8.self)
        let out = try DifferentialSupport.runPython("BuildingOracle.py", [], stdin: input)
        let results = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [[String: Any]]
        XCTAssertEqual(results.count, Self.invalidSchemas.count)
        var compared = 0
        for (sdl, r) in zip(Self.invalidSchemas, results) {
            if r["stage"] as? String == "crash" {
                // graphql-core throws instead of listing errors: we must still refuse the schema.
                XCTAssertFalse(buildErrors(sdl).isEmpty, sdl)
                continue
            }
            compared += 1
            let want = (r["errors"] as? [[String: Any]] ?? []).map { e in
                (e["message"] as! String) + " @" + (e["locations"] as! [[Int]]).map { "\($0[0]):\($0[1])" }.joined(separator: ",")
            }
            XCTAssertFalse(want.isEmpty, "graphql-core accepts: \(sdl)")
            XCTAssertEqual(buildErrors(sdl).sorted(), want.sorted(), sdl)
        }
        XCTAssertGreaterThan(compared, 30)
    }
}
