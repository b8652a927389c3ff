// Binds the HTTP layer's authenticator to the clinic's identity rules.
import ClinicDomain
import HTTP
import Resolvers

struct ClinicAuthenticator: RequestAuthenticator {
    let services: ClinicServices

    func authenticate(bearer: String?, request: HTTPRequest, clientAddress: String, requestID: String) async -> AuthenticationOutcome {
        Self.outcome(await Authentication.authenticate(services: services, bearer: bearer, ip: clientAddress, requestID: requestID))
    }

    func authenticateWithoutWaiting(bearer: String?, request: HTTPRequest, clientAddress: String, requestID: String) -> AuthenticationOutcome? {
        Authentication.authenticateWithoutWaiting(services: services, bearer: bearer, ip: clientAddress, requestID: requestID).map(Self.outcome)
    }

    static func outcome(_ result: Result<RequestContext, AuthenticationFailure>) -> AuthenticationOutcome {
        switch result {
        case .success(let context): return .context(context)
        case .failure(.invalidToken(let message)): return .unauthenticated(message)
        case .failure(.rateLimited(let retryAfter)): return .rateLimited(retryAfter: retryAfter)
        case .failure(.unavailable): return .unavailable
        }
    }

    func statements(in context: any Sendable) -> Int { (context as? RequestContext)?.statements.count ?? 0 }

    func userID(in context: any Sendable) -> String? {
        (context as? RequestContext)?.viewer.map { GlobalID.encode(type: "User", id: $0.userID) }
    }

    func isStaff(_ context: any Sendable) -> Bool { (context as? RequestContext)?.viewer?.isStaff ?? false }
}
