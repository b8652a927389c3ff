// The pieces every GraphQL answer is made of: which media type the client
// gets, and the shape of a request refused before execution.
import HTTP
import JSON
import Schema

enum GraphQLMediaType {
    static let graphQLResponse = "application/graphql-response+json"
    static let json = "application/json"

    /// The media type of the answer to a request with this Accept header.
    static func preferred(accept: String) -> String {
        prefersGraphQLResponse(accept: accept) ? graphQLResponse : json
    }

    static func prefersGraphQLResponse(accept: String) -> Bool {
        // Legacy clients ask for application/json; everything else (incl. no
        // Accept header and */*) gets the GraphQL response media type... except
        // that the GraphQL-over-HTTP spec treats a missing Accept as application/json.
        if accept.isEmpty { return false }
        // What nearly every client sends, answered without splitting.
        if accept == json { return false }
        if accept == graphQLResponse { return true }
        var best: (modern: Double, legacy: Double) = (-1, -1)
        for item in accept.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            var q = 1.0
            for p in parts.dropFirst() where p.hasPrefix("q=") { q = Double(p.dropFirst(2)) ?? 1 }
            switch parts.first {
            case graphQLResponse: best.modern = max(best.modern, q)
            case json: best.legacy = max(best.legacy, q)
            case "*/*", "application/*": best.legacy = max(best.legacy, q * 0.999)
            default: break
            }
        }
        return best.modern > 0 && best.modern >= best.legacy
    }
}

extension HTTPResponse {
    static func plainText(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(body.utf8))
    }
}

extension ServerResponse {
    /// A request refused before execution: one error with `code`, counted in /metrics.
    static func graphQLRequestError(_ status: Int, _ code: String, _ message: String, mediaType: String,
                                    extraHeaders: [(String, String)] = [], extra: [(String, JSON)] = []) -> ServerResponse {
        let result = ExecutionResult(data: nil, errors: [GraphQLError(message, code: code, extra: extra)])
        return ServerResponse(HTTPResponse(status: status, headers: [("Content-Type", "\(mediaType); charset=utf-8")] + extraHeaders,
                                           body: result.jsonBytes()),
                              graphQLRequest: .refused(code))
    }
}
