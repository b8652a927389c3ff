// Doctors, appointments and patients lists, node(id:), visibility, the role
// matrix and statement counts against real PostgreSQL.
import ClinicDomain
import ClinicStore
import Foundation
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class ClinicQueryTests: XCTestCase {
    func fixture() async throws -> ClinicFixture {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        return try await ClinicFixture.make(h)
    }

    /// Every node of a connection, walking `after` with pages of `size`.
    func walk(_ f: ClinicFixture, field: String, args: String, size: Int, as viewer: Viewer?) async throws -> [String] {
        var out: [String] = []
        var after: String?
        for _ in 0..<200 {
            let a = after.map { ", after: \"\($0)\"" } ?? ""
            let sep = args.isEmpty ? "" : ", "
            let json = await f.h.graphql("{ \(field)(first: \(size)\(sep)\(args)\(a)) { nodes { id } pageInfo { hasNextPage endCursor } } }", as: viewer)
            XCTAssertEqual(json.clinicCodes, [], "\(json)")
            out += json.at("data.\(field).nodes")?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            guard json.at("data.\(field).pageInfo.hasNextPage")?.boolValue == true else { return out }
            after = json.at("data.\(field).pageInfo.endCursor")?.stringValue
        }
        XCTFail("did not finish")
        return out
    }

    func testTheSameRootFieldUnderTwoAliasesAnswersBoth() async throws {
        let f = try await fixture()
        _ = try await f.doctor(lastName: "Alias")
        let patient = try await f.patient()
        let me = await f.h.graphql("{ a: me { id } b: me { id email } }", as: patient.viewer)
        clinicEq(me.clinicCodes, [], "\(me)")
        clinicEq(me.at("data.a.id")?.stringValue, patient.globalID)
        clinicEq(me.at("data.b.id")?.stringValue, patient.globalID)
        let docs = await f.h.graphql("{ a: doctors(first: 2) { nodes { id } } b: doctors(first: 2) { nodes { id } } }", as: nil)
        clinicEq(docs.clinicCodes, [], "\(docs)")
        clinicTrue((docs.at("data.a.nodes")?.arrayValue?.count ?? 0) > 0, "\(docs)")
        clinicEq(docs.at("data.a"), docs.at("data.b"))
        let specs = await f.h.graphql("{ a: specializations b: specializations }", as: nil)
        clinicEq(specs.clinicCodes, [], "\(specs)")
        clinicEq(specs.at("data.a"), specs.at("data.b"))
        clinicTrue(specs.at("data.a")?.arrayValue?.isEmpty == false, "\(specs)")
    }

    func testAppointmentPagesOfSevenEqualOnePageOfAHundredInEveryOrder() async throws {
        // A database of its own: the totals below count every appointment.
        let f = try await ClinicFixture.make(try await ClinicTestHarness.fresh(prefix: "clinic_pages"))
        var docs: [HarnessUser] = [], pats: [HarnessUser] = []
        for i in 0..<4 { docs.append(try await f.doctor(lastName: "Page\(i)")); pats.append(try await f.patient()) }
        let d1 = docs[0], p = pats[0]
        // 30 appointments, four sharing each start (ties broken by id).
        for i in 0..<30 {
            try await f.h.createAppointment(patientID: pats[i % 4].patientID!, doctorID: docs[i % 4].doctorID!,
                                            daysFromNow: 20 + i / 4, status: i % 2 == 0 ? "SCHEDULED" : "CANCELLED")
        }
        for order in ["{field: STARTS_AT, direction: ASC}", "{field: STARTS_AT, direction: DESC}",
                      "{field: CREATED_AT, direction: ASC}", "{field: CREATED_AT, direction: DESC}"] {
            let args = "orderBy: \(order)"
            let big = try await walk(f, field: "appointments", args: args, size: 100, as: f.admin.viewer)
            let small = try await walk(f, field: "appointments", args: args, size: 7, as: f.admin.viewer)
            XCTAssertEqual(big.count, 30)
            XCTAssertEqual(small, big, order)
        }
        let asc = try await walk(f, field: "appointments", args: "", size: 100, as: f.admin.viewer)
        let desc = try await walk(f, field: "appointments", args: "orderBy: {field: STARTS_AT, direction: DESC}", size: 100, as: f.admin.viewer)
        XCTAssertNotEqual(asc, desc)
        // A cursor of one ordering is refused by another.
        let page = await f.h.graphql("{ appointments(first: 2) { pageInfo { endCursor } } }", as: f.admin.viewer)
        let cursor = page.at("data.appointments.pageInfo.endCursor")!.stringValue!
        let wrong = await f.h.graphql("{ appointments(first: 2, after: \"\(cursor)\", orderBy: {field: CREATED_AT}) { nodes { id } } }",
                                      as: f.admin.viewer)
        XCTAssertEqual(wrong.clinicCodes, ["BAD_USER_INPUT"])
        clinicEq(await f.h.graphql("{ appointments(first: 2, after: \"garbage\") { nodes { id } } }", as: f.admin.viewer).clinicCodes,
                       ["BAD_USER_INPUT"])
        clinicEq(await f.h.graphql("{ appointments(first: 101) { nodes { id } } }", as: f.admin.viewer).clinicCodes, ["BAD_USER_INPUT"])
        clinicEq(await f.h.graphql("{ appointments(first: -1) { nodes { id } } }", as: f.admin.viewer).clinicCodes, ["BAD_USER_INPUT"])
        let zero = await f.h.graphql("{ appointments(first: 0) { nodes { id } totalCount pageInfo { hasNextPage } } }", as: f.admin.viewer)
        XCTAssertEqual(zero.at("data.appointments.nodes")?.arrayValue?.count, 0)
        XCTAssertEqual(zero.at("data.appointments.pageInfo.hasNextPage")?.boolValue, true)
        XCTAssertEqual(zero.at("data.appointments.totalCount")?.intValue, 30)
        // Filters: status, doctor, inclusive local dates.
        let scheduled = await f.h.graphql("{ appointments(first: 100, filter: {status: [SCHEDULED], doctorId: \"\(ClinicFixture.doctorID(d1))\"}) { totalCount } }",
                                          as: f.admin.viewer)
        XCTAssertEqual(scheduled.at("data.appointments.totalCount")?.intValue, 8)
        let day = try await f.h.sql("SELECT (current_date + 20)::text AS d").first!.string("d")
        let oneDay = await f.h.graphql("{ appointments(filter: {from: \"\(day)\", to: \"\(day)\"}) { totalCount nodes { date } } }", as: f.admin.viewer)
        XCTAssertEqual(oneDay.at("data.appointments.totalCount")?.intValue, 4)
        XCTAssertEqual(Set(oneDay.at("data.appointments.nodes")?.arrayValue?.compactMap { $0["date"]?.stringValue } ?? []), [day])
        let cardio = await f.h.graphql("{ appointments(filter: {specialization: \"cardiology\"}) { totalCount } }", as: f.admin.viewer)
        XCTAssertEqual(cardio.at("data.appointments.totalCount")?.intValue, 30)
        let derm = await f.h.graphql("{ appointments(filter: {specialization: \"Dermatology\"}) { totalCount } }", as: f.admin.viewer)
        XCTAssertEqual(derm.at("data.appointments.totalCount")?.intValue, 0)
        clinicEq(await f.h.graphql("{ appointments(filter: {doctorId: \"\(ClinicFixture.patientID(p))\"}) { totalCount } }",
                                         as: f.admin.viewer).clinicCodes, ["BAD_USER_INPUT"])
    }

    func testDoctorsSearchIsALiteralSubstringAndPagesWalk() async throws {
        let f = try await fixture()
        _ = try await f.doctor(lastName: "Per%ez", specialization: "Neuro_logy")
        _ = try await f.doctor(lastName: "Perxez", specialization: "Neuroxlogy")
        for i in 0..<12 { _ = try await f.doctor(lastName: "Walk\(i)", specialization: i % 2 == 0 ? "Dermatology" : "Pediatrics") }
        func names(_ filter: String) async -> [String] {
            let json = await f.h.graphql("{ doctors(first: 100, filter: \(filter)) { nodes { user { lastName } specialization } } }", as: nil)
            XCTAssertEqual(json.clinicCodes, [], "\(json)")
            return json.at("data.doctors.nodes")?.arrayValue?.compactMap { $0["user"]?["lastName"]?.stringValue } ?? []
        }
        let percent = await names("{search: \"r%e\"}")
        XCTAssertEqual(percent, ["Per%ez"])
        let underscore = await names("{search: \"O_L\"}")
        XCTAssertEqual(underscore, ["Per%ez"])
        clinicEq(await names("{specialization: \"dermatology\"}").count, 6)
        try await f.h.sql("UPDATE doctors SET is_available = false WHERE specialization = 'Pediatrics'")
        clinicEq(await names("{specialization: \"Pediatrics\", isAvailable: true}").count, 0)
        clinicEq(await names("{specialization: \"Pediatrics\", isAvailable: false}").count, 6)
        let all = try await walk(f, field: "doctors", args: "", size: 100, as: nil)
        let paged = try await walk(f, field: "doctors", args: "", size: 7, as: nil)
        XCTAssertEqual(all, paged)
        XCTAssertGreaterThanOrEqual(all.count, 14)
        let total = await f.h.graphql("{ doctors(filter: {search: \"walk\"}) { totalCount } }", as: nil)
        XCTAssertEqual(total.at("data.doctors.totalCount")?.intValue, 12)
        let specs = await f.h.graphql("{ specializations }", as: nil)
        let list = specs.at("data.specializations")?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertTrue(list.contains("Dermatology") && list.contains("Pediatrics"))
        XCTAssertEqual(list, list.sorted())
    }

    func testVisibilityOfAppointmentsPatientsAndNodes() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(), otherDoc = try await f.doctor(lastName: "Other")
        let alice = try await f.patient(firstName: "Alice"), bob = try await f.patient(firstName: "Bob")
        let a1 = try await f.h.createAppointment(patientID: alice.patientID!, doctorID: doc.doctorID!, daysFromNow: 30)
        let b1 = try await f.h.createAppointment(patientID: bob.patientID!, doctorID: otherDoc.doctorID!, daysFromNow: 31)
        let aliceList = await f.h.graphql("{ appointments { nodes { id } } }", as: alice.viewer)
        XCTAssertEqual(aliceList.at("data.appointments.nodes")?.arrayValue?.compactMap { $0["id"]?.stringValue }, [ClinicFixture.appointmentID(a1)])
        let docList = await f.h.graphql("{ appointments { nodes { id patient { user { firstName } medicalHistory } } } }", as: doc.viewer)
        XCTAssertEqual(docList.clinicCodes, [], "\(docList)")
        XCTAssertEqual(docList.at("data.appointments.nodes.0.patient.medicalHistory")?.stringValue, "asthma")
        XCTAssertEqual(docList.at("data.appointments.nodes")?.arrayValue?.count, 1)
        // Others' rows answer NOT_FOUND, exactly like rows that do not exist: never a silent null, and no existence leak.
        func assertNotFound(_ query: String, as viewer: Viewer?, _ path: String, line: UInt = #line) async {
            let r = await f.h.graphql(query, as: viewer)
            XCTAssertEqual(r.clinicCodes, ["NOT_FOUND"], "\(r)", line: line)
            XCTAssertTrue(r.at("data.\(path)")?.isNull == true, "\(r)", line: line)
            XCTAssertEqual(r.at("errors.0.path.0")?.stringValue, path, "\(r)", line: line)
        }
        await assertNotFound("{ appointment(id: \"\(ClinicFixture.appointmentID(b1))\") { id } }", as: alice.viewer, "appointment")
        await assertNotFound("{ patient(id: \"\(ClinicFixture.patientID(bob))\") { id } }", as: doc.viewer, "patient")
        await assertNotFound("{ appointment(id: \"\(GlobalID.encode(type: "Appointment", id: 999_999))\") { id } }", as: f.admin.viewer, "appointment")
        await assertNotFound("{ patient(id: \"\(GlobalID.encode(type: "Patient", id: 999_999))\") { id } }", as: f.admin.viewer, "patient")
        await assertNotFound("{ doctor(id: \"\(GlobalID.encode(type: "Doctor", id: 999_999))\") { id } }", as: nil, "doctor")
        await assertNotFound("{ node(id: \"\(ClinicFixture.appointmentID(b1))\") { id } }", as: alice.viewer, "node")
        await assertNotFound("{ node(id: \"\(GlobalID.encode(type: "Appointment", id: 999_999))\") { id } }", as: f.admin.viewer, "node")
        await assertNotFound("{ node(id: \"\(GlobalID.encode(type: "Nothing", id: 1))\") { id } }", as: f.admin.viewer, "node")
        clinicEq(await f.h.graphql("{ patient(id: \"\(ClinicFixture.patientID(alice))\") { allergies } }", as: doc.viewer)
            .at("data.patient.allergies")?.stringValue, "penicillin")
        // node(id:) for every type.
        let nodes = await f.h.graphql("""
            { a: node(id: "\(ClinicFixture.appointmentID(a1))") { id ... on Appointment { reason } }
              d: node(id: "\(ClinicFixture.doctorID(doc))") { ... on Doctor { specialization } }
              p: node(id: "\(ClinicFixture.patientID(alice))") { ... on Patient { gender } }
              u: node(id: "\(alice.globalID)") { ... on User { firstName } }
              x: node(id: "\(ClinicFixture.appointmentID(b1))") { id } }
            """, as: alice.viewer)
        XCTAssertEqual(nodes.clinicCodes, ["NOT_FOUND"], "\(nodes)")
        XCTAssertEqual(nodes.at("data.a.reason")?.stringValue, "checkup")
        XCTAssertEqual(nodes.at("data.d.specialization")?.stringValue, "Cardiology")
        XCTAssertEqual(nodes.at("data.p.gender")?.stringValue, "FEMALE")
        XCTAssertEqual(nodes.at("data.u.firstName")?.stringValue, "Alice")
        XCTAssertTrue(nodes.at("data.x")?.isNull == true)
        clinicEq(await f.h.graphql("{ node(id: \"nope!\") { id } }", as: alice.viewer).clinicCodes, ["BAD_USER_INPUT"])
        await assertNotFound("{ node(id: \"\(GlobalID.encode(type: "Doctor", id: 999_999))\") { id } }", as: nil, "node")
        let notif = try await f.h.sql("""
            INSERT INTO notifications (user_id, channel, kind, recipient) VALUES ($1, 'EMAIL', 'CUSTOM', 'a@example.test') RETURNING id
            """, [.int(Int(alice.id))]).first!.int("id")
        let nid = GlobalID.encode(type: "Notification", id: Int64(notif))
        clinicEq(await f.h.graphql("{ node(id: \"\(nid)\") { ... on Notification { kind } } }", as: alice.viewer).at("data.node.kind")?.stringValue, "CUSTOM")
        await assertNotFound("{ node(id: \"\(nid)\") { id } }", as: bob.viewer, "node")
        let audit = try await f.h.sql("INSERT INTO audit_log (action) VALUES ('test.entry') RETURNING id").first!.int("id")
        let aid = GlobalID.encode(type: "AuditEntry", id: Int64(audit))
        clinicEq(await f.h.graphql("{ node(id: \"\(aid)\") { ... on AuditEntry { action } } }", as: f.superadmin.viewer)
            .at("data.node.action")?.stringValue, "test.entry")
        clinicEq(await f.h.graphql("{ node(id: \"\(aid)\") { id } }", as: f.admin.viewer).clinicCodes, ["FORBIDDEN"])
        // Patient.appointments of a treating doctor shows only what they attend.
        try await f.h.createAppointment(patientID: alice.patientID!, doctorID: otherDoc.doctorID!, daysFromNow: 40)
        let pa = await f.h.graphql("{ patient(id: \"\(ClinicFixture.patientID(alice))\") { appointments { totalCount } } }", as: doc.viewer)
        XCTAssertEqual(pa.at("data.patient.appointments.totalCount")?.intValue, 1)
        let own = await f.h.graphql("{ patient(id: \"\(ClinicFixture.patientID(alice))\") { appointments { totalCount } } }", as: alice.viewer)
        XCTAssertEqual(own.at("data.patient.appointments.totalCount")?.intValue, 2)
    }

    func testRoleMatrix() async throws {
        let f = try await fixture()
        let doc = try await f.doctor()
        let pat = try await f.patient()
        let a = try await f.h.createAppointment(patientID: pat.patientID!, doctorID: doc.doctorID!, daysFromNow: 50)
        let aid = ClinicFixture.appointmentID(a)
        let cases: [(String, Viewer?, [String])] = [
            ("{ patients { totalCount } }", nil, ["UNAUTHENTICATED"]),
            ("{ patients { totalCount } }", pat.viewer, ["FORBIDDEN"]),
            ("{ patients { totalCount } }", f.admin.viewer, []),
            ("{ appointments { totalCount } }", nil, ["UNAUTHENTICATED"]),
            ("{ appointments { totalCount } }", pat.viewer, []),
            ("{ systemSettings { timeZone } }", f.admin.viewer, ["FORBIDDEN"]),
            ("{ systemSettings { timeZone } }", f.superadmin.viewer, []),
            ("{ appointment(id: \"\(aid)\") { notes } }", pat.viewer, ["FORBIDDEN"]),
            ("{ appointment(id: \"\(aid)\") { notes } }", f.admin.viewer, []),
            ("{ appointment(id: \"\(aid)\") { id } }", nil, ["UNAUTHENTICATED"]),
            ("{ doctor(id: \"\(ClinicFixture.doctorID(doc))\") { appointments { totalCount } } }", pat.viewer, ["FORBIDDEN"]),
            ("{ doctor(id: \"\(ClinicFixture.doctorID(doc))\") { appointments { totalCount } } }", f.admin.viewer, []),
            ("{ doctors { nodes { workingHours { weekday start end slotMinutes } } } }", nil, []),
            ("mutation { updateSystemSettings(input: {clinicName: \"X\"}) { clinicName } }", f.admin.viewer, ["FORBIDDEN"]),
            ("mutation { updateDoctor(id: \"\(ClinicFixture.doctorID(doc))\", input: {bio: \"b\"}) { bio } }", pat.viewer, ["FORBIDDEN"]),
            ("mutation { updateDoctor(id: \"\(ClinicFixture.doctorID(doc))\", input: {bio: \"b\"}) { bio } }", nil, ["UNAUTHENTICATED"]),
            ("mutation { cancelAppointment(id: \"\(aid)\") { id } }", nil, ["UNAUTHENTICATED"]),
            // The attending doctor (a CLIENT-role user) may read it but not cancel it.
            ("mutation { cancelAppointment(id: \"\(aid)\") { id } }", doc.viewer, ["FORBIDDEN"]),
            ("{ appointment(id: \"\(aid)\") { reason patient { medicalHistory } } }", doc.viewer, []),
            ("{ appointment(id: \"\(aid)\") { notes } }", doc.viewer, ["FORBIDDEN"]),
            ("{ patients { totalCount } }", doc.viewer, ["FORBIDDEN"]),
            ("{ doctor(id: \"\(ClinicFixture.doctorID(doc))\") { appointments { totalCount } } }", nil, ["UNAUTHENTICATED"]),
            ("{ systemSettings { timeZone } }", nil, ["UNAUTHENTICATED"]),
            ("{ systemSettings { timeZone } }", pat.viewer, ["FORBIDDEN"]),
            ("mutation { setWorkingHours(doctorId: \"\(ClinicFixture.doctorID(doc))\", hours: []) { id } }", pat.viewer, ["FORBIDDEN"]),
            ("mutation { setWorkingHours(doctorId: \"\(ClinicFixture.doctorID(doc))\", hours: []) { id } }", nil, ["UNAUTHENTICATED"]),
            ("mutation { setWorkingHours(doctorId: \"\(ClinicFixture.doctorID(doc))\", hours: [{weekday: 1, start: \"09:00\", end: \"17:00\"}]) { id } }",
             f.admin.viewer, []),
            ("mutation { addTimeOff(input: {doctorId: \"\(ClinicFixture.doctorID(doc))\", from: \"2030-01-01T00:00:00Z\", to: \"2030-01-02T00:00:00Z\"}) { id } }",
             doc.viewer, ["FORBIDDEN"]),
            ("mutation { createDoctor(input: {licenseNumber: \"X\", specialization: \"Y\", experienceYears: 1, consultationFee: 1}) { id } }",
             nil, ["UNAUTHENTICATED"]),
            ("mutation { setAppointmentStatus(id: \"\(aid)\", status: CONFIRMED) { id } }", doc.viewer, ["FORBIDDEN"]),
            ("mutation { setAppointmentStatus(id: \"\(aid)\", status: CONFIRMED) { status } }", f.admin.viewer, []),
            ("mutation { updateAppointmentReason(id: \"\(aid)\", reason: \"r\") { reason } }", pat.viewer, []),
            ("mutation { updateAppointmentReason(id: \"\(aid)\", reason: \"r\") { reason } }", nil, ["UNAUTHENTICATED"]),
            ("mutation { updateSystemSettings(input: {clinicName: \"Clínica Central\"}) { clinicName } }", f.superadmin.viewer, []),
        ]
        for (q, viewer, codes) in cases {
            let json = await f.h.graphql(q, as: viewer)
            XCTAssertEqual(json.clinicCodes, codes, "\(q) as \(viewer?.role.rawValue ?? "anonymous"): \(json)")
        }
    }

    func testAdminListOfAppointmentsCostsOneStatementPerLevel() async throws {
        let f = try await fixture()
        var doctors: [HarnessUser] = []
        for i in 0..<5 { doctors.append(try await f.doctor(lastName: "Cost\(i)")) }
        for i in 0..<40 {
            let p = try await f.patient()
            try await f.h.createAppointment(patientID: p.patientID!, doctorID: doctors[i % 5].doctorID!, daysFromNow: 60 + i)
        }
        let q = "{ appointments(first: 100) { nodes { id patient { user { fullName } } doctor { user { fullName } } } } }"
        let (json, statements) = try await f.counted(q, as: f.admin.viewer)
        XCTAssertEqual(json.clinicCodes, [])
        let nodes = json.at("data.appointments.nodes")?.arrayValue ?? []
        XCTAssertGreaterThanOrEqual(nodes.count, 40)
        // The patients and their users are joined into the page's statement; the doctors (few, repeated
        // across the page) come once each with their users in a second one.
        XCTAssertEqual(statements, 2)
        var names: [Int64: [String]] = [:]
        for r in try await f.h.sql("""
            SELECT a.id, pu.first_name || ' ' || pu.last_name AS patient, du.first_name || ' ' || du.last_name AS doctor
              FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN users pu ON pu.id = p.user_id
              JOIN doctors d ON d.id = a.doctor_id JOIN users du ON du.id = d.user_id
            """) { names[try r.id("id")] = [try r.string("patient"), try r.string("doctor")] }
        for node in nodes {
            XCTAssertEqual([node.at("patient.user.fullName")?.stringValue ?? "", node.at("doctor.user.fullName")?.stringValue ?? ""],
                           names[clinicRawID(node["id"]?.stringValue)])
        }
        // Without the users, or through a fragment and edges: the same two statements.
        let (_, withoutUsers) = try await f.counted("{ appointments(first: 100) { nodes { patient { id } doctor { id } } } }",
                                                    as: f.admin.viewer)
        XCTAssertEqual(withoutUsers, 2)
        let (viaFragment, fragmentCount) = try await f.counted("""
            { appointments(first: 100) { edges { node { ...A } } } }
            fragment A on Appointment { id patient { user { fullName } } doctor { specialization user { fullName } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(fragmentCount, 2)
        let edges = viaFragment.at("data.appointments.edges")?.arrayValue ?? []
        XCTAssertEqual(edges.count, nodes.count)
        for edge in edges {
            let node = edge["node"]!
            XCTAssertEqual([node.at("patient.user.fullName")?.stringValue ?? "", node.at("doctor.user.fullName")?.stringValue ?? ""],
                           names[clinicRawID(node["id"]?.stringValue)])
            XCTAssertNotNil(node.at("doctor.specialization")?.stringValue)
        }
        // Per-parent connections are one statement for all parents too.
        let (nested, n2) = try await f.counted("{ doctors(first: 100) { nodes { appointments(first: 3) { totalCount nodes { id } } } } }",
                                               as: f.admin.viewer)
        XCTAssertEqual(nested.clinicCodes, [])
        XCTAssertLessThanOrEqual(n2, 3)
        for node in nested.at("data.doctors.nodes")?.arrayValue ?? [] {
            let total = node.at("appointments.totalCount")?.intValue ?? -1
            XCTAssertEqual(node.at("appointments.nodes")?.arrayValue?.count, min(3, total))
        }
        // Every parent's page in one statement is exactly the first page of that doctor's own list,
        // in either direction, and so is the next page after its last cursor.
        for direction in ["ASC", "DESC"] {
            let order = "orderBy: {field: STARTS_AT, direction: \(direction)}"
            // One level of five doctors (aliases): their `appointments` are one batch, one statement.
            let fields = doctors.enumerated().map { i, d in
                "d\(i): doctor(id: \"\(ClinicFixture.doctorID(d))\") { id appointments(first: 3, \(order)) { nodes { id } pageInfo { endCursor } } }"
            }
            let (all, allStatements) = try await f.counted("{ \(fields.joined(separator: " ")) }", as: f.admin.viewer)
            XCTAssertEqual(all.clinicCodes, [], "\(all)")
            XCTAssertLessThanOrEqual(allStatements, 5 + 1, "five doctors by id, then one statement for all their pages")
            for i in doctors.indices {
                guard let node = all.at("data.d\(i)") else { XCTFail("d\(i)"); continue }
                let did = node["id"]?.stringValue ?? ""
                let direct = await f.h.graphql("{ appointments(first: 3, filter: {doctorId: \"\(did)\"}, \(order)) { nodes { id } } }", as: f.admin.viewer)
                XCTAssertEqual(node.at("appointments.nodes"), direct.at("data.appointments.nodes"), "\(did) \(direction)")
                let cursor = node.at("appointments.pageInfo.endCursor")?.stringValue ?? ""
                let next = await f.h.graphql("{ doctor(id: \"\(did)\") { appointments(first: 3, after: \"\(cursor)\", \(order)) { nodes { id } } } }",
                                             as: f.admin.viewer)
                let directNext = await f.h.graphql("""
                    { appointments(first: 3, after: \"\(cursor)\", filter: {doctorId: \"\(did)\"}, \(order)) { nodes { id } } }
                    """, as: f.admin.viewer)
                XCTAssertEqual(next.at("data.doctor.appointments.nodes"), directNext.at("data.appointments.nodes"), "\(did) \(direction) page 2")
                XCTAssertEqual(next.at("data.doctor.appointments.nodes")?.arrayValue?.count, 3, "\(next)")
            }
        }
        // The per-parent page is exactly the first page of that doctor's own list.
        let did = ClinicFixture.doctorID(doctors[2])
        let perParent = await f.h.graphql("{ doctor(id: \"\(did)\") { appointments(first: 3, orderBy: {field: STARTS_AT, direction: DESC}) { nodes { id } } } }",
                                          as: f.admin.viewer)
        let direct = await f.h.graphql("{ appointments(first: 3, filter: {doctorId: \"\(did)\"}, orderBy: {field: STARTS_AT, direction: DESC}) { nodes { id } } }",
                                       as: f.admin.viewer)
        XCTAssertEqual(perParent.at("data.doctor.appointments.nodes")?.arrayValue?.count, 3)
        XCTAssertEqual(perParent.at("data.doctor.appointments.nodes"), direct.at("data.appointments.nodes"))
        // Through HTTP-style authentication the same list costs the same plus the token check.
        let token = try await f.h.token(for: f.admin)
        let r = await f.h.request(q, token: token)
        XCTAssertLessThanOrEqual(r.statements, 2 + 1)
        let warm = await f.h.request(q, token: token)
        XCTAssertEqual(warm.statements, 2, "the token check hits the cache")
    }

    func testPublicDoctorsListAndDashboardJoinTheirUsers() async throws {
        let f = try await fixture()
        for i in 0..<3 { _ = try await f.doctor(lastName: "Joined\(i)") }
        let q = "{ doctors(first: 20) { edges { node { id specialization consultationFee user { firstName lastName } } } } }"
        let (json, statements) = try await f.counted(q, as: nil)
        XCTAssertEqual(json.clinicCodes, [], "\(json)")
        XCTAssertEqual(statements, 1, "the doctors page with its users")
        let edges = json.at("data.doctors.edges")?.arrayValue ?? []
        XCTAssertGreaterThanOrEqual(edges.count, 3)
        for edge in edges {
            let row = try await f.h.sql("SELECT u.first_name, u.last_name FROM doctors d JOIN users u ON u.id = d.user_id WHERE d.id = $1",
                                        [.int(Int(clinicRawID(edge.at("node.id")?.stringValue)))]).first!
            XCTAssertEqual(edge.at("node.user.firstName")?.stringValue, try row.string("first_name"))
            XCTAssertEqual(edge.at("node.user.lastName")?.stringValue, try row.string("last_name"))
        }
        // Private fields of the joined users are still guarded.
        let email = await f.h.graphql("{ doctors(first: 1) { nodes { user { email } } } }", as: nil)
        XCTAssertEqual(email.at("data.doctors.nodes")?.arrayValue?.first?.at("user.email"), .null)
        XCTAssertFalse(email.clinicCodes.isEmpty, "\(email)")
        let (_, plain) = try await f.counted("{ doctors(first: 20) { nodes { specialization } } }", as: nil)
        XCTAssertEqual(plain, 1)
        // A patient's dashboard: the user, the patient, the appointments, their doctors with their users.
        let patient = try await f.patient()
        let doc = try await f.doctor(lastName: "Dashboard")
        for i in 0..<3 { try await f.h.createAppointment(patientID: patient.patientID!, doctorID: doc.doctorID!, daysFromNow: 30 + i) }
        let (dash, dashStatements) = try await f.counted("""
            { me { firstName patient { appointments(first: 10) { edges { node { date status doctor { specialization user { lastName } } } } } } } }
            """, as: patient.viewer)
        XCTAssertEqual(dash.clinicCodes, [], "\(dash)")
        let mine = dash.at("data.me.patient.appointments.edges")?.arrayValue ?? []
        XCTAssertEqual(mine.count, 3)
        XCTAssertEqual(Set(mine.compactMap { $0.at("node.doctor.user.lastName")?.stringValue }), ["Dashboard"])
        // The user with its patient profile, then the page with its doctors and their users joined.
        XCTAssertEqual(dashStatements, 2)
        let firstName = dash.at("data.me.firstName")?.stringValue
        XCTAssertNotNil(firstName)
        // Without `patient` in the selection, `me` reads the user alone; `patient` on a user
        // loaded without it (here through `user(id:)`) still answers, from a statement of its own.
        let (meOnly, meStatements) = try await f.counted("{ me { firstName } }", as: patient.viewer)
        XCTAssertEqual(meOnly.at("data.me.firstName")?.stringValue, firstName)
        XCTAssertEqual(meStatements, 1)
        let viaUser = await f.h.graphql("{ user(id: \"\(patient.globalID)\") { patient { id } } }", as: patient.viewer)
        XCTAssertEqual(viaUser.at("data.user.patient.id")?.stringValue, ClinicFixture.patientID(patient), "\(viaUser)")
        let staffMe = await f.h.graphql("{ me { patient { id } } }", as: f.admin.viewer)
        XCTAssertEqual(staffMe.at("data.me.patient"), .null, "staff have no patient profile: \(staffMe)")
    }

    /// `me` asked only names (and of a patient's profile only its identity) answers from the state
    /// the token was checked against: no statement, so the dashboard is its page alone. It answers
    /// as the statements do, and whoever changes the names (the user, an admin, the front desk)
    /// drops that state at once: the test's clock stands still, so nothing expires on its own.
    func testMeAnswersFromTheTokenCheckAndSeesRenamesAtOnce() async throws {
        let f = try await fixture()
        let patient = try await f.patient()
        let doc = try await f.doctor(lastName: "FromToken")
        for i in 0..<3 { try await f.h.createAppointment(patientID: patient.patientID!, doctorID: doc.doctorID!, daysFromNow: 40 + i) }
        let token = try await f.h.token(for: patient)
        let dashboard = """
            { me { id email firstName lastName fullName patient { id appointments(first: 10) { edges { node { date reason status
              doctor { specialization user { firstName lastName } } } } } } } }
            """
        _ = await f.h.request(dashboard, token: token)
        let warm = await f.h.request(dashboard, token: token)
        XCTAssertEqual(warm.json.clinicCodes, [], "\(warm.json)")
        XCTAssertEqual(warm.statements, 1, "the page alone: the user and the patient's identity come from the token's check")
        XCTAssertEqual(warm.json.at("data.me.patient.appointments.edges")?.arrayValue?.count, 3)
        // The same document read by statements (a context with no token check) answers the same.
        let (read, readStatements) = try await f.counted(dashboard, as: patient.viewer)
        XCTAssertEqual(readStatements, 2)
        XCTAssertEqual(read, warm.json)
        // More than names, or the profile's data, are read as before.
        let wider = await f.h.request("{ me { phone patient { id } } }", token: token)
        XCTAssertEqual(wider.statements, 1, "\(wider.json)")
        XCTAssertEqual(wider.json.at("data.me.patient.id")?.stringValue, ClinicFixture.patientID(patient))
        let profile = await f.h.request("{ me { firstName patient { allergies } } }", token: token)
        XCTAssertEqual(profile.statements, 1, "\(profile.json)")
        XCTAssertEqual(profile.json.clinicCodes, [], "\(profile.json)")

        func names() async -> (String?, String?, Int) {
            let r = await f.h.request("{ me { firstName fullName } }", token: token)
            return (r.json.at("data.me.firstName")?.stringValue, r.json.at("data.me.fullName")?.stringValue, r.statements)
        }
        let before = await names()
        XCTAssertEqual(before.2, 0)
        // The web client's `Viewer` query: names, role and profile ids, no statement for a patient.
        let viewerQuery = "{ me { id firstName fullName role isActive patient { id } doctor { id } } }"
        let viewerAnswer = await f.h.request(viewerQuery, token: token)
        XCTAssertEqual(viewerAnswer.statements, 0, "\(viewerAnswer.json)")
        let (viewerRead, _) = try await f.counted(viewerQuery, as: patient.viewer)
        XCTAssertEqual(viewerAnswer.json, viewerRead)
        XCTAssertEqual(viewerAnswer.json.at("data.me.role")?.stringValue, "CLIENT")
        // The user renames themself, an admin renames them, the front desk renames them: each is
        // seen by the very next request.
        let own = await f.h.request("mutation { updateProfile(input: {firstName: \"Selfnamed\"}) { firstName } }", token: token)
        XCTAssertEqual(own.json.clinicCodes, [], "\(own.json)")
        var now = await names()
        XCTAssertEqual(now.0, "Selfnamed")
        let admin = await f.h.graphql("mutation { updateUser(id: \"\(patient.globalID)\", input: {lastName: \"Adminnamed\"}) { id } }",
                                      as: f.admin.viewer)
        XCTAssertEqual(admin.clinicCodes, [], "\(admin)")
        now = await names()
        XCTAssertEqual(now.1, "Selfnamed Adminnamed")
        let desk = await f.h.graphql("""
            mutation { updatePatient(id: "\(ClinicFixture.patientID(patient))", input: {firstName: "Desknamed"}) { id } }
            """, as: f.admin.viewer)
        XCTAssertEqual(desk.clinicCodes, [], "\(desk)")
        now = await names()
        XCTAssertEqual(now.1, "Desknamed Adminnamed")
        XCTAssertEqual(now.2, 1, "the state was read again")
        let again = await names()
        XCTAssertEqual(again.2, 0, "and is cached again")

        // A doctor's patient profile is read by a statement (its treating doctors matter to a
        // doctor's rules), and answers the same as without a token.
        let both = try await f.doctor(lastName: "AlsoPatientMe")
        try await f.h.sql("INSERT INTO patients (user_id, date_of_birth) VALUES ($1, '1971-02-03')", [.int(Int(both.id))])
        let bothToken = try await f.h.token(for: both)
        let q = "{ me { firstName patient { id } doctor { id } } }"
        _ = await f.h.request(q, token: bothToken)
        let viaToken = await f.h.request(q, token: bothToken)
        XCTAssertEqual(viaToken.json.clinicCodes, [], "\(viaToken.json)")
        XCTAssertNotEqual(viaToken.json.at("data.me.patient"), .null, "\(viaToken.json)")
        XCTAssertEqual(viaToken.json.at("data.me.doctor.id")?.stringValue, ClinicFixture.doctorID(both))
        XCTAssertGreaterThanOrEqual(viaToken.statements, 1)
        let (plainBoth, _) = try await f.counted(q, as: both.viewer)
        XCTAssertEqual(plainBoth, viaToken.json)
    }

    /// Statements of up to 21 appointments (a page of 20 and the look-ahead row) join their doctors,
    /// with their users as asked; larger pages load each doctor once by id. Both must answer alike:
    /// the first ten nodes of a page of 10 and of a page of 30, same selection, same viewer, field
    /// by field and error by error, through the root list and a patient's list, either connection
    /// form, fragments, a doctor who is also a patient, and users' fields beyond names.
    func testSmallPagesJoinTheirDoctorsAndAnswerLikeLargePages() async throws {
        let f = try await fixture()
        let patient = try await f.patient()
        let plain = try await f.doctor(lastName: "JoinedPlain", specialization: "Dermatology")
        let both = try await f.doctor(lastName: "JoinedAlsoPatient")
        try await f.h.sql("INSERT INTO patients (user_id, date_of_birth) VALUES ($1, '1975-03-04')", [.int(Int(both.id))])
        for i in 0..<14 {
            _ = try await f.h.createAppointment(patientID: patient.patientID!, doctorID: (i % 3 == 0 ? both : plain).doctorID!, daysFromNow: 60 + i)
        }
        let cases: [(selection: String, fragments: String)] = [
            ("nodes { id doctor { id specialization licenseNumber experienceYears consultationFee bio isAvailable bufferBeforeMinutes "
             + "user { id firstName lastName fullName email phone role isActive locale patient { id } doctor { id specialization } } } }", ""),
            ("edges { node { id doctor { specialization user { firstName lastName } } } }", ""),
            ("nodes { id doctor { id bio } }", ""),
            ("nodes { id doctor { user { email fullName } } } edges { cursor node { doctor { user { lastName } } } }", ""),
            ("nodes { id ...WithDoctor }", "fragment WithDoctor on Appointment { doctor { ... on Doctor { user { ...Reach } } } } fragment Reach on User { fullName phone }"),
            ("nodes { id doctor { user { patient { id } } } }", ""),
            // The same field twice under aliases, one asking names and one more than names.
            ("nodes { id a: doctor { user { fullName } } b: doctor { id user { phone email } } }", ""),
        ]
        let viewers: [(String, Viewer)] = [("admin", f.admin.viewer), ("patient", patient.viewer), ("doctor", both.viewer)]
        func firstTen(_ json: JSON, _ path: String) -> (data: [JSON], errors: [String]) {
            let nodes = (json.at(path + ".nodes")?.arrayValue ?? []).prefix(10)
            let edges = (json.at(path + ".edges")?.arrayValue ?? []).prefix(10)
            let errors = (json["errors"]?.arrayValue ?? []).compactMap { e -> String? in
                let path = (e["path"]?.arrayValue ?? []).map { $0.intValue.map(String.init) ?? $0.stringValue ?? "?" }
                guard let index = path.compactMap(Int.init).first, index < 10 else { return nil }
                return path.joined(separator: ".") + " " + (e["extensions"]?["code"]?.stringValue ?? "")
            }
            return (Array(nodes) + Array(edges), errors.sorted())
        }
        var joinedAnswers = 0
        for (name, viewer) in viewers {
            for c in cases {
                let lists = [("data.appointments", { (n: Int) in "{ appointments(first: \(n), filter: {patientId: \"\(ClinicFixture.patientID(patient))\"}) { \(c.selection) } } \(c.fragments)" }),
                             ("data.patient.appointments", { (n: Int) in "{ patient(id: \"\(ClinicFixture.patientID(patient))\") { appointments(first: \(n)) { \(c.selection) } } } \(c.fragments)" })]
                for (path, document) in lists {
                    let (small, smallStatements) = try await f.counted(document(10), as: viewer)
                    let (large, largeStatements) = try await f.counted(document(30), as: viewer)
                    let label = "\(name) \(path) \(c.selection)"
                    let a = firstTen(small, path), b = firstTen(large, path)
                    XCTAssertEqual(a.data, b.data, label)
                    XCTAssertEqual(a.errors, b.errors, label)
                    // The doctor sees the five appointments they treat, the others all fourteen; a field the
                    // viewer may not read that cannot be null (a doctor's locale, for a patient) nulls the list.
                    XCTAssertTrue(a.data.count >= 5 || !a.errors.isEmpty, "\(label): \(small)")
                    // A statement fewer per path that selects doctors (nodes and edges.node are two).
                    XCTAssertLessThan(smallStatements, largeStatements, "\(label): the small page joins its doctors")
                    joinedAnswers += 1
                }
            }
        }
        XCTAssertEqual(joinedAnswers, viewers.count * cases.count * 2)
    }

    /// A doctor's user joined into the doctors' statement does not look up a patient profile per
    /// row, nor a patient's user a doctor profile: `User.patient` and `User.doctor` look them up by
    /// user id when asked. A user who is both (a doctor who is also a patient) answers both.
    func testJoinedUsersFindTheirOtherProfileByUserID() async throws {
        let f = try await fixture()
        let both = try await f.doctor(lastName: "JoinBothProfiles")
        let bothPatient = try await f.h.sql("INSERT INTO patients (user_id, date_of_birth) VALUES ($1, '1980-01-02') RETURNING id",
                                            [.int(Int(both.id))]).first!.int("id")
        let onlyDoctor = try await f.doctor(lastName: "JoinOnlyDoctor")
        let patient = try await f.patient()
        _ = try await f.h.createAppointment(patientID: patient.patientID!, doctorID: both.doctorID!, daysFromNow: 40)
        _ = try await f.h.createAppointment(patientID: Int64(bothPatient), doctorID: onlyDoctor.doctorID!, daysFromNow: 41)

        // Every doctor's user, with both profiles, against the tables.
        let (doctors, statements) = try await f.counted(
            "{ doctors(first: 100, filter: {search: \"Join\"}) { nodes { id user { id patient { id } doctor { id } } } } }", as: f.admin.viewer)
        XCTAssertEqual(doctors.clinicCodes, [], "\(doctors)")
        XCTAssertEqual(statements, 3, "the page with its users, then one statement per relation")
        let nodes = doctors.at("data.doctors.nodes")?.arrayValue ?? []
        XCTAssertGreaterThanOrEqual(nodes.count, 2)
        var sawBoth = false
        for node in nodes {
            let doctorID = clinicRawID(node.at("id")?.stringValue)
            let truth = try await f.h.sql("SELECT d.user_id, p.id AS patient_id FROM doctors d LEFT JOIN patients p ON p.user_id = d.user_id WHERE d.id = $1",
                                          [.int(Int(doctorID))]).first!
            XCTAssertEqual(node.at("user.doctor.id")?.stringValue, node.at("id")?.stringValue, "\(node)")
            if let pid = try truth.optionalInt("patient_id") {
                XCTAssertEqual(node.at("user.patient.id")?.stringValue, GlobalID.encode(type: "Patient", id: Int64(pid)), "\(node)")
                sawBoth = sawBoth || doctorID == both.doctorID!
            } else {
                XCTAssertEqual(node.at("user.patient"), .null, "\(node)")
            }
        }
        XCTAssertTrue(sawBoth, "the doctor who is also a patient is on the page")

        // Every appointment's patient's user, with both profiles, against the tables.
        let selection = "nodes { patient { id user { patient { id } doctor { id } } } }"
        let appointments = await f.h.graphql("""
            { a: appointments(first: 100, filter: {doctorId: "\(GlobalID.encode(type: "Doctor", id: both.doctorID!))"}) { \(selection) }
              b: appointments(first: 100, filter: {doctorId: "\(GlobalID.encode(type: "Doctor", id: onlyDoctor.doctorID!))"}) { \(selection) } }
            """, as: f.admin.viewer)
        XCTAssertEqual(appointments.clinicCodes, [], "\(appointments)")
        var sawDoctorPatient = false
        let pages = (appointments.at("data.a.nodes")?.arrayValue ?? []) + (appointments.at("data.b.nodes")?.arrayValue ?? [])
        XCTAssertEqual(pages.count, 2)
        for node in pages {
            XCTAssertEqual(node.at("patient.user.patient.id")?.stringValue, node.at("patient.id")?.stringValue, "\(node)")
            let patientID = clinicRawID(node.at("patient.id")?.stringValue)
            let doctor = try await f.h.sql("SELECT d.id FROM patients p JOIN doctors d ON d.user_id = p.user_id WHERE p.id = $1",
                                           [.int(Int(patientID))]).first
            if let doctor {
                XCTAssertEqual(node.at("patient.user.doctor.id")?.stringValue, GlobalID.encode(type: "Doctor", id: Int64(try doctor.int("id"))), "\(node)")
                sawDoctorPatient = true
            } else {
                XCTAssertEqual(node.at("patient.user.doctor"), .null, "\(node)")
            }
        }
        XCTAssertTrue(sawDoctorPatient, "the patient who is also a doctor is on the page")
        // The profile's own user still knows itself without a lookup.
        let selfProfile = await f.h.graphql("{ me { patient { id user { patient { id } } } } }", as: patient.viewer)
        XCTAssertEqual(selfProfile.at("data.me.patient.user.patient.id")?.stringValue, selfProfile.at("data.me.patient.id")?.stringValue,
                       "\(selfProfile)")
    }

    /// A joined patient lists its treating doctors only in a statement made for a doctor (the only
    /// viewer TREATING_DOCTOR asks it of); a row loaded for anyone else denies a doctor rather than
    /// guessing, and an appointment's treating doctor is told by the viewer's doctor profile.
    func testJoinedPatientsListTheirTreatingDoctorsOnlyForDoctors() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Treating"), other = try await f.doctor(lastName: "NotTreating")
        let patient = try await f.patient()
        _ = try await f.h.createAppointment(patientID: patient.patientID!, doctorID: doc.doctorID!, daysFromNow: 50)
        func page(as viewer: Viewer) async throws -> AppointmentRow {
            let rows = try await f.h.services.database.fetch(
                AppointmentStore.pageReads(filter: AppointmentFilter(doctorID: doc.doctorID!), viewer: viewer,
                                           order: AppointmentOrder(byCreation: false, descending: false), after: nil, limit: 10,
                                           countTotal: false, joins: [.patient, .patientUser]).rows)
            XCTAssertEqual(rows.count, 1)
            return rows[0]
        }
        let forDoctor = try await page(as: doc.viewer)
        XCTAssertEqual(forDoctor.patient?.treatingDoctorIDsKnown, true)
        XCTAssertEqual(forDoctor.patient?.isTreatedBy(doc.viewer), true)
        XCTAssertEqual(forDoctor.patient?.isTreatedBy(other.viewer), false)
        XCTAssertTrue(forDoctor.isTreatedBy(doc.viewer))
        XCTAssertFalse(forDoctor.isTreatedBy(other.viewer))
        XCTAssertFalse(forDoctor.isTreatedBy(f.admin.viewer))
        let forAdmin = try await page(as: f.admin.viewer)
        XCTAssertEqual(forAdmin.patient?.treatingDoctorIDsKnown, false)
        XCTAssertEqual(forAdmin.patient?.isTreatedBy(doc.viewer), false, "a row made for a non-doctor denies doctors")
        // Through the API: the treating doctor reads the patient's guarded fields, the other doctor sees no such row.
        let treating = await f.h.graphql("{ appointments { nodes { patient { medicalHistory user { lastName } } } } }", as: doc.viewer)
        XCTAssertEqual(treating.clinicCodes, [], "\(treating)")
        XCTAssertEqual(treating.at("data.appointments.nodes")?.arrayValue?.count, 1)
        XCTAssertNotNil(treating.at("data.appointments.nodes.0.patient.medicalHistory")?.stringValue, "\(treating)")
        let notTreating = await f.h.graphql("{ appointments { nodes { patient { medicalHistory } } } }", as: other.viewer)
        XCTAssertEqual(notTreating.at("data.appointments.nodes")?.arrayValue?.count, 0, "\(notTreating)")
    }

    /// Users of a list whose selection asks only names (and email) are loaded with those columns;
    /// any other field, however it is asked (fragments, both connection forms, deep paths), loads
    /// them whole, and a row of names never answers another field.
    func testUsersOfNamesOnlyAreLoadedNarrowAndEverythingElseWhole() async throws {
        let f = try await fixture()
        _ = try await f.doctor(lastName: "NarrowOne")
        _ = try await f.doctor(lastName: "NarrowTwo")
        let truth = try await f.h.sql("""
            SELECT d.id, u.first_name, u.last_name, u.email, u.role, u.phone, u.created_at FROM doctors d JOIN users u ON u.id = d.user_id
             WHERE u.last_name LIKE 'Narrow%' ORDER BY d.id
            """)
        func check(_ selection: String, _ fields: [String], fragments: String = "", line: UInt = #line) async throws {
            let (json, statements) = try await f.counted(
                "{ doctors(first: 100, filter: {search: \"Narrow\"}) { \(selection) } } \(fragments)", as: f.admin.viewer)
            XCTAssertEqual(json.clinicCodes, [], "\(json)", line: line)
            XCTAssertEqual(statements, 1, line: line)
            let nodes = json.at("data.doctors.nodes")?.arrayValue ?? json.at("data.doctors.edges")?.arrayValue?.compactMap { $0["node"] } ?? []
            XCTAssertEqual(nodes.count, truth.count, "\(json)", line: line)
            for (node, row) in zip(nodes, truth) {
                for field in fields {
                    let value = node.at("user.\(field)")
                    switch field {
                    case "firstName": XCTAssertEqual(value?.stringValue, try row.string("first_name"), line: line)
                    case "lastName": XCTAssertEqual(value?.stringValue, try row.string("last_name"), line: line)
                    case "fullName": XCTAssertEqual(value?.stringValue, "\(try row.string("first_name")) \(try row.string("last_name"))", line: line)
                    case "email": XCTAssertEqual(value?.stringValue, try row.optionalString("email"), line: line)
                    case "role": XCTAssertEqual(value?.stringValue, try row.string("role"), line: line)
                    case "createdAt": XCTAssertEqual(value?.stringValue, try row.instant("created_at").rfc3339, line: line)
                    default: XCTFail(field, line: line)
                    }
                }
            }
        }
        try await check("nodes { user { id firstName lastName fullName email __typename } }", ["firstName", "lastName", "fullName", "email"])
        try await check("edges { node { user { firstName } } }", ["firstName"])
        try await check("nodes { user { firstName role } }", ["firstName", "role"])
        try await check("nodes { user { firstName } ...D }", ["firstName", "role", "createdAt"],
                        fragments: "fragment D on Doctor { user { ... on User { role createdAt } } }")
        // Names through `nodes`, more through `edges`: one statement, users whole.
        let (both, bothStatements) = try await f.counted("""
            { doctors(first: 100, filter: {search: "Narrow"}) { nodes { user { firstName } } edges { node { user { role } } } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(bothStatements, 1)
        XCTAssertEqual(both.at("data.doctors.edges")?.arrayValue?.compactMap { $0.at("node.user.role")?.stringValue },
                       try truth.map { try $0.string("role") }, "\(both)")
        XCTAssertEqual(both.at("data.doctors.nodes")?.arrayValue?.compactMap { $0.at("user.firstName")?.stringValue },
                       try truth.map { try $0.string("first_name") }, "\(both)")
        // A dashboard's doctors (through Appointment.doctor) and an admin list's patients' users, both forms.
        let patient = try await f.patient()
        let doc = try await f.doctor(lastName: "NarrowThree")
        _ = try await f.h.createAppointment(patientID: patient.patientID!, doctorID: doc.doctorID!, daysFromNow: 60)
        let dash = await f.h.graphql("""
            { appointments(first: 10) { nodes { doctor { user { lastName } } d2: doctor { user { role } } } } }
            """, as: patient.viewer)
        XCTAssertEqual(dash.at("data.appointments.nodes.0.doctor.user.lastName")?.stringValue, "NarrowThree", "\(dash)")
        let docRole = try await f.h.sql("SELECT role FROM users WHERE id = $1", [.int(Int(doc.id))]).first!.string("role")
        XCTAssertEqual(dash.at("data.appointments.nodes.0.d2.user.role")?.stringValue, docRole, "\(dash)")
        let docFilter = "filter: {doctorId: \"\(GlobalID.encode(type: "Doctor", id: doc.doctorID!))\"}"
        let list = await f.h.graphql("""
            { a: appointments(first: 10, \(docFilter)) { edges { node { patient { user { firstName email } } } } }
              b: appointments(first: 10, \(docFilter)) { edges { node { patient { user { firstName role } } } } } }
            """, as: f.admin.viewer)
        XCTAssertEqual(list.clinicCodes, [], "\(list)")
        XCTAssertEqual(list.at("data.a.edges.0.node.patient.user.email")?.stringValue, patient.email, "\(list)")
        XCTAssertEqual(list.at("data.b.edges.0.node.patient.user.role")?.stringValue, "CLIENT", "\(list)")

        // What the look-ahead decides, and what it cannot see.
        func batch(_ paths: Set<String>) -> FieldBatch {
            FieldBatch(typeName: "Query", fieldName: "x", parents: [], arguments: [:], selectedFields: [], context: 0, locations: [],
                       selectedPaths: paths)
        }
        XCTAssertEqual(batch(["nodes", "nodes.user", "nodes.user.firstName"]).userColumns("nodes.user"), .namesWithoutEmail)
        XCTAssertEqual(batch(["nodes", "nodes.user", "nodes.user.firstName", "nodes.user.email"]).userColumns("nodes.user"), .names)
        XCTAssertEqual(batch(["nodes", "nodes.user", "nodes.user.phone"]).userColumns("nodes.user"), .all)
        XCTAssertEqual(batch(["nodes", "nodes.user"]).userColumns("nodes.user"), .all, "nothing seen below: all")
        XCTAssertEqual(batch(["a.b.c.d.e.user", "a.b.c.d.e"]).userColumns("a.b.c.d.e.user"), .all, "below the look-ahead: all")
        XCTAssertTrue(batch(["nodes", "nodes.patient", "nodes.patient.user", "nodes.patient.user.fullName"]).appointmentJoins
            .contains(.patientUserNamesOnly))
        XCTAssertFalse(batch(["nodes", "nodes.patient", "nodes.patient.user", "nodes.patient.user.locale"]).appointmentJoins
            .contains(.patientUserNamesOnly))
        // A row of names answers names, and fails any other field instead of answering a placeholder.
        let narrow = try UserRow.namesOnly(try await f.h.sql("SELECT u.id, u.email, u.first_name, u.last_name FROM users u WHERE u.id = $1",
                                                             [.int(Int(patient.id))]).first!)
        XCTAssertTrue(narrow.onlyNames)
        guard case .leaf(.string(let first))? = narrow.readField("firstName") else { return XCTFail("firstName") }
        XCTAssertFalse(first.isEmpty)
        for field in ["role", "phone", "isActive", "createdAt", "locale", "hasLogin"] {
            guard case .error(let e)? = narrow.readField(field) else { return XCTFail(field) }
            XCTAssertEqual(e.extensions.first { $0.0 == "code" }?.1, .string("INTERNAL_SERVER_ERROR"), field)
        }
    }

    /// Patients joined into an appointment page whose selection asks only who they are (id, user,
    /// relations) are loaded with their identity and treating doctors only; any of their data loads
    /// them whole, and an identity row never answers their data.
    func testJoinedPatientsOfIdentityOnlyAreLoadedNarrow() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "IdentityDoc")
        let patient = try await f.patient(firstName: "Idena")
        _ = try await f.h.createAppointment(patientID: patient.patientID!, doctorID: doc.doctorID!, daysFromNow: 70)
        let truth = try await f.h.sql("SELECT medical_history, allergies FROM patients WHERE id = $1", [.int(Int(patient.patientID!))]).first!
        let filter = "filter: {doctorId: \"\(GlobalID.encode(type: "Doctor", id: doc.doctorID!))\"}"
        for viewer in [f.admin.viewer, doc.viewer] {
            let (narrow, statements) = try await f.counted(
                "{ appointments(first: 10, \(filter)) { nodes { patient { id noShowCount user { firstName } } } } }", as: viewer)
            XCTAssertEqual(narrow.clinicCodes, [], "\(narrow)")
            XCTAssertEqual(narrow.at("data.appointments.nodes.0.patient.id")?.stringValue, ClinicFixture.patientID(patient), "\(narrow)")
            XCTAssertEqual(narrow.at("data.appointments.nodes.0.patient.user.firstName")?.stringValue, "Idena", "\(narrow)")
            XCTAssertEqual(narrow.at("data.appointments.nodes.0.patient.noShowCount")?.intValue, 0, "\(narrow)")
            XCTAssertEqual(statements, 2, "the page with patients and users, the no-show counts")
            // Their data, through the other connection form: whole rows.
            let whole = await f.h.graphql("""
                { appointments(first: 10, \(filter)) { nodes { patient { user { firstName } } } edges { node { patient { medicalHistory allergies } } } } }
                """, as: viewer)
            XCTAssertEqual(whole.clinicCodes, [], "\(whole)")
            XCTAssertEqual(whole.at("data.appointments.edges.0.node.patient.medicalHistory")?.stringValue, try truth.string("medical_history"))
            XCTAssertEqual(whole.at("data.appointments.edges.0.node.patient.allergies")?.stringValue, try truth.string("allergies"))
        }
        func batch(_ paths: Set<String>) -> FieldBatch {
            FieldBatch(typeName: "Query", fieldName: "appointments", parents: [], arguments: [:], selectedFields: [], context: 0,
                       locations: [], selectedPaths: paths)
        }
        XCTAssertTrue(batch(["nodes", "nodes.patient", "nodes.patient.id", "nodes.patient.user", "nodes.patient.user.lastName"])
            .appointmentJoins.contains(.patientIdentityOnly))
        XCTAssertFalse(batch(["nodes", "nodes.patient", "nodes.patient.gender"]).appointmentJoins.contains(.patientIdentityOnly))
        XCTAssertFalse(batch(["nodes", "nodes.patient"]).appointmentJoins.contains(.patientIdentityOnly), "nothing seen below: whole")
        let identity = try PatientRow.identity(try await f.h.sql("""
            SELECT p.id, p.user_id, ARRAY[\(doc.doctorID!)]::int8[] AS treating_doctor_ids FROM patients p WHERE p.id = $1
            """, [.int(Int(patient.patientID!))]).first!)
        XCTAssertTrue(identity.identityOnly)
        XCTAssertTrue(identity.isTreatedBy(doc.viewer))
        XCTAssertTrue(identity.isSelf(patient.viewer))
        for field in ["medicalHistory", "allergies", "notes", "dateOfBirth", "address"] {
            guard case .error? = identity.readField(field) else { return XCTFail(field) }
        }
    }

    /// `me` reads the user's names and the profile's identity only when nothing else of them is
    /// asked, and whole otherwise; either way in one statement, with the same answers.
    func testMeLoadsWhatItsSelectionAsks() async throws {
        let f = try await fixture()
        let patient = try await f.patient(firstName: "Mena")
        let truth = try await f.h.sql("SELECT u.phone, u.role, p.medical_history FROM users u JOIN patients p ON p.user_id = u.id WHERE u.id = $1",
                                      [.int(Int(patient.id))]).first!
        let (narrow, narrowStatements) = try await f.counted(
            "{ me { id firstName email patient { id noShowCount user { lastName } } } }", as: patient.viewer)
        XCTAssertEqual(narrow.clinicCodes, [], "\(narrow)")
        XCTAssertEqual(narrow.at("data.me.firstName")?.stringValue, "Mena")
        XCTAssertEqual(narrow.at("data.me.email")?.stringValue, patient.email)
        XCTAssertEqual(narrow.at("data.me.patient.id")?.stringValue, ClinicFixture.patientID(patient))
        XCTAssertNotNil(narrow.at("data.me.patient.user.lastName")?.stringValue, "\(narrow)")
        XCTAssertEqual(narrowStatements, 3, "me with the profile, the profile's user, its no-show count")
        let (whole, wholeStatements) = try await f.counted("{ me { firstName phone role patient { medicalHistory } } }", as: patient.viewer)
        XCTAssertEqual(whole.clinicCodes, [], "\(whole)")
        XCTAssertEqual(whole.at("data.me.phone")?.stringValue, try truth.optionalString("phone"))
        XCTAssertEqual(whole.at("data.me.role")?.stringValue, try truth.string("role"))
        XCTAssertEqual(whole.at("data.me.patient.medicalHistory")?.stringValue, try truth.string("medical_history"))
        XCTAssertEqual(wholeStatements, 1)
        // Names asked, the profile's data asked: each decided on its own.
        let mixed = await f.h.graphql("{ me { firstName patient { allergies } } }", as: patient.viewer)
        XCTAssertEqual(mixed.clinicCodes, [], "\(mixed)")
        XCTAssertNotNil(mixed.at("data.me.patient.allergies")?.stringValue, "\(mixed)")
        let mixed2 = await f.h.graphql("{ me { locale patient { id } } }", as: patient.viewer)
        XCTAssertEqual(mixed2.clinicCodes, [], "\(mixed2)")
        XCTAssertNotNil(mixed2.at("data.me.locale")?.stringValue, "\(mixed2)")
        // Staff have no profile: null, not an error, in both shapes.
        for q in ["{ me { firstName patient { id } } }", "{ me { phone patient { gender } } }"] {
            let staff = await f.h.graphql(q, as: f.admin.viewer)
            XCTAssertEqual(staff.clinicCodes, [], "\(staff)")
            XCTAssertEqual(staff.at("data.me.patient"), .null, "\(staff)")
        }
    }

    func testScheduleAndSlotsArguments() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(start: "09:00", end: "11:00", slot: 60)
        let from = try await f.date(1)
        let json = await f.h.graphql("{ doctor(id: \"\(ClinicFixture.doctorID(doc))\") { schedule(from: \"\(from.iso)\", to: \"\(from.adding(days: 2).iso)\") { date slots { time available } } } }",
                                     as: nil)
        XCTAssertEqual(json.at("data.doctor.schedule")?.arrayValue?.count, 3)
        XCTAssertEqual(json.at("data.doctor.schedule.0.slots")?.arrayValue?.count, 2)
        let tooLong = await f.h.graphql("{ doctor(id: \"\(ClinicFixture.doctorID(doc))\") { schedule(from: \"\(from.iso)\", to: \"\(from.adding(days: 31).iso)\") { date } } }",
                                        as: nil)
        XCTAssertEqual(tooLong.clinicCodes, ["BAD_USER_INPUT"])
        let somePatient = try await f.patient()
        clinicEq(await f.h.graphql("{ availableSlots(doctorId: \"\(ClinicFixture.patientID(somePatient))\", date: \"\(from.iso)\") { time } }",
                                         as: nil).clinicCodes, ["BAD_USER_INPUT"])
        // Free slots: the doctor and their calendar in one statement (settings warmed first), then
        // none while the calendar is kept.
        let slotsQuery = "{ availableSlots(doctorId: \"\(ClinicFixture.doctorID(doc))\", date: \"\(from.iso)\") { time } }"
        _ = await f.h.graphql(slotsQuery, as: nil)
        f.h.services.database.slotCalendars.dropAll()
        for expected in [1, 0] {
            let (slots, slotStatements) = try await f.counted(slotsQuery, as: nil)
            XCTAssertEqual(slots.clinicCodes, [], "\(slots)")
            XCTAssertEqual(slots.at("data.availableSlots")?.arrayValue?.compactMap { $0["time"]?.stringValue }, ["09:00", "10:00"])
            XCTAssertEqual(slotStatements, expected)
        }
        let missing = GlobalID.encode(type: "Doctor", id: 987_654_321)
        clinicEq(await f.h.graphql("{ availableSlots(doctorId: \"\(missing)\", date: \"\(from.iso)\") { time } }", as: nil).clinicCodes,
                 ["NOT_FOUND"])
        // SQL by hand, outside the server: its commit's notice drops what was kept.
        _ = try await f.h.sql("UPDATE doctors SET is_available = false WHERE id = $1", [.int(Int(doc.doctorID!))])
        let unavailable = await f.h.graphql(slotsQuery, as: nil)
        XCTAssertEqual(unavailable.at("data.availableSlots")?.arrayValue?.count, 0, "\(unavailable)")
        _ = try await f.h.sql("UPDATE doctors SET is_available = true WHERE id = $1", [.int(Int(doc.doctorID!))])
        let available = await f.h.graphql(slotsQuery, as: nil)
        XCTAssertEqual(available.at("data.availableSlots")?.arrayValue?.count, 2, "\(available)")
        let hours = await f.h.graphql("{ doctor(id: \"\(ClinicFixture.doctorID(doc))\") { workingHours { weekday start end slotMinutes } } }", as: nil)
        XCTAssertEqual(hours.at("data.doctor.workingHours")?.arrayValue?.count, 7)
        XCTAssertEqual(hours.at("data.doctor.workingHours.0.start")?.stringValue, "09:00")
    }

    func testClientsAndDoctorsThroughRealTokens() async throws {
        let f = try await fixture()
        let doc = try await f.doctor(lastName: "Token")
        let pat = try await f.patient()
        let day = try await f.date(14)
        let patToken = try await f.h.token(for: pat)
        let booked = await f.h.graphql("""
            mutation { bookAppointment(input: {doctorId: "\(ClinicFixture.doctorID(doc))", date: "\(day.iso)", time: "09:00", reason: "tok"}) {
              id canModify patient { id } doctor { user { lastName } } } }
            """, token: patToken)
        XCTAssertEqual(booked.clinicCodes, [], "\(booked)")
        XCTAssertEqual(booked.at("data.bookAppointment.patient.id")?.stringValue, ClinicFixture.patientID(pat))
        XCTAssertEqual(booked.at("data.bookAppointment.canModify")?.boolValue, true)
        let docToken = try await f.h.token(for: doc)
        let attended = await f.h.graphql("{ appointments { nodes { reason canModify patient { allergies } } } }", token: docToken)
        XCTAssertEqual(attended.clinicCodes, [], "\(attended)")
        XCTAssertEqual(attended.at("data.appointments.nodes.0.reason")?.stringValue, "tok")
        XCTAssertEqual(attended.at("data.appointments.nodes.0.canModify")?.boolValue, false)
        XCTAssertEqual(attended.at("data.appointments.nodes.0.patient.allergies")?.stringValue, "penicillin")
        let adminToken = try await f.h.token(for: f.admin)
        let list = await f.h.graphql("{ patients(search: \"\(pat.email)\") { totalCount nodes { user { email } } } }", token: adminToken)
        XCTAssertEqual(list.at("data.patients.totalCount")?.intValue, 1)
        let name = try await f.h.sql("SELECT first_name || ' ' || last_name AS n FROM users WHERE id = $1", [.int(Int(pat.id))]).first!.string("n")
        for fragment in [name, String(name.dropFirst(2).prefix(7)).uppercased(), String(pat.email.prefix(5))] {
            let found = await f.h.graphql("{ patients(search: \"\(fragment)\", first: 100) { nodes { user { email } } } }", token: adminToken)
            XCTAssertTrue(found.at("data.patients.nodes")?.arrayValue?.contains { $0["user"]?["email"]?.stringValue == pat.email } ?? false,
                          "search \(fragment): \(found)")
        }
        let literal = await f.h.graphql("{ patients(search: \"%\") { totalCount } }", token: adminToken)
        XCTAssertEqual(literal.at("data.patients.totalCount")?.intValue, 0)
        let tooLong = await f.h.graphql("{ patients(search: \"\(String(repeating: "a", count: 101))\") { totalCount } }", token: adminToken)
        XCTAssertEqual(tooLong.clinicCodes, ["BAD_USER_INPUT"])
        let anonymous = await f.h.graphql("{ appointments { totalCount } }")
        XCTAssertEqual(anonymous.clinicCodes, ["UNAUTHENTICATED"])
    }
}
