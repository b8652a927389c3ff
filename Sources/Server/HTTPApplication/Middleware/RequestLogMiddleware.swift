// One access-log line per request: method, path, status, time, client and
// request id, plus what the route added (never the query text or variables,
// never a calendar feed's token: it is a credential).
import ClinicDomain
import HTTP
import JSON

struct RequestLogMiddleware: Middleware {
    let logger: Logger

    func finish(_ response: inout ServerResponse, for request: ServerRequest) {
        guard logger.logs(.info) else { return }  // LOG_LEVEL=warn: nothing to build
        let elapsed = request.started.duration(to: .now)
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        logger.info("request", [("method", .string(request.http.method)), ("path", .string(CalendarFeedToken.loggablePath(request.http.path))),
                                ("status", .int(response.http.status)), ("ms", .double((ms * 100).rounded() / 100)),
                                ("ip", .string(request.clientAddress)), ("request_id", .string(request.id))] + response.logFields)
    }
}
