// Authorization: every field of the schema is covered by a rule, and the role
// matrix of the identity operations and the protected User fields holds for
// each kind of caller (anonymous, patient, doctor, another client, admin, superadmin).
import ClinicStore
import ClinicDomain
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class IdentityAuthorizationTests: XCTestCase {
    /// Fields readable by ANYONE who can reach them, on purpose. A field is
    /// covered by @auth on itself, @auth on its parent type, or this list; a
    /// new field without any of them fails `testEveryFieldHasAnAuthorizationRule`.
    static let publicFields: Set<String> = [
        // Sign-up, sign-in and the public catalogue.
        "Query.me", "Query.node", "Query.doctors", "Query.doctor", "Query.specializations", "Query.availableSlots",
        "Mutation.register", "Mutation.login", "Mutation.refreshToken", "Mutation.logout",
        "Mutation.requestPasswordReset", "Mutation.resetPassword",
        "AuthPayload.accessToken", "AuthPayload.refreshToken", "AuthPayload.expiresAt", "AuthPayload.user",
        // A user's public face (contact data and timestamps carry SELF/ADMIN).
        "User.id", "User.firstName", "User.lastName", "User.fullName", "User.role", "User.isActive", "User.patient", "User.doctor",
        // Doctors and their calendars are public.
        "Doctor.id", "Doctor.user", "Doctor.licenseNumber", "Doctor.specialization", "Doctor.experienceYears",
        "Doctor.consultationFee", "Doctor.bio", "Doctor.isAvailable", "Doctor.workingHours", "Doctor.availableSlots", "Doctor.schedule",
        "WorkingHours.weekday", "WorkingHours.start", "WorkingHours.end", "WorkingHours.slotMinutes",
        "TimeSlot.date", "TimeSlot.time", "TimeSlot.startsAt", "TimeSlot.endsAt",
        "ScheduleDay.date", "ScheduleDay.slots", "ScheduleSlot.time", "ScheduleSlot.available", "ScheduleSlot.state",
        // Connection plumbing: what it carries is guarded by the node types' rules.
        "PageInfo.hasNextPage", "PageInfo.hasPreviousPage", "PageInfo.startCursor", "PageInfo.endCursor",
        "AppointmentConnection.edges", "AppointmentConnection.nodes", "AppointmentConnection.pageInfo", "AppointmentConnection.totalCount",
        "AppointmentEdge.cursor", "AppointmentEdge.node",
        "DoctorConnection.edges", "DoctorConnection.nodes", "DoctorConnection.pageInfo", "DoctorConnection.totalCount",
        "DoctorEdge.cursor", "DoctorEdge.node",
        "PatientConnection.edges", "PatientConnection.nodes", "PatientConnection.pageInfo", "PatientConnection.totalCount",
        "PatientEdge.cursor", "PatientEdge.node",
        "UserConnection.edges", "UserConnection.nodes", "UserConnection.pageInfo", "UserConnection.totalCount",
        "UserEdge.cursor", "UserEdge.node",
        "NotificationConnection.edges", "NotificationConnection.nodes", "NotificationConnection.pageInfo", "NotificationConnection.totalCount",
        "NotificationEdge.cursor", "NotificationEdge.node",
        "AuditEntryConnection.edges", "AuditEntryConnection.nodes", "AuditEntryConnection.pageInfo", "AuditEntryConnection.totalCount",
        "AuditEntryEdge.cursor", "AuditEntryEdge.node",
        "TimeOffConnection.edges", "TimeOffConnection.nodes", "TimeOffConnection.pageInfo", "TimeOffConnection.totalCount",
        "TimeOffEdge.cursor", "TimeOffEdge.node",
        "ClinicClosureConnection.edges", "ClinicClosureConnection.nodes", "ClinicClosureConnection.pageInfo",
        "ClinicClosureConnection.totalCount", "ClinicClosureEdge.cursor", "ClinicClosureEdge.node",
        // Report rows: reachable only inside Report (ADMIN); money figures carry SUPERADMIN.
        "StatusCount.status", "StatusCount.count",
        "DailyCount.date", "DailyCount.booked", "DailyCount.completed", "DailyCount.cancelled", "DailyCount.noShow",
        "DoctorStats.doctor", "DoctorStats.appointments", "DoctorStats.completed", "DoctorStats.noShows",
        "SpecializationStats.specialization", "SpecializationStats.appointments", "SpecializationStats.completed",
        "ReasonCount.reason", "ReasonCount.count",
        "PatientNoShows.patient", "PatientNoShows.noShows",
        // Doctors' buffers (issue #17): public like the rest of the profile; they shape the free slots anyone sees.
        "Doctor.bufferBeforeMinutes", "Doctor.bufferAfterMinutes",
        // The waitlist (issue #17): pages whose nodes carry their own rule (WaitlistEntry: SELF, ADMIN); what an
        // offer link shows, to whoever holds the link's token: the slot and its doctor, no patient data.
        "WaitlistEntryConnection.edges", "WaitlistEntryConnection.nodes", "WaitlistEntryConnection.pageInfo",
        "WaitlistEntryConnection.totalCount", "WaitlistEntryEdge.cursor", "WaitlistEntryEdge.node",
        "WaitlistOfferByLink.doctorName", "WaitlistOfferByLink.specialization", "WaitlistOfferByLink.date", "WaitlistOfferByLink.time",
        "WaitlistOfferByLink.startsAt", "WaitlistOfferByLink.expiresAt", "WaitlistOfferByLink.status",
    ]

    func testEveryFieldHasAnAuthorizationRule() throws {
        let schema = try ClinicAPI.buildSchema()
        let policy = AuthorizationPolicy(schema: schema)
        var uncovered: [String] = []
        var seen: Set<String> = []
        for (name, type) in schema.types where !name.hasPrefix("__") {
            guard case .object(let object) = type else { continue }
            for field in object.fields {
                let key = "\(name).\(field.name)"
                seen.insert(key)
                if policy.fieldRules[key] != nil || policy.typeRules[name] != nil || Self.publicFields.contains(key) { continue }
                uncovered.append(key)
            }
        }
        XCTAssertGreaterThan(seen.count, 150, "the walk reached the whole schema")
        XCTAssertFalse(policy.fieldRules.isEmpty || policy.typeRules.isEmpty)
        XCTAssertEqual(uncovered.sorted(), [], "fields without @auth, without a rule on their type, and not in the public allow-list")
        XCTAssertEqual(Self.publicFields.subtracting(seen).sorted(), [], "allow-list entries that are no longer fields")
        // A public entry must not also carry a rule (the list would be lying).
        XCTAssertEqual(Self.publicFields.filter { policy.fieldRules[$0] != nil }.sorted(), [])
    }

    func testTheContractRulesAreReadFromTheSchema() throws {
        let policy = AuthorizationPolicy(schema: try ClinicAPI.buildSchema())
        XCTAssertEqual(policy.fieldRules["User.email"], [.SELF, .ADMIN])
        XCTAssertEqual(policy.fieldRules["Query.users"], [.ADMIN])
        XCTAssertEqual(policy.fieldRules["Mutation.deleteUser"], [.SUPERADMIN])
        XCTAssertEqual(policy.fieldRules["Mutation.changePassword"], [.AUTHENTICATED])
        XCTAssertEqual(policy.typeRules["Patient"], [.SELF, .TREATING_DOCTOR, .ADMIN])
    }

    // MARK: - Role matrix

    struct Cast: Sendable {
        var patient: HarnessUser, doctor: HarnessUser, other: HarnessUser, admin: HarnessUser, superadmin: HarnessUser
        var tokens: [String: String]
        /// Caller name → token (nil for anonymous).
        func token(_ who: String) -> String? { tokens[who] }
    }

    static let callers = ["anonymous", "patient", "doctor", "other", "admin", "superadmin"]

    func cast(_ h: ClinicTestHarness) async throws -> Cast {
        let patient = try await h.createUser(patient: true)
        let doctor = try await h.createUser(doctor: true)
        let other = try await h.createUser(patient: true)
        let admin = try await h.createUser(role: .ADMIN)
        let superadmin = try await h.createUser(role: .SUPERADMIN)
        try await h.createAppointment(patientID: patient.patientID!, doctorID: doctor.doctorID!)
        var tokens: [String: String] = [:]
        for (name, user) in [("patient", patient), ("doctor", doctor), ("other", other), ("admin", admin), ("superadmin", superadmin)] {
            tokens[name] = try await h.token(for: user)
        }
        return Cast(patient: patient, doctor: doctor, other: other, admin: admin, superadmin: superadmin, tokens: tokens)
    }

    /// "ok" when the response has no error, else the first error's code.
    func outcome(_ r: JSON) -> String {
        r.at("errors.0.extensions.code")?.stringValue ?? (r["errors"] == nil ? "ok" : "?")
    }

    func assertMatrix(_ h: ClinicTestHarness, _ c: Cast, _ name: String, _ query: String, variables: [String: JSON] = [:],
                      expect: [String: String], file: StaticString = #filePath, line: UInt = #line) async {
        for caller in Self.callers {
            let r = await h.graphql(query, variables: variables, token: c.token(caller), ip: "10.9.\(Self.callers.firstIndex(of: caller)!).1")
            XCTAssertEqual(outcome(r), expect[caller], "\(name) as \(caller): \(r)", file: file, line: line)
        }
    }

    func testRoleMatrixOfTheIdentityQueries() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let c = try await cast(h)
        let me = await h.graphql("{ me { id } }")
        XCTAssertEqual(me.at("data.me"), .null, "anonymous me is null without an error")
        XCTAssertNil(me["errors"])
        await assertMatrix(h, c, "me", "{ me { id email } }", expect: [
            "anonymous": "ok", "patient": "ok", "doctor": "ok", "other": "ok", "admin": "ok", "superadmin": "ok"])
        await assertMatrix(h, c, "user(patient)", "query($id: ID!) { user(id: $id) { id email phone createdAt notifyByEmail } }",
                           variables: ["id": .string(c.patient.globalID)], expect: [
            "anonymous": "UNAUTHENTICATED", "patient": "ok", "doctor": "NOT_FOUND", "other": "NOT_FOUND", "admin": "ok", "superadmin": "ok"])
        await assertMatrix(h, c, "users", "{ users { totalCount nodes { id email } } }", expect: [
            "anonymous": "UNAUTHENTICATED", "patient": "FORBIDDEN", "doctor": "FORBIDDEN", "other": "FORBIDDEN", "admin": "ok", "superadmin": "ok"])
        // The patient profile through User.patient: SELF, staff (type rule Patient).
        await assertMatrix(h, c, "me.patient", "{ me { patient { medicalHistory allergies } } }", expect: [
            "anonymous": "ok", "patient": "ok", "doctor": "ok", "other": "ok", "admin": "ok", "superadmin": "ok"])
        let adminView = await h.graphql("query($id: ID!) { user(id: $id) { patient { medicalHistory } } }",
                                        variables: ["id": .string(c.patient.globalID)], token: c.token("admin"))
        XCTAssertEqual(adminView.at("data.user.patient.medicalHistory")?.stringValue, "asthma")
        let doctorSelf = await h.graphql("{ me { doctor { specialization } } }", token: c.token("doctor"))
        XCTAssertEqual(doctorSelf.at("data.me.doctor.specialization")?.stringValue, "Cardiology")
    }

    /// The very guard the executor runs, per protected User field and caller:
    /// allowed, FORBIDDEN (signed in) or UNAUTHENTICATED (anonymous).
    func testProtectedUserFieldsPerCaller() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let c = try await cast(h)
        let row = try await h.services.database.read { conn in try UserManagement.loadUser(conn, id: c.patient.id)! }
        let guardFn = try XCTUnwrap(h.executable.fieldGuard)
        let viewers: [(String, Viewer?, String)] = [
            ("anonymous", nil, "UNAUTHENTICATED"), ("patient", c.patient.viewer, "ok"), ("doctor", c.doctor.viewer, "FORBIDDEN"),
            ("other", c.other.viewer, "FORBIDDEN"), ("admin", c.admin.viewer, "ok"), ("superadmin", c.superadmin.viewer, "ok"),
        ]
        for field in ["email", "phone", "createdAt", "updatedAt", "notifyByEmail", "notifyBySms"] {
            for (name, viewer, expected) in viewers {
                let ctx = RequestContext(services: h.services, viewer: viewer, ip: nil, requestID: "guard")
                let batch = FieldBatch(typeName: "User", fieldName: field, parents: [row], arguments: [:], selectedFields: [],
                                       context: ctx, locations: [])
                let result = try await guardFn(batch)
                XCTAssertEqual(result.first??.code ?? "ok", expected, "User.\(field) as \(name)")
            }
        }
        let doctorCtx = RequestContext(services: h.services, viewer: c.doctor.viewer, ip: nil, requestID: "guard")
        let refused = try await guardFn(FieldBatch(typeName: "User", fieldName: "email", parents: [row], arguments: [:], selectedFields: [],
                                                   context: doctorCtx, locations: []))
        XCTAssertEqual(refused.first??.message, "You are not allowed to read User.email.")
        for field in ["id", "firstName", "lastName", "fullName", "role", "isActive"] {
            let ctx = RequestContext(services: h.services, viewer: nil, ip: nil, requestID: "guard")
            let batch = FieldBatch(typeName: "User", fieldName: field, parents: [row], arguments: [:], selectedFields: [],
                                   context: ctx, locations: [])
            let result = try await guardFn(batch)
            XCTAssertNil(result.first ?? nil, "User.\(field) is public")
        }
        // End to end through the users other areas expose (Doctor.user, Patient.user):
        // the field is null with FORBIDDEN (signed in) or UNAUTHENTICATED at its path.
        let doctorID = GlobalID.encode(type: "Doctor", id: c.doctor.doctorID!)
        await assertMatrix(h, c, "doctor.user.email", "query($id: ID!) { doctor(id: $id) { user { firstName email } } }",
                           variables: ["id": .string(doctorID)], expect: [
            "anonymous": "UNAUTHENTICATED", "patient": "FORBIDDEN", "doctor": "ok", "other": "FORBIDDEN", "admin": "ok", "superadmin": "ok"])
        let seenByPatient = await h.graphql("query($id: ID!) { doctor(id: $id) { user { firstName email } } }",
                                            variables: ["id": .string(doctorID)], token: c.token("patient"))
        XCTAssertEqual(seenByPatient.at("data.doctor.user.email"), .null)
        XCTAssertEqual(seenByPatient.at("data.doctor.user.firstName")?.stringValue, "Test")
        XCTAssertEqual(seenByPatient.at("errors.0.path"), .array([.string("doctor"), .string("user"), .string("email")]))
        // The treating doctor reads the patient's clinical data but not the patient's contact data.
        let patientID = GlobalID.encode(type: "Patient", id: c.patient.patientID!)
        let treating = await h.graphql("query($id: ID!) { patient(id: $id) { medicalHistory user { firstName email } } }",
                                       variables: ["id": .string(patientID)], token: c.token("doctor"))
        XCTAssertEqual(treating.at("data.patient.medicalHistory")?.stringValue, "asthma", "\(treating)")
        XCTAssertEqual(treating.at("data.patient.user.email"), .null)
        XCTAssertEqual(outcome(treating), "FORBIDDEN")
        XCTAssertEqual(treating.at("errors.0.path"), .array([.string("patient"), .string("user"), .string("email")]))
        // End to end: staff listing users see contact data; nobody else reaches it.
        let list = await h.graphql("{ users(first: 100) { nodes { id email } } }", token: c.token("admin"))
        let emails = list.at("data.users.nodes")?.arrayValue?.compactMap { $0["email"]?.stringValue } ?? []
        XCTAssertTrue(emails.contains(c.patient.email), "\(list)")
    }

    func testRoleMatrixOfTheAccountMutations() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let c = try await cast(h)
        let everyone = ["anonymous": "UNAUTHENTICATED", "patient": "ok", "doctor": "ok", "other": "ok", "admin": "ok", "superadmin": "ok"]
        await assertMatrix(h, c, "updateProfile", "mutation { updateProfile(input: { notifyBySms: true }) { notifyBySms } }", expect: everyone)
        await assertMatrix(h, c, "updatePatientProfile", "mutation { updatePatientProfile(input: { allergies: \"none\" }) { allergies } }", expect: [
            "anonymous": "UNAUTHENTICATED", "patient": "ok", "doctor": "NOT_FOUND", "other": "ok", "admin": "NOT_FOUND", "superadmin": "NOT_FOUND"])
        await assertMatrix(h, c, "changePassword", "mutation { changePassword(currentPassword: \"wrong current password\", newPassword: \"a brand new long passphrase\") }",
                           expect: ["anonymous": "UNAUTHENTICATED", "patient": "BAD_USER_INPUT", "doctor": "BAD_USER_INPUT",
                                    "other": "BAD_USER_INPUT", "admin": "BAD_USER_INPUT", "superadmin": "BAD_USER_INPUT"])

        var n = 0
        func createUser(_ role: String) -> (String, [String: JSON]) {
            n += 1
            return ("mutation($i: CreateUserInput!) { createUser(input: $i) { id role } }",
                    ["i": .object([("email", .string("made\(n)-\(role.lowercased())@example.test")), ("password", .string("a perfectly long passphrase")),
                                   ("firstName", .string("New")), ("lastName", .string("Person")), ("role", .string(role))])])
        }
        for caller in Self.callers {
            let (q, v) = createUser("CLIENT")
            let r = await h.graphql(q, variables: v, token: c.token(caller))
            let expected = ["anonymous": "UNAUTHENTICATED", "admin": "ok", "superadmin": "ok"][caller] ?? "FORBIDDEN"
            XCTAssertEqual(outcome(r), expected, "createUser CLIENT as \(caller): \(r)")
        }
        // The refusal names what was refused: an operation is called, a field read.
        let (q, v) = createUser("CLIENT")
        let anonymous = await h.graphql(q, variables: v, token: nil)
        XCTAssertEqual(anonymous.at("errors.0.message")?.stringValue, "You must be signed in to call Mutation.createUser.")
        let patient = await h.graphql(q, variables: v, token: c.token("patient"))
        XCTAssertEqual(patient.at("errors.0.message")?.stringValue, "You are not allowed to call Mutation.createUser.")
        for role in ["ADMIN", "SUPERADMIN"] {
            for caller in ["admin", "superadmin"] {
                let (q, v) = createUser(role)
                let r = await h.graphql(q, variables: v, token: c.token(caller))
                XCTAssertEqual(outcome(r), caller == "superadmin" ? "ok" : "FORBIDDEN", "createUser \(role) as \(caller): \(r)")
            }
        }
        let rename = "mutation($id: ID!) { updateUser(id: $id, input: { lastName: \"Renamed\" }) { lastName } }"
        await assertMatrix(h, c, "updateUser name", rename, variables: ["id": .string(c.other.globalID)], expect: [
            "anonymous": "UNAUTHENTICATED", "patient": "FORBIDDEN", "doctor": "FORBIDDEN", "other": "FORBIDDEN", "admin": "ok", "superadmin": "ok"])
        let promote = "mutation($id: ID!) { updateUser(id: $id, input: { role: ADMIN }) { role } }"
        let byAdmin = await h.graphql(promote, variables: ["id": .string(c.other.globalID)], token: c.token("admin"))
        XCTAssertEqual(outcome(byAdmin), "FORBIDDEN", "only a superadmin grants roles")
        let staffEdit = await h.graphql("mutation($id: ID!) { updateUser(id: $id, input: { isActive: false }) { isActive } }",
                                        variables: ["id": .string(c.superadmin.globalID)], token: c.token("admin"))
        XCTAssertEqual(outcome(staffEdit), "FORBIDDEN", "an admin cannot deactivate a superadmin")

        let selfDemotion = await h.graphql("mutation($id: ID!) { updateUser(id: $id, input: { role: CLIENT }) { role } }",
                                           variables: ["id": .string(c.superadmin.globalID)], token: c.token("superadmin"))
        XCTAssertEqual(outcome(selfDemotion), "FORBIDDEN", "nobody demotes or deactivates themselves")
        let selfDelete = await h.graphql("mutation($id: ID!) { deleteUser(id: $id) }", variables: ["id": .string(c.superadmin.globalID)],
                                         token: c.token("superadmin"))
        XCTAssertEqual(outcome(selfDelete), "FORBIDDEN")
        let badID = await h.graphql("mutation { updateUser(id: \"nonsense\", input: { lastName: \"X\" }) { id } }", token: c.token("admin"))
        XCTAssertEqual(outcome(badID), "BAD_USER_INPUT")
        XCTAssertEqual(badID.at("errors.0.extensions.field")?.stringValue, "id")
        let victim = try await h.createUser()
        for caller in ["anonymous", "patient", "doctor", "other", "admin"] {
            let r = await h.graphql("mutation($id: ID!) { deleteUser(id: $id) }", variables: ["id": .string(victim.globalID)], token: c.token(caller))
            XCTAssertEqual(outcome(r), caller == "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN", "deleteUser as \(caller)")
        }
        let gone = await h.graphql("mutation($id: ID!) { deleteUser(id: $id) }", variables: ["id": .string(victim.globalID)], token: c.token("superadmin"))
        XCTAssertEqual(gone.at("data.deleteUser")?.boolValue, true, "\(gone)")
        let twice = await h.graphql("mutation($id: ID!) { deleteUser(id: $id) }", variables: ["id": .string(victim.globalID)], token: c.token("superadmin"))
        XCTAssertEqual(outcome(twice), "NOT_FOUND")
        // Public account operations answer anyone.
        let reset = await h.graphql("mutation { requestPasswordReset(email: \"nobody@example.test\") }")
        XCTAssertEqual(reset.at("data.requestPasswordReset")?.boolValue, true)
    }

    func testUsersSearchFilterAndKeysetPages() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "userspages")
        let admin = try await h.createUser(email: "boss@clinic.test", role: .ADMIN, firstName: "Boss")
        for i in 0..<5 { _ = try await h.createUser(email: "pat\(i)@example.test", firstName: "Zoë", lastName: "Muñoz_\(i)%") }
        let token = try await h.token(for: admin)
        let q = "query($s: String, $r: Role, $a: String) { users(search: $s, role: $r, first: 2, after: $a) { totalCount edges { cursor node { email } } pageInfo { hasNextPage endCursor } } }"
        var after: JSON = .null
        var seen: [String] = []
        for _ in 0..<3 {
            let r = await h.graphql(q, variables: ["s": .string("MUÑOZ_"), "a": after], token: token)
            XCTAssertNil(r["errors"], "\(r)")
            XCTAssertEqual(r.at("data.users.totalCount")?.intValue, 5)
            seen += r.at("data.users.edges")?.arrayValue?.compactMap { $0.at("node.email")?.stringValue } ?? []
            after = r.at("data.users.pageInfo.endCursor") ?? .null
            if r.at("data.users.pageInfo.hasNextPage")?.boolValue == false { break }
        }
        XCTAssertEqual(seen, (0..<5).map { "pat\($0)@example.test" })
        // % and _ match themselves.
        let literal = await h.graphql(q, variables: ["s": .string("_3%")], token: token)
        XCTAssertEqual(literal.at("data.users.totalCount")?.intValue, 1)
        let wildcard = await h.graphql(q, variables: ["s": .string("%")], token: token)
        XCTAssertEqual(wildcard.at("data.users.totalCount")?.intValue, 5)
        let byEmail = await h.graphql(q, variables: ["s": .string("BOSS@clinic")], token: token)
        XCTAssertEqual(byEmail.at("data.users.totalCount")?.intValue, 1)
        let admins = await h.graphql(q, variables: ["r": .string("ADMIN")], token: token)
        XCTAssertEqual(admins.at("data.users.edges.0.node.email")?.stringValue, "boss@clinic.test")
        XCTAssertEqual(admins.at("data.users.totalCount")?.intValue, 1)
        let tooLong = await h.graphql(q, variables: ["s": .string(String(repeating: "a", count: 101))], token: token)
        XCTAssertEqual(tooLong.at("errors.0.extensions.field")?.stringValue, "search")
        let badCursor = await h.graphql(q, variables: ["a": .string("nope")], token: token)
        XCTAssertEqual(badCursor.at("errors.0.extensions.field")?.stringValue, "after")
    }

    /// totalCount costs a statement only when selected; User.patient and
    /// User.doctor cost one statement per level whatever the page size.
    func testUsersStatementsDoNotGrowWithThePage() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "usersstatements")
        let admin = try await h.createUser(role: .ADMIN)
        for i in 0..<6 { _ = try await h.createUser(patient: i % 2 == 0, doctor: i % 2 == 1) }
        let token = try await h.token(for: admin)
        _ = await h.request("{ __typename }", token: token)  // warm the viewer cache
        let plain = await h.request("{ users(first: 50) { nodes { id } } }", token: token)
        XCTAssertEqual(plain.statements, 1, "\(plain.json)")
        let counted = await h.request("{ users(first: 50) { totalCount nodes { id } } }", token: token)
        XCTAssertEqual(counted.statements, 2)
        let related = await h.request("{ users(first: 50) { nodes { id patient { id } doctor { id } } } }", token: token)
        XCTAssertNil(related.json["errors"], "\(related.json)")
        XCTAssertEqual(related.statements, 3, "users + one patients query + one doctors query")
        let patients = related.data?.at("users.nodes")?.arrayValue?.filter { $0["patient"]?.isNull == false }.count
        XCTAssertEqual(patients, 3)
    }

    func testProfileUpdatesAreBoundedAndAudited() async throws {
        let h = try await ClinicTestHarness.shared(for: Self.self)
        let user = try await h.createUser(patient: true)
        let token = try await h.token(for: user)
        let long = await h.graphql("mutation($h: String!) { updatePatientProfile(input: { medicalHistory: $h }) { id } }",
                                   variables: ["h": .string(String(repeating: "x", count: 10_001))], token: token)
        XCTAssertEqual(long.at("errors.0.extensions.field")?.stringValue, "input.medicalHistory")
        let ok = await h.graphql("mutation($h: String!) { updatePatientProfile(input: { medicalHistory: $h, gender: OTHER }) { medicalHistory gender } }",
                                 variables: ["h": .string(String(repeating: "x", count: 10_000))], token: token)
        XCTAssertEqual(ok.at("data.updatePatientProfile.gender")?.stringValue, "OTHER", "\(ok)")
        let phone = await h.graphql("mutation { updateProfile(input: { phone: null, firstName: \"Eva\" }) { firstName phone } }", token: token)
        XCTAssertEqual(phone.at("data.updateProfile.firstName")?.stringValue, "Eva", "\(phone)")
        XCTAssertEqual(phone.at("data.updateProfile.phone"), .null)
        // 100 letters with a combining accent each: 100 characters on screen, 200 code points for PostgreSQL.
        let combining = String(repeating: "e\u{301}", count: 100)
        let accents = await h.graphql("mutation($n: String!) { updateProfile(input: { firstName: $n }) { id } }",
                                      variables: ["n": .string(combining)], token: token)
        XCTAssertEqual(accents.at("errors.0.extensions.code")?.stringValue, "BAD_USER_INPUT", "\(accents)")
        XCTAssertEqual(accents.at("errors.0.extensions.field")?.stringValue, "input.firstName")
        let empty = await h.graphql("mutation { updateProfile(input: { lastName: \"\" }) { id } }", token: token)
        XCTAssertEqual(empty.at("errors.0.extensions.field")?.stringValue, "input.lastName")
        let actions = try await h.sql("SELECT action FROM audit_log WHERE actor_id = $1 ORDER BY id", [.int(Int(user.id))]).map { try $0.string("action") }
        XCTAssertEqual(actions, ["patient.update", "user.update"])
    }
}
