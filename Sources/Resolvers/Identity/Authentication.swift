// From an Authorization header to a viewer: verify the access token, then
// check it against the user's current state (active, token version, role)
// through one cached lookup, so deactivation, deletion, a role change or a
// password change stops the token on the very next request.
import ClinicStore
import ClinicDomain
import Crypto
import Schema

public enum AuthenticationFailure: Error, Sendable, Equatable {
    /// 401 for the whole request.
    case invalidToken(String)
    /// 429: the caller's request budget is spent.
    case rateLimited(retryAfter: Int)
    /// 503: the token could not be checked (the database did not answer).
    /// Never a 401: clients sign the user out on a 401, and this is our fault.
    case unavailable
}

public enum Authentication {
    /// The request context for a caller, or why the request is refused.
    public static func authenticate(services: ClinicServices, bearer: String?, ip: String?,
                                    requestID: String) async -> Result<RequestContext, AuthenticationFailure> {
        let now = services.clock.now
        guard let bearer else {
            let limit = services.rateLimits.anonymous
            if let retry = services.limiter.hit("anon:\(ip ?? "?")", limit: limit.count, periodSeconds: limit.periodSeconds, now: now) {
                return .failure(.rateLimited(retryAfter: retry))
            }
            return .success(RequestContext(services: services, viewer: nil, ip: ip, requestID: requestID))
        }
        let claims: AccessTokenClaims
        do {
            claims = try services.signer.verify(bearer, now: now.secondsSinceEpoch, issuer: services.tokens.issuer,
                                                audience: services.tokens.audience)
        } catch {
            return .failure(.invalidToken(error == .expired ? "The access token has expired." : "The access token is not valid."))
        }
        guard let userID = GlobalID.decode(claims.sub).flatMap({ $0.type == "User" ? $0.id : nil }) else {
            return .failure(.invalidToken("The access token is not valid."))
        }
        let context = RequestContext(services: services, viewer: nil, ip: ip, requestID: requestID)
        let state: ViewerState?
        if let cached = services.viewerCache.get(userID, now: now) {
            state = cached
        } else {
            do {
                state = try await context.read { conn in try UserStore.viewerState(conn, userID: userID) }
            } catch {
                services.log("viewer lookup failed (request \(requestID)): \(error)")
                return .failure(.unavailable)
            }
            if let state { services.viewerCache.put(userID, state, now: now) }
        }
        guard let state, state.isActive, state.tokenVersion == claims.ver else {
            return .failure(.invalidToken("The access token has been revoked."))
        }
        let limit = services.rateLimits.user
        if let retry = services.limiter.hit("user:\(userID)", limit: limit.count, periodSeconds: limit.periodSeconds, now: now) {
            return .failure(.rateLimited(retryAfter: retry))
        }
        let viewer = Viewer(userID: userID, role: state.role, patientID: state.patientID, doctorID: state.doctorID)
        return .success(RequestContext(services: services, viewer: viewer, ip: ip, requestID: requestID, statements: context.statements))
    }

    /// A signed access token for a user in its current state.
    public static func issueAccessToken(services: ClinicServices, userID: Int64, role: Role, tokenVersion: Int) -> (token: String, expiresAt: Instant) {
        let now = services.clock.now.secondsSinceEpoch
        let claims = AccessTokenClaims(issuer: services.tokens.issuer, audience: services.tokens.audience,
                                       subject: GlobalID.encode(type: "User", id: userID), role: role.rawValue,
                                       version: tokenVersion, now: now, lifetime: services.tokens.accessTokenTTL)
        return (services.signer.sign(claims), Instant(secondsSinceEpoch: claims.exp))
    }
}
