// Abuse over HTTP against the real binary (issue #15): who the client is
// behind proxies, the Host header, log lines clients cannot forge, JSON
// bodies on every 4xx, NUL characters, and lockouts answered 429.
import Foundation
import JSON
import Schema
@testable import Server
import TestSupport
import XCTest

final class HTTPHardeningTests: XCTestCase {
    /// Behind a trusted proxy on 127.0.0.1, answering only to the Hosts `x` and `127.0.0.1`.
    nonisolated(unsafe) static var proxied: ClinicProcess?

    override class func setUp() {
        super.setUp()
        do {
            proxied = try ClinicProcess(seedDemo: false, environment: [
                "TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1/32, ::1",
                "CLINIC_ALLOWED_HOSTS": "x,127.0.0.1",
                "RATE_LIMIT_LOGIN": "2/15min",
                "LOG_LEVEL": "info",
            ])
        } catch {
            print("could not start clinic: \(error)")
        }
    }

    override class func tearDown() {
        proxied?.stop()
        proxied = nil
        super.tearDown()
    }

    var proxied: ClinicProcess {
        get throws { try XCTUnwrap(Self.proxied, "the clinic server did not start") }
    }

    let modern = "application/graphql-response+json"

    func errorCode(_ body: String) -> String? {
        guard let json = try? JSONParser.parse(Array(body.utf8)), case .array(let errors)? = json["errors"],
              case .string(let c)? = errors.first?["extensions"]?["code"] else { return nil }
        return c
    }

    func failedLogin(_ server: ClinicProcess, email: String, forwardedFor: String?, accept: String = "application/json") throws -> RawResponse {
        var headers = ["Content-Type": "application/json", "Accept": accept]
        if let forwardedFor { headers["X-Forwarded-For"] = forwardedFor }
        return try server.post(#"{"query":"mutation { login(email: \"\#(email)\", password: \"wrong-password-123456\") { accessToken } }"}"#,
                               headers: headers)
    }

    // MARK: TRUSTED_PROXIES

    func testForwardedForNamesTheClientOnlyBehindATrustedProxy() throws {
        let server = try proxied
        // Two failures lock out the address the proxy saw, not the proxy itself.
        for _ in 0..<2 { XCTAssertEqual(errorCode(try failedLogin(server, email: "a@clinic.test", forwardedFor: "198.51.100.7").text), "UNAUTHENTICATED") }
        let locked = try failedLogin(server, email: "b@clinic.test", forwardedFor: "198.51.100.7")
        XCTAssertEqual(errorCode(locked.text), "RATE_LIMITED", locked.text)
        // Another client behind the same proxy is not locked out by the first one.
        let other = try failedLogin(server, email: "c@clinic.test", forwardedFor: "198.51.100.8")
        XCTAssertEqual(errorCode(other.text), "UNAUTHENTICATED", other.text)
        // A client cannot pick its address: what it wrote left of the proxy's entry is not believed.
        let spoofed = try failedLogin(server, email: "d@clinic.test", forwardedFor: "203.0.113.99, 198.51.100.7")
        XCTAssertEqual(errorCode(spoofed.text), "RATE_LIMITED", spoofed.text)
        // Trusted hops (10.0.0.0/8) are skipped from the right; garbage stops the walk at the last good address.
        let chained = try failedLogin(server, email: "e@clinic.test", forwardedFor: "198.51.100.7, 10.1.2.3")
        XCTAssertEqual(errorCode(chained.text), "RATE_LIMITED", chained.text)
        let garbage = try failedLogin(server, email: "f@clinic.test", forwardedFor: "198.51.100.7, not-an-address, 10.1.2.3")
        XCTAssertEqual(errorCode(garbage.text), "UNAUTHENTICATED", garbage.text)
        XCTAssertTrue(server.serverLog.contains("ip=10.1.2.3"), server.serverLog)
        XCTAssertFalse(server.serverLog.contains("ip=not-an-address"))
    }

    func testForwardedForIsIgnoredWithoutTrustedProxies() throws {
        let server = try ClinicProcess(seedDemo: false, environment: ["RATE_LIMIT_LOGIN": "2/15min", "LOG_LEVEL": "info"])
        defer { server.stop() }
        for i in 0..<2 { _ = try failedLogin(server, email: "g\(i)@clinic.test", forwardedFor: "198.51.100.\(i)") }
        // Every request came from 127.0.0.1, whatever the header claims.
        let locked = try failedLogin(server, email: "h@clinic.test", forwardedFor: "198.51.100.50")
        XCTAssertEqual(errorCode(locked.text), "RATE_LIMITED", locked.text)
        XCTAssertFalse(server.serverLog.contains("ip=198.51.100"), server.serverLog)
        XCTAssertTrue(server.serverLog.contains("ip=127.0.0.1"), server.serverLog)
    }

    func testBadTrustedProxiesStopStartupWithAClearMessage() throws {
        for bad in ["10.0.0.0/33", "example.com", "10.0.0.1/", "::1/129", "1.2.3.4/8x"] {
            let (status, _, err) = try ClinicProcess.runCommand(["serve"], environment: ["TRUSTED_PROXIES": bad, "CLINIC_PORT": "0",
                                                                                         "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"])
            XCTAssertNotEqual(status, 0, bad)
            XCTAssertTrue(err.contains("TRUSTED_PROXIES"), "\(bad): \(err)")
        }
    }

    func testTrustedProxiesWalk() throws {
        let proxies = try TrustedProxies.parse("10.0.0.0/8, 192.168.1.5, fd00::/8")
        func client(_ peer: String, _ xff: [String]) -> String { proxies.clientAddress(peer: peer, forwardedFor: xff) }
        XCTAssertEqual(client("203.0.113.1", ["198.51.100.1"]), "203.0.113.1", "untrusted peer: the header is ignored")
        XCTAssertEqual(client("10.0.0.1", []), "10.0.0.1")
        XCTAssertEqual(client("10.0.0.1", ["198.51.100.1"]), "198.51.100.1")
        XCTAssertEqual(client("10.0.0.1", ["1.1.1.1, 198.51.100.1, 10.9.9.9, 192.168.1.5"]), "198.51.100.1")
        XCTAssertEqual(client("10.0.0.1", ["1.1.1.1", "198.51.100.1"]), "198.51.100.1", "several header fields are one list")
        XCTAssertEqual(client("10.0.0.1", ["10.2.2.2, 10.3.3.3"]), "10.2.2.2", "all trusted: the left-most")
        XCTAssertEqual(client("10.0.0.1", ["198.51.100.1, garbage"]), "10.0.0.1", "garbage right away: the peer")
        XCTAssertEqual(client("10.0.0.1", ["198.51.100.1, ,10.2.2.2"]), "10.2.2.2", "an empty element is garbage")
        XCTAssertEqual(client("10.0.0.1", ["198.51.100.1:4711"]), "198.51.100.1")
        XCTAssertEqual(client("10.0.0.1", ["[2001:db8::1]:443"]), "2001:db8::1")
        XCTAssertEqual(client("10.0.0.1", ["2001:DB8:0:0::1"]), "2001:db8::1", "canonical form")
        XCTAssertEqual(client("fd00::5", ["198.51.100.1"]), "198.51.100.1", "IPv6 proxy")
        XCTAssertEqual(client("::ffff:10.0.0.1", ["198.51.100.1"]), "198.51.100.1", "IPv4-mapped peer")
        XCTAssertEqual(client("10.0.0.1", ["198.51.100.1\u{0}"]), "10.0.0.1")
        XCTAssertEqual(TrustedProxies.none.clientAddress(peer: "10.0.0.1", forwardedFor: ["1.2.3.4"]), "10.0.0.1")
        XCTAssertEqual(try TrustedProxies.parse("").blocks.count, 0)
        // The socket layer's text (inet_ntop, IPv4-mapped written as IPv4) is answered without parsing.
        XCTAssertEqual(TrustedProxies.none.clientAddress(peer: "2001:db8::1", forwardedFor: []), "2001:db8::1")
        for bad in ["10.0.0.0/33", "host.example", "10.0.0.1/", "::/129", "10.0.0.0/-1", "1.2.3.4/8/8"] {
            XCTAssertThrowsError(try TrustedProxies.parse(bad), bad)
        }
    }

    // MARK: CLINIC_ALLOWED_HOSTS

    func testUnlistedHostsAreRefused() throws {
        let server = try proxied
        let ok = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /healthz HTTP/1.1\r\nHost: X\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(ok.status, 200)
        let evil = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request(
            "POST /graphql HTTP/1.1\r\nHost: evil.example\r\nContent-Type: application/json\r\nContent-Length: 26\r\nConnection: close\r\n\r\n{\"query\":\"{ __typename }\"}")
        XCTAssertEqual(evil.status, 400)
        XCTAssertEqual(errorCode(evil.text), "BAD_REQUEST", evil.text)
        let other = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:1\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(other.status, 400)
        let none = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request("GET /healthz HTTP/1.0\r\n\r\n")
        XCTAssertEqual(none.status, 400)
    }

    // MARK: Log lines

    func testClientStringsCannotForgeLogLines() throws {
        let forged = "x\n2026-01-01T00:00:00.000Z ERROR forged line\r\u{1B}[2J\u{7F}\u{85}\u{2028}"
        let body = JSON.object([("query", .string("query x { __typename }")), ("operationName", .string(forged))]).serializedString
        for format in ["text", "json"] {
            let server = try ClinicProcess(seedDemo: false, environment: ["LOG_FORMAT": format, "LOG_LEVEL": "info"])
            defer { server.stop() }
            _ = try server.post(body)
            let log = server.serverLog
            XCTAssertFalse(log.contains("\nforged") || log.contains("\n2026-01-01"), log)
            for invisible in ["\r", "\u{1B}", "\u{7F}", "\u{85}", "\u{2028}"] { XCTAssertFalse(log.contains(invisible), "\(format): \(log)") }
            let line = try XCTUnwrap(log.split(separator: "\n").first { $0.contains("forged line") }, log)
            if format == "json" {
                let json = try JSONParser.parse(Array(line.utf8))
                XCTAssertEqual(json["operation"], .string(forged), "the JSON line decodes to exactly what the client sent")
            } else {
                XCTAssertTrue(line.contains(#"operation="x\n2026-01-01T00:00:00.000Z ERROR forged line\r\u001b[2J\u007f\u0085\u2028""#), String(line))
            }
        }
    }

    func testLoggedOperationNamesAreBounded() throws {
        let server = try proxied
        let name = "op" + String(repeating: "n", count: 50_000)
        _ = try server.post(JSON.object([("query", .string("query x { __typename }")), ("operationName", .string(name))]).serializedString)
        let line = try XCTUnwrap(server.serverLog.split(separator: "\n").first { $0.contains("operation=opnnn") })
        XCTAssertLessThan(line.utf8.count, 1_000, "a client's string is cut short in the log")
    }

    // MARK: Status codes and bodies

    func testSubscriptionsOverGETAre405NamingTheOperationType() throws {
        let q = "subscription { __typename }".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let r = try RawHTTPClient(port: try proxied.port, timeoutSeconds: 15).request("GET /graphql?query=\(q) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(r.status, 405)
        XCTAssertEqual(r.header("allow"), "POST")
        XCTAssertTrue(r.text.contains("use POST for subscriptions"), r.text)
    }

    /// Errors the HTTP layer answers before any handler runs carry the GraphQL error shape too.
    func testProtocolErrorsHaveJSONBodiesWithACode() throws {
        let server = try proxied
        let cases: [(String, Int)] = [
            ("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n", 413),
            ("POST /graphql HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n", 431),
            ("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
            ("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 400),
            ("POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
            ("POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
            ("GET /graphql HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ]
        for (raw, status) in cases {
            let r = try RawHTTPClient(port: server.port, timeoutSeconds: 15).request(raw)
            XCTAssertEqual(r.status, status, String(raw.prefix(60)))
            XCTAssertTrue(r.header("content-type")?.hasPrefix("application/json") == true, "\(status): \(r.header("content-type") ?? "none")")
            XCTAssertEqual(errorCode(r.text), "BAD_REQUEST", "\(status): \(r.text)")
        }
    }

    func testRequestNotReceivedInTimeIs408WithAJSONBody() throws {
        let client = try RawHTTPClient(port: try proxied.port, timeoutSeconds: 20)
        defer { client.closeConnection() }
        client.send("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\"")
        let r = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(r.status, 408)
        XCTAssertEqual(errorCode(r.text), "BAD_REQUEST", r.text)
    }

    func testLockedOutLoginIs429UnderEitherMediaType() throws {
        let server = try proxied
        for _ in 0..<2 { _ = try failedLogin(server, email: "lock@clinic.test", forwardedFor: "192.0.2.44") }
        for accept in ["application/json", modern] {
            let r = try failedLogin(server, email: "lock@clinic.test", forwardedFor: "192.0.2.44", accept: accept)
            XCTAssertEqual(r.status, 429, "\(accept): \(r.text)")
            XCTAssertEqual(errorCode(r.text), "RATE_LIMITED")
            XCTAssertNotNil(r.header("retry-after"))
            XCTAssertTrue(r.header("content-type")?.hasPrefix(accept) == true)
        }
        // In a batch each entry answers for itself and the batch is 200.
        let batch = try server.post(#"[{"query":"mutation { login(email: \"lock@clinic.test\", password: \"wrong-password-123456\") { accessToken } }"},{"query":"{ __typename }"}]"#,
                                    headers: ["Content-Type": "application/json", "X-Forwarded-For": "192.0.2.44"])
        XCTAssertEqual(batch.status, 200, batch.text)
    }

    /// Ten entries of a few aliased logins each stay under the per-operation
    /// bound but would run dozens of password hashes: the batch is bounded too.
    func testRootMutationFieldsAreBoundedAcrossABatch() throws {
        let server = try ClinicProcess(seedDemo: false, environment: ["MAX_MUTATION_FIELDS": "4"])
        let login = #"l%d: login(email: \"nobody@clinic.test\", password: \"wrong-password-123456\") { accessToken }"#
        func entry(_ aliases: Int) -> String {
            #"{"query":"mutation { "# + (0..<aliases).map { String(format: login, $0) }.joined(separator: " ") + #" }"}"#
        }
        let over = try server.post("[" + [entry(2), entry(2), #"{"query":"{ __typename }"}"#, entry(1)].joined(separator: ",") + "]")
        XCTAssertEqual(over.status, 200, over.text)
        let answers = try JSONParser.parse(over.body)
        guard case .array(let items) = answers else { return XCTFail(over.text) }
        XCTAssertEqual(items.count, 4)
        for item in items {
            XCTAssertEqual(errorCode(item.serializedString), "QUERY_TOO_COMPLEX", over.text)
            XCTAssertNil(item["data"], over.text)
        }
        XCTAssertTrue(over.text.contains("5 root mutation fields in this batch exceed the maximum of 4"), over.text)
        // At the bound the batch runs (each wrong login answers for itself).
        let at = try server.post("[" + [entry(2), entry(2)].joined(separator: ",") + "]")
        XCTAssertEqual(at.status, 200, at.text)
        XCTAssertFalse(at.text.contains("QUERY_TOO_COMPLEX"), at.text)
        // One operation over the bound is a request error of its own.
        let one = try server.post(entry(5))
        XCTAssertEqual(one.status, 200, one.text)  // legacy application/json: 200 with the code
        XCTAssertEqual(errorCode(one.text), "QUERY_TOO_COMPLEX")
    }

    /// One anonymous request with an integral variable beyond Int64 used to kill
    /// the server (the error message converted it to Int64 and trapped).
    func testAHugeIntegralVariableIsBadInputAndTheServerLives() throws {
        let server = try ClinicProcess(seedDemo: false)
        let r = try server.post(#"{"query":"query($a: Int) { doctors(first: $a) { totalCount } }","variables":{"a":10737414444444444423}}"#)
        XCTAssertEqual(errorCode(r.text), "BAD_USER_INPUT", r.text)
        XCTAssertTrue(r.text.contains("non 32-bit signed integer value: 1073741444444444"), r.text)
        XCTAssertTrue(server.isRunning)
        XCTAssertEqual(try server.post(#"{"query":"{ __typename }"}"#).status, 200)
    }

    /// Each unknown field of an input object used to quote the whole object in its
    /// error: 60,000 keys in a 1 MiB variable made a response of tens of gigabytes.
    func testVariableErrorsStaySmallWhateverTheInput() throws {
        let server = try proxied
        let keys = JSON.object((0..<60_000).map { ("k\($0)", JSON.int($0)) })
        let started = Date()
        let r = try server.post(JSON.object([("query", .string("query($f: DoctorFilter) { doctors(filter: $f) { totalCount } }")),
                                             ("variables", .object([("f", keys)]))]).serializedString,
                                headers: ["Content-Type": "application/json", "Accept": modern])
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(errorCode(r.text), "BAD_USER_INPUT")
        XCTAssertLessThan(r.text.utf8.count, 100_000)
        guard case .array(let errors)? = try JSONParser.parse(r.text)["errors"] else { return XCTFail(r.text) }
        XCTAssertEqual(errors.count, 51, "50 errors, then one saying the rest were dropped (graphql-js maxErrors)")
        XCTAssertEqual(errors.last?["message"], .string("Too many errors processing variables, error limit reached. Execution aborted."))
        // A long list of bad items: the same bound.
        let list = try server.post(JSON.object([("query", .string("query($s: [AppointmentStatus!]) { appointments(filter: { status: $s }) { totalCount } }")),
                                                ("variables", .object([("s", .array(Array(repeating: .string("NOPE"), count: 100_000)))]))]).serializedString,
                                   headers: ["Content-Type": "application/json", "Accept": modern])
        XCTAssertEqual(list.status, 400)
        XCTAssertLessThan(list.text.utf8.count, 100_000)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testNULInAStringArgumentIsBadUserInputNamingTheArgument() throws {
        let server = try proxied
        let cases: [(String, [(String, JSON)], String)] = [
            (#"mutation { login(email: "a\u0000b@clinic.test", password: "whatever-password-1") { accessToken } }"#, [], "email"),
            ("query($s: String) { doctors(filter: { specialization: $s }) { totalCount } }", [("s", .string("Cardio\u{0}logy"))], "filter.specialization"),
            ("mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
             [("i", .object([("email", .string("n@clinic.test")), ("password", .string("a-long-enough-password")),
                             ("firstName", .string("A\u{0}")), ("lastName", .string("B")),
                             ("dateOfBirth", .string("1990-01-01")), ("gender", .string("FEMALE")), ("address", .string("Main St 1")), ("emergencyContact", .string("C")), ("emergencyPhone", .string("+15550100"))]))], "input.firstName"),
        ]
        for (query, variables, field) in cases {
            let r = try server.graphql(query, variables: variables)
            XCTAssertEqual(r.status, 200, r.json.serializedString)
            guard case .array(let errors)? = r.json["errors"], let first = errors.first else { XCTFail(r.json.serializedString); continue }
            XCTAssertEqual(first["extensions"]?["code"], .string("BAD_USER_INPUT"), r.json.serializedString)
            XCTAssertEqual(first["extensions"]?["field"], .string(field), r.json.serializedString)
        }
    }

    // MARK: request ids

    /// Ids are drawn without a system call per request: a counter through a bijection, so no two
    /// requests of a process share one, and consecutive ids share no visible pattern.
    func testRequestIDsAreDistinctAndUnordered() {
        let ids = (0..<20_000).map { _ in HTTPApplication.makeRequestID() }
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertTrue(ids.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isNumber || $0.isLowercase) } })
        let values = ids.prefix(1_000).map { UInt64($0, radix: 36)! }
        let increasing = zip(values, values.dropFirst()).filter { $0 < $1 }.count
        XCTAssertTrue((300...700).contains(increasing), "consecutive ids look ordered: \(increasing) of 999 increase")
    }
}
