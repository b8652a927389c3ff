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
        switch begin(services: services, bearer: bearer, ip: ip, requestID: requestID) {
        case .done(let result):
            return result
        case .lookUp(let userID, let claims, let context):
            let state: ViewerState?
            do {
                state = try await context.read { conn in try UserStore.viewerState(conn, userID: userID) }
            } catch {
                services.log("viewer lookup failed (request \(requestID)): \(error)")
                return .failure(.unavailable)
            }
            if let state { services.viewerCache.put(userID, state, now: services.clock.now) }
            return admit(services: services, state: state, claims: claims, userID: userID, context: context)
        }
    }

    /// `authenticate` when it needs no statement: an anonymous caller, a token that does not
    /// verify, or one whose user's state is cached. nil: the user's state must be read (nothing
    /// was counted against the caller's budget yet).
    public static func authenticateWithoutWaiting(services: ClinicServices, bearer: String?, ip: String?,
                                                  requestID: String) -> Result<RequestContext, AuthenticationFailure>? {
        if case .done(let result) = begin(services: services, bearer: bearer, ip: ip, requestID: requestID) { return result }
        return nil
    }

    private enum Step {
        case done(Result<RequestContext, AuthenticationFailure>)
        /// The user's state is not cached: read it, then `admit`.
        case lookUp(userID: Int64, claims: AccessTokenClaims, context: RequestContext)
    }

    private static func begin(services: ClinicServices, bearer: String?, ip: String?, requestID: String) -> Step {
        let now = services.clock.now
        guard let bearer else {
            let limit = services.rateLimits.anonymous
            if let retry = services.limiter.hit("anon:\(ip ?? "?")", limit: limit.count, periodSeconds: limit.periodSeconds, now: now) {
                return .done(.failure(.rateLimited(retryAfter: retry)))
            }
            return .done(.success(RequestContext(services: services, viewer: nil, ip: ip, requestID: requestID)))
        }
        let claims: AccessTokenClaims
        do {
            claims = try services.signer.verify(bearer, now: now.secondsSinceEpoch, issuer: services.tokens.issuer,
                                                audience: services.tokens.audience)
        } catch {
            return .done(.failure(.invalidToken(error == .expired ? "The access token has expired." : "The access token is not valid.")))
        }
        guard let userID = GlobalID.decode(claims.sub).flatMap({ $0.type == "User" ? $0.id : nil }) else {
            return .done(.failure(.invalidToken("The access token is not valid.")))
        }
        let context = RequestContext(services: services, viewer: nil, ip: ip, requestID: requestID)
        guard let cached = services.viewerCache.get(userID, now: now) else {
            return .lookUp(userID: userID, claims: claims, context: context)
        }
        return .done(admit(services: services, state: cached, claims: claims, userID: userID, context: context))
    }

    /// The user's current state against the token, then the user's request budget.
    private static func admit(services: ClinicServices, state: ViewerState?, claims: AccessTokenClaims, userID: Int64,
                              context: RequestContext) -> Result<RequestContext, AuthenticationFailure> {
        guard let state, state.isActive, state.tokenVersion == claims.ver else {
            return .failure(.invalidToken("The access token has been revoked."))
        }
        let limit = services.rateLimits.user
        if let retry = services.limiter.hit("user:\(userID)", limit: limit.count, periodSeconds: limit.periodSeconds, now: services.clock.now) {
            return .failure(.rateLimited(retryAfter: retry))
        }
        let viewer = Viewer(userID: userID, role: state.role, patientID: state.patientID, doctorID: state.doctorID)
        return .success(RequestContext(services: services, viewer: viewer, ip: context.ip, requestID: context.requestID,
                                       statements: context.statements, viewerState: state))
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
