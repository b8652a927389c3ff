// A property of execution over HTTP, against the real server and database:
// for random valid read queries of a signed-in ADMIN and a signed-in CLIENT
// patient, the response to the whole document equals the responses to each
// root field asked alone, merged in document order. This is what batching by
// level must never break: aliases of one field with equal arguments, the same
// relation under several root fields, errors and their order.
//
// Each single document keeps the whole document's text with the other root
// fields blanked out, so error locations are comparable as they are. Merging
// follows graphql-js: `data` keys in document order, errors in order, and a
// root field that nulls `data` ends the operation (later fields never run).
// The data is created here (a superadmin from the CLI, an admin, two doctors
// with working hours, a registered patient and their appointment), never the
// demo seed. EXEC_HTTP_DOCUMENTS sets the documents per role (default 40).
import Foundation
import JSON
import Schema
import TestSupport
import XCTest

final class RootFieldIndependenceHTTPTests: XCTestCase {
    static let password = "Whole-equals-parts-2026!"

    /// Writes read queries over the clinic schema from the fields a role may read.
    struct ReadQueryGenerator {
        let schema: GraphQLSchema
        /// The @auth rules the viewer satisfies somewhere (SELF: on its own data).
        let rules: Set<String>
        /// Known IDs by type name, for `id`-like arguments.
        let ids: [String: [String]]
        var random: SplitMix64
        var aliases = 0

        /// Fields whose answer moves with the clock (free slots, the cancellation window).
        static let clockDependent: Set<String> = ["availableSlots", "schedule", "canModify"]

        func readable(_ directives: [AppliedDirective]) -> Bool {
            guard let auth = directives.first(where: { $0.name == "auth" }),
                  case .list(let values, _)? = auth.arguments["requires"] else { return true }
            return values.contains { if case .enumValue(let rule, _) = $0 { return rules.contains(rule) }; return false }
        }

        func fields(of typeName: String) -> [OutputField] {
            guard let def = schema.types[typeName], let fields = def.fields else { return [] }
            if case .object(let o) = def, !readable(o.directives) { return [] }
            return fields.filter { !Self.clockDependent.contains($0.name) && readable($0.directives) }
        }

        /// Root selections, each with a response key of its own.
        mutating func rootSelections() -> [String] {
            let roots = fields(of: schema.queryType)
            var out: [String] = []
            for _ in 0..<random.int(2...4) {
                guard let selection = field(random.pick(roots), depth: 1, alias: true) else { continue }
                out.append(selection)
                // The same field under another alias, same arguments (issue 14).
                if random.chance(0.3) { aliases += 1; out.append("r\(aliases): " + Self.unaliased(selection)) }
            }
            return out
        }

        mutating func field(_ f: OutputField, depth: Int, alias: Bool) -> String? {
            let named = f.type.namedType
            let composite = schema.types[named]?.isComposite == true
            if composite && depth >= 4 { return nil }
            var text = ""
            if alias || random.chance(0.2) { aliases += 1; text = "r\(aliases): " }
            text += f.name
            var args: [String] = []
            for a in f.arguments {
                let required = a.type.isNonNull && a.defaultValue == nil
                guard required || (a.name == "first") || random.chance(0.4) else { continue }
                guard let v = value(a.type, argument: a.name, field: f) else { if required { return nil } else { continue } }
                args.append("\(a.name): \(v)")
            }
            if !args.isEmpty { text += "(" + args.joined(separator: ", ") + ")" }
            if composite {
                let body = selections(named, depth: depth + 1)
                if body.isEmpty { return nil }
                text += " { " + body.joined(separator: " ") + " }"
            }
            return text
        }

        mutating func selections(_ typeName: String, depth: Int) -> [String] {
            var out: [String] = []
            if random.chance(0.4) { out.append("__typename") }
            guard let def = schema.types[typeName] else { return out }
            switch def {
            case .interface, .union:
                for t in (schema.possibleTypes[typeName] ?? []).sorted().shuffled(using: &random).prefix(2) {
                    let inner = selections(t, depth: depth)
                    if !inner.isEmpty { out.append("... on \(t) { " + inner.joined(separator: " ") + " }") }
                }
                if case .interface = def { out += fieldSelections(typeName, depth: depth) }
            default:
                out += fieldSelections(typeName, depth: depth)
            }
            if out.isEmpty { out.append("__typename") }
            return out
        }

        mutating func fieldSelections(_ typeName: String, depth: Int) -> [String] {
            let candidates = fields(of: typeName)
            guard !candidates.isEmpty else { return [] }
            var out: [String] = []
            for _ in 0..<random.int(1...3) {
                guard let s = field(random.pick(candidates), depth: depth, alias: false) else { continue }
                out.append(s)
                if random.chance(0.25) { aliases += 1; out.append("r\(aliases): " + Self.unaliased(s)) }
            }
            // Unaliased repeats of one field with other arguments would not merge: keep the first.
            var seen: Set<String> = []
            return out.filter { s in
                let key = s.prefix { $0 != "(" && $0 != " " && $0 != "{" }
                return seen.insert(String(key)).inserted || key.hasSuffix(":")
            }
        }

        /// A selection without its alias.
        static func unaliased(_ selection: String) -> String {
            guard let colon = selection.range(of: ": "), !selection[..<colon.lowerBound].contains(where: { "({ ".contains($0) }) else { return selection }
            return String(selection[colon.upperBound...])
        }

        mutating func value(_ type: TypeRef, argument: String, field: OutputField) -> String? {
            switch type {
            case .nonNull(let t): return value(t, argument: argument, field: field)
            case .list(let t):
                guard let v = value(t, argument: argument, field: field) else { return nil }
                return "[\(v)]"
            case .named(let name):
                switch schema.types[name] {
                case .enumeration(let e)?: return random.pick(e.values).name
                case .inputObject(let o)?:
                    var parts: [String] = []
                    for f in o.fields where (f.type.isNonNull && f.defaultValue == nil) || random.chance(0.3) {
                        guard let v = value(f.type, argument: f.name, field: field) else { return nil }
                        parts.append("\(f.name): \(v)")
                    }
                    return "{" + parts.joined(separator: ", ") + "}"
                default: break
                }
                switch name {
                case "Int": return argument == "first" ? String(random.int(1...3)) : String(random.int(0...5))
                case "Boolean": return random.chance(0.5) ? "true" : "false"
                case "Date": return random.pick(["\"2026-01-01\"", "\"2026-01-31\"", "\"2030-06-15\""])
                case "ID":
                    let wanted = argument == "id" ? field.type.namedType : String(argument.dropLast(2)).capitalized
                    let pool = ids[wanted] ?? ids.values.flatMap { $0 }
                    return pool.isEmpty ? nil : "\"\(random.pick(pool))\""
                case "String": return argument == "after" ? nil : random.pick(["\"a\"", "\"Cardiology\"", "\"Lovelace\""])
                default: return nil
                }
            }
        }
    }

    // MARK: The test

    func testWholeDocumentEqualsItsRootFieldsAskedAloneForAdminAndPatient() throws {
        let server = try ClinicProcess(seedDemo: false)
        defer { server.stop() }
        let (admin, client, ids) = try createClinic(server)
        let schema = try SchemaBuilder.build(sdl: String(contentsOfFile: ClinicProcess.repositoryRoot + "/schema.graphql", encoding: .utf8))
        let perRole = Int(ProcessInfo.processInfo.environment["EXEC_HTTP_DOCUMENTS"] ?? "") ?? 40
        var compared = 0, withErrors = 0, rootFields = 0
        for (role, token, rules) in [("ADMIN", admin, Set(["ANYONE", "AUTHENTICATED", "SELF", "TREATING_DOCTOR", "ADMIN"])),
                                     ("CLIENT", client, Set(["ANYONE", "AUTHENTICATED", "SELF"]))] {
            var generator = ReadQueryGenerator(schema: schema, rules: rules, ids: ids, random: SplitMix64(seed: role == "ADMIN" ? 14 : 41))
            for n in 0..<perRole {
                let roots = generator.rootSelections()
                guard !roots.isEmpty else { continue }
                let document = "{ " + roots.joined(separator: " ") + " }"
                if n < 2 { print("[\(role) #\(n)] \(document)") }
                let whole = try server.graphql(document, token: token)
                XCTAssertEqual(whole.status, 200, "[\(role) #\(n)] \(document)\n\(whole.json.serializedString)")
                guard whole.status == 200 else { continue }
                var singles: [JSON] = []
                for (i, root) in roots.enumerated() {
                    // The other root fields blanked out: every location stays where it was.
                    let blanked = roots.enumerated().map { $0.offset == i ? $0.element : String(repeating: " ", count: $0.element.count) }
                    let single = try server.graphql("{ " + blanked.joined(separator: " ") + " }", token: token)
                    XCTAssertEqual(single.status, 200, "[\(role) #\(n)] \(root)\n\(single.json.serializedString)")
                    singles.append(single.json)
                }
                let expected = Self.merged(singles)
                let got = JSON.object([("data", whole.json["data"] ?? .null), ("errors", whole.json["errors"] ?? .array([]))])
                XCTAssertEqual(got.serializedString, expected.serializedString, "[\(role) #\(n)] \(document)")
                compared += 1
                rootFields += roots.count
                if case .array(let e)? = whole.json["errors"], !e.isEmpty { withErrors += 1 }
            }
        }
        print("root-field independence over HTTP: \(compared) documents (ADMIN and CLIENT), \(rootFields) root fields, \(withErrors) with errors")
        XCTAssertGreaterThanOrEqual(compared, 2 * perRole - 4)
    }

    /// Single-root responses merged as one execution would answer: data keys in
    /// order, errors in order, and a null `data` ends the operation.
    static func merged(_ singles: [JSON]) -> JSON {
        var data: [(String, JSON)] = []
        var errors: [JSON] = []
        var dataIsNull = false
        for s in singles {
            if case .array(let e)? = s["errors"] { errors += e }
            guard case .object(let members)? = s["data"] else { dataIsNull = true; break }
            data += members
        }
        return .object([("data", dataIsNull ? .null : .object(data)), ("errors", .array(errors))])
    }

    // MARK: Data

    /// A superadmin (CLI), an admin, two doctors open every day, a patient
    /// with one appointment; returns the admin's and the patient's tokens and
    /// the IDs by type.
    func createClinic(_ server: ClinicProcess) throws -> (admin: String, client: String, ids: [String: [String]]) {
        let (status, _, err) = try ClinicProcess.runCommand(["create-superadmin", "--email", "boss@props.test"],
                                                            environment: ["DATABASE_URL": server.databaseURL], stdin: Self.password + "\n")
        XCTAssertEqual(status, 0, err)
        let root = try server.login("boss@props.test", Self.password)
        try ok(server.graphql("""
            mutation { createUser(input: {email: "admin@props.test", password: "\(Self.password)", firstName: "Ada", lastName: "Admin", role: ADMIN}) { id } }
            """, token: root))
        let admin = try server.login("admin@props.test", Self.password)
        var doctorIDs: [String] = []
        for (i, specialization) in ["Cardiology", "Dermatology"].enumerated() {
            let created = try ok(server.graphql("""
                mutation { createDoctor(input: {email: "doc\(i)@props.test", password: "\(Self.password)", firstName: "Doc\(i)", lastName: "Lovelace",
                  licenseNumber: "LIC-\(i)", specialization: "\(specialization)", experienceYears: \(5 + i), consultationFee: "4\(i).50"}) { id } }
                """, token: admin))
            guard case .string(let id)? = created["data"]?["createDoctor"]?["id"] else { throw failure("createDoctor", created) }
            doctorIDs.append(id)
            let hours = (1...7).map { "{weekday: \($0), start: \"08:00\", end: \"18:00\"}" }.joined(separator: ", ")
            try ok(server.graphql("mutation { setWorkingHours(doctorId: \"\(id)\", hours: [\(hours)]) { id } }", token: admin))
        }
        let registered = try ok(server.graphql("""
            mutation { register(input: {email: "pat@props.test", password: "\(Self.password)", firstName: "Pat", lastName: "Lovelace",
              dateOfBirth: "1990-04-02", gender: FEMALE, address: "1 Main St", emergencyContact: "Sam", emergencyPhone: "+15550100"}) { accessToken } }
            """))
        guard case .string(let client)? = registered["data"]?["register"]?["accessToken"] else { throw failure("register", registered) }
        // A free slot a few days ahead (whatever today is), booked by the patient.
        var booked = false
        for dayOffset in 2...9 where !booked {
            let date = Self.isoDate(Date().addingTimeInterval(Double(dayOffset) * 86_400))
            let slots = try ok(server.graphql("{ availableSlots(doctorId: \"\(doctorIDs[0])\", date: \"\(date)\") { time } }", token: client))
            guard case .array(let free)? = slots["data"]?["availableSlots"], case .string(let time)? = free.first?["time"] else { continue }
            let booking = try server.graphql("""
                mutation { bookAppointment(input: {doctorId: "\(doctorIDs[0])", date: "\(date)", time: "\(time)", reason: "checkup"}) { id } }
                """, token: client)
            booked = booking.json["data"]?["bookAppointment"]?["id"] != nil
        }
        XCTAssertTrue(booked, "the patient could not book an appointment")
        var ids: [String: [String]] = ["Doctor": doctorIDs]
        let listed = try ok(server.graphql("""
            { users(first: 20) { nodes { id } } patients(first: 20) { nodes { id } } appointments(first: 20) { nodes { id } } }
            """, token: admin))
        for (key, type) in [("users", "User"), ("patients", "Patient"), ("appointments", "Appointment")] {
            if case .array(let nodes)? = listed["data"]?[key]?["nodes"] {
                ids[type] = nodes.compactMap { if case .string(let id)? = $0["id"] { return id }; return nil }
            }
        }
        return (admin, client, ids)
    }

    @discardableResult
    func ok(_ response: (status: Int, json: JSON)) throws -> JSON {
        if response.status != 200 || response.json["errors"] != nil { throw failure("setup", response.json) }
        return response.json
    }

    func failure(_ step: String, _ json: JSON) -> NSError {
        NSError(domain: "roots", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(step) failed: \(json.serializedString)"])
    }

    static func isoDate(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: date)
    }
}
