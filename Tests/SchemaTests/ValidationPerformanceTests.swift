// Validation speed: a typical ~2 KB client query against the clinic schema and
// a pathological one (N aliased fields spread through fragments). Only public
// API, so it also runs in release: `swift test -c release --filter ValidationPerformanceTests`.
import Foundation
import XCTest
import QueryLanguage
import Schema

final class ValidationPerformanceTests: XCTestCase {
    static let typicalQuery = """
    query Dashboard($first: Int = 10, $after: String, $status: [AppointmentStatus!], $from: Date, $to: Date, $withNotes: Boolean = false) {
      me {
        id
        fullName
        email
        role
        notifyByEmail
        patient { ...PatientCard }
        doctor {
          id
          specialization
          experienceYears
          consultationFee
          workingHours { __typename }
          appointments(filter: {status: $status, from: $from, to: $to}, first: $first, after: $after) {
            totalCount
            pageInfo { hasNextPage endCursor }
            edges { cursor node { ...AppointmentRow notes @include(if: $withNotes) } }
          }
        }
      }
      appointments(filter: {status: $status, from: $from, to: $to}, orderBy: {field: STARTS_AT, direction: DESC}, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ...AppointmentRow }
      }
      doctors(first: 5) { nodes { id specialization user { fullName } isAvailable } }
      node(id: "QXBwb2ludG1lbnQ6MQ==") { id ... on Appointment { ...AppointmentRow } ... on Doctor { bio } }
    }

    fragment PatientCard on Patient {
      id
      dateOfBirth
      gender
      address
      allergies
      user { id fullName phone }
    }

    fragment AppointmentRow on Appointment {
      id
      date
      time
      startsAt
      endsAt
      status
      reason
      canModify
      doctor { id specialization user { id fullName } }
      patient { ...PatientCard }
    }
    """

    static func pathological(_ n: Int) -> String {
        // n aliased fields spread over n/10 fragments, all selected twice.
        let perFragment = 10
        let fragments = max(1, n / perFragment)
        var s = "{ me { "
        for f in 0..<fragments { s += "...F\(f) " }
        for f in 0..<fragments { s += "...F\(f) " }
        s += "} }\n"
        for f in 0..<fragments {
            s += "fragment F\(f) on User { "
            for i in 0..<perFragment { s += "a\(f)_\(i): fullName b\(f)_\(i): id " }
            s += "}\n"
        }
        return s
    }

    func clinic() throws -> GraphQLSchema {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ValidationClinicSchema.graphql")
        return try SchemaBuilder.build(sdl: String(contentsOf: url, encoding: .utf8))
    }

    /// CPU time per iteration (process CPU clock: the machine may be shared).
    func microseconds(_ iterations: Int, _ body: () -> Void) -> Double {
        let start = clock()
        for _ in 0..<iterations { body() }
        return Double(clock() - start) / Double(CLOCKS_PER_SEC) * 1e6 / Double(iterations)
    }

    func testTypicalQueryIsValidAndTimed() throws {
        let schema = try clinic()
        let doc = try parse(Self.typicalQuery)
        XCTAssertEqual(validate(schema: schema, document: doc).map(\.message), [])
        _ = validate(schema: schema, document: doc)
        let us = microseconds(300) { _ = validate(schema: schema, document: doc) }
        print("validate typical \(Self.typicalQuery.utf8.count)-byte query: \(String(format: "%.1f", us)) µs CPU")
    }

    func testPathologicalQueriesScaleRoughlyLinearly() throws {
        let schema = try clinic()
        var times: [Int: Double] = [:]
        for n in [100, 1_000, 10_000] {
            let doc = try parse(Self.pathological(n), options: ParseOptions(maxTokens: 1_000_000, maxSelections: .max))
            XCTAssertEqual(validate(schema: schema, document: doc).count, 0)
            times[n] = microseconds(n >= 10_000 ? 1 : 5) { _ = validate(schema: schema, document: doc) }
            print("validate pathological \(n) fields: \(String(format: "%.0f", times[n]!)) µs CPU")
        }
        // Quadratic growth would be 100x per step; allow generous noise.
        XCTAssertLessThan(times[10_000]! / times[1_000]!, 40)
    }
}
