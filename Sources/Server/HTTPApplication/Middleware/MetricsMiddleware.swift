// Counts GraphQL requests for /metrics: by operation type and status, their
// error codes, latency and SQL statements. Other paths are not counted.
import HTTP

struct MetricsMiddleware: Middleware {
    let metrics: Metrics

    func respond(to request: ServerRequest, next: Responder) async -> ServerResponse {
        let started = ContinuousClock.now
        let response = await next(request)
        if let record = response.graphQLRequest {
            let elapsed = started.duration(to: .now)
            let seconds = record.timed ? Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18 : 0
            metrics.recordRequest(operation: record.operation, status: response.http.status, seconds: seconds,
                                  statements: record.statements, errorCodes: record.errorCodes)
        }
        return response
    }
}
