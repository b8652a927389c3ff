// Who the client is behind trusted reverse proxies (TRUSTED_PROXIES; see
// ClientAddress.swift): everything after this sees the resolved address.
import HTTP

struct ClientAddressMiddleware: Middleware {
    let trustedProxies: TrustedProxies

    func intercept(_ request: inout ServerRequest) -> ServerResponse? {
        guard !trustedProxies.blocks.isEmpty else { return nil }  // the peer, as the request was made with
        request.clientAddress = trustedProxies.clientAddress(peer: request.http.remoteAddress,
                                                             forwardedFor: request.http.headers.values(for: "x-forwarded-for"))
        return nil
    }
}
