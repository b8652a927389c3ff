// What operators rely on, against the real binary: /metrics carries the
// process's own figures under Prometheus's standard names, and SIGTERM turns
// /readyz to 503 for SHUTDOWN_DRAIN_SECONDS while requests are still served,
// before the listener closes (rolling restarts behind a balancer).
import Foundation
import TestSupport
import XCTest

final class OperationsEndpointsTests: XCTestCase {
    func get(_ server: ClinicProcess, _ path: String) throws -> RawResponse {
        try RawHTTPClient(port: server.port, timeoutSeconds: 10).request("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    }

    func testMetricsCarryTheProcessFigures() throws {
        let server = try ClinicProcess(seedDemo: false)
        defer { server.stop() }
        let text = String(decoding: try get(server, "/metrics").body, as: UTF8.self)
        func value(_ name: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
        }
        XCTAssertGreaterThan(value("process_resident_memory_bytes") ?? 0, 1_000_000, text)
        XCTAssertGreaterThan(value("process_virtual_memory_bytes") ?? 0, value("process_resident_memory_bytes") ?? .infinity)
        XCTAssertGreaterThan(value("process_open_fds") ?? 0, 3)
        XCTAssertGreaterThan(value("process_max_fds") ?? 0, value("process_open_fds") ?? .infinity)
        XCTAssertGreaterThan(value("process_cpu_seconds_total") ?? 0, 0)
        let start = value("process_start_time_seconds") ?? 0
        XCTAssertLessThan(abs(start - Date().timeIntervalSince1970), 600, "started within the test")
        XCTAssertTrue(text.contains("# TYPE process_cpu_seconds_total counter"), text)
        XCTAssertTrue(text.contains("# TYPE process_open_fds gauge"), text)
        XCTAssertTrue(text.contains("clinic_appointment_events_total{event=\"booked\"} 0"), text)
    }

    func testSIGTERMTurnsReadinessOffBeforeTheListenerCloses() throws {
        let server = try ClinicProcess(seedDemo: false, environment: ["SHUTDOWN_DRAIN_SECONDS": "3", "LOG_LEVEL": "info"])
        XCTAssertEqual(try get(server, "/readyz").status, 200)
        server.signal(SIGTERM)
        var sawDraining = false
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline && !sawDraining {
            let r = try get(server, "/readyz")
            sawDraining = r.status == 503 && String(decoding: r.body, as: UTF8.self) == "draining\n"
            usleep(50_000)
        }
        XCTAssertTrue(sawDraining, "/readyz turns 503 draining after SIGTERM")
        let (status, json) = try server.graphql("{ __typename }")
        XCTAssertEqual(status, 200, "still serving while draining")
        XCTAssertEqual(json["data"]?["__typename"], .string("Query"))
        XCTAssertEqual(server.waitForExit(), 0, "exits cleanly once drained:\n\(server.serverLog)")
        XCTAssertTrue(server.serverLog.contains("draining"), server.serverLog)
    }
}
