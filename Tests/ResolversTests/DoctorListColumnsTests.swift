// A doctor list whose selection asks only what a public list shows (`DoctorRow.listFields`, with
// the user) reads five of the doctors' columns; any other field, however it is asked (fragments,
// both connection forms, another alias of the same list), reads them whole, and a row of the
// list's columns never answers another field.
import ClinicDomain
@testable import ClinicStore
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class DoctorListColumnsTests: XCTestCase {
    func fixture() async throws -> ClinicFixture {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        return try await ClinicFixture.make(h)
    }

    func testListFieldsReadTheListColumnsAndEverythingElseWholeRows() async throws {
        let f = try await fixture()
        for i in 0..<3 {
            let d = try await f.doctor(lastName: "Columns\(i)", specialization: "Neurology")
            try await f.h.sql("UPDATE doctors SET bio = $2, license_number = $3, experience_years = $4, buffer_after_minutes = $5 WHERE id = $1",
                              [.int(Int(d.doctorID!)), .text("Bio \(i)"), .text("LIC-COL-\(i)"), .int(10 + i), .int(5 * i)])
        }
        let truth = try await f.h.sql("""
            SELECT d.id, d.specialization, d.consultation_fee::text AS fee, d.is_available, d.bio, d.license_number, d.experience_years,
                   d.buffer_after_minutes, u.first_name, u.last_name
              FROM doctors d JOIN users u ON u.id = d.user_id WHERE u.last_name LIKE 'Columns%' ORDER BY d.id
            """)
        func check(_ selection: String, _ fields: [String], fragments: String = "", line: UInt = #line) async throws {
            let (json, statements) = try await f.counted(
                "{ doctors(first: 100, filter: {search: \"Columns\"}) { \(selection) } } \(fragments)", as: f.admin.viewer)
            XCTAssertEqual(json.clinicCodes, [], "\(json)", line: line)
            XCTAssertEqual(statements, 1, line: line)
            let nodes = json.at("data.doctors.nodes")?.arrayValue ?? json.at("data.doctors.edges")?.arrayValue?.compactMap { $0["node"] } ?? []
            XCTAssertEqual(nodes.count, truth.count, "\(json)", line: line)
            for (node, row) in zip(nodes, truth) {
                for field in fields {
                    let value = node[field]
                    switch field {
                    case "specialization": XCTAssertEqual(value?.stringValue, try row.string("specialization"), line: line)
                    case "consultationFee": XCTAssertEqual(value?.stringValue, try row.string("fee"), line: line)
                    case "isAvailable": XCTAssertEqual(value, .bool(try row.bool("is_available")), line: line)
                    case "bio": XCTAssertEqual(value?.stringValue, try row.string("bio"), line: line)
                    case "licenseNumber": XCTAssertEqual(value?.stringValue, try row.string("license_number"), line: line)
                    case "experienceYears": XCTAssertEqual(value, .int(try row.int("experience_years")), line: line)
                    case "bufferAfterMinutes": XCTAssertEqual(value, .int(try row.int("buffer_after_minutes")), line: line)
                    case "user": XCTAssertEqual(value?.at("lastName")?.stringValue, try row.string("last_name"), line: line)
                    default: XCTFail(field, line: line)
                    }
                }
            }
        }
        try await check("nodes { id __typename specialization consultationFee isAvailable user { firstName lastName } }",
                        ["specialization", "consultationFee", "isAvailable", "user"])
        try await check("edges { node { specialization user { lastName } } }", ["specialization", "user"])
        try await check("nodes { specialization bio user { lastName } }", ["specialization", "bio", "user"])
        try await check("nodes { specialization user { lastName } ...D }", ["specialization", "licenseNumber", "experienceYears", "user"],
                        fragments: "fragment D on Doctor { ... on Doctor { licenseNumber experienceYears } }")
        try await check("nodes { specialization user { lastName } } edges { node { bufferAfterMinutes } }", ["specialization", "user"])
        // Two aliases of the same list: each answers its own fields, the list's columns or not.
        let (aliases, aliasStatements) = try await f.counted("""
            { a: doctors(first: 100, filter: {search: "Columns"}) { nodes { specialization user { lastName } } }
              b: doctors(first: 100, filter: {search: "Columns"}) { nodes { bio user { lastName } } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(aliases.clinicCodes, [], "\(aliases)")
        XCTAssertLessThanOrEqual(aliasStatements, 2)
        XCTAssertEqual(aliases.at("data.b.nodes")?.arrayValue?.compactMap { $0["bio"]?.stringValue }, try truth.map { try $0.string("bio") })
        XCTAssertEqual(aliases.at("data.a.nodes")?.arrayValue?.compactMap { $0["specialization"]?.stringValue },
                       try truth.map { try $0.string("specialization") })
        // Free slots of a list need the buffers: whole rows.
        var day = try await f.date(9)
        while day.isoWeekday > 5 { day = day.adding(days: 1) }
        let slots = await f.h.graphql("""
            { doctors(first: 100, filter: {search: "Columns"}) { nodes { specialization user { lastName } availableSlots(date: "\(day.iso)") { time } } } }
            """, as: nil)
        XCTAssertEqual(slots.clinicCodes, [], "\(slots)")
        XCTAssertEqual(slots.at("data.doctors.nodes.0.availableSlots")?.arrayValue?.count, 16, "\(slots)")
    }

    /// A list that does not ask its users' email does not read it; one that asks it (plainly or in a
    /// fragment, on either connection form) gets each user's own, and a row read without it refuses it.
    func testUsersOfAListAreReadWithoutTheirEmailUnlessItIsAsked() async throws {
        let f = try await fixture()
        var emails: [String] = []
        for i in 0..<2 { emails.append(try await f.doctor(lastName: "Mailless\(i)").email) }
        func users(_ selection: String, _ fragments: String = "") async throws -> [JSON] {
            let (json, statements) = try await f.counted(
                "{ doctors(first: 10, filter: {search: \"Mailless\"}) { \(selection) } } \(fragments)", as: f.admin.viewer)
            XCTAssertEqual(json.clinicCodes, [], "\(json)")
            XCTAssertEqual(statements, 1)
            let nodes = json.at("data.doctors.edges")?.arrayValue?.compactMap { $0["node"] } ?? json.at("data.doctors.nodes")?.arrayValue ?? []
            return nodes.compactMap { $0["user"] }
        }
        let plain = try await users("nodes { user { firstName lastName } }")
        XCTAssertEqual(plain.compactMap { $0["lastName"]?.stringValue }, ["Mailless0", "Mailless1"])
        for (selection, fragments) in [("nodes { user { lastName email } }", ""), ("edges { node { user { lastName ...E } } }", "fragment E on User { email }"),
                                       ("nodes { user { lastName } } edges { node { user { email } } }", "")] {
            let asked = try await users(selection, fragments)
            XCTAssertEqual(asked.compactMap { $0["email"]?.stringValue }, emails, selection)
        }
        func columns(_ paths: Set<String>) -> UserColumns {
            FieldBatch(typeName: "Query", fieldName: "doctors", parents: [()], arguments: [:], selectedFields: [], context: (),
                       locations: [], selectedPaths: paths).userColumns("nodes.user", "edges.node.user")
        }
        XCTAssertEqual(columns(["nodes", "nodes.user", "nodes.user.lastName"]), .namesWithoutEmail)
        XCTAssertEqual(columns(["edges", "edges.node", "edges.node.user", "edges.node.user.email"]), .names)
        XCTAssertEqual(columns(["nodes", "nodes.user", "nodes.user.phone"]), .all)
        let reads = DoctorStore.pageReads(specialization: nil, search: "Mailless", isAvailable: nil, afterID: nil, limit: 10,
                                          countTotal: false, joinUser: .namesWithoutEmail, listOnly: true)
        let rows = try await f.h.services.database.fetch(reads.rows)
        let user = try XCTUnwrap(rows.first?.user)
        XCTAssertFalse(user.emailKnown)
        guard case .error? = user.readField("email") else { return XCTFail("email answered from a row read without it") }
        guard case .leaf(.string("Mailless0"))? = user.readField("lastName") else { return XCTFail("lastName") }
    }

    /// The store's list read: five columns, and the row refuses what it did not load.
    func testARowOfTheListColumnsRefusesOtherFields() async throws {
        let f = try await fixture()
        let d = try await f.doctor(lastName: "Refuses")
        let reads = DoctorStore.pageReads(specialization: nil, search: "Refuses", isAvailable: nil, afterID: nil, limit: 10,
                                          countTotal: false, joinUser: .names, listOnly: true)
        let rows = try await f.h.services.database.fetch(reads.rows)
        XCTAssertEqual(rows.map(\.id), [d.doctorID!])
        let row = try XCTUnwrap(rows.first)
        XCTAssertTrue(row.onlyListColumns)
        XCTAssertEqual(row.user?.lastName, "Refuses")
        for field in ["bio", "licenseNumber", "experienceYears", "bufferBeforeMinutes", "bufferAfterMinutes"] {
            guard case .error? = row.readField(field) else { return XCTFail("\(field) answered from a row of the list's columns") }
        }
        guard case .leaf(.string("Cardiology"))? = row.readField("specialization") else { return XCTFail("specialization") }
    }
}
