// The CORS preflight of /graphql (OPTIONS): 204, with the allowed methods and
// headers when the Origin is allowed. It runs after the Host check, so a
// preflight for a host this server does not answer to is refused like the rest.
import HTTP

struct CORSPreflightMiddleware: Middleware {
    let allowedOrigins: [String]

    func intercept(_ request: inout ServerRequest) -> ServerResponse? {
        guard request.http.path == "/graphql", request.http.method == "OPTIONS" else { return nil }
        var r = HTTPResponse(status: 204, headers: [], body: [])
        if let origin = request.http.headers["origin"], allowedOrigins.contains(origin) {
            r.headers += [("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                          ("Access-Control-Allow-Headers", "Content-Type, Authorization"),
                          ("Access-Control-Max-Age", "600")]
        }
        return ServerResponse(r)
    }
}
