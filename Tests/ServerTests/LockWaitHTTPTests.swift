import Foundation
import JSON
import Postgres
import PostgresTesting
import Server
import Synchronization
import TestSupport
import XCTest

/// A table locked by someone else (a restore, a migration, an operator's open transaction) must
/// not stall the event loops: a request whose first statement waits past DB_LOOP_LOCK_TIMEOUT_MS
/// moves to the pool's threads and waits there, while the loops keep answering; a write whose
/// later statement waits fails with SERVICE_UNAVAILABLE and changes nothing.
final class LockWaitHTTPTests: XCTestCase {
    func testALockedTableHoldsUpOnlyTheRequestsThatNeedIt() throws {
        let server = try ClinicProcess(seedDemo: true, environment: ["DB_LOOP_LOCK_TIMEOUT_MS": "100"])
        defer { server.stop() }
        let patient = try server.login("patient@clinic.test", "patient-demo-pass")
        let before = try server.graphql("{ me { firstName } }", token: patient)
        guard case .string(let firstName)? = before.json["data"]?["me"]?["firstName"] else {
            return XCTFail("me: \(before.json.serializedString)")
        }

        // Reads of a locked table wait on the pool's threads; the loops answer everything else.
        let locker = try Connection(server.databaseURL)
        try locker.execute("BEGIN")
        try locker.execute("LOCK TABLE doctors IN ACCESS EXCLUSIVE MODE")
        let lockedAt = Date()
        let answers = Mutex<[(status: Int, json: JSON, seconds: Double)]>([])
        let readers = DispatchGroup()
        for _ in 0..<8 {
            readers.enter()
            Thread.detachNewThread {
                let start = Date()
                let r = (try? server.graphql("{ doctors(first: 3) { nodes { id } } }")) ?? (0, .null)
                answers.withLock { $0.append((r.status, r.json, Date().timeIntervalSince(start))) }
                readers.leave()
            }
        }
        Thread.sleep(forTimeInterval: 0.5)
        var slowest = 0.0
        for _ in 0..<10 {
            let start = Date()
            let health = try RawHTTPClient(port: server.port, timeoutSeconds: 15)
                .request("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            XCTAssertEqual(health.status, 200)
            let typename = try server.graphql("{ __typename }")
            XCTAssertEqual(typename.json["data"]?["__typename"], .string("Query"))
            slowest = max(slowest, Date().timeIntervalSince(start))
        }
        XCTAssertLessThan(slowest, 1.0, "the event loops answered while the doctors table was locked")
        XCTAssertTrue(answers.withLock { $0.isEmpty }, "nothing reads a locked table")
        Thread.sleep(forTimeInterval: max(0, 2.5 - Date().timeIntervalSince(lockedAt)))
        try locker.execute("COMMIT")
        readers.wait()
        let done = answers.withLock { $0 }
        XCTAssertEqual(done.count, 8)
        for answer in done {
            XCTAssertEqual(answer.status, 200)
            guard case .array(let nodes)? = answer.json["data"]?["doctors"]?["nodes"], nodes.count == 3 else {
                XCTFail("a read that waited for the lock answers in full: \(answer.json.serializedString)")
                continue
            }
            XCTAssertGreaterThan(answer.seconds, 1.5, "it waited for the lock")
        }

        // A write whose later statement waits for a lock fails as a whole, and says so.
        try locker.execute("BEGIN")
        try locker.execute("LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE")
        let start = Date()
        let update = try server.graphql(#"mutation { updateProfile(input: {firstName: "Renamed"}) { firstName } }"#, token: patient)
        let waited = Date().timeIntervalSince(start)
        try locker.execute("COMMIT")
        XCTAssertLessThan(waited, 2, "the loop waited at most its lock timeout")
        XCTAssertEqual(update.json["data"], .null)
        guard case .array(let errors)? = update.json["errors"], let error = errors.first, errors.count == 1 else {
            return XCTFail("one error: \(update.json.serializedString)")
        }
        XCTAssertEqual(error["extensions"]?["code"], .string("SERVICE_UNAVAILABLE"), update.json.serializedString)
        XCTAssertEqual(error["extensions"]?["retryAfter"], .int(1))
        let stored = try locker.query("SELECT first_name FROM users WHERE email = 'patient@clinic.test'").first!.string("first_name")
        XCTAssertEqual(stored, firstName, "the update was rolled back with its audit entry")
        XCTAssertEqual(try server.graphql("{ me { firstName } }", token: patient).json["data"]?["me"]?["firstName"], .string(firstName))
        let again = try server.graphql(#"mutation { updateProfile(input: {firstName: "Renamed"}) { firstName } }"#, token: patient)
        XCTAssertEqual(again.json["data"]?["updateProfile"]?["firstName"], .string("Renamed"), "once the lock is gone it succeeds")
        XCTAssertTrue(server.serverLog.contains("database busy"), "the failure is logged with its cause")
    }

    func testTheLoopsLimitsAreConfigurable() throws {
        let defaults = try Configuration.fromEnvironment([:])
        XCTAssertEqual(defaults.loopLockTimeoutMilliseconds, 250)
        XCTAssertEqual(defaults.loopStatementTimeoutMilliseconds, 30_000)
        let set = try Configuration.fromEnvironment(["DB_LOOP_LOCK_TIMEOUT_MS": "0", "DB_LOOP_STATEMENT_TIMEOUT_MS": "5000"])
        XCTAssertEqual(set.loopLockTimeoutMilliseconds, 0)
        XCTAssertEqual(set.loopStatementTimeoutMilliseconds, 5000)
        for bad in ["-1", "1s", "x"] {
            XCTAssertThrowsError(try Configuration.fromEnvironment(["DB_LOOP_LOCK_TIMEOUT_MS": bad])) { error in
                XCTAssertTrue("\(error)".contains("DB_LOOP_LOCK_TIMEOUT_MS=\(bad)"), "\(error)")
            }
        }
        XCTAssertEqual(BoundThreadLimits(lockTimeoutMilliseconds: 0, statementTimeoutMilliseconds: 0), BoundThreadLimits())
    }

    /// A database that stops answering (down, restarting) is SERVICE_UNAVAILABLE with `retryAfter`,
    /// for a signed-in request (503) and for an anonymous one's fields alike; the server recovers
    /// on its own once it answers again.
    func testADatabaseThatStopsAnsweringIsServiceUnavailableUntilItAnswersAgain() throws {
        let server = try ClinicProcess(seedDemo: true)
        defer { server.stop() }
        let admin = try server.login("admin@clinic.test", "admin-demo-pass")
        let name = try Connection(server.databaseURL).query("SELECT current_database() AS d").first!.string("d")
        let control = try Connection(try TestCluster.shared().uri) // another database of the cluster
        let quoted = "\"" + name + "\""
        try control.execute("ALTER DATABASE \(quoted) ALLOW_CONNECTIONS false")
        defer { _ = try? control.execute("ALTER DATABASE \(quoted) ALLOW_CONNECTIONS true") }
        try control.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                          [.text(name)])
        Thread.sleep(forTimeInterval: 1.2) // the signed-in viewer's cached state (one second) expires
        let anonymous = try server.graphql("{ doctors(first: 2) { nodes { id } } }")
        XCTAssertEqual(anonymous.status, 200)
        guard case .array(let errors)? = anonymous.json["errors"], let error = errors.first else {
            return XCTFail("\(anonymous.json.serializedString)")
        }
        XCTAssertEqual(error["extensions"]?["code"], .string("SERVICE_UNAVAILABLE"), anonymous.json.serializedString)
        XCTAssertEqual(error["extensions"]?["retryAfter"], .int(1))
        XCTAssertEqual(error["message"], .string("The database is unavailable for a moment; try again."))
        let signedIn = try server.graphql("{ me { email } }", token: admin)
        XCTAssertEqual(signedIn.status, 503)
        guard case .array(let refusal)? = signedIn.json["errors"] else { return XCTFail("\(signedIn.json.serializedString)") }
        XCTAssertEqual(refusal.first?["extensions"]?["code"], .string("SERVICE_UNAVAILABLE"), signedIn.json.serializedString)
        try control.execute("ALTER DATABASE \(quoted) ALLOW_CONNECTIONS true")
        XCTAssertEqual(try server.graphql("{ me { email } }", token: admin).json["data"]?["me"]?["email"], .string("admin@clinic.test"))
        let again = try server.graphql("{ doctors(first: 2) { nodes { id } } }")
        guard case .array(let nodes)? = again.json["data"]?["doctors"]?["nodes"] else { return XCTFail("\(again.json.serializedString)") }
        XCTAssertEqual(nodes.count, 2)
    }
}
