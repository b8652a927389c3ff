// CLINIC_ALLOWED_HOSTS: before routing, a Host this server does not answer to
// (DNS rebinding) reaches nothing; /graphql says so in the GraphQL error shape.
import HTTP

struct HostAllowListMiddleware: Middleware {
    let allowedHosts: AllowedHosts

    func intercept(_ request: inout ServerRequest) -> ServerResponse? {
        guard !allowedHosts.admits(request.http.headers["host"]) else { return nil }
        guard request.http.path == "/graphql" else { return ServerResponse(.plainText(400, "unknown host\n")) }
        let mediaType = GraphQLMediaType.preferred(accept: request.http.headers["accept"] ?? "")
        return .graphQLRequestError(400, "BAD_REQUEST", "This server does not answer to that Host.", mediaType: mediaType)
    }
}
