// Headers every answer carries: no sniffing, no referrer, not cached and not
// framed unless the route said otherwise, HSTS in production.
import HTTP

struct SecurityHeadersMiddleware: Middleware {
    let isProduction: Bool

    func finish(_ response: inout ServerResponse, for request: ServerRequest) {
        func has(_ name: String) -> Bool { response.http.header(name) != nil }
        response.http.headers.reserveCapacity(response.http.headers.count + 5)
        response.http.headers.append(("X-Content-Type-Options", "nosniff"))
        response.http.headers.append(("Referrer-Policy", "no-referrer"))
        if !has("Cache-Control") { response.http.headers.append(("Cache-Control", "no-store")) }
        if !has("X-Frame-Options") { response.http.headers.append(("X-Frame-Options", "DENY")) }
        if isProduction { response.http.headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains")) }
    }
}
