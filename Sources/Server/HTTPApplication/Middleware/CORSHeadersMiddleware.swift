// CORS on every answer: an allowed Origin (CORS_ALLOWED_ORIGINS) is echoed,
// after the security headers, whatever answered.
import HTTP

struct CORSHeadersMiddleware: Middleware {
    let allowedOrigins: [String]

    func finish(_ response: inout ServerResponse, for request: ServerRequest) {
        if let origin = request.http.headers["origin"], allowedOrigins.contains(origin) {
            response.http.headers.append(("Access-Control-Allow-Origin", origin))
            response.http.headers.append(("Vary", "Origin"))
        }
    }
}
