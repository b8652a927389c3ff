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

    func respond(to request: ServerRequest) async -> ServerResponse {
        if let calendarFeeds, request.http.path.hasPrefix("/calendar/") {
            guard let token = CalendarFeedToken.token(inPath: request.http.path) else { return CalendarFeedRoute.notFound(statements: 0) }
            return await calendarFeeds.respond(to: request, token: token)
        }
        switch request.http.path {
        case "/graphql": return await graphQL.respond(to: request)
        case ExplorerPage.scriptPath: return ServerResponse(explorer.script())
        case "/healthz": return ServerResponse(operations.health())
        case "/readyz": return ServerResponse(await operations.ready())
        case "/metrics": return ServerResponse(operations.metricsText())
        default:
            if let staticFiles, request.http.method == "GET" || request.http.method == "HEAD" {
                return ServerResponse(staticFiles.serve(path: request.http.path))
            }
            return ServerResponse(.plainText(404, "not found\n"))
        }
    }
}
