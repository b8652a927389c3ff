// Reading a GraphQL-over-HTTP request (INTERFACE.md "HTTP"): the operations of
// a GET query string or a POST body (one object or a batch), the content type,
// and the bearer token.
import Foundation
import HTTP
import JSON
import Schema

/// One operation as read: the request, and the document's hash when it was sent by hash
/// (`query` is then nil, or the text to register).
struct ReadOperation: Sendable {
    var request: GraphQLRequest
    var persisted: PersistedQueryReference?
    init(_ request: GraphQLRequest, persisted: PersistedQueryReference? = nil) { self.request = request; self.persisted = persisted }
}

enum GraphQLRequestReading {
    /// The operations of a GET/HEAD or POST request, or the refusal to send
    /// (400/405/415). In a batch, a malformed entry stands in its place as an
    /// operation without a query whose operationName is the message.
    static func operations(_ request: HTTPRequest) -> Result<(operations: [ReadOperation], isBatch: Bool), Refusal> {
        switch request.method {
        case "GET", "HEAD":
            var persisted: PersistedQueryReference?
            if let text = request.queryItem("extensions"), !text.isEmpty {
                guard let e = try? JSONParser.parse(Array(text.utf8)), case .object = e else {
                    return .failure(Refusal(400, "The extensions parameter must be a JSON object."))
                }
                switch PersistedQueryReference.read(extensions: e) {
                case .success(let r): persisted = r
                case .failure(let malformed): return .failure(Refusal(400, malformed.message))
                }
            }
            let query = request.queryItem("query")
            guard query != nil || persisted != nil else {
                return .failure(Refusal(400, "The request has no query."))
            }
            var variables: [String: JSON] = [:]
            if let text = request.queryItem("variables"), !text.isEmpty {
                guard let v = try? JSONParser.parse(Array(text.utf8)) else {
                    return .failure(Refusal(400, "The variables parameter is not valid JSON."))
                }
                switch v {
                case .object(let members): variables = Dictionary(members, uniquingKeysWith: { $1 })
                case .null: break
                default: return .failure(Refusal(400, "Variables must be a JSON object."))
                }
            }
            let op = GraphQLRequest(query: query, operationName: request.queryItem("operationName").flatMap { $0.isEmpty ? nil : $0 },
                                    variables: variables)
            return .success(([ReadOperation(op, persisted: persisted)], false))
        case "POST":
            if let error = checkContentType(request.headers["content-type"]) {
                return .failure(Refusal(415, error))
            }
            let body: JSON
            do { body = try JSONParser.parse(request.body) } catch {
                return .failure(Refusal(400, "The request body is not valid JSON."))
            }
            switch body {
            case .array(let items):
                guard !items.isEmpty else {
                    return .failure(Refusal(400, "A batch must contain at least one operation."))
                }
                guard items.count <= 10 else {
                    return .failure(Refusal(400, "A batch may contain at most 10 operations; this one has \(items.count)."))
                }
                let operations = items.map { item in
                    switch operation(from: item) {
                    case .success(let op): return op
                    case .failure(let malformed):
                        // One malformed entry answers for itself; the others still run.
                        return ReadOperation(GraphQLRequest(query: nil, operationName: malformed.message, variables: ["__invalid": .string("BAD_REQUEST")]))
                    }
                }
                return .success((operations, true))
            default:
                switch operation(from: body) {
                case .success(let op): return .success(([op], false))
                case .failure(let malformed): return .failure(Refusal(400, malformed.message))
                }
            }
        default:
            return .failure(Refusal(405, "Use GET or POST for /graphql.", headers: [("Allow", "GET, POST, OPTIONS")]))
        }
    }

    /// Why a request is refused before anything runs (always BAD_REQUEST).
    struct Refusal: Error {
        var status: Int
        var message: String
        var headers: [(String, String)]
        init(_ status: Int, _ message: String, headers: [(String, String)] = []) {
            self.status = status; self.message = message; self.headers = headers
        }
    }

    enum Bearer { case absent, token(String), malformed }

    static func bearerToken(_ header: String?) -> Bearer {
        guard let header else { return .absent }
        // What every client sends: "Bearer <token>" (one space, no other), read without splitting.
        var utf8 = header.utf8[...]
        if utf8.count > 7, utf8.prefix(7).elementsEqual("Bearer ".utf8) {
            utf8 = utf8.dropFirst(7)
            if !utf8.isEmpty, !utf8.contains(UInt8(ascii: " ")) { return .token(String(Substring(utf8))) }
        }
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .malformed }
        return .token(String(parts[1]))
    }

    /// nil when acceptable; else why the content type is refused (415).
    static func checkContentType(_ header: String?) -> String? {
        guard let header else { return "Content-Type must be application/json." }
        if header == "application/json" { return nil }  // what nearly every client sends
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

    struct MalformedOperation: Error { var message: String }

    static func operation(from json: JSON) -> Result<ReadOperation, MalformedOperation> {
        guard case .object(let members) = json else { return .failure(MalformedOperation(message: "The request body must be a JSON object (or an array of them).")) }
        let dict = Dictionary(members, uniquingKeysWith: { $1 })
        let persisted: PersistedQueryReference?
        switch PersistedQueryReference.read(extensions: dict["extensions"]) {
        case .success(let r): persisted = r
        case .failure(let malformed): return .failure(malformed)
        }
        let query: String?
        switch dict["query"] {
        case .string(let q)?: query = q
        case nil, .null?:
            guard persisted != nil else { return .failure(MalformedOperation(message: "The request has no query.")) }
            query = nil
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
        return .success(ReadOperation(GraphQLRequest(query: query, operationName: opName, variables: variables), persisted: persisted))
    }
}
