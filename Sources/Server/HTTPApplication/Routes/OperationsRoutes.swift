// What operators and their tools ask: liveness (/healthz), readiness with the
// database (/readyz) and Prometheus metrics (/metrics).
import HTTP

struct OperationsRoutes: Sendable {
    let metrics: Metrics
    /// nil when ready, else why not ("draining", "database unavailable").
    let readiness: @Sendable () async -> String?
    let gauges: @Sendable () -> [(name: String, help: String, value: Double)]
    let extraMetrics: @Sendable () -> String

    func health() -> HTTPResponse { .plainText(200, "ok\n") }

    func ready() async -> HTTPResponse {
        if let reason = await readiness() { return .plainText(503, reason + "\n") }
        return .plainText(200, "ready\n")
    }

    func metricsText() -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                     body: Array((metrics.render(gauges: gauges()) + extraMetrics()).utf8))
    }
}
