// What operators and their tools ask: liveness (/healthz), readiness with the
// database (/readyz) and Prometheus metrics (/metrics).
import HTTP

struct OperationsRoutes: Sendable {
    let metrics: Metrics
    let readiness: @Sendable () async -> Bool
    let gauges: @Sendable () -> [(name: String, help: String, value: Double)]
    let extraMetrics: @Sendable () -> String

    func health() -> HTTPResponse { .plainText(200, "ok\n") }

    func ready() async -> HTTPResponse {
        await readiness() ? .plainText(200, "ready\n") : .plainText(503, "database unavailable\n")
    }

    func metricsText() -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                     body: Array((metrics.render(gauges: gauges()) + extraMetrics()).utf8))
    }
}
