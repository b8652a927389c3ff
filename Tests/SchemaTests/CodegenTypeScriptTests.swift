import XCTest
import QueryLanguage
@testable import Schema

final class CodegenTypeScriptTests: XCTestCase {
    static let sdl = """
    scalar Date
    enum Color { RED GREEN }
    interface Node { id: ID! }
    type User implements Node { id: ID! name: String! email: String friends: [User!] color: Color! born: Date }
    type Bot implements Node { id: ID! model: String }
    union Actor = User | Bot
    input Filter { color: Color! search: String limit: Int = 10 tags: [String!] }
    type Query { me: User, node(id: ID!): Node, actors(filter: Filter): [Actor!]! }
    type Mutation { rename(name: String!): User! }
    """

    func generator() throws -> TypeScriptGenerator {
        TypeScriptGenerator(schema: try SchemaBuilder.build(sdl: Self.sdl))
    }

    func testQueryResultFollowsSelectionWithAliasesAndNullability() throws {
        let out = try generator().documentModule(source: "query Me { me { id handle: name email friends { id } } }", fileName: "Me.graphql")
        XCTAssertTrue(out.contains("export type MeQuery = {\n  me: {\n    id: string;\n    handle: string;\n    email: string | null;\n    friends: Array<{\n      id: string;\n    }> | null;\n  } | null;\n}"), out)
    }

    func testEnumsAndCustomScalarsReferenceSharedModule() throws {
        let out = try generator().documentModule(source: "query Q { me { color born } }", fileName: "Q.graphql")
        XCTAssertTrue(out.contains("color: Types.Color;"), out)
        XCTAssertTrue(out.contains("born: Types.Date | null;"), out)
        let shared = try generator().schemaTypesModule()
        XCTAssertTrue(shared.contains("export type Color = \"RED\" | \"GREEN\";"), shared)
        XCTAssertTrue(shared.contains("export type Date = string;"), shared)
    }

    func testInputObjectFieldsWithDefaultsOrNullableAreOptional() throws {
        let shared = try generator().schemaTypesModule()
        XCTAssertTrue(shared.contains("export interface Filter {\n  color: Color;\n  search?: string | null;\n  limit?: number | null;\n  tags?: Array<string> | null;\n}"), shared)
    }

    func testVariablesRequiredOnlyWhenNonNullWithoutDefault() throws {
        let out = try generator().documentModule(
            source: "query A($id: ID!, $f: Filter, $n: String! = \"x\") { node(id: $id) { id } actors(filter: $f) { __typename } }",
            fileName: "A.graphql")
        XCTAssertTrue(out.contains("export type AQueryVariables = {\n  id: string;\n  f?: Types.Filter | null;\n  n?: string;\n};"), out)
    }

    func testMutationNamesAndTypedDocumentHoldsSource() throws {
        let src = "mutation Rename($name: String!) { rename(name: $name) { __typename id } }"
        let out = try generator().documentModule(source: src, fileName: "Rename.graphql")
        XCTAssertTrue(out.contains("export type RenameMutation = {\n  rename: {\n    __typename: \"User\";\n    id: string;\n  };\n}"), out)
        XCTAssertTrue(out.contains("export const RenameDocument: Types.TypedDocument<RenameMutation, RenameMutationVariables> = {"), out)
        XCTAssertTrue(out.contains("const documentSource = \"mutation Rename($name: String!) { rename(name: $name) { __typename id } }\";"), out)
        XCTAssertTrue(out.contains("  source: documentSource,\n"), out)
        XCTAssertTrue(out.contains("operationName: \"Rename\""), out)
    }

    func testFragmentsOnAbstractTypeBecomeUnionWithTypename() throws {
        let src = """
        query Actors { actors { __typename ...U ... on Bot { model } } }
        fragment U on User { id name }
        """
        let out = try generator().documentModule(source: src, fileName: "Actors.graphql")
        XCTAssertTrue(out.contains("actors: Array<({\n    __typename: \"User\";\n    id: string;\n    name: string;\n  }) | ({\n    __typename: \"Bot\";\n    model: string | null;\n  })>;"), out)
        XCTAssertTrue(out.contains("export type UFragment = {\n  id: string;\n  name: string;\n};"), out)
    }

    func testInterfaceWithoutNarrowingIsOneObjectWithTypenameUnion() throws {
        let out = try generator().documentModule(source: "query N { node(id: \"1\") { __typename id } }", fileName: "N.graphql")
        XCTAssertTrue(out.contains("node: {\n    __typename: \"User\" | \"Bot\";\n    id: string;\n  } | null;"), out)
    }

    func testConditionalFieldsAreOptionalAndRepeatedFieldsMerge() throws {
        let out = try generator().documentModule(
            source: "query C($b: Boolean!) { me { id @include(if: $b) friends { id } friends { name } } }", fileName: "C.graphql")
        XCTAssertTrue(out.contains("id?: string;"), out)
        XCTAssertTrue(out.contains("friends: Array<{\n      id: string;\n      name: string;\n    }> | null;"), out)
    }

    func testAnonymousOperationAndUnknownFieldAreErrors() throws {
        XCTAssertThrowsError(try generator().documentModule(source: "{ me { id } }", fileName: "X.graphql"))
        XCTAssertThrowsError(try generator().documentModule(source: "query X { me { nope } }", fileName: "X.graphql"))
    }
}
