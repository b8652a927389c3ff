// Who the client is behind trusted reverse proxies (TRUSTED_PROXIES; see
// ClientAddress.swift): everything after this sees the resolved address.
import HTTP

struct ClientAddressMiddleware: Middleware {
    let trustedProxies: TrustedProxies

    func respond(to request: ServerRequest, next: Responder) async -> ServerResponse {
        var request = request
        request.clientAddress = trustedProxies.clientAddress(peer: request.http.remoteAddress,
                                                             forwardedFor: request.http.headers.values(for: "x-forwarded-for"))
        return await next(request)
    }
}
