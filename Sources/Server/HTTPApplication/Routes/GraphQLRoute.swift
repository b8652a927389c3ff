// /graphql (INTERFACE.md "HTTP"): media types, status codes, batches, who the
// caller is, and the explorer page for a browser. The GraphQL work itself is
// GraphQLService's; who the caller is comes from the `RequestAuthenticator`.
import HTTP
import JSON
import Schema

/// Turns the Authorization header into the per-request context. A bad token
/// is an error that fails the whole request with 401.
public protocol RequestAuthenticator: Sendable {
    /// `bearer` is nil when the header is absent; `clientAddress` is who rate
    /// limits, lockouts and audit entries count (see `TrustedProxies`).
    func authenticate(bearer: String?, request: HTTPRequest, clientAddress: String, requestID: String) async -> AuthenticationOutcome
    /// The same when it can be known without waiting (no I/O: an anonymous caller, a cached
    /// user); nil otherwise, having counted nothing against the caller's budget.
    func authenticateWithoutWaiting(bearer: String?, request: HTTPRequest, clientAddress: String, requestID: String) -> AuthenticationOutcome?
    /// Called once per executed operation so statement counts can be read.
    func statements(in context: any Sendable) -> Int
    func userID(in context: any Sendable) -> String?
    func isStaff(_ context: any Sendable) -> Bool
}

extension RequestAuthenticator {
    public func authenticateWithoutWaiting(bearer: String?, request: HTTPRequest, clientAddress: String,
                                           requestID: String) -> AuthenticationOutcome? { nil }
}

public enum AuthenticationOutcome: Sendable {
    case context(any Sendable)
    case unauthenticated(String)
    case rateLimited(retryAfter: Int)
    /// The server cannot check credentials right now (its database is down).
    case unavailable
}

struct GraphQLRoute: Sendable {
    let service: GraphQLService
    let authenticator: any RequestAuthenticator
    let introspection: IntrospectionPolicy
    let isProduction: Bool
    let explorer: ExplorerRoute
    let persisted: PersistedDocuments

    /// A request read up to who the caller is.
    struct Reading: Sendable {
        let serverRequest: ServerRequest
        let read: [ReadOperation]
        let isBatch: Bool
        let bearer: String?
        let mediaType: String
        let modern: Bool
        var http: HTTPRequest { serverRequest.http }
        var isGet: Bool { http.method == "GET" || http.method == "HEAD" }
    }

    /// Bodies up to this size are read on the event loop (larger ones in the handler task).
    static let inlineBodyLimit = 16 * 1024

    /// On the event loop: refusals, and operations whose outcome is known without I/O (a cached
    /// document's request errors, an operation that runs no resolver and was answered before,
    /// for a caller known without a statement), are answered here; everything else runs in a
    /// handler task, carrying what was already read (and the caller, when known).
    func dispatch(_ serverRequest: ServerRequest) -> RouteDispatch {
        guard serverRequest.http.body.count <= Self.inlineBodyLimit else { return .run { await respond(to: serverRequest) } }
        let r: Reading
        switch read(serverRequest) {
        case .failure(let answer): return .respond(answer.response)
        case .success(let reading): r = reading
        }
        guard let outcome = authenticator.authenticateWithoutWaiting(bearer: r.bearer, request: r.http, clientAddress: serverRequest.clientAddress,
                                                                    requestID: serverRequest.id) else {
            return .run { await respond(r) }
        }
        let context: any Sendable
        switch admit(outcome, r) {
        case .failure(let answer): return .respond(answer.response)
        case .success(let c): context = c
        }
        let operations: [GraphQLRequest]
        switch resolveDocuments(r, context: context) {
        case .failure(let answer): return .respond(answer.response)
        case .success(let ops): operations = ops
        }
        let allowIntrospection = introspectionAllowed(context)
        var outcomes: [GraphQLOutcome] = []
        for op in operations {
            if let invalid = Self.invalidOutcome(op) {
                outcomes.append(invalid)
                continue
            }
            let outcome: GraphQLOutcome
            switch service.lookUp(op, allowIntrospection: allowIntrospection, allowedOperations: r.isGet ? [.query] : nil) {
            case .known(let o): outcome = o
            case .run(let document):
                // The task runs every operation; a single one with the document just looked up.
                let looked = r.isBatch ? nil : document
                return .run { await execute(r, context: context, operations: operations, document: looked) }
            }
            switch finish(outcome, r, context: context) {
            case .failure(let answer): return .respond(answer.response)
            case .success(let o): outcomes.append(o)
            }
        }
        return .respond(render(outcomes, r, context: context))
    }

    func respond(to serverRequest: ServerRequest) async -> ServerResponse {
        switch read(serverRequest) {
        case .failure(let answer): return answer.response
        case .success(let r): return await respond(r)
        }
    }

    /// An answer that ends the request early (an error response).
    struct Answer: Error { let response: ServerResponse }

    /// The explorer page, the request's operations and the bearer token, or the refusal.
    func read(_ serverRequest: ServerRequest) -> Result<Reading, Answer> {
        let request = serverRequest.http
        let accept = request.headers["accept"] ?? ""
        let modern = GraphQLMediaType.prefersGraphQLResponse(accept: accept)
        let mediaType = modern ? GraphQLMediaType.graphQLResponse : GraphQLMediaType.json

        if request.method == "GET", accept.contains("text/html"), !accept.contains("json") {
            return .failure(Answer(response: ServerResponse(explorer.page(query: request.queryItem("query")))))
        }

        let read: [ReadOperation], isBatch: Bool
        switch GraphQLRequestReading.operations(request) {
        case .success(let r): (read, isBatch) = r
        case .failure(let refusal):
            return .failure(Answer(response: .graphQLRequestError(refusal.status, "BAD_REQUEST", refusal.message, mediaType: mediaType,
                                                                  extraHeaders: refusal.headers)))
        }

        // Who is calling.
        let bearer: String?
        switch GraphQLRequestReading.bearerToken(request.headers["authorization"]) {
        case .absent: bearer = nil
        case .token(let t): bearer = t
        case .malformed:
            return .failure(Answer(response: .graphQLRequestError(401, "UNAUTHENTICATED", "The Authorization header must be \"Bearer <token>\".",
                                                                  mediaType: mediaType,
                                                                  extraHeaders: [("WWW-Authenticate", "Bearer error=\"invalid_token\"")])))
        }
        return .success(Reading(serverRequest: serverRequest, read: read, isBatch: isBatch, bearer: bearer, mediaType: mediaType, modern: modern))
    }

    /// The rest of a request, in a handler task.
    func respond(_ r: Reading) async -> ServerResponse {
        let outcome = await authenticator.authenticate(bearer: r.bearer, request: r.http, clientAddress: r.serverRequest.clientAddress,
                                                       requestID: r.serverRequest.id)
        let context: any Sendable
        switch admit(outcome, r) {
        case .failure(let answer): return answer.response
        case .success(let c): context = c
        }
        switch resolveDocuments(r, context: context) {
        case .failure(let answer): return answer.response
        case .success(let operations): return await execute(r, context: context, operations: operations)
        }
    }

    /// The request context, or the response refusing the caller.
    func admit(_ outcome: AuthenticationOutcome, _ r: Reading) -> Result<any Sendable, Answer> {
        let mediaType = r.mediaType
        switch outcome {
        case .context(let c): return .success(c)
        case .unauthenticated(let message):
            return .failure(Answer(response: .graphQLRequestError(401, "UNAUTHENTICATED", message, mediaType: mediaType,
                                                                  extraHeaders: [("WWW-Authenticate", "Bearer error=\"invalid_token\"")])))
        case .rateLimited(let retryAfter):
            var response = ServerResponse.graphQLRequestError(429, "RATE_LIMITED", "Too many requests; try again in \(retryAfter) seconds.",
                                                              mediaType: mediaType, extraHeaders: [("Retry-After", String(retryAfter))],
                                                              extra: [("retryAfter", .int(retryAfter))])
            response.http.headers.append(("Cache-Control", "no-store"))
            return .failure(Answer(response: response))
        case .unavailable:
            return .failure(Answer(response: .graphQLRequestError(503, "SERVICE_UNAVAILABLE", "The service is unavailable for a moment; try again.",
                                                                  mediaType: mediaType, extraHeaders: [("Retry-After", "1"), ("Cache-Control", "no-store")])))
        }
    }

    /// Documents sent by hash and the trusted-documents mode resolved to their text; and the bound
    /// on root mutation fields of a batch as a whole.
    func resolveDocuments(_ r: Reading, context: any Sendable) -> Result<[GraphQLRequest], Answer> {
        var operations: [GraphQLRequest] = []
        for read in r.read {
            var op = read.request
            let invalid = op.query == nil && op.variables["__invalid"] != nil
            if !invalid, read.persisted != nil || persisted.trusted != nil {
                let isStaff = persisted.trusted != nil && authenticator.isStaff(context)
                switch persisted.resolve(query: op.query, reference: read.persisted, isStaff: isStaff) {
                case .run(let document): op.query = document
                case .refuse(let status, let code, let message):
                    if !r.isBatch { return .failure(Answer(response: .graphQLRequestError(status, code, message, mediaType: r.mediaType))) }
                    op = GraphQLRequest(query: nil, operationName: message, variables: ["__invalid": .string(code)])
                }
            }
            operations.append(op)
        }

        // Each alias of a root mutation field runs its resolver (password hashing,
        // messages): the bound on one operation holds for a batch as a whole.
        if r.isBatch {
            let total = operations.reduce(0) { $0 + service.rootMutationFields($1) }
            let limit = service.limits.maxRootMutationFields
            if total > limit {
                let error = GraphQLError("Query is too complex: \(total) root mutation fields in this batch exceed the maximum of \(limit).",
                                         code: "QUERY_TOO_COMPLEX")
                let one = ExecutionResult(data: nil, errors: [error]).jsonBytes()
                return .failure(Answer(response: ServerResponse(HTTPResponse(status: 200, headers: [("Content-Type", "\(r.mediaType); charset=utf-8")],
                                                                             body: Self.jsonArray(operations.map { _ in one })),
                                                                graphQLRequest: GraphQLRequestRecord(operation: "batch", statements: 0,
                                                                                                     errorCodes: ["QUERY_TOO_COMPLEX"], timed: false))))
            }
        }
        return .success(operations)
    }

    func introspectionAllowed(_ context: any Sendable) -> Bool {
        switch introspection {
        case .on: return true
        case .off: return false
        case .staff: return authenticator.isStaff(context)
        }
    }

    /// A batch member refused before it was read (see `resolveDocuments`).
    static func invalidOutcome(_ op: GraphQLRequest) -> GraphQLOutcome? {
        guard op.query == nil, case .string(let code)? = op.variables["__invalid"] else { return nil }
        return GraphQLOutcome(result: ExecutionResult(data: nil, errors: [GraphQLError(op.operationName ?? "Malformed operation.", code: code)]),
                              kind: .requestError, operationType: "unknown", operationName: nil)
    }

    /// Runs the operations.
    func execute(_ r: Reading, context: any Sendable, operations: [GraphQLRequest], document: CachedDocument? = nil) async -> ServerResponse {
        let allowIntrospection = introspectionAllowed(context)
        var outcomes: [GraphQLOutcome] = []
        for op in operations {
            if let invalid = Self.invalidOutcome(op) {
                outcomes.append(invalid)
                continue
            }
            let outcome = await service.run(op, context: context, allowIntrospection: allowIntrospection,
                                            allowedOperations: r.isGet ? [.query] : nil, document: document)
            switch finish(outcome, r, context: context) {
            case .failure(let answer): return answer.response
            case .success(let o): outcomes.append(o)
            }
        }
        return render(outcomes, r, context: context)
    }

    /// One operation's outcome as the client gets it (or the 405 of a mutation sent with GET).
    func finish(_ outcome: GraphQLOutcome, _ r: Reading, context: any Sendable) -> Result<GraphQLOutcome, Answer> {
        var outcome = outcome
        if r.isGet, outcome.kind == .requestError, outcome.operationType == "mutation" || outcome.operationType == "subscription" {
            return .failure(Answer(response: .graphQLRequestError(405, "BAD_REQUEST", "Only queries may be sent with GET; use POST for \(outcome.operationType)s.",
                                                                  mediaType: r.mediaType, extraHeaders: [("Allow", "POST")])))
        }
        if !isProduction {
            outcome.result.extensions.append(("sqlStatements", .int(authenticator.statements(in: context))))
        } else {
            outcome.result.errors = outcome.result.errors.map(Self.mask)
        }
        return .success(outcome)
    }

    /// The response of the operations' outcomes.
    func render(_ outcomes: [GraphQLOutcome], _ r: Reading, context: any Sendable) -> ServerResponse {
        let request = r.http
        let modern = r.modern
        let mediaType = r.mediaType
        let isBatch = r.isBatch
        let status: Int
        let body: [UInt8]
        if isBatch {
            status = 200
            body = Self.jsonArray(outcomes.map { $0.result.jsonBytes() })
        } else {
            let o = outcomes[0]
            if o.result.errors.contains(where: { $0.code == "RATE_LIMITED" }) {
                // A lockout met while executing (login, password attempts) is 429 like the
                // request budget, under either media type (INTERFACE.md "HTTP").
                status = 429
            } else {
                status = (o.kind == .requestError && modern) ? 400 : 200
            }
            body = o.result.jsonBytes()
        }
        let codes = outcomes.flatMap { $0.result.errors.compactMap(\.code) }
        let statements = authenticator.statements(in: context)
        var fields: [(String, JSON)] = [("sql", .int(statements))]
        if let name = outcomes.first?.operationName {
            // The client's text: bounded so one request cannot write a megabyte of log.
            fields.append(("operation", .string(name.count > 100 ? String(name.prefix(100)) + "…" : name)))
        }
        if let user = authenticator.userID(in: context) { fields.append(("user", .string(user))) }
        if !codes.isEmpty { fields.append(("errors", .string(Set(codes).sorted().joined(separator: ",")))) }
        var response = HTTPResponse(status: status, headers: [("Content-Type", "\(mediaType); charset=utf-8")], body: body)
        // A login lockout is a field error (RATE_LIMITED with retryAfter); say it in HTTP too.
        let retryAfter = outcomes.lazy.flatMap { $0.result.errors }.compactMap { e -> Int? in
            if case .int(let s)? = e.extensions.first(where: { $0.0 == "retryAfter" })?.1 { return s }
            return nil
        }.max()
        if let retryAfter { response.headers.append(("Retry-After", String(retryAfter))) }
        if request.method == "HEAD" { response.body = [] }
        return ServerResponse(response, logFields: fields,
                              graphQLRequest: GraphQLRequestRecord(operation: outcomes.count == 1 ? outcomes[0].operationType : "batch",
                                                                   statements: statements, errorCodes: codes, timed: true))
    }

    /// `[a,b,…]` of already serialized results.
    static func jsonArray(_ items: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += item
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    /// In production an internal error says nothing about its cause.
    static func mask(_ error: GraphQLError) -> GraphQLError {
        guard error.code == "INTERNAL_SERVER_ERROR" else { return error }
        var e = error
        e.message = "Internal server error"
        return e
    }
}
