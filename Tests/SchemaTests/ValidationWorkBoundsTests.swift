// The work OverlappingFieldsCanBeMerged does on adversarial documents,
// counted (pairs of fields compared), never timed: the CPU figures are in
// bench/validation (run.sh, adversarial documents). Before shape classes, n
// copies of one field cost n(n-1)/2 comparisons (CVE-2023-26144's class).
import XCTest
import QueryLanguage
@testable import Schema

final class ValidationWorkBoundsTests: XCTestCase {
    let schema = try! DifferentialSupport.schema("ValidationTestSchema.graphql")

    /// Runs OverlappingFieldsCanBeMerged alone; returns its errors and the pairs it compared.
    func overlap(_ text: String) throws -> (errors: [GraphQLError], comparisons: Int) {
        let document = try parse(text, options: ParseOptions(maxTokens: .max, maxSelections: .max))
        let rule = specifiedRules.first { $0.name == "OverlappingFieldsCanBeMerged" }!
        let context = ValidationContext(schema: schema, document: document, maxErrors: 100, scalars: [:])
        context.run([rule.make(context)])
        return (context.errors, context.overlappingFieldsComparisons)
    }

    func repeated(_ unit: (Int) -> String, _ n: Int) -> String { (0..<n).map(unit).joined(separator: " ") }

    func testIdenticalFieldsAreNotComparedPairwise() throws {
        let r = try overlap("{ dog { " + repeated({ _ in "name" }, 4_000) + " } }")
        XCTAssertEqual(r.errors.count, 0)
        XCTAssertEqual(r.comparisons, 0, "4,000 copies of a leaf: graphql-js compares 7,998,000 pairs")
    }

    func testIdenticalSubtreesAreNotComparedPairwise() throws {
        let r = try overlap("{ " + repeated({ _ in "dog { owner { name pets { name } } name }" }, 1_000) + " }")
        XCTAssertEqual(r.errors.count, 0)
        XCTAssertLessThanOrEqual(r.comparisons, 10)
    }

    func testCopiesWithDistinctSubselectionsAreNotCompared() throws {
        // Same field, same arguments, disjoint sub-response names: no pair can conflict.
        let r = try overlap("{ " + repeated({ "dog { name a\($0): nickname }" }, 1_000) + " }")
        XCTAssertEqual(r.errors.count, 0)
        XCTAssertLessThanOrEqual(r.comparisons, 10)
    }

    func testFieldsOnExclusiveTypesAreComparedOncePerShapePair() throws {
        let r = try overlap("{ catOrDog { " + repeated({ $0 % 2 == 0 ? "... on Dog { x: name }" : "... on Cat { x: nickname }" }, 2_000) + " } }")
        XCTAssertEqual(r.errors.count, 0)
        XCTAssertLessThanOrEqual(r.comparisons, 10)
    }

    func testRepeatedFragmentSpreadsAreComparedOnce() throws {
        let r = try overlap("{ " + repeated({ _ in "dog { ...F name }" }, 1_000) + " } fragment F on Dog { name barkVolume }")
        XCTAssertEqual(r.errors.count, 0)
        // Inside each copy, `name` against F's `name` (one per selection set,
        // as graphql-js); the 1,000 copies against each other: once.
        XCTAssertLessThanOrEqual(r.comparisons, 1_000 + 10)
    }

    func testConflictingCopiesStopOnceValidationWouldAbort() throws {
        // Half the pairs conflict (differing arguments): validation reports
        // maxErrors (100) and aborts; the rule stops at the 101st conflict.
        let r = try overlap("{ dog { " + repeated({ "doesKnowCommand(dogCommand: \($0 % 2 == 0 ? "SIT" : "HEEL"))" }, 3_000) + " } }")
        XCTAssertEqual(r.errors.count, 101)
        XCTAssertEqual(r.errors.last?.message, "Too many validation errors, error limit reached. Validation aborted.")
        XCTAssertLessThanOrEqual(r.comparisons, 250)
    }

    func testNestedConflictsStopAtTheConflictLimit() throws {
        // One error holding a conflict for each pair of two lists of subfields.
        let r = try overlap("{ a: dog { " + repeated({ _ in "x: name" }, 1_000) + " } a: dog { " + repeated({ _ in "x: nickname" }, 1_000) + " } }")
        XCTAssertEqual(r.errors.count, 1)
        XCTAssertLessThanOrEqual(r.comparisons, OverlappingFieldsCanBeMergedRule.conflictLimit + 10)
    }

    func testTwoCompatibleVariantsAreComparedOnce() throws {
        // Copies with one of two compatible subselections under a shared name
        // (and a name of their own): settled by the first comparison of the two.
        let r = try overlap("{ " + repeated({ "dog { o: owner { \($0 % 2 == 0 ? "name" : "pets { name }") } a\($0): name }" }, 1_000) + " }")
        XCTAssertEqual(r.errors.count, 0)
        XCTAssertLessThanOrEqual(r.comparisons, 10)
    }

    func testSameMessagesAsComparingEveryPair() throws {
        // Copies mixed with a conflicting variant: the conflicts graphql-js
        // reports, in its order (pairs i < j), with their locations.
        let r = try overlap("{ dog { name name name: nickname name name: nickname } }")
        XCTAssertEqual(r.errors.map { $0.locations.map { "\($0.line):\($0.column)" }.joined(separator: ",") },
                       ["1:9,1:19", "1:9,1:39", "1:14,1:19", "1:14,1:39", "1:19,1:34", "1:34,1:39"])
    }
}
