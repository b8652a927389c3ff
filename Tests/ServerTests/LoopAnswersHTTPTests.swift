// Answers the event loop gives without a handler task (`GraphQLRoute.dispatch`): an operation
// that runs no resolver, after its first run, and the request errors of a cached document. They
// must be the answers a task would give: the caller checked, the request budget counted, the
// access log and /metrics told. The real binary, raw TCP.
import Foundation
import JSON
import TestSupport
import XCTest

final class LoopAnswersHTTPTests: XCTestCase {
    nonisolated(unsafe) static var server: ClinicProcess?

    override class func setUp() {
        super.setUp()
        do {
            // Every test is its own client (X-Forwarded-For through a trusted proxy): its own budget.
            server = try ClinicProcess(seedDemo: true, environment: ["RATE_LIMIT_ANON": "6/hour", "TRUSTED_PROXIES": "127.0.0.1/32",
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

    func post(_ query: String, client: String, token: String? = nil) throws -> RawResponse {
        var headers = ["Content-Type": "application/json", "X-Forwarded-For": client]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return try server.post(JSON.object([("query", .string(query))]).serializedString, headers: headers)
    }

    func code(_ r: RawResponse) -> String? {
        guard case .array(let errors)? = (try? JSONParser.parse(r.body))?["errors"],
              case .string(let c)? = errors.first?["extensions"]?["code"] else { return nil }
        return c
    }

    func testTheAnonymousBudgetCountsAnswersFromTheLoop() throws {
        // Budgets are counted per clock hour: a sequence that straddles the hour's end starts
        // over with a fresh client (so the test holds at any hour).
        for attempt in 0..<3 {
            let client = "203.0.113.\(10 + attempt)"
            let hour = Int(Date().timeIntervalSince1970) / 3600
            // The first run executes in a task; the next five are known. The seventh is over budget.
            for i in 1...6 {
                let r = try post("{ __typename }", client: client)
                XCTAssertEqual(r.status, 200, "request \(i): \(r.text)")
                XCTAssertEqual(r.text, #"{"data":{"__typename":"Query"},"extensions":{"sqlStatements":0}}"#)
                XCTAssertEqual(r.header("x-content-type-options"), "nosniff", "the middlewares' way out ran")
            }
            let over = try post("{ __typename }", client: client)
            guard Int(Date().timeIntervalSince1970) / 3600 == hour else { continue }
            XCTAssertEqual(over.status, 429, over.text)
            XCTAssertEqual(code(over), "RATE_LIMITED")
            XCTAssertNotNil(over.header("retry-after"))
            // Another client is not affected.
            XCTAssertEqual(try post("{ __typename }", client: "203.0.113.99").status, 200)
            return
        }
        XCTFail("three sequences in a row straddled an hour's end")
    }

    func testRequestErrorsOfAKnownDocumentAreTheSameEveryTime() throws {
        let first = try post("{ nope }", client: "203.0.113.20")
        let second = try post("{ nope }", client: "203.0.113.20")
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(code(first), "GRAPHQL_VALIDATION_FAILED")
        XCTAssertEqual(second.status, first.status)
        XCTAssertEqual(second.text, first.text)
        let syntax = try post("{ a", client: "203.0.113.20")
        XCTAssertEqual(code(syntax), "GRAPHQL_PARSE_FAILED")
    }

    func testACallerIsCheckedBeforeAKnownAnswer() throws {
        let server = try self.server
        let token = try server.login("patient@clinic.test", "patient-demo-pass")
        // The first request reads the user's state (1 statement); then it is cached and the answer known.
        let first = try post("{ __typename }", client: "203.0.113.30", token: token)
        XCTAssertEqual(first.text, #"{"data":{"__typename":"Query"},"extensions":{"sqlStatements":1}}"#)
        for _ in 0..<3 {
            let r = try post("{ __typename }", client: "203.0.113.30", token: token)
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.text, #"{"data":{"__typename":"Query"},"extensions":{"sqlStatements":0}}"#)
        }
        // A token that does not verify: 401 whatever the document.
        for _ in 0..<2 {
            let bad = try post("{ __typename }", client: "203.0.113.30", token: token + "x")
            XCTAssertEqual(bad.status, 401, bad.text)
            XCTAssertEqual(code(bad), "UNAUTHENTICATED")
        }
        // Data still runs its resolvers (and the caller's rules).
        let me = try post("{ me { email } }", client: "203.0.113.30", token: token)
        XCTAssertEqual(me.status, 200)
        XCTAssertEqual((try JSONParser.parse(me.body))["data"]?["me"]?["email"], .string("patient@clinic.test"))
    }

    func testMetricsCountAnswersFromTheLoop() throws {
        func served() throws -> Int {
            let text = try RawHTTPClient(port: server.port, timeoutSeconds: 15)
                .request("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").text
            let line = text.split(separator: "\n").first { $0.hasPrefix("clinic_http_requests_total{operation=\"query\",status=\"200\"}") }
            return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        }
        _ = try post("{ __typename }", client: "203.0.113.40")
        let before = try served()
        for _ in 0..<4 { XCTAssertEqual(try post("{ __typename }", client: "203.0.113.40").status, 200) }
        XCTAssertEqual(try served() - before, 4)
    }
}
