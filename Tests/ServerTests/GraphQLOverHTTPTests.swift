// INTERFACE.md "HTTP", end to end: the real binary, a real database, raw TCP.
import Foundation
import JSON
import Schema
import TestSupport
import XCTest

final class GraphQLOverHTTPTests: XCTestCase {
    nonisolated(unsafe) static var server: ClinicProcess?

    override class func setUp() {
        super.setUp()
        do {
            server = try ClinicProcess(seedDemo: true, environment: ["CORS_ALLOWED_ORIGINS": "https://app.example",
                                                                    "RATE_LIMIT_LOGIN": "1000/15min"])
        } catch {
            print("could not start clinic: \(error)")
        }
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    var server: ClinicProcess {
        get throws { try XCTUnwrap(Self.server, "the clinic server did not start") }
    }

    let modern = "application/graphql-response+json"

    func code(_ json: JSON) -> String? {
        if case .array(let errors)? = json["errors"], case .string(let c)? = errors.first?["extensions"]?["code"] { return c }
        return nil
    }

    func testPostedQueryAnswersWithData() throws {
        let r = try server.graphql("{ __typename }")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.json["data"]?["__typename"], .string("Query"))
    }

    func testMediaTypeFollowsAccept() throws {
        let legacy = try server.post(#"{"query":"{ __typename }"}"#)
        XCTAssertTrue(legacy.header("content-type")?.hasPrefix("application/json") == true, legacy.header("content-type") ?? "")
        let m = try server.post(#"{"query":"{ __typename }"}"#, headers: ["Content-Type": "application/json", "Accept": modern])
        XCTAssertTrue(m.header("content-type")?.hasPrefix(modern) == true)
    }

    func testSyntaxErrorIs400ForModernClientsAnd200ForLegacy() throws {
        let m = try server.graphql("{ doctors(", accept: modern)
        XCTAssertEqual(m.status, 400)
        XCTAssertEqual(code(m.json), "GRAPHQL_PARSE_FAILED")
        XCTAssertNil(m.json["data"])
        let legacy = try server.graphql("{ doctors(", accept: "application/json")
        XCTAssertEqual(legacy.status, 200)
        XCTAssertEqual(code(legacy.json), "GRAPHQL_PARSE_FAILED")
    }

    func testValidationErrorHasItsCode() throws {
        let r = try server.graphql("{ nope }", accept: modern)
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(code(r.json), "GRAPHQL_VALIDATION_FAILED")
    }

    func testMalformedBodiesAreBadRequests() throws {
        for body in ["{not json", #"{"variables":{}}"#, #"{"query": 5}"#, "[]", #""just a string""#] {
            let r = try server.post(body, headers: ["Content-Type": "application/json", "Accept": modern])
            XCTAssertEqual(r.status, 400, body)
            XCTAssertEqual(code(try JSONParser.parse(r.body)), "BAD_REQUEST", body)
        }
        let legacy = try server.post("{not json")
        XCTAssertEqual(legacy.status, 400)
    }

    func testGetRunsQueriesAndRefusesMutations() throws {
        let q = "{ __typename }".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let ok = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /graphql?query=\(q) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(ok.status, 200)
        XCTAssertTrue(ok.text.contains("\"Query\""))
        let m = "mutation { logout(refreshToken: \"x\") }".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let refused = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /graphql?query=\(m) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(refused.status, 405)
        XCTAssertEqual(refused.header("allow"), "POST")
    }

    func testFormContentTypesAndOtherCharsetsAre415() throws {
        for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1"] {
            let r = try server.post(#"{"query":"{ __typename }"}"#, headers: ["Content-Type": type])
            XCTAssertEqual(r.status, 415, type)
        }
        let utf8 = try server.post(#"{"query":"{ __typename }"}"#, headers: ["Content-Type": "application/json; charset=utf-8"])
        XCTAssertEqual(utf8.status, 200)
    }

    func testBatchesAnswerEachEntryAndAreCappedAtTen() throws {
        let two = try server.post(#"[{"query":"{ __typename }"},{"query":"{ nope }"}]"#, headers: ["Content-Type": "application/json", "Accept": modern])
        XCTAssertEqual(two.status, 200)
        guard case .array(let items) = try JSONParser.parse(two.text) else { return XCTFail(two.text) }
        XCTAssertEqual(items.count, 2)
        XCTAssertEqual(items[0]["data"]?["__typename"], .string("Query"))
        XCTAssertEqual(code(items[1]), "GRAPHQL_VALIDATION_FAILED")
        let eleven = "[" + Array(repeating: #"{"query":"{ __typename }"}"#, count: 11).joined(separator: ",") + "]"
        let r = try server.post(eleven)
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(code(try JSONParser.parse(r.body)), "BAD_REQUEST")
    }

    func testUnknownOperationNameAndBadVariables() throws {
        let body = #"{"query":"query A { __typename } query B { __typename }","operationName":"C"}"#
        let r = try server.post(body, headers: ["Content-Type": "application/json", "Accept": modern])
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(code(try JSONParser.parse(r.body)), "BAD_REQUEST")
        let missing = try server.post(#"{"query":"query A { __typename } query B { __typename }"}"#, headers: ["Content-Type": "application/json", "Accept": modern])
        XCTAssertEqual(missing.status, 400)
        let v = try server.graphql("query($f: Int) { doctors(first: $f) { totalCount } }", variables: [("f", .string("ten"))], accept: modern)
        XCTAssertEqual(v.status, 400, v.json.serializedString)
        XCTAssertEqual(code(v.json), "BAD_USER_INPUT")
        let absent = try server.graphql("query($d: ID!) { doctor(id: $d) { id } }", accept: modern)
        XCTAssertEqual(code(absent.json), "BAD_USER_INPUT")
    }

    func testBadTokensFailTheWholeRequestWith401() throws {
        for header in ["Bearer garbage", "Bearer eyJhbGciOiJub25lIn0.e30.", "Basic abc", "Bearer"] {
            let r = try server.post(#"{"query":"{ __typename }"}"#, headers: ["Content-Type": "application/json", "Authorization": header])
            XCTAssertEqual(r.status, 401, header)
            XCTAssertEqual(code(try JSONParser.parse(r.body)), "UNAUTHENTICATED", header)
        }
    }

    func testAnonymousCallerGetsUnauthenticatedOnProtectedFields() throws {
        let r = try server.graphql("{ appointments { totalCount } }")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(code(r.json), "UNAUTHENTICATED")
    }

    func testOperationLimitsAnswerQueryTooComplex() throws {
        let deep = "{ me { patient { appointments { nodes { doctor { appointments { nodes { patient { appointments { nodes { doctor { user { id } } } } } } } } } } } } }"
        let r = try server.graphql(deep, accept: modern)
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(code(r.json), "QUERY_TOO_COMPLEX")
        // Aliases count like separate fields: 60 × (1 + 100 × 2) is over 10,000.
        let aliases = "{ " + (0..<60).map { "a\($0): doctors(first: 100) { nodes { id } }" }.joined(separator: " ") + " }"
        let wide = try server.graphql(aliases, accept: modern)
        XCTAssertEqual(wide.status, 400)
        XCTAssertEqual(code(wide.json), "QUERY_TOO_COMPLEX")
    }

    func testDocumentsOverTheSizeLimitAreParseFailures() throws {
        let big = "{ __typename " + String(repeating: "# padding\n", count: 12_000) + "}"
        let r = try server.graphql(big, accept: modern)
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(code(r.json), "GRAPHQL_PARSE_FAILED")
        let many = "{ " + String(repeating: "__typename ", count: 16_000) + "}"
        let t = try server.graphql(many, accept: modern)
        XCTAssertEqual(code(t.json), "GRAPHQL_PARSE_FAILED")
    }

    func testExplorerPageEscapesThePrefilledQuery() throws {
        let q = "{ __typename } </textarea><script>alert(1)</script>".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let r = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /graphql?query=\(q) HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.header("content-type")?.hasPrefix("text/html") == true)
        XCTAssertTrue(r.text.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertFalse(r.text.contains("<script>alert(1)"))
        XCTAssertNotNil(r.header("content-security-policy"))
        let js = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /graphql/explorer.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(js.status, 200)
    }

    func testHealthReadinessAndMetrics() throws {
        XCTAssertEqual(try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status, 200)
        XCTAssertEqual(try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status, 200)
        _ = try server.graphql("{ __typename }")
        let m = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(m.status, 200)
        for name in ["clinic_http_requests_total", "clinic_request_duration_seconds_bucket", "clinic_sql_statements_per_request",
                     "clinic_db_pool_in_use", "clinic_http_open_connections", "clinic_graphql_errors_total"] {
            XCTAssertTrue(m.text.contains(name), name)
        }
    }

    func testOversizedBodiesAndHeadersAreRefused() throws {
        let client = try RawHTTPClient(port: server.port, timeoutSeconds: 15)
        let r = try client.request("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n")
        XCTAssertEqual(r.status, 413)
        let big = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n")
        XCTAssertEqual(big.status, 431)
        XCTAssertEqual(try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status, 200)
    }

    func testCorsOnlyForConfiguredOrigins() throws {
        let pre = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("OPTIONS /graphql HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(pre.header("access-control-allow-origin"), "https://app.example")
        XCTAssertEqual(pre.header("access-control-max-age"), "600")
        XCTAssertNil(pre.header("access-control-allow-credentials"))
        let other = try server.post(#"{"query":"{ __typename }"}"#, headers: ["Content-Type": "application/json", "Origin": "https://evil.example"])
        XCTAssertNil(other.header("access-control-allow-origin"))
    }

    func testSecurityHeadersAndStatementCount() throws {
        let r = try server.post(#"{"query":"{ doctors(first: 2) { nodes { specialization } } }"}"#)
        XCTAssertEqual(r.header("x-content-type-options"), "nosniff")
        XCTAssertEqual(r.header("cache-control"), "no-store")
        XCTAssertNotNil(r.header("referrer-policy"))
        let json = try JSONParser.parse(r.body)
        XCTAssertNotNil(json["extensions"]?["sqlStatements"], r.text)
    }

    func testDemoAdminSignsInAndSeesItself() throws {
        let token = try server.login("admin@clinic.test", "admin-demo-pass")
        let r = try server.graphql("{ me { email role } }", token: token)
        XCTAssertEqual(r.json["data"]?["me"]?["role"], .string("ADMIN"), r.json.serializedString)
    }

    func testLoginPayloadShowsTheSignedInUsersPrivateFields() throws {
        let r = try server.graphql("mutation { login(email: \"patient@clinic.test\", password: \"patient-demo-pass\") { user { email patient { allergies } } } }")
        XCTAssertNil(r.json["errors"], r.json.serializedString)
        XCTAssertEqual(r.json["data"]?["login"]?["user"]?["email"], .string("patient@clinic.test"))
    }

    func testLoginLockoutSaysRetryAfter() throws {
        let small = try ClinicProcess(seedDemo: false, environment: ["RATE_LIMIT_LOGIN": "3/15min"])
        defer { small.stop() }
        var last: RawResponse?
        for _ in 0..<5 {
            last = try small.post(#"{"query":"mutation { login(email: \"nobody@clinic.test\", password: \"wrong-password-123456\") { accessToken } }"}"#)
        }
        let r = try XCTUnwrap(last)
        XCTAssertEqual(code(try JSONParser.parse(r.text)), "RATE_LIMITED", r.text)
        XCTAssertNotNil(r.header("retry-after"))
    }

    func testGarbageBytesDoNotHurtTheServer() throws {
        for junk in ["\u{0}\u{1}\u{2}garbage\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                     "POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"] {
            let c = try RawHTTPClient(port: server.port, timeoutSeconds: 15)
            c.send(junk)
            _ = c.readAll()
            c.closeConnection()
        }
        XCTAssertEqual(try server.graphql("{ __typename }").status, 200)
    }
}
