import PostgresTesting
import Synchronization
import XCTest
@testable import Postgres

/// A LISTEN session on its own thread: notifications in commit order, none from a rolled-back
/// transaction, `.lost` then `.listening` again when the session goes (a terminated backend, a
/// restarted server), and a clean stop.
final class ChangeListenerTests: XCTestCase {
    private final class Recorder: Sendable {
        let events = Mutex<[ChangeListener.Event]>([])
        func record(_ event: ChangeListener.Event) { events.withLock { $0.append(event) } }
        var all: [ChangeListener.Event] { events.withLock { $0 } }
        var payloads: [String] { all.compactMap { if case .notification(let p) = $0 { return p }; return nil } }
    }

    private func listening(_ listener: ChangeListener, sessions: Int = 1) async throws {
        for _ in 0..<1000 where !(listener.isListening && listener.sessionsStarted >= sessions) {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertTrue(listener.isListening, "not listening")
        XCTAssertGreaterThanOrEqual(listener.sessionsStarted, sessions)
    }

    func testNotificationsArriveInCommitOrderAndARollbackSendsNone() async throws {
        let uri = try TestCluster.shared().createDatabase(prefix: "listen")
        let recorder = Recorder()
        let listener = ChangeListener(connectionString: uri, channel: "changes") { recorder.record($0) }
        listener.start()
        defer { listener.stop() }
        try await listening(listener)
        let a = try Connection(uri), b = try Connection(uri)
        defer { a.close(); b.close() }
        // b commits before a although a notified first: commit order wins. Payloads repeated in one
        // transaction come once.
        _ = try a.execute("BEGIN")
        _ = try a.query("SELECT pg_notify('changes', 'a1')")
        _ = try b.execute("BEGIN; NOTIFY changes, 'b1'; NOTIFY changes, 'b1'; NOTIFY changes, 'b2'; COMMIT")
        _ = try a.execute("COMMIT")
        _ = try b.execute("BEGIN; NOTIFY changes, 'rolled back'; ROLLBACK")
        _ = try b.execute("NOTIFY other_channel, 'elsewhere'")
        XCTAssertTrue(try listener.waitForDelivery(using: b))
        XCTAssertEqual(recorder.payloads, ["b1", "b2", "a1"])
        XCTAssertEqual(recorder.all.first, .listening)
        // Another listener's markers are not reported here, nor taken for this one's.
        let other = ChangeListener(connectionString: uri, channel: "changes") { _ in }
        other.start()
        defer { other.stop() }
        try await listening(other)
        XCTAssertTrue(try other.waitForDelivery(using: a))
        XCTAssertTrue(try listener.waitForDelivery(using: a))
        XCTAssertEqual(recorder.payloads, ["b1", "b2", "a1"])
    }

    func testALostSessionIsReportedAndListensAgain() async throws {
        let cluster = try TestCluster()
        addTeardownBlock { cluster.stop() }
        let uri = try cluster.createDatabase(prefix: "relisten")
        let recorder = Recorder()
        let listener = ChangeListener(connectionString: uri, channel: "changes") { recorder.record($0) }
        listener.start()
        try await listening(listener)
        let admin = try Connection(uri)
        defer { admin.close() }

        // A terminated backend.
        let n = try admin.query("SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE query = 'LISTEN changes'")
        XCTAssertEqual(try n.first!.int("n"), 1)
        try await listening(listener, sessions: 2)
        _ = try admin.execute("NOTIFY changes, 'after terminate'")
        XCTAssertTrue(try listener.waitForDelivery(using: admin))
        XCTAssertEqual(recorder.all, [.listening, .lost, .listening, .notification("after terminate")])

        // A restarted server: lost while it is down (reconnecting with a growing pause), then back.
        admin.close()
        try cluster.restart()
        try await listening(listener, sessions: 3)
        let again = try Connection(uri)
        defer { again.close() }
        _ = try again.execute("NOTIFY changes, 'after restart'")
        XCTAssertTrue(try listener.waitForDelivery(using: again))
        XCTAssertEqual(Array(recorder.all.suffix(3)), [.lost, .listening, .notification("after restart")])

        // Stopped: reported lost, not listening, nothing more; started again: listening.
        listener.stop()
        XCTAssertFalse(listener.isListening)
        XCTAssertEqual(recorder.all.last, .lost)
        XCTAssertFalse(try listener.waitForDelivery(using: again, timeoutMilliseconds: 200))
        listener.start()
        try await listening(listener, sessions: 4)
        listener.stop()
    }
}
