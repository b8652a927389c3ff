// GraphQL over HTTP (INTERFACE.md "HTTP"): routing, media types, status
// codes, batches, CORS and security headers. The GraphQL work itself is
// GraphQLService's; who the caller is comes from `Authenticator`.
import HTTP
import JSON
import QueryLanguage
import Schema
import Foundation

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

public struct GraphQLHTTPHandler: Sendable {
    let service: GraphQLService
    let authenticator: any RequestAuthenticator
    let configuration: Configuration
    let metrics: Metrics
    let logger: Logger
    let explorerHTML: String
    let staticFiles: StaticFiles?
    let readiness: @Sendable () async -> Bool
    let gauges: @Sendable () -> [(name: String, help: String, value: Double)]
    let extraMetrics: @Sendable () -> String

    public init(service: GraphQLService, authenticator: any RequestAuthenticator, configuration: Configuration,
                metrics: Metrics, logger: Logger, staticFiles: StaticFiles?,
                extraMetrics: @escaping @Sendable () -> String = { "" },
                readiness: @escaping @Sendable () async -> Bool,
                gauges: @escaping @Sendable () -> [(name: String, help: String, value: Double)]) {
        self.service = service; self.authenticator = authenticator; self.configuration = configuration
        self.metrics = metrics; self.logger = logger; self.staticFiles = staticFiles
        self.readiness = readiness; self.gauges = gauges; self.extraMetrics = extraMetrics
        self.explorerHTML = ExplorerPage.html
    }

    static let graphQLResponseType = "application/graphql-response+json"

    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let started = ContinuousClock.now
        let requestID = Self.makeRequestID()
        var response: HTTPResponse
        var logFields: [(String, JSON)] = []
        let clientAddress = configuration.trustedProxies.clientAddress(peer: request.remoteAddress,
                                                                       forwardedFor: request.headers.values(for: "x-forwarded-for"))
        if !configuration.allowedHosts.admits(request.headers["host"]) {
            // Before routing: a name this server does not answer to (DNS rebinding) reaches nothing.
            response = request.path == "/graphql"
                ? requestError(400, "BAD_REQUEST", "This server does not answer to that Host.",
                               mediaType: Self.prefersGraphQLResponse(accept: request.headers["accept"] ?? "") ? Self.graphQLResponseType : "application/json")
                : Self.text(400, "unknown host\n")
        } else {
            switch request.path {
            case "/graphql":
                (response, logFields) = await graphQL(request, clientAddress: clientAddress, requestID: requestID)
            case ExplorerPage.scriptPath:
                response = HTTPResponse(status: 200, headers: [("Content-Type", "text/javascript; charset=utf-8"),
                                                               ("Cache-Control", "no-cache")], body: Array(ExplorerPage.script.utf8))
            case "/healthz":
                response = Self.text(200, "ok\n")
            case "/readyz":
                response = await readiness() ? Self.text(200, "ready\n") : Self.text(503, "database unavailable\n")
            case "/metrics":
                response = HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                                        body: Array((metrics.render(gauges: gauges()) + extraMetrics()).utf8))
            default:
                if let staticFiles, request.method == "GET" || request.method == "HEAD" {
                    response = staticFiles.serve(path: request.path)
                } else {
                    response = Self.text(404, "not found\n")
                }
            }
        }
        addSecurityHeaders(&response, request: request)
        let elapsed = started.duration(to: .now)
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        logger.info("request", [("method", .string(request.method)), ("path", .string(request.path)),
                                ("status", .int(response.status)), ("ms", .double((ms * 100).rounded() / 100)),
                                ("ip", .string(clientAddress)), ("request_id", .string(requestID))] + logFields)
        return response
    }

    // MARK: - /graphql

    private func graphQL(_ request: HTTPRequest, clientAddress: String, requestID: String) async -> (HTTPResponse, [(String, JSON)]) {
        let accept = request.headers["accept"] ?? ""
        let modern = Self.prefersGraphQLResponse(accept: accept)
        let mediaType = modern ? Self.graphQLResponseType : "application/json"
        let started = ContinuousClock.now

        if request.method == "OPTIONS" { return (corsPreflight(request), []) }
        if request.method == "GET", accept.contains("text/html"), !accept.contains("json") {
            return (explorer(query: request.queryItem("query")), [])
        }

        // Collect the operations.
        var operations: [GraphQLRequest] = []
        var isBatch = false
        switch request.method {
        case "GET", "HEAD":
            guard let query = request.queryItem("query") else {
                return (requestError(400, "BAD_REQUEST", "The request has no query.", mediaType: mediaType), [])
            }
            var variables: [String: JSON] = [:]
            if let text = request.queryItem("variables"), !text.isEmpty {
                guard let v = try? JSONParser.parse(Array(text.utf8)) else {
                    return (requestError(400, "BAD_REQUEST", "The variables parameter is not valid JSON.", mediaType: mediaType), [])
                }
                switch v {
                case .object(let members): variables = Dictionary(members, uniquingKeysWith: { $1 })
                case .null: break
                default: return (requestError(400, "BAD_REQUEST", "Variables must be a JSON object.", mediaType: mediaType), [])
                }
            }
            operations = [GraphQLRequest(query: query, operationName: request.queryItem("operationName").flatMap { $0.isEmpty ? nil : $0 },
                                         variables: variables)]
        case "POST":
            if let error = Self.checkContentType(request.headers["content-type"]) {
                return (requestError(415, "BAD_REQUEST", error, mediaType: mediaType), [])
            }
            let body: JSON
            do { body = try JSONParser.parse(request.body) } catch {
                return (requestError(400, "BAD_REQUEST", "The request body is not valid JSON.", mediaType: mediaType), [])
            }
            switch body {
            case .array(let items):
                isBatch = true
                guard !items.isEmpty else {
                    return (requestError(400, "BAD_REQUEST", "A batch must contain at least one operation.", mediaType: mediaType), [])
                }
                guard items.count <= 10 else {
                    return (requestError(400, "BAD_REQUEST", "A batch may contain at most 10 operations; this one has \(items.count).", mediaType: mediaType), [])
                }
                for item in items {
                    switch Self.operation(from: item) {
                    case .success(let op): operations.append(op)
                    case .failure(let malformed):
                        // One malformed entry answers for itself; the others still run.
                        operations.append(GraphQLRequest(query: nil, operationName: malformed.message, variables: ["__invalid": .bool(true)]))
                    }
                }
            default:
                switch Self.operation(from: body) {
                case .success(let op): operations = [op]
                case .failure(let malformed): return (requestError(400, "BAD_REQUEST", malformed.message, mediaType: mediaType), [])
                }
            }
        default:
            var r = requestError(405, "BAD_REQUEST", "Use GET or POST for /graphql.", mediaType: mediaType)
            r.headers.append(("Allow", "GET, POST, OPTIONS"))
            return (r, [])
        }

        // Who is calling.
        let bearer: String?
        switch Self.bearerToken(request.headers["authorization"]) {
        case .absent: bearer = nil
        case .token(let t): bearer = t
        case .malformed:
            return (requestError(401, "UNAUTHENTICATED", "The Authorization header must be \"Bearer <token>\".", mediaType: mediaType,
                                 extraHeaders: [("WWW-Authenticate", "Bearer error=\"invalid_token\"")]), [])
        }
        let context: any Sendable
        switch await authenticator.authenticate(bearer: bearer, request: request, clientAddress: clientAddress, requestID: requestID) {
        case .context(let c): context = c
        case .unauthenticated(let message):
            return (requestError(401, "UNAUTHENTICATED", message, mediaType: mediaType,
                                 extraHeaders: [("WWW-Authenticate", "Bearer error=\"invalid_token\"")]), [])
        case .rateLimited(let retryAfter):
            var r = requestError(429, "RATE_LIMITED", "Too many requests; try again in \(retryAfter) seconds.", mediaType: mediaType,
                                 extraHeaders: [("Retry-After", String(retryAfter))], extra: [("retryAfter", .int(retryAfter))])
            r.headers.append(("Cache-Control", "no-store"))
            return (r, [])
        case .unavailable:
            return (requestError(503, "INTERNAL_SERVER_ERROR", "The service is unavailable for a moment; try again.",
                                 mediaType: mediaType, extraHeaders: [("Retry-After", "1"), ("Cache-Control", "no-store")]), [])
        }

        let allowIntrospection: Bool
        switch configuration.introspection {
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
                metrics.recordRequest(operation: "batch", status: 200, seconds: 0, statements: 0, errorCodes: ["QUERY_TOO_COMPLEX"])
                let one = ExecutionResult(data: nil, errors: [error]).jsonBytes()
                var bytes: [UInt8] = [UInt8(ascii: "[")]
                for i in operations.indices {
                    if i > 0 { bytes.append(UInt8(ascii: ",")) }
                    bytes += one
                }
                bytes.append(UInt8(ascii: "]"))
                return (HTTPResponse(status: 200, headers: [("Content-Type", "\(mediaType); charset=utf-8")], body: bytes), [])
            }
        }

        var outcomes: [GraphQLOutcome] = []
        for op in operations {
            if op.query == nil, op.variables["__invalid"] != nil {
                outcomes.append(GraphQLOutcome(result: ExecutionResult(data: nil, errors: [GraphQLError(op.operationName ?? "Malformed operation.", code: "BAD_REQUEST")]),
                                               kind: .requestError, operationType: "unknown", operationName: nil))
                continue
            }
            var outcome = await service.run(op, context: context, allowIntrospection: allowIntrospection,
                                            allowedOperations: isGet ? [.query] : nil)
            if isGet, outcome.kind == .requestError, outcome.operationType == "mutation" || outcome.operationType == "subscription" {
                var r = requestError(405, "BAD_REQUEST", "Only queries may be sent with GET; use POST for \(outcome.operationType)s.",
                                     mediaType: mediaType)
                r.headers.append(("Allow", "POST"))
                return (r, [])
            }
            if !configuration.isProduction {
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
            var bytes: [UInt8] = [UInt8(ascii: "[")]
            for (i, o) in outcomes.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += o.result.jsonBytes()
            }
            bytes.append(UInt8(ascii: "]"))
            body = bytes
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
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let codes = outcomes.flatMap { $0.result.errors.compactMap(\.code) }
        let statements = authenticator.statements(in: context)
        metrics.recordRequest(operation: outcomes.count == 1 ? outcomes[0].operationType : "batch", status: status,
                              seconds: seconds, statements: statements, errorCodes: codes)
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
        return (response, fields)
    }

    // MARK: - Pieces

    enum Bearer { case absent, token(String), malformed }

    static func bearerToken(_ header: String?) -> Bearer {
        guard let header else { return .absent }
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .malformed }
        return .token(String(parts[1]))
    }

    /// nil when acceptable; else why the content type is refused (415).
    static func checkContentType(_ header: String?) -> String? {
        guard let header else { return "Content-Type must be application/json." }
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/json" else {
            return "Content-Type must be application/json; \(parts.first ?? "none") is not accepted."
        }
        for p in parts.dropFirst() where p.hasPrefix("charset=") {
            let cs = p.dropFirst("charset=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            if cs != "utf-8" && cs != "utf8" { return "Only UTF-8 request bodies are accepted (charset=\(cs))." }
        }
        return nil
    }

    static func prefersGraphQLResponse(accept: String) -> Bool {
        // Legacy clients ask for application/json; everything else (incl. no
        // Accept header and */*) gets the GraphQL response media type... except
        // that the GraphQL-over-HTTP spec treats a missing Accept as application/json.
        if accept.isEmpty { return false }
        var best: (modern: Double, legacy: Double) = (-1, -1)
        for item in accept.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            var q = 1.0
            for p in parts.dropFirst() where p.hasPrefix("q=") { q = Double(p.dropFirst(2)) ?? 1 }
            switch parts.first {
            case graphQLResponseType: best.modern = max(best.modern, q)
            case "application/json": best.legacy = max(best.legacy, q)
            case "*/*", "application/*": best.legacy = max(best.legacy, q * 0.999)
            default: break
            }
        }
        return best.modern > 0 && best.modern >= best.legacy
    }

    struct MalformedOperation: Error { var message: String }

    static func operation(from json: JSON) -> Result<GraphQLRequest, MalformedOperation> {
        guard case .object(let members) = json else { return .failure(MalformedOperation(message: "The request body must be a JSON object (or an array of them).")) }
        let dict = Dictionary(members, uniquingKeysWith: { $1 })
        let query: String
        switch dict["query"] {
        case .string(let q)?: query = q
        case nil, .null?: return .failure(MalformedOperation(message: "The request has no query."))
        default: return .failure(MalformedOperation(message: "The query must be a string."))
        }
        var opName: String?
        switch dict["operationName"] {
        case .string(let n)?: opName = n.isEmpty ? nil : n
        case nil, .null?: break
        default: return .failure(MalformedOperation(message: "operationName must be a string."))
        }
        var variables: [String: JSON] = [:]
        switch dict["variables"] {
        case .object(let v)?: variables = Dictionary(v, uniquingKeysWith: { $1 })
        case nil, .null?: break
        default: return .failure(MalformedOperation(message: "Variables must be a JSON object."))
        }
        switch dict["extensions"] {
        case .object?, nil, .null?: break
        default: return .failure(MalformedOperation(message: "Extensions must be a JSON object."))
        }
        return .success(GraphQLRequest(query: query, operationName: opName, variables: variables))
    }

    func requestError(_ status: Int, _ code: String, _ message: String, mediaType: String,
                      extraHeaders: [(String, String)] = [], extra: [(String, JSON)] = []) -> HTTPResponse {
        let result = ExecutionResult(data: nil, errors: [GraphQLError(message, code: code, extra: extra)])
        metrics.recordRequest(operation: "unknown", status: status, seconds: 0, statements: 0, errorCodes: [code])
        return HTTPResponse(status: status, headers: [("Content-Type", "\(mediaType); charset=utf-8")] + extraHeaders,
                            body: result.jsonBytes())
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

    static func mask(_ error: GraphQLError) -> GraphQLError {
        guard error.code == "INTERNAL_SERVER_ERROR" else { return error }
        var e = error
        e.message = "Internal server error"
        return e
    }

    func corsPreflight(_ request: HTTPRequest) -> HTTPResponse {
        var r = HTTPResponse(status: 204, headers: [], body: [])
        if let origin = request.headers["origin"], configuration.corsAllowedOrigins.contains(origin) {
            r.headers += [("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                          ("Access-Control-Allow-Headers", "Content-Type, Authorization"),
                          ("Access-Control-Max-Age", "600")]
        }
        return r
    }

    func explorer(query: String?) -> HTTPResponse {
        let prefill = Self.htmlEscape(query ?? "")
        let html = explorerHTML.replacingOccurrences(of: "{{INITIAL_QUERY}}", with: prefill)
        return HTTPResponse(status: 200, headers: [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", ExplorerPage.contentSecurityPolicy),
        ], body: Array(html.utf8))
    }

    func addSecurityHeaders(_ r: inout HTTPResponse, request: HTTPRequest) {
        func has(_ name: String) -> Bool { r.headers.contains { $0.0.lowercased() == name.lowercased() } }
        r.headers.append(("X-Content-Type-Options", "nosniff"))
        r.headers.append(("Referrer-Policy", "no-referrer"))
        if !has("Cache-Control") { r.headers.append(("Cache-Control", "no-store")) }
        if !has("X-Frame-Options") { r.headers.append(("X-Frame-Options", "DENY")) }
        if configuration.isProduction { r.headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains")) }
        if let origin = request.headers["origin"], configuration.corsAllowedOrigins.contains(origin) {
            r.headers.append(("Access-Control-Allow-Origin", origin))
            r.headers.append(("Vary", "Origin"))
        }
    }

    static func text(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(body.utf8))
    }

    static func htmlEscape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func makeRequestID() -> String {
        var g = SystemRandomNumberGenerator()
        return String(g.next() as UInt64, radix: 36)
    }
}
