// Spec-derived execution tests (spec section 6) on an in-memory schema.
import JSON
import Synchronization
import XCTest
@testable import Schema
import QueryLanguage

final class ExecutionTests: XCTestCase {
    func testResolvesFieldsAliasesAndTypenameInSelectionOrder() async throws {
        let ex = try makeTestExecutor()
        let r = try await ex.run(#"{ person(id: "1") { __typename n: name id age role } t: __typename }"#)
        XCTAssertEqual(r.dataText, #"{"person":{"__typename":"Person","n":"P1","id":"1","age":21,"role":"USER"},"t":"Query"}"#)
        XCTAssertTrue(r.errors.isEmpty)
    }

    func testMergesRepeatedFieldsAndFragments() async throws {
        let ex = try makeTestExecutor()
        let r = try await ex.run("""
        { person(id: "1") { name ... on Person { name age } ...F bestFriend { id } } }
        fragment F on Person { bestFriend { name } age }
        """)
        // F's `bestFriend { name }` is collected before the later `bestFriend { id }`.
        XCTAssertEqual(r.dataText, #"{"person":{"name":"P1","age":21,"bestFriend":{"name":"P2","id":"2"}}}"#)
    }

    func testSkipAndIncludeWithLiteralsAndVariables() async throws {
        let ex = try makeTestExecutor()
        let r = try await ex.run(#"query($yes: Boolean!) { person(id: "1") { name @skip(if: $yes) age @include(if: $yes) id @include(if: false) ... @skip(if: true) { role } } }"#,
                                 variables: ["yes": .bool(true)])
        XCTAssertEqual(r.dataText, #"{"person":{"age":21}}"#)
    }

    func testNullPropagatesThroughNestedNonNullListToNearestNullableParent() async throws {
        // people: [Person!]! → one item's `required: String!` is null: the item
        // nulls, the [Person!]! list nulls, and so does data (all non-null).
        let ex = try makeTestExecutor(people: 3, personRequiredNullFor: [2])
        let r = try await ex.run("{ people { id required } }")
        XCTAssertEqual(r.dataText, "null")
        XCTAssertEqual(r.errors.count, 1)
        XCTAssertEqual(r.errors[0].path, [.key("people"), .index(1), .key("required")])
        XCTAssertEqual(r.errors[0].message, "Cannot return null for non-nullable field Person.required.")
        XCTAssertEqual(r.errors[0].locations, [ErrorLocation(line: 1, column: 15)])

        // Under a nullable field the propagation stops there.
        let r2 = try await ex.run(#"{ person(id: "1") { id friends { id required } } failing }"#)
        XCTAssertEqual(r2.dataText, #"{"person":null,"failing":null}"#)
        XCTAssertEqual(r2.errors.count, 2)
        let paths = r2.errors.map { $0.path ?? [] }
        XCTAssertTrue(paths.contains([.key("person"), .key("friends"), .index(0), .key("required")]))
        XCTAssertTrue(paths.contains([.key("failing")]))
    }

    func testNullableListItemNullsOnlyThatItem() async throws {
        let ex = try makeTestExecutor(people: 3, personRequiredNullFor: [1])
        let r = try await ex.run("{ peopleNullable { id required } }")
        XCTAssertEqual(r.dataText, #"{"peopleNullable":[null,null]}"#)
        XCTAssertEqual(r.errors.map { $0.path ?? [] }, [[.key("peopleNullable"), .index(0), .key("required")]])
    }

    func testErrorPathsCarryListIndices() async throws {
        let ex = try makeTestExecutor(people: 4, personRequiredNullFor: [3])
        let r = try await ex.run(#"{ person(id: "1") { friends { name bestFriend { id required } } } }"#)
        // Person 1's friends are 2 and 3; 2's best friend is 3 (required null).
        XCTAssertEqual(r.dataText, #"{"person":{"friends":[{"name":"P2","bestFriend":null},{"name":"P3","bestFriend":{"id":"4","required":"r4"}}]}}"#)
        XCTAssertEqual(r.errors.count, 1)
        XCTAssertEqual(r.errors[0].path, [.key("person"), .key("friends"), .index(0), .key("bestFriend"), .key("required")])
    }

    func testInterfaceAndUnionResolveConcreteTypes() async throws {
        let ex = try makeTestExecutor()
        let r = try await ex.run("""
        { named { __typename name ... on Dog { barks } ... on Cat { lives } ... on Person { age } }
          node(id: "pet11") { id ... on Cat { lives } ... on Named { name } }
          person(id: "2") { pets(first: 5) { __typename ... on Dog { name barks } ... on Cat { name } } } }
        """)
        XCTAssertEqual(r.dataText, #"{"named":[{"__typename":"Person","name":"P1","age":21},{"__typename":"Dog","name":"Dog1","barks":true},{"__typename":"Cat","name":"Cat1","lives":9}],"node":{"id":"pet11","lives":9,"name":"Cat1"},"person":{"pets":[{"__typename":"Dog","name":"Dog2","barks":true},{"__typename":"Cat","name":"Cat2"}]}}"#)
        XCTAssertTrue(r.errors.isEmpty, "\(r.errors)")
    }

    func testMutationRootFieldsRunSeriallyInDocumentOrder() async throws {
        let counter = CallCounter()
        let ex = try makeTestExecutor(counter: counter)
        let r = try await ex.run(#"mutation { a: append(value: "first") b: append(value: "second") c: append(value: "third") }"#)
        XCTAssertEqual(counter.entries, ["first", "second", "third"])
        XCTAssertEqual(r.dataText, #"{"a":["first"],"b":["first","second"],"c":["first","second","third"]}"#)
    }

    func testIdenticalMutationFieldsAreNotMergedIntoOneCall() async throws {
        let counter = CallCounter()
        let ex = try makeTestExecutor(counter: counter)
        let r = try await ex.run(#"mutation { a: append(value: "x") b: append(value: "x") }"#)
        XCTAssertEqual(counter.entries, ["x", "x"])
        XCTAssertEqual(r.dataText, #"{"a":["x"],"b":["x","x"]}"#)
    }

    func testVariablesAndDefaultsReachResolvers() async throws {
        let ex = try makeTestExecutor()
        let r = try await ex.run("""
        query($v: Int, $in: EchoInput, $l: [Int]) {
          a: echo(value: $v, input: $in)
          b: echo(value: 3, input: {b: "x"}, list: 7)
          c: echo(list: $l)
          d: echo(text: null)
        }
        """, variables: ["v": .int(5), "in": .object([("b", .string("y"))]), "l": .int(4)])
        XCTAssertTrue(r.errors.isEmpty, "\(r.errors)")
        XCTAssertEqual(r.data?["a"], .string(#"{"input":{"a":1,"b":"y","role":"USER"},"text":"default","value":5}"#))
        XCTAssertEqual(r.data?["b"], .string(#"{"input":{"a":1,"b":"x","role":"USER"},"list":[7],"text":"default","value":3}"#))
        XCTAssertEqual(r.data?["c"], .string(#"{"list":[4],"text":"default"}"#))
        XCTAssertEqual(r.data?["d"], .string(#"{"text":null}"#))
    }

    func testVariableDefaultAppliesWhenVariableIsMissing() async throws {
        let ex = try makeTestExecutor()
        let r = try await ex.run(#"query($v: Int = 42) { echo(value: $v) }"#)
        XCTAssertEqual(r.data?["echo"], .string(#"{"text":"default","value":42}"#))
    }

    func testBadVariablesAreARequestErrorWithoutData() async throws {
        let ex = try makeTestExecutor()
        let r = try await ex.run(#"query($v: Int!) { echo(value: $v) }"#, variables: ["v": .string("x")])
        XCTAssertNil(r.data)
        XCTAssertEqual(r.errors.count, 1)
        XCTAssertEqual(r.errors[0].code, "BAD_USER_INPUT")
        XCTAssertEqual(r.errors[0].message, #"Variable "$v" got invalid value "x"; Int cannot represent non-integer value: "x""#)
        let missing = try await ex.run(#"query($v: Int!) { echo(value: $v) }"#)
        XCTAssertNil(missing.data)
        XCTAssertEqual(missing.errors[0].message, #"Variable "$v" of required type "Int!" was not provided."#)
        let badEnum = try await ex.run(#"query($i: EchoInput) { echo(input: $i) }"#, variables: ["i": .object([("role", .string("OWNER"))])])
        XCTAssertNil(badEnum.data)
        XCTAssertEqual(badEnum.errors[0].code, "BAD_USER_INPUT")
    }

    func testOperationSelectionErrorsAreBadRequest() async throws {
        let ex = try makeTestExecutor()
        let two = "query A { failing } query B { t: __typename }"
        let missing = try await ex.run(two)
        XCTAssertNil(missing.data)
        XCTAssertEqual(missing.errors.first?.code, "BAD_REQUEST")
        XCTAssertEqual(missing.errors.first?.message, "Must provide operation name if query contains multiple operations.")
        let unknown = try await ex.run(two, operationName: "C")
        XCTAssertNil(unknown.data)
        XCTAssertEqual(unknown.errors.first?.message, #"Unknown operation named "C"."#)
        let chosen = try await ex.run(two, operationName: "B")
        XCTAssertEqual(chosen.dataText, #"{"t":"Query"}"#)
    }

    func testResolverErrorsBecomeFieldErrorsWithCodes() async throws {
        let ex = try makeTestExecutor()
        let r = try await ex.run("{ failing failingGraphQL }")
        XCTAssertEqual(r.dataText, #"{"failing":null,"failingGraphQL":null}"#)
        XCTAssertEqual(r.errors.count, 2)
        let internalError = r.errors.first { $0.path == [.key("failing")] }
        XCTAssertEqual(internalError?.message, "Internal server error")
        XCTAssertEqual(internalError?.code, "INTERNAL_SERVER_ERROR")
        XCTAssertEqual(internalError?.locations, [ErrorLocation(line: 1, column: 3)])
        XCTAssertEqual(internalError?.extensions.count, 1, "no internal detail leaks")
        let forbidden = r.errors.first { $0.path == [.key("failingGraphQL")] }
        XCTAssertEqual(forbidden?.message, "Not yours")
        XCTAssertEqual(forbidden?.code, "FORBIDDEN")
    }

    func testNonNullRootFieldNullsData() async throws {
        let ex = try makeTestExecutor()
        let r = try await ex.run("{ failingNonNull failing }")
        XCTAssertEqual(r.dataText, "null")
        XCTAssertNotNil(r.data, "data is present (null) once execution started")
        XCTAssertTrue(r.errors.contains { $0.message == "Cannot return null for non-nullable field Query.failingNonNull." })
    }

    func testResultCoercionErrors() async throws {
        let ex = try makeTestExecutor()
        let r = try await ex.run("{ badEnum badInt notAList hugeFloat person(id: \"1\") { tags score } }")
        XCTAssertEqual(r.dataText, #"{"badEnum":null,"badInt":null,"notAList":null,"hugeFloat":null,"person":{"tags":["a","b"],"score":1.5}}"#)
        let messages = Dictionary(uniqueKeysWithValues: r.errors.map { (pathText($0.path), $0.message) })
        XCTAssertEqual(messages["badEnum"], #"Enum "Role" cannot represent value: "OWNER""#)
        XCTAssertEqual(messages["badInt"], "Int cannot represent non 32-bit signed integer value: 1099511627776")
        XCTAssertEqual(messages["notAList"], #"Expected Iterable, but did not find one for field "Query.notAList"."#)
        XCTAssertEqual(messages["hugeFloat"], "Float cannot represent non numeric value: null")
    }

    func testFieldGuardDeniesPerParentWithNullPropagation() async throws {
        let guardCalls = CallCounter()
        let guardFn: FieldGuard = { batch in
            guardCalls.hit("\(batch.typeName).\(batch.fieldName)")
            guard batch.typeName == "Person", batch.fieldName == "age" || batch.fieldName == "required" else {
                return batch.parents.map { _ in nil }
            }
            return batch.parents.map { p in (p as! PersonRow).id == 2 ? GraphQLError("Forbidden", code: "FORBIDDEN") : nil }
        }
        let ex = try makeTestExecutor(people: 3, fieldGuard: guardFn)
        let r = try await ex.run(#"{ person(id: "1") { friends { id age } } p2: person(id: "2") { id required } }"#)
        XCTAssertEqual(r.dataText, #"{"person":{"friends":[{"id":"2","age":null},{"id":"3","age":23}]},"p2":null}"#)
        XCTAssertEqual(r.errors.count, 2)
        XCTAssertTrue(r.errors.contains { $0.path == [.key("person"), .key("friends"), .index(0), .key("age")] && $0.code == "FORBIDDEN" })
        XCTAssertTrue(r.errors.contains { $0.path == [.key("p2"), .key("required")] })
        XCTAssertEqual(guardCalls.count("Person.age"), 1, "one guard call per group")
    }

    func testSelectedPathsLookAheadThroughFragmentsAndAliases() async throws {
        let seen = Mutex<[String: Set<String>]>([:])
        let guardFn: FieldGuard = { batch in
            let key = "\(batch.typeName).\(batch.fieldName)"
            seen.withLock { $0[key, default: []].formUnion(batch.selectedPaths) }
            return batch.parents.map { _ in nil }
        }
        let ex = try makeTestExecutor(people: 3, fieldGuard: guardFn)
        let r = try await ex.run("""
            { person(id: "1") { ...F best: bestFriend { friends { bestFriend { friends { bestFriend { friends { id } } } } } } skipped: age @skip(if: true) } }
            fragment F on Person { friends { name pets { ... on Dog { barks } } } }
            """)
        XCTAssertEqual(r.errors.count, 0, "\(r.errors)")
        let paths = seen.withLock { $0["Query.person"] } ?? []
        // Six levels deep (FieldBatch.lookaheadDepth), fragments expanded, field names (not aliases), @skip honoured.
        XCTAssertEqual(FieldBatch.lookaheadDepth, 6)
        XCTAssertEqual(paths, ["friends", "friends.name", "friends.pets", "friends.pets.barks", "bestFriend", "bestFriend.friends",
                               "bestFriend.friends.bestFriend", "bestFriend.friends.bestFriend.friends",
                               "bestFriend.friends.bestFriend.friends.bestFriend", "bestFriend.friends.bestFriend.friends.bestFriend.friends"])
        // Person.friends at four levels: { name pets … }, { bestFriend { friends { bestFriend { friends { id } } } } },
        // { bestFriend { friends { id } } } and { id }.
        XCTAssertEqual(seen.withLock { $0["Person.friends"] }, ["name", "pets", "pets.barks", "bestFriend", "bestFriend.friends",
                                                                "bestFriend.friends.id", "bestFriend.friends.bestFriend",
                                                                "bestFriend.friends.bestFriend.friends",
                                                                "bestFriend.friends.bestFriend.friends.id", "id"])
        XCTAssertEqual(seen.withLock { $0["Person.name"] }, [], "a leaf selects nothing")
    }

    func testObjectGuardRunsOncePerLevelAndTypeAndNullsDeniedObjects() async throws {
        let calls = CallCounter()
        let objectGuard: ObjectGuard = { typeName, objects, _ in
            calls.hit(typeName)
            return objects.map { o in
                if let p = o as? PersonRow, p.id == 3 { return GraphQLError("Hidden", code: "FORBIDDEN") }
                return nil
            }
        }
        let ex = try makeTestExecutor(people: 4, objectGuard: objectGuard)
        let r = try await ex.run(#"{ a: person(id: "2") { bestFriend { id } } b: person(id: "1") { friends { id } } }"#)
        // a's best friend is 3 (denied, nullable field); b's friends are 2 and 3:
        // `friends` is [Person!]!, so the denial nulls `b`.
        XCTAssertEqual(r.dataText, #"{"a":{"bestFriend":null},"b":null}"#)
        XCTAssertEqual(r.errors.count, 2, "\(r.errors)")
        XCTAssertTrue(r.errors.contains { $0.path == [.key("b"), .key("friends"), .index(1)] && $0.message == "Hidden" })
        XCTAssertTrue(r.errors.contains { $0.path == [.key("a"), .key("bestFriend")] && $0.code == "FORBIDDEN" })
        XCTAssertEqual(calls.count("Person"), 2, "root level once, friends+bestFriend level once")
    }

    func testObjectGuardSeesOnlyTheTypesItAppliesTo() async throws {
        let calls = CallCounter()
        let objectGuard: ObjectGuard = { typeName, objects, _ in
            calls.hit(typeName)
            return objects.map { o in (o as? PetRow)?.name == "Cat2" ? GraphQLError("Hidden", code: "FORBIDDEN") : nil }
        }
        let ex = try makeTestExecutor(people: 3, objectGuard: objectGuard, objectGuardApplies: { $0 != "Person" })
        let r = try await ex.run(#"{ people { id pets { __typename ... on Cat { name } } friends { id } } }"#)
        XCTAssertEqual(calls.count("Person"), 0, "no Person is passed to a guard that does not apply to Person")
        XCTAssertEqual(calls.count("Cat"), 1)
        XCTAssertEqual(calls.count("Dog"), 1)
        XCTAssertEqual(r.errors.map(\.message), ["Hidden"], "the guard still decides the types it applies to")
        XCTAssertEqual(r.errors.first?.path, [.key("people"), .index(1), .key("pets"), .index(1)])
    }

    func testResolverCallsAreBoundedByQueryShapeNotData() async throws {
        let query = """
        { people { name friends { name friends { id pets { __typename ... on Dog { name } } } bestFriend { name } } pets(first: 1) { __typename } } }
        """
        func calls(people: Int) async throws -> (Int, CallCounter) {
            let counter = CallCounter()
            let ex = try makeTestExecutor(people: people, counter: counter)
            let r = try await ex.run(query)
            XCTAssertTrue(r.errors.isEmpty, "\(r.errors)")
            return (counter.total, counter)
        }
        let (one, _) = try await calls(people: 2)
        let (many, counter) = try await calls(people: 100)
        XCTAssertEqual(one, many)
        // people 1 + friends at two levels + bestFriend 1 + pets with two argument sets.
        XCTAssertEqual(counter.count("Query.people"), 1)
        XCTAssertEqual(counter.count("Person.friends"), 2)
        XCTAssertEqual(counter.count("Person.bestFriend"), 1)
        XCTAssertEqual(counter.count("Person.pets"), 2)
        XCTAssertEqual(many, 6)
    }

    func testSameFieldWithDifferentArgumentsOnOneLevelMakesOneCallPerArgumentSet() async throws {
        let counter = CallCounter()
        let ex = try makeTestExecutor(people: 10, counter: counter)
        let r = try await ex.run("{ people { a: pets(first: 1) { __typename } b: pets(first: 1) { ... on Dog { name } } c: pets { __typename } } }")
        XCTAssertTrue(r.errors.isEmpty)
        XCTAssertEqual(counter.count("Person.pets"), 2)
        XCTAssertEqual(r.data?["people"].flatMap { if case .array(let a) = $0 { return a.count } else { return nil } }, 10)
    }

    func testAliasesOfOneFieldWithEqualArgumentsCallTheResolverOncePerParent() async throws {
        // A root resolver that, like the clinic's, answers exactly one value
        // per parent it is given: aliases must not hand it the root twice.
        let schema = try SchemaBuilder.build(sdl: """
        type Query { one: Int names(prefix: String = "n"): [String!]! item: Item }
        type Item { id: ID! tags(n: Int = 1): [String!]! }
        """)
        let parentsSeen = CallCounter()
        let note: @Sendable (FieldBatch) -> Void = { b in parentsSeen.append("\(b.typeName).\(b.fieldName):\(b.parents.count)") }
        var r: [String: BatchResolver] = [:]
        r["Query.one"] = { b in note(b); return [.leaf(.int(1))] }
        r["Query.names"] = { b in
            note(b)
            guard case .string(let prefix)? = b.arguments["prefix"] else { return [.null] }
            return [.list([.leaf(.string(prefix + "1"))])]
        }
        r["Query.item"] = { b in note(b); return [.object(JSON.object([("id", .string("i1"))]), typeName: "Item")] }
        r["Item.tags"] = { b in note(b); return b.parents.map { _ in .list([.leaf(.string("t"))]) } }
        let ex = Executor(schema: ExecutableSchema(schema: schema, resolvers: r))
        let res = try await ex.run("""
        { a: one b: one c: names d: names e: names(prefix: "x")
          i: item { id t1: tags t2: tags(n: 1) t3: tags(n: 2) } j: item { id t4: tags } }
        """)
        XCTAssertEqual(res.errors.map(\.message), [])
        XCTAssertEqual(res.dataText, #"{"a":1,"b":1,"c":["n1"],"d":["n1"],"e":["x1"],"i":{"id":"i1","t1":["t"],"t2":["t"],"t3":["t"]},"j":{"id":"i1","t4":["t"]}}"#)
        // i and j are two objects: one call with both; t3's arguments differ: its own call.
        XCTAssertEqual(parentsSeen.entries.sorted(), ["Item.tags:1", "Item.tags:2", "Query.item:1", "Query.names:1", "Query.names:1", "Query.one:1"])
    }
}

func pathText(_ path: [PathComponent]?) -> String {
    (path ?? []).map { c -> String in
        switch c { case .key(let k): return k; case .index(let i): return String(i) }
    }.joined(separator: ".")
}
