// The HTTP application is a chain: each middleware sees the request on its way
// in and the response on its way out, and may answer by itself. The order is
// HTTPApplication's; see there for why it is what it is.
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

    public init(http: HTTPRequest, id: String, clientAddress: String) {
        self.http = http; self.id = id; self.clientAddress = clientAddress
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

public protocol Middleware: Sendable {
    /// Answers `request`, by itself or by calling `next` (the rest of the chain).
    func respond(to request: ServerRequest, next: Responder) async -> ServerResponse
}

/// Middlewares in order (the first sees the request first and the response last), then the endpoint.
public struct MiddlewareChain: Sendable {
    public let middlewares: [any Middleware]
    let endpoint: Responder

    public init(_ middlewares: [any Middleware], endpoint: @escaping Responder) {
        self.middlewares = middlewares
        self.endpoint = endpoint
    }

    public func respond(to request: ServerRequest) async -> ServerResponse {
        await respond(to: request, from: 0)
    }

    private func respond(to request: ServerRequest, from index: Int) async -> ServerResponse {
        guard index < middlewares.count else { return await endpoint(request) }
        return await middlewares[index].respond(to: request) { await self.respond(to: $0, from: index + 1) }
    }
}
