import Foundation
import Glibc
import JSON
import Postgres
import Synchronization
import XCTest

/// Where `clinic serve` runs request handlers: on the event loops, each with a connection of
/// its own, when DB_POOL_SIZE can spare one per loop and still leave the pool a thread; on the
/// pool's threads otherwise. Either way DB_POOL_SIZE bounds the process's connections (plus the
/// one session that listens for calendar changes, SLOT_CACHE), and
/// reports (which move to the pool's threads) and ordinary reads answer side by side.
final class HandlerExecutionHTTPTests: XCTestCase {
    func testHandlersRunOnTheEventLoopsWithinDBPoolSizeAndOnThePoolWhenItIsTooSmall() throws {
        let loops = max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 64)) // the HTTP server's default
        for (size, mode) in [(loops + 1, "event-loops"), (loops, "pool-threads")] {
            let server = try ClinicProcess(seedDemo: true, environment: ["LOG_LEVEL": "info", "DB_POOL_SIZE": String(size)])
            defer { server.stop() }
            XCTAssertTrue(server.serverLog.contains("handlers=\(mode)"), "DB_POOL_SIZE=\(size): \(server.serverLog)")
            let admin = try server.login("admin@clinic.test", "admin-demo-pass")
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 48) { i in
                let query: String, check: (JSON) -> Bool
                switch i % 3 {
                case 0:
                    query = #"{ report(from: "2026-01-01", to: "2026-12-31") { totalAppointments byStatus { status count } } }"#
                    check = { if case .int? = $0["data"]?["report"]?["totalAppointments"] { return true }; return false }
                case 1:
                    query = "{ doctors(first: 20) { nodes { id user { fullName } } } }"
                    check = { if case .array(let a)? = $0["data"]?["doctors"]?["nodes"] { return !a.isEmpty }; return false }
                default:
                    query = "{ me { email role } }"
                    check = { $0["data"]?["me"]?["email"] == .string("admin@clinic.test") }
                }
                do {
                    let r = try server.graphql(query, token: admin)
                    if r.status != 200 || !check(r.json) { failures.withLock { $0.append("\(query): \(r.status) \(r.json.serializedString)") } }
                } catch {
                    failures.withLock { $0.append("\(query): \(error)") }
                }
            }
            XCTAssertEqual(failures.withLock { $0 }, [], "DB_POOL_SIZE=\(size)")
            let db = try Connection(server.databaseURL)
            let sessions = try db.query("""
                SELECT count(*) FILTER (WHERE query <> 'LISTEN clinic_calendar')::int8 AS pool,
                       count(*) FILTER (WHERE query = 'LISTEN clinic_calendar')::int8 AS listening
                  FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                """).first!
            let open = try sessions.int("pool")
            XCTAssertGreaterThan(open, 0)
            XCTAssertLessThanOrEqual(open, size, "DB_POOL_SIZE=\(size) bounds the server's connections, the loops' included")
            XCTAssertEqual(try sessions.int("listening"), 1, "and one session listens for calendar changes (SLOT_CACHE)")
        }
    }
}
