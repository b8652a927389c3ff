// GraphQL over HTTP as an application: a chain of small middlewares around
// the routes. The order is part of the contract's behaviour:
//
//   ClientAddressMiddleware    who the client is (TRUSTED_PROXIES), for everything after
//   RequestLogMiddleware       one access-log line, whatever answered
//   MetricsMiddleware          GraphQL requests counted, refusals included
//   CORSHeadersMiddleware      Access-Control-Allow-Origin last, on every answer
//   SecurityHeadersMiddleware  nosniff, no-referrer, no-store, DENY, HSTS, on every answer
//   HostAllowListMiddleware    a Host not answered to reaches no route (CLINIC_ALLOWED_HOSTS)
//   CORSPreflightMiddleware    OPTIONS /graphql, only for hosts answered to
//   Router                     /graphql, the explorer script, /healthz, /readyz, /metrics,
//                              /calendar/<token>.ics (doctors' feeds), web files
//
// Rate limits are not a middleware: the request budget is the caller's
// (RATE_LIMIT_ANON by address, RATE_LIMIT_USER by account), known only once
// the bearer token is checked, so the authenticator applies it in /graphql.
import HTTP
import Resolvers
import Schema
import Synchronization

public struct HTTPApplication: Sendable {
    let chain: MiddlewareChain

    public init(service: GraphQLService, authenticator: any RequestAuthenticator, configuration: Configuration,
                metrics: Metrics, logger: Logger, staticFiles: StaticFiles?,
                extraMetrics: @escaping @Sendable () -> String = { "" },
                readiness: @escaping @Sendable () async -> String?,
                gauges: @escaping @Sendable () -> [(name: String, help: String, value: Double)],
                calendarFeeds: ClinicServices? = nil) {
        let explorer = ExplorerRoute()
        let router = Router(
            graphQL: GraphQLRoute(service: service, authenticator: authenticator, introspection: configuration.introspection,
                                  isProduction: configuration.isProduction, explorer: explorer,
                                  persisted: PersistedDocuments(trusted: configuration.trustedDocuments,
                                                                staffAdHoc: configuration.trustedDocumentsStaffAdHoc,
                                                                capacity: configuration.persistedQueriesCapacity)),
            explorer: explorer,
            operations: OperationsRoutes(metrics: metrics, readiness: readiness, gauges: gauges, extraMetrics: extraMetrics),
            staticFiles: staticFiles, calendarFeeds: calendarFeeds.map { CalendarFeedRoute(services: $0) })
        chain = MiddlewareChain(Self.middlewares(configuration: configuration, metrics: metrics, logger: logger),
                                dispatcher: { router.dispatch($0) })
    }

    /// The middlewares in order, outermost first.
    static func middlewares(configuration: Configuration, metrics: Metrics, logger: Logger) -> [any Middleware] {
        [
            ClientAddressMiddleware(trustedProxies: configuration.trustedProxies),
            RequestLogMiddleware(logger: logger),
            MetricsMiddleware(metrics: metrics),
            CORSHeadersMiddleware(allowedOrigins: configuration.corsAllowedOrigins),
            SecurityHeadersMiddleware(isProduction: configuration.isProduction),
            HostAllowListMiddleware(allowedHosts: configuration.allowedHosts),
            CORSPreflightMiddleware(allowedOrigins: configuration.corsAllowedOrigins),
        ]
    }

    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        await chain.respond(to: ServerRequest(http: request, id: Self.makeRequestID(), clientAddress: request.remoteAddress)).http
    }

    /// For `HTTPServer(configuration:dispatcher:)`: on the event loop, the middlewares' way in and
    /// the answers known without I/O; the rest as a handler task.
    public func dispatch(_ request: HTTPRequest) -> HTTPDispatch {
        switch chain.dispatch(ServerRequest(http: request, id: Self.makeRequestID(), clientAddress: request.remoteAddress)) {
        case .respond(let response): return .respond(response.http)
        case .run(let work): return .run { await work().http }
        }
    }

    /// The body of errors the HTTP server answers by itself, before any
    /// handler sees the request (a body over 1 MiB, headers over 16 KiB, a
    /// request not received in time, broken framing): the GraphQL error shape
    /// with a code, like every other 4xx of the API. The server cannot know
    /// what the client accepts yet, so it is plain `application/json`.
    public static func protocolErrorResponse(status: Int) -> HTTPResponse {
        let message: String
        switch status {
        case 400: message = "The request is not valid HTTP/1.1."
        case 408: message = "The request was not received in time."
        case 413: message = "The request body is larger than the limit of 1 MiB."
        case 417: message = "Only the expectation 100-continue is supported."
        case 431: message = "The request headers are larger than the limit of 16 KiB."
        case 501: message = "That transfer coding is not supported; use Content-Length or chunked."
        case 505: message = "Only HTTP/1.0 and HTTP/1.1 are supported."
        default: message = httpReasonPhrase(status) + "."
        }
        // Each of these is the client's doing, 501 and 505 included.
        let result = ExecutionResult(data: nil, errors: [GraphQLError(message, code: "BAD_REQUEST")])
        return HTTPResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8"),
                                                      ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")],
                            body: result.jsonBytes())
    }

    /// Distinct within the process and unpredictable enough to correlate log lines by: a counter
    /// mixed with a key drawn once (splitmix64, a bijection, so no two requests share an id),
    /// not a `getrandom` system call per request.
    static func makeRequestID() -> String {
        String(RequestIDs.next(), radix: 36)
    }
}

enum RequestIDs {
    private static let key: UInt64 = { var g = SystemRandomNumberGenerator(); return g.next() }()
    private static let counter = Atomic<UInt64>(0)

    static func next() -> UInt64 {
        var z = key &+ counter.add(1, ordering: .relaxed).newValue &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
