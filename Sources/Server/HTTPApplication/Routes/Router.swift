// The end of the middleware chain: the route for the path (doctors' calendar
// feeds under /calendar/), else a static file of the web client (GET/HEAD), else 404.
import ClinicDomain
import HTTP

struct Router: Sendable {
    let graphQL: GraphQLRoute
    let explorer: ExplorerRoute
    let operations: OperationsRoutes
    let staticFiles: StaticFiles?
    var calendarFeeds: CalendarFeedRoute? = nil

    /// On the event loop: what needs no I/O is answered here; files, feeds, readiness and GraphQL
    /// operations that must run go to a handler task.
    func dispatch(_ request: ServerRequest) -> RouteDispatch {
        if let calendarFeeds, request.http.path.hasPrefix("/calendar/") {
            guard let token = CalendarFeedToken.token(inPath: request.http.path) else { return .respond(CalendarFeedRoute.notFound(statements: 0)) }
            return .run { await calendarFeeds.respond(to: request, token: token) }
        }
        switch request.http.path {
        case "/graphql": return graphQL.dispatch(request)
        case ExplorerPage.scriptPath: return .respond(ServerResponse(explorer.script()))
        case "/healthz": return .respond(ServerResponse(operations.health()))
        case "/readyz": return .run { ServerResponse(await operations.ready()) }
        case "/metrics": return .run { ServerResponse(operations.metricsText()) }
        default:
            if let staticFiles, request.http.method == "GET" || request.http.method == "HEAD" {
                return .run { ServerResponse(staticFiles.serve(path: request.http.path)) }
            }
            return .respond(ServerResponse(.plainText(404, "not found\n")))
        }
    }

    func respond(to request: ServerRequest) async -> ServerResponse {
        switch dispatch(request) {
        case .respond(let response): return response
        case .run(let work): return await work()
        }
    }
}
