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
    /// Called once per executed operation so statement counts can be read.
    func statements(in context: any Sendable) -> Int
    func userID(in context: any Sendable) -> String?
    func isStaff(_ context: any Sendable) -> Bool
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

    func respond(to serverRequest: ServerRequest) async -> ServerResponse {
        let request = serverRequest.http
        let accept = request.headers["accept"] ?? ""
        let modern = GraphQLMediaType.prefersGraphQLResponse(accept: accept)
        let mediaType = modern ? GraphQLMediaType.graphQLResponse : GraphQLMediaType.json

        if request.method == "GET", accept.contains("text/html"), !accept.contains("json") {
            return ServerResponse(explorer.page(query: request.queryItem("query")))
        }

        let read: [ReadOperation], isBatch: Bool
        switch GraphQLRequestReading.operations(request) {
        case .success(let r): (read, isBatch) = r
        case .failure(let refusal):
            return .graphQLRequestError(refusal.status, "BAD_REQUEST", refusal.message, mediaType: mediaType, extraHeaders: refusal.headers)
        }

        // Who is calling.
        let bearer: String?
        switch GraphQLRequestReading.bearerToken(request.headers["authorization"]) {
        case .absent: bearer = nil
        case .token(let t): bearer = t
        case .malformed:
            return .graphQLRequestError(401, "UNAUTHENTICATED", "The Authorization header must be \"Bearer <token>\".", mediaType: mediaType,
                                        extraHeaders: [("WWW-Authenticate", "Bearer error=\"invalid_token\"")])
        }
        let context: any Sendable
        switch await authenticator.authenticate(bearer: bearer, request: request, clientAddress: serverRequest.clientAddress,
                                                requestID: serverRequest.id) {
        case .context(let c): context = c
        case .unauthenticated(let message):
            return .graphQLRequestError(401, "UNAUTHENTICATED", message, mediaType: mediaType,
                                        extraHeaders: [("WWW-Authenticate", "Bearer error=\"invalid_token\"")])
        case .rateLimited(let retryAfter):
            var r = ServerResponse.graphQLRequestError(429, "RATE_LIMITED", "Too many requests; try again in \(retryAfter) seconds.",
                                                       mediaType: mediaType, extraHeaders: [("Retry-After", String(retryAfter))],
                                                       extra: [("retryAfter", .int(retryAfter))])
            r.http.headers.append(("Cache-Control", "no-store"))
            return r
        case .unavailable:
            return .graphQLRequestError(503, "INTERNAL_SERVER_ERROR", "The service is unavailable for a moment; try again.",
                                        mediaType: mediaType, extraHeaders: [("Retry-After", "1"), ("Cache-Control", "no-store")])
        }

        // Documents sent by hash, and the trusted-documents mode.
        var operations: [GraphQLRequest] = []
        for r in read {
            var op = r.request
            let invalid = op.query == nil && op.variables["__invalid"] != nil
            if !invalid, r.persisted != nil || persisted.trusted != nil {
                let isStaff = persisted.trusted != nil && authenticator.isStaff(context)
                switch persisted.resolve(query: op.query, reference: r.persisted, isStaff: isStaff) {
                case .run(let document): op.query = document
                case .refuse(let status, let code, let message):
                    if !isBatch { return .graphQLRequestError(status, code, message, mediaType: mediaType) }
                    op = GraphQLRequest(query: nil, operationName: message, variables: ["__invalid": .string(code)])
                }
            }
            operations.append(op)
        }

        let allowIntrospection: Bool
        switch introspection {
        case .on: allowIntrospection = true
        case .off: allowIntrospection = false
        case .staff: allowIntrospection = authenticator.isStaff(context)
        }
        let isGet = request.method == "GET" || request.method == "HEAD"

        // Each alias of a root mutation field runs its resolver (password hashing,
        // messages): the bound on one operation holds for a batch as a whole.
        if isBatch {
            let total = operations.reduce(0) { $0 + service.rootMutationFields($1) }
            let limit = service.limits.maxRootMutationFields
            if total > limit {
                let error = GraphQLError("Query is too complex: \(total) root mutation fields in this batch exceed the maximum of \(limit).",
                                         code: "QUERY_TOO_COMPLEX")
                let one = ExecutionResult(data: nil, errors: [error]).jsonBytes()
                return ServerResponse(HTTPResponse(status: 200, headers: [("Content-Type", "\(mediaType); charset=utf-8")],
                                                   body: Self.jsonArray(operations.map { _ in one })),
                                      graphQLRequest: GraphQLRequestRecord(operation: "batch", statements: 0,
                                                                           errorCodes: ["QUERY_TOO_COMPLEX"], timed: false))
            }
        }

        var outcomes: [GraphQLOutcome] = []
        for op in operations {
            if op.query == nil, case .string(let code)? = op.variables["__invalid"] {
                outcomes.append(GraphQLOutcome(result: ExecutionResult(data: nil, errors: [GraphQLError(op.operationName ?? "Malformed operation.", code: code)]),
                                               kind: .requestError, operationType: "unknown", operationName: nil))
                continue
            }
            var outcome = await service.run(op, context: context, allowIntrospection: allowIntrospection,
                                            allowedOperations: isGet ? [.query] : nil)
            if isGet, outcome.kind == .requestError, outcome.operationType == "mutation" || outcome.operationType == "subscription" {
                return .graphQLRequestError(405, "BAD_REQUEST", "Only queries may be sent with GET; use POST for \(outcome.operationType)s.",
                                            mediaType: mediaType, extraHeaders: [("Allow", "POST")])
            }
            if !isProduction {
                outcome.result.extensions.append(("sqlStatements", .int(authenticator.statements(in: context))))
            } else {
                outcome.result.errors = outcome.result.errors.map(Self.mask)
            }
            outcomes.append(outcome)
        }

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
