// The HTTP application is a chain: each middleware sees the request on its way
// in and the response on its way out, and may answer by itself. The order is
// HTTPApplication's; see there for why it is what it is. The two halves are
// synchronous and the chain awaits the routes once: seven middlewares cost
// plain calls, not seven async hops (as closures around `next` they cost
// ~2.4 µs of CPU per request, +12% on `{ __typename }`). The way in runs on
// the event loop (`dispatch`), so a route that already knows its answer
// (`RouteDispatch.respond`) costs no task and no thread hop at all.
import HTTP
import JSON
import Schema

/// One request on its way through the chain.
public struct ServerRequest: Sendable {
    public var http: HTTPRequest
    /// Random per request: in the access log and the GraphQL context.
    public let id: String
    /// Who rate limits, lockouts and audit entries count: the socket peer until
    /// `ClientAddressMiddleware` has read TRUSTED_PROXIES.
    public var clientAddress: String
    /// When the request entered the chain (the access log's and /metrics' clock).
    public let started: ContinuousClock.Instant

    public init(http: HTTPRequest, id: String, clientAddress: String, started: ContinuousClock.Instant = .now) {
        self.http = http; self.id = id; self.clientAddress = clientAddress; self.started = started
    }
}

/// A response on its way back, with what the outer middlewares record about it.
public struct ServerResponse: Sendable {
    public var http: HTTPResponse
    /// Fields the access log adds to its line (the GraphQL route's operation, user, statements).
    public var logFields: [(String, JSON)]
    /// Set by the GraphQL route (and refusals of /graphql) for `MetricsMiddleware`.
    public var graphQLRequest: GraphQLRequestRecord?

    public init(_ http: HTTPResponse, logFields: [(String, JSON)] = [], graphQLRequest: GraphQLRequestRecord? = nil) {
        self.http = http; self.logFields = logFields; self.graphQLRequest = graphQLRequest
    }
}

/// What /metrics counts of one GraphQL request.
public struct GraphQLRequestRecord: Sendable, Equatable {
    public var operation: String
    public var statements: Int
    public var errorCodes: [String]
    /// False for a request refused before any work (its latency is recorded as 0).
    public var timed: Bool

    public init(operation: String, statements: Int, errorCodes: [String], timed: Bool) {
        self.operation = operation; self.statements = statements; self.errorCodes = errorCodes; self.timed = timed
    }

    /// A request refused before any work: counted under "unknown" with its code.
    public static func refused(_ code: String) -> GraphQLRequestRecord {
        GraphQLRequestRecord(operation: "unknown", statements: 0, errorCodes: [code], timed: false)
    }
}

public typealias Responder = @Sendable (ServerRequest) async -> ServerResponse

/// What a route does with a request, decided on the event-loop thread: an answer already known
/// (no I/O, short work) or the work a handler task does.
public enum RouteDispatch: Sendable {
    case respond(ServerResponse)
    case run(@Sendable () async -> ServerResponse)
}

public typealias Dispatcher = @Sendable (ServerRequest) -> RouteDispatch

public protocol Middleware: Sendable {
    /// On the way in: an answer that ends the request here, or nil to pass it
    /// (possibly changed) to the next middleware.
    func intercept(_ request: inout ServerRequest) -> ServerResponse?
    /// On the way out, innermost first, for every middleware the request passed.
    func finish(_ response: inout ServerResponse, for request: ServerRequest)
}

extension Middleware {
    public func intercept(_ request: inout ServerRequest) -> ServerResponse? { nil }
    public func finish(_ response: inout ServerResponse, for request: ServerRequest) {}
}

/// Middlewares in order (the first sees the request first and the response last), then the endpoint.
public struct MiddlewareChain: Sendable {
    public let middlewares: [any Middleware]
    let endpoint: Dispatcher

    /// An endpoint that always runs as a handler task.
    public init(_ middlewares: [any Middleware], endpoint: @escaping Responder) {
        self.middlewares = middlewares
        self.endpoint = { request in .run { await endpoint(request) } }
    }

    /// An endpoint that answers on the event loop what it can (see `RouteDispatch`).
    public init(_ middlewares: [any Middleware], dispatcher: @escaping Dispatcher) {
        self.middlewares = middlewares
        self.endpoint = dispatcher
    }

    /// The way in runs here (synchronously, on the caller's thread); the way out runs where the
    /// answer is ready: here for `.respond`, in the task for `.run`.
    public func dispatch(_ request: ServerRequest) -> RouteDispatch {
        var request = request
        var passed = 0
        while passed < middlewares.count {
            if let early = middlewares[passed].intercept(&request) {
                return .respond(finish(early, request, passed: passed))
            }
            passed += 1
        }
        switch endpoint(request) {
        case .respond(let response):
            return .respond(finish(response, request, passed: passed))
        case .run(let work):
            let entered = request, count = passed
            return .run { [self] in finish(await work(), entered, passed: count) }
        }
    }

    public func respond(to request: ServerRequest) async -> ServerResponse {
        switch dispatch(request) {
        case .respond(let response): return response
        case .run(let work): return await work()
        }
    }

    private func finish(_ response: ServerResponse, _ request: ServerRequest, passed: Int) -> ServerResponse {
        var response = response
        for index in stride(from: passed - 1, through: 0, by: -1) {
            middlewares[index].finish(&response, for: request)
        }
        return response
    }
}
