// The end of the middleware chain: the route for the path, else a static file
// of the web client (GET/HEAD), else 404.
import HTTP

struct Router: Sendable {
    let graphQL: GraphQLRoute
    let explorer: ExplorerRoute
    let operations: OperationsRoutes
    let staticFiles: StaticFiles?

    func respond(to request: ServerRequest) async -> ServerResponse {
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
