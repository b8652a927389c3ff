// Documents sent by hash over HTTP: automatic persisted queries (Apollo's
// protocol, POST and GET) on a default server, and the trusted-documents mode
// (TRUSTED_DOCUMENTS) on a second one.
import Foundation
import JSON
@testable import Server
import TestSupport
import XCTest

final class PersistedQueriesHTTPTests: XCTestCase {
    nonisolated(unsafe) static var automatic: ClinicProcess?
    nonisolated(unsafe) static var trusted: ClinicProcess?
    static let registered = "query Doctors { doctors(first: 2) { nodes { specialization } } }"
    static let login = "mutation Login($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"
    static let manifestPath = NSTemporaryDirectory() + "clinic-trusted-\(UUID().uuidString).json"

    override class func setUp() {
        super.setUp()
        do {
            automatic = try ClinicProcess(seedDemo: true)
            let manifest = JSON.object([registered, login, "{ __typename }"].map { (sha($0), .string($0)) }).serializedString
            try manifest.write(toFile: manifestPath, atomically: true, encoding: .utf8)
            trusted = try ClinicProcess(seedDemo: true, environment: ["TRUSTED_DOCUMENTS": manifestPath,
                                                                      "TRUSTED_DOCUMENTS_STAFF_AD_HOC": "true"])
        } catch {
            print("could not start clinic: \(error)")
        }
    }

    override class func tearDown() {
        automatic?.stop(); automatic = nil
        trusted?.stop(); trusted = nil
        try? FileManager.default.removeItem(atPath: manifestPath)
        super.tearDown()
    }

    static func sha(_ document: String) -> String { PersistedDocuments.hash(document) }

    func server(_ s: ClinicProcess?) throws -> ClinicProcess { try XCTUnwrap(s, "the clinic server did not start") }

    func persistedBody(_ query: String?, hash: String, variables: [(String, JSON)] = []) -> String {
        var body: [(String, JSON)] = []
        if let query { body.append(("query", .string(query))) }
        if !variables.isEmpty { body.append(("variables", .object(variables))) }
        body.append(("extensions", .object([("persistedQuery", .object([("version", .int(1)), ("sha256Hash", .string(hash))]))])))
        return JSON.object(body).serializedString
    }

    func post(_ s: ClinicProcess, _ body: String, token: String? = nil) throws -> (status: Int, json: JSON) {
        var headers = ["Content-Type": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let r = try s.post(body, headers: headers)
        return (r.status, try JSONParser.parse(r.body))
    }

    func get(_ s: ClinicProcess, _ items: [(String, String)]) throws -> (status: Int, json: JSON) {
        let query = items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
        let r = try RawHTTPClient(port: s.port, timeoutSeconds: 15)
            .request("GET /graphql?\(query) HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
        return (r.status, try JSONParser.parse(r.body))
    }

    func code(_ json: JSON) -> String? { json["errors"]?.arrayValue?.first?["extensions"]?["code"]?.stringValue }

    func testAutomaticPersistedQueriesOverPostAndGet() throws {
        let s = try server(Self.automatic)
        // A document unique to this run, so the server cannot have seen it.
        let document = "query Specs_\(UUID().uuidString.prefix(8).replacingOccurrences(of: "-", with: "")) { specializations }"
        let hash = Self.sha(document)
        let miss = try post(s, persistedBody(nil, hash: hash))
        XCTAssertEqual(miss.status, 200)
        XCTAssertEqual(code(miss.json), "PERSISTED_QUERY_NOT_FOUND")
        XCTAssertEqual(miss.json["errors"]?.arrayValue?.first?["message"]?.stringValue, "PersistedQueryNotFound")
        XCTAssertNil(miss.json["data"])
        // The same over GET, as Apollo's link sends it.
        let extensions = #"{"persistedQuery":{"version":1,"sha256Hash":"\#(hash)"}}"#
        XCTAssertEqual(code(try get(s, [("extensions", extensions)]).json), "PERSISTED_QUERY_NOT_FOUND")
        // Registering: the document with its hash runs and is kept.
        let registered = try post(s, persistedBody(document, hash: hash))
        XCTAssertEqual(registered.status, 200)
        XCTAssertNotNil(registered.json["data"]?["specializations"]?.arrayValue, "\(registered.json)")
        let byHash = try post(s, persistedBody(nil, hash: hash))
        XCTAssertEqual(byHash.json["data"], registered.json["data"])
        XCTAssertNil(byHash.json["errors"])
        let viaGet = try get(s, [("extensions", extensions), ("operationName", "")])
        XCTAssertEqual(viaGet.status, 200)
        XCTAssertEqual(viaGet.json["data"], registered.json["data"])
        // Variables travel with the hash.
        let withVariables = "query One($n: Int!) { doctors(first: $n) { nodes { id } } }"
        _ = try post(s, persistedBody(withVariables, hash: Self.sha(withVariables), variables: [("n", .int(1))]))
        let one = try post(s, persistedBody(nil, hash: Self.sha(withVariables), variables: [("n", .int(1))]))
        XCTAssertEqual(one.json["data"]?["doctors"]?["nodes"]?.arrayValue?.count, 1, "\(one.json)")
        // A document that is not the hash's, a bad version or hash: refused, nothing kept.
        let wrong = try post(s, persistedBody("{ __typename }", hash: Self.sha("{ specializations }")))
        XCTAssertEqual(wrong.status, 400)
        XCTAssertEqual(code(wrong.json), "BAD_REQUEST")
        XCTAssertEqual(code(try post(s, persistedBody(nil, hash: Self.sha("{ specializations }"))).json), "PERSISTED_QUERY_NOT_FOUND")
        let v2 = try post(s, #"{"extensions":{"persistedQuery":{"version":2,"sha256Hash":"\#(hash)"}}}"#)
        XCTAssertEqual(v2.status, 400)
        XCTAssertEqual(code(v2.json), "BAD_REQUEST")
        let short = try post(s, #"{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}"#)
        XCTAssertEqual(short.status, 400)
        XCTAssertEqual(code(try get(s, [("extensions", "[1]")]).json), "BAD_REQUEST")
        // A mutation kept by hash still cannot run over GET.
        let mutation = "mutation { logout(refreshToken: \"none\") }"
        _ = try post(s, persistedBody(mutation, hash: Self.sha(mutation)))
        let getMutation = try get(s, [("extensions", #"{"persistedQuery":{"version":1,"sha256Hash":"\#(Self.sha(mutation))"}}"#)])
        XCTAssertEqual(getMutation.status, 405)
        // In a batch, a miss answers for itself.
        let batch = try post(s, "[\(persistedBody(nil, hash: hash)),\(persistedBody(nil, hash: Self.sha("{ nothing }")))]")
        XCTAssertEqual(batch.status, 200)
        XCTAssertEqual(batch.json.arrayValue?.first?["data"], registered.json["data"])
        XCTAssertEqual(code(batch.json.arrayValue?.last ?? .null), "PERSISTED_QUERY_NOT_FOUND")
    }

    func testTrustedDocumentsRunOnlyRegisteredDocumentsExceptForStaff() throws {
        let s = try server(Self.trusted)
        let hash = Self.sha(Self.registered)
        let byHash = try post(s, persistedBody(nil, hash: hash))
        XCTAssertEqual(byHash.status, 200)
        XCTAssertEqual(byHash.json["data"]?["doctors"]?["nodes"]?.arrayValue?.count, 2, "\(byHash.json)")
        // The registered text itself is accepted too; any other text is not.
        XCTAssertEqual(try s.graphql(Self.registered).json["data"], byHash.json["data"])
        let adHoc = try s.graphql("{ doctors(first: 1) { nodes { id } } }")
        XCTAssertEqual(adHoc.status, 400)
        XCTAssertEqual(code(adHoc.json), "PERSISTED_QUERY_NOT_IN_LIST")
        XCTAssertNil(adHoc.json["data"])
        // Clients cannot register documents: a new document with its own hash is refused.
        let document = "{ specializations }"
        let register = try post(s, persistedBody(document, hash: Self.sha(document)))
        XCTAssertEqual(code(register.json), "PERSISTED_QUERY_NOT_FOUND")
        XCTAssertEqual(code(try post(s, persistedBody(nil, hash: Self.sha(document))).json), "PERSISTED_QUERY_NOT_FOUND")
        // A registered hash with another text is a mismatch.
        XCTAssertEqual(code(try post(s, persistedBody("{ __typename }", hash: hash)).json), "BAD_REQUEST")
        // GET by hash.
        let viaGet = try get(s, [("extensions", #"{"persistedQuery":{"version":1,"sha256Hash":"\#(hash)"}}"#)])
        XCTAssertEqual(viaGet.json["data"], byHash.json["data"])
        // Signing in is a registered document; with TRUSTED_DOCUMENTS_STAFF_AD_HOC=true staff may send any document.
        func login(_ email: String, _ password: String) throws -> String {
            let r = try post(s, persistedBody(nil, hash: Self.sha(Self.login), variables: [("e", .string(email)), ("p", .string(password))]))
            return try XCTUnwrap(r.json["data"]?["login"]?["accessToken"]?.stringValue, "\(r.json)")
        }
        let token = try login("admin@clinic.test", "admin-demo-pass")
        let staff = try post(s, JSON.object([("query", .string("{ doctors(first: 1) { nodes { id } } }"))]).serializedString, token: token)
        XCTAssertNil(staff.json["errors"], "\(staff.json)")
        XCTAssertEqual(staff.json["data"]?["doctors"]?["nodes"]?.arrayValue?.count, 1)
        let patientToken = try login("patient@clinic.test", "patient-demo-pass")
        let patient = try post(s, JSON.object([("query", .string("{ me { id } }"))]).serializedString, token: patientToken)
        XCTAssertEqual(code(patient.json), "PERSISTED_QUERY_NOT_IN_LIST")
    }
}

/// The resolution rules without HTTP: staff ad hoc off, manifests checked at startup, the
/// automatic store's bound.
final class PersistedDocumentsTests: XCTestCase {
    let doc = "{ __typename }"
    var hash: String { PersistedQueriesHTTPTests.sha(doc) }

    func testTrustedModeWithoutStaffAdHocRefusesStaffToo() {
        let p = PersistedDocuments(trusted: [hash: doc], staffAdHoc: false)
        XCTAssertEqual(p.resolve(query: "{ me { id } }", reference: nil, isStaff: true),
                       .refuse(status: 400, code: "PERSISTED_QUERY_NOT_IN_LIST",
                               message: "Only registered documents may be sent to this server; send a trusted document's sha256Hash."))
        XCTAssertEqual(p.resolve(query: nil, reference: PersistedQueryReference(sha256Hash: hash), isStaff: false), .run(doc))
        XCTAssertEqual(p.resolve(query: doc, reference: nil, isStaff: false), .run(doc))
    }

    func testManifestsAreCheckedAtStartup() throws {
        let path = NSTemporaryDirectory() + "clinic-manifest-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"\#(hash)": "{ __typename }"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try PersistedDocuments.loadManifest(path: path), [hash: doc])
        // Apollo's manifest format.
        try #"{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"\#(hash)","name":"T","type":"query","body":"{ __typename }"}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try PersistedDocuments.loadManifest(path: path), [hash: doc])
        try #"{"\#(hash)": "{ me { id } }"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Configuration.fromEnvironment(["TRUSTED_DOCUMENTS": path])) {
            XCTAssertTrue("\($0)".contains("is not the SHA-256 of its document"), "\($0)")
        }
        XCTAssertThrowsError(try Configuration.fromEnvironment(["TRUSTED_DOCUMENTS": path + ".missing"]))
        XCTAssertThrowsError(try Configuration.fromEnvironment(["TRUSTED_DOCUMENTS_STAFF_AD_HOC": "maybe"]))
    }

    func testTheAutomaticStoreKeepsTheNewestDocuments() {
        let p = PersistedDocuments(capacity: 2)
        let docs = ["{ a }", "{ b }", "{ c }"]
        for d in docs { XCTAssertEqual(p.resolve(query: d, reference: PersistedQueryReference(sha256Hash: PersistedQueriesHTTPTests.sha(d)), isStaff: false), .run(d)) }
        let lookups = docs.map { p.resolve(query: nil, reference: PersistedQueryReference(sha256Hash: PersistedQueriesHTTPTests.sha($0)), isStaff: false) }
        XCTAssertEqual(lookups, [PersistedDocuments.notFound, .run("{ b }"), .run("{ c }")])
    }
}

private extension JSON {
    var arrayValue: [JSON]? { if case .array(let a) = self { return a }; return nil }
    var stringValue: String? { if case .string(let s) = self { return s }; return nil }
}
