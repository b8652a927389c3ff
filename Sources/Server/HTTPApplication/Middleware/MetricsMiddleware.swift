// Counts GraphQL requests for /metrics: by operation type and status, their
// error codes, latency and SQL statements. Other paths are not counted.
import HTTP

struct MetricsMiddleware: Middleware {
    let metrics: Metrics

    func finish(_ response: inout ServerResponse, for request: ServerRequest) {
        guard let record = response.graphQLRequest else { return }
        let elapsed = request.started.duration(to: .now)
        let seconds = record.timed ? Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18 : 0
        metrics.recordRequest(operation: record.operation, status: response.http.status, seconds: seconds,
                              statements: record.statements, errorCodes: record.errorCodes)
    }
}
