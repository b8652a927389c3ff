// Prometheus text exposition for /metrics. Counters and histograms live
// behind one mutex: updates are a few integer additions per request.
import Synchronization

public final class Metrics: Sendable {
    struct Histogram {
        let bounds: [Double]
        var buckets: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
        init(bounds: [Double]) { self.bounds = bounds; buckets = Array(repeating: 0, count: bounds.count) }
        mutating func observe(_ v: Double) {
            for (i, b) in bounds.enumerated() where v <= b { buckets[i] += 1 }
            sum += v; count += 1
        }
    }
    struct State {
        var requests: [String: UInt64] = [:]          // "operation|status"
        var errors: [String: UInt64] = [:]            // code
        var latency = Histogram(bounds: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5])
        var statements = Histogram(bounds: [0, 1, 2, 3, 5, 8, 13, 21, 34, 55])
        var counters: [String: UInt64] = [:]          // free-form, e.g. notifications
    }
    private let state = Mutex(State())

    public init() {}

    public func recordRequest(operation: String, status: Int, seconds: Double, statements: Int, errorCodes: [String]) {
        state.withLock { s in
            s.requests["\(operation)|\(status)", default: 0] += 1
            s.latency.observe(seconds)
            s.statements.observe(Double(statements))
            for c in errorCodes { s.errors[c, default: 0] += 1 }
        }
    }

    public func increment(_ name: String, by n: UInt64 = 1) {
        state.withLock { $0.counters[name, default: 0] += n }
    }

    /// Renders everything; `gauges` are sampled by the caller at scrape time.
    public func render(gauges: [(name: String, help: String, value: Double)]) -> String {
        let s = state.withLock { $0 }
        var out = ""
        out += "# HELP clinic_http_requests_total GraphQL requests by operation type and HTTP status.\n"
        out += "# TYPE clinic_http_requests_total counter\n"
        for (key, n) in s.requests.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|", omittingEmptySubsequences: false)
            out += "clinic_http_requests_total{operation=\"\(parts[0])\",status=\"\(parts[1])\"} \(n)\n"
        }
        out += "# HELP clinic_graphql_errors_total GraphQL errors by extensions.code.\n"
        out += "# TYPE clinic_graphql_errors_total counter\n"
        for (code, n) in s.errors.sorted(by: { $0.key < $1.key }) {
            out += "clinic_graphql_errors_total{code=\"\(code)\"} \(n)\n"
        }
        out += histogram("clinic_request_duration_seconds", "GraphQL request latency.", s.latency)
        out += histogram("clinic_sql_statements_per_request", "SQL statements issued per GraphQL request.", s.statements)
        for (name, n) in s.counters.sorted(by: { $0.key < $1.key }) {
            out += "# TYPE \(name) counter\n\(name) \(n)\n"
        }
        for g in gauges {
            let type = g.name.hasSuffix("_total") ? "counter" : "gauge"
            out += "# HELP \(g.name) \(g.help)\n# TYPE \(g.name) \(type)\n\(g.name) \(format(g.value))\n"
        }
        return out
    }

    private func histogram(_ name: String, _ help: String, _ h: Histogram) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        for (i, b) in h.bounds.enumerated() {
            out += "\(name)_bucket{le=\"\(format(b))\"} \(h.buckets[i])\n"
        }
        out += "\(name)_bucket{le=\"+Inf\"} \(h.count)\n\(name)_sum \(format(h.sum))\n\(name)_count \(h.count)\n"
        return out
    }

    private func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
