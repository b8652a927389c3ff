// CORS on every answer: an allowed Origin (CORS_ALLOWED_ORIGINS) is echoed,
// after the security headers, whatever answered.
import HTTP

struct CORSHeadersMiddleware: Middleware {
    let allowedOrigins: [String]

    func respond(to request: ServerRequest, next: Responder) async -> ServerResponse {
        var response = await next(request)
        if let origin = request.http.headers["origin"], allowedOrigins.contains(origin) {
            response.http.headers.append(("Access-Control-Allow-Origin", origin))
            response.http.headers.append(("Vary", "Origin"))
        }
        return response
    }
}
