// The HTTP application's middleware chain in isolation: its order, and what
// each middleware adds or refuses, with a stub in place of the routes.
import HTTP
@testable import Server
import XCTest

final class MiddlewareChainTests: XCTestCase {
    /// Records the requests the routes would have seen.
    final class Endpoint: @unchecked Sendable {
        var seen: [ServerRequest] = []
        var answer = ServerResponse(HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array("ok".utf8)))
        var responder: Responder { { request in self.seen.append(request); return self.answer } }
    }

    func configuration(_ environment: [String: String] = [:]) throws -> Configuration {
        try Configuration.fromEnvironment(["JWT_SECRET": String(repeating: "s", count: 40)].merging(environment) { $1 })
    }

    func chain(_ config: Configuration, _ endpoint: Endpoint, metrics: Metrics = Metrics()) -> MiddlewareChain {
        MiddlewareChain(HTTPApplication.middlewares(configuration: config, metrics: metrics, logger: Logger(level: "error")),
                        endpoint: endpoint.responder)
    }

    func request(_ target: String, method: String = "GET", headers: [(String, String)] = [], peer: String = "10.0.0.5") -> ServerRequest {
        ServerRequest(http: HTTPRequest(method: method, target: target, headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }),
                                        remoteAddress: peer),
                      id: "req1", clientAddress: peer)
    }

    func testMiddlewaresRunInTheDocumentedOrder() throws {
        let names = HTTPApplication.middlewares(configuration: try configuration(), metrics: Metrics(), logger: Logger(level: "error"))
            .map { String(describing: type(of: $0)) }
        XCTAssertEqual(names, ["ClientAddressMiddleware", "RequestLogMiddleware", "MetricsMiddleware", "CORSHeadersMiddleware",
                               "SecurityHeadersMiddleware", "HostAllowListMiddleware", "CORSPreflightMiddleware"])
    }

    func testRoutesSeeTheClientBehindATrustedProxy() async throws {
        let endpoint = Endpoint()
        let chain = chain(try configuration(["TRUSTED_PROXIES": "10.0.0.0/8"]), endpoint)
        _ = await chain.respond(to: request("/healthz", headers: [("X-Forwarded-For", "203.0.113.9")]))
        _ = await chain.respond(to: request("/healthz", headers: [("X-Forwarded-For", "203.0.113.9")], peer: "198.51.100.1"))
        XCTAssertEqual(endpoint.seen.map(\.clientAddress), ["203.0.113.9", "198.51.100.1"])
    }

    func testSecurityHeadersThenCORSOnEveryAnswer() async throws {
        let endpoint = Endpoint()
        let chain = chain(try configuration(["CORS_ALLOWED_ORIGINS": "https://app.example"]), endpoint)
        let r = await chain.respond(to: request("/x", headers: [("Origin", "https://app.example")]))
        XCTAssertEqual(r.http.headers.map { $0.0 }, ["Content-Type", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control",
                                                 "X-Frame-Options", "Access-Control-Allow-Origin", "Vary"])
        let other = await chain.respond(to: request("/x", headers: [("Origin", "https://evil.example")]))
        XCTAssertNil(other.http.headers.first { $0.0 == "Access-Control-Allow-Origin" })
    }

    func testAHostNotAnsweredToReachesNoRouteButKeepsTheHeaders() async throws {
        let endpoint = Endpoint()
        let metrics = Metrics()
        let chain = chain(try configuration(["CLINIC_ALLOWED_HOSTS": "clinic.example", "CORS_ALLOWED_ORIGINS": "https://app.example"]),
                          endpoint, metrics: metrics)
        let page = await chain.respond(to: request("/healthz", headers: [("Host", "evil.example")]))
        XCTAssertEqual(page.http.status, 400)
        XCTAssertEqual(String(decoding: page.http.body, as: UTF8.self), "unknown host\n")
        let api = await chain.respond(to: request("/graphql", method: "OPTIONS", headers: [("Host", "evil.example"), ("Origin", "https://app.example")]))
        XCTAssertEqual(api.http.status, 400, "the preflight comes after the Host check")
        XCTAssertEqual(api.http.headers.last?.0, "Vary")
        XCTAssertTrue(api.http.headers.contains { $0 == ("X-Frame-Options", "DENY") })
        XCTAssertTrue(endpoint.seen.isEmpty)
        XCTAssertTrue(metrics.render(gauges: []).contains("clinic_http_requests_total{operation=\"unknown\",status=\"400\"} 1"))
        _ = await chain.respond(to: request("/healthz", headers: [("Host", "clinic.example")]))
        XCTAssertEqual(endpoint.seen.count, 1)
    }

    func testPreflightIsAnsweredWithoutTheRoutes() async throws {
        let endpoint = Endpoint()
        let chain = chain(try configuration(["CORS_ALLOWED_ORIGINS": "https://app.example"]), endpoint)
        let allowed = await chain.respond(to: request("/graphql", method: "OPTIONS", headers: [("Origin", "https://app.example")]))
        XCTAssertEqual(allowed.http.status, 204)
        XCTAssertEqual(allowed.http.headers.first?.0, "Access-Control-Allow-Methods")
        let unknown = await chain.respond(to: request("/graphql", method: "OPTIONS", headers: [("Origin", "https://evil.example")]))
        XCTAssertEqual(unknown.http.status, 204)
        XCTAssertFalse(unknown.http.headers.contains { $0.0.hasPrefix("Access-Control") })
        _ = await chain.respond(to: request("/other", method: "OPTIONS"))
        XCTAssertEqual(endpoint.seen.map(\.http.path), ["/other"], "only /graphql has a preflight")
    }

    func testOnlyGraphQLRequestsAreCountedWithTheirStatus() async throws {
        let endpoint = Endpoint()
        let metrics = Metrics()
        let chain = chain(try configuration(), endpoint, metrics: metrics)
        _ = await chain.respond(to: request("/healthz"))
        XCTAssertFalse(metrics.render(gauges: []).contains("clinic_http_requests_total{"))
        endpoint.answer = ServerResponse(HTTPResponse(status: 429, headers: [], body: []),
                                         graphQLRequest: GraphQLRequestRecord(operation: "mutation", statements: 2,
                                                                              errorCodes: ["RATE_LIMITED"], timed: true))
        _ = await chain.respond(to: request("/graphql", method: "POST"))
        let text = metrics.render(gauges: [])
        XCTAssertTrue(text.contains("clinic_http_requests_total{operation=\"mutation\",status=\"429\"} 1"), text)
        XCTAssertTrue(text.contains("clinic_graphql_errors_total{code=\"RATE_LIMITED\"} 1"), text)
    }
}
