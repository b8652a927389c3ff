import Foundation
import PostgresTesting
import XCTest
import Glibc
import Synchronization
@testable import Postgres

/// Reads sent in pipeline mode from a thread bound with `watch` (as the HTTP server's event loops
/// are): answers go to the right callers, a turn's reads share a round trip, and every way a read
/// can fail leaves the others answered.
final class PipelineTests: XCTestCase {
    private var uri: String!

    override func setUpWithError() throws {
        uri = try TestCluster.shared().createDatabase(prefix: "pipeline")
    }

    /// A pool with one bound connection and a loop bound to it, both closed after the test.
    private func pipelined(size: Int = 2, limits: BoundThreadLimits = BoundThreadLimits(),
                           acceptsWatch: Bool = true) -> (ConnectionPool, PipelineLoop) {
        let pool = ConnectionPool(connectionString: uri, size: size, boundThreads: 1, boundLimits: limits)
        let loop = PipelineLoop(pool: pool, acceptsWatch: acceptsWatch)
        addTeardownBlock { loop.stop(); pool.close() }
        return (pool, loop)
    }

    /// `count` tasks started on `loop` in one turn, each running `body` with its index.
    private func oneTurn<T: Sendable>(_ loop: PipelineLoop, _ count: Int,
                                      _ body: @escaping @Sendable (Int) async throws -> T) async -> [Result<T, any Error>] {
        let tasks = loop.batch {
            (0..<count).map { i in Task(executorPreference: loop) { try await body(i) } }
        }
        var results: [Result<T, any Error>] = []
        for task in tasks { results.append(await task.result) }
        return results
    }

    func testTheReadsOfOneTurnShareARoundTripAndEachGetsItsOwnAnswer() async throws {
        let (pool, loop) = pipelined()
        XCTAssertTrue(loop.bound)
        let counter = StatementCounter()
        let results = await oneTurn(loop, 40) { i in
            let row = try await pool.query(counter: counter, "SELECT $1::int8 * 2 AS n, pg_backend_pid() AS pid", [.int(i)]).first!
            return (try row.int("n"), try row.int("pid"), UInt(pthread_self()))
        }
        var backends: Set<Int> = []
        for (i, result) in results.enumerated() {
            let (n, pid, thread) = try result.get()
            XCTAssertEqual(n, 2 * i, "each caller gets the answer to its own statement")
            XCTAssertEqual(thread, loop.threadID, "and goes on on the loop's thread")
            backends.insert(pid)
        }
        XCTAssertEqual(backends.count, 1, "all on the loop's own connection")
        XCTAssertEqual(counter.count, 40)
        XCTAssertEqual(pool.pipelinedStatements, 40)
        XCTAssertLessThanOrEqual(pool.pipelineSyncs, 2, "one turn's reads went together (\(pool.pipelineSyncs) round trips)")
        // Off the loop, the same call waits for a pool thread's connection as `withConnection` does.
        let off = try await pool.query("SELECT 7 AS n").first!.int("n")
        XCTAssertEqual(off, 7)
        XCTAssertEqual(pool.pipelinedStatements, 40)
    }

    func testAThreadThatCannotWatchItsSocketRunsItsReadsInline() async throws {
        let (pool, loop) = pipelined(acceptsWatch: false)
        let results = await oneTurn(loop, 5) { i in try await pool.query("SELECT $1::int AS n", [.int(i)]).first!.int("n") }
        XCTAssertEqual(try results.map { try $0.get() }, [0, 1, 2, 3, 4], "answered, none left waiting for a socket nobody reads")
        XCTAssertEqual(pool.pipelinedStatements, 0)
    }

    func testAFailingReadFailsAloneAndTheRestOfItsTurnRunsAgain() async throws {
        let (pool, loop) = pipelined()
        let counter = StatementCounter()
        // 10 / (i - 3): the fourth divides by zero; the ones after it in its sync did not run.
        let results = await oneTurn(loop, 8) { i in
            try await pool.query(counter: counter, "SELECT 10 / ($1::int - 3) AS n", [.int(i)]).first!.int("n")
        }
        for (i, result) in results.enumerated() {
            if i == 3 {
                XCTAssertThrowsError(try result.get()) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "22012") }
            } else {
                XCTAssertEqual(try result.get(), 10 / (i - 3))
            }
        }
        XCTAssertGreaterThanOrEqual(counter.count, 8)
        // A statement whose PREPARE fails (no such table) fails the same way, and the connection goes on.
        let more = await oneTurn(loop, 3) { i in
            try await pool.query(i == 1 ? "SELECT n FROM missing_table" : "SELECT $1::int AS n", i == 1 ? [] : [.int(i)]).first!.int("n")
        }
        XCTAssertEqual(try more[0].get(), 0)
        XCTAssertThrowsError(try more[1].get()) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "42P01") }
        XCTAssertEqual(try more[2].get(), 2)
        // A parameter PostgreSQL cannot take (NUL) fails after its new statement's PREPARE went out:
        // that PREPARE is still answered, so the loop's connection does not wait forever after it.
        let nul = await oneTurn(loop, 1) { _ in try await pool.query("SELECT $1::text AS never_seen", [.text("a\u{0}b")]).count }
        XCTAssertThrowsError(try nul[0].get()) { XCTAssertEqual($0 as? PostgresError, .encoding("a parameter contains a NUL character, which PostgreSQL text cannot hold")) }
        let after = try await Task(executorPreference: loop) {
            try await pool.withConnection { try $0.query("SELECT $1::text AS t", [.text("fine")]).first!.string("t") }
        }.value
        XCTAssertEqual(after, "fine")
    }

    func testATransactionOnTheLoopWaitsForTheReadsInFlightAndReadsGoOnAfter() async throws {
        let (pool, loop) = pipelined()
        try await pool.withConnection { _ = try $0.execute("CREATE TABLE t (n int)") }
        let results = await oneTurn(loop, 9) { i -> Int in
            if i % 3 == 1 {
                // A unit of work inline on the loop's connection, between pipelined reads.
                return try await pool.transaction { c in
                    _ = try c.query("INSERT INTO t VALUES ($1)", [.int(i)])
                    return try c.query("SELECT count(*)::int8 AS n FROM t WHERE n = $1", [.int(i)]).first!.int("n")
                }
            }
            return try await pool.query("SELECT $1::int AS n", [.int(i)]).first!.int("n")
        }
        for (i, result) in results.enumerated() {
            XCTAssertEqual(try result.get(), i % 3 == 1 ? 1 : i, "caller \(i)")
        }
        let after = try await Task(executorPreference: loop) {
            try await pool.query("SELECT count(*)::int8 AS n FROM t").first!.int("n")
        }.value
        XCTAssertEqual(after, 3)
        XCTAssertEqual(pool.pipelinedStatements, 7)
    }

    func testReadsInFlightWhenTheConnectionIsLostRunAgainOnANewOne() async throws {
        let (pool, loop) = pipelined()
        let pid = try await Task(executorPreference: loop) {
            try await pool.query("SELECT pg_backend_pid() AS p").first!.int("p")
        }.value
        // The loop's backend is killed while idle, then while its reads are in flight.
        let killer = try Connection(uri)
        defer { killer.close() }
        _ = try killer.query("SELECT pg_terminate_backend($1::int)", [.int(pid)])
        try await Task.sleep(for: .milliseconds(100))
        let first = await oneTurn(loop, 5) { i in
            try await pool.query("SELECT $1::int AS n, pg_backend_pid() AS p", [.int(i)]).first!.int("p")
        }
        let second = try first.map { try $0.get() }
        XCTAssertEqual(Set(second).count, 1)
        XCTAssertNotEqual(second[0], pid, "a new connection")
        let slow = loop.batch {
            (0..<4).map { i in
                Task(executorPreference: loop) {
                    try await pool.query("SELECT $1::int AS n FROM pg_sleep(0.3)", [.int(i)]).first!.int("n")
                }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        _ = try killer.query("SELECT pg_terminate_backend($1::int)", [.int(second[0])])
        for (i, task) in slow.enumerated() {
            let n = try await task.value
            XCTAssertEqual(n, i, "answered after all")
        }
        // And the new connection's answers come through the loop again.
        let sent = pool.pipelinedStatements
        let again = await oneTurn(loop, 3) { i in try await pool.query("SELECT $1::int AS n", [.int(i)]).first!.int("n") }
        XCTAssertEqual(try again.map { try $0.get() }, [0, 1, 2])
        XCTAssertEqual(pool.pipelinedStatements, sent + 3)
    }

    func testAReadThatWaitsForALockMovesToAPoolThreadAndTheLoopServesOthers() async throws {
        let (pool, loop) = pipelined(size: 3, limits: BoundThreadLimits(lockTimeoutMilliseconds: 100))
        try await pool.withConnection { _ = try $0.execute("CREATE TABLE locked (n int); INSERT INTO locked VALUES (5)") }
        let locker = try Connection(uri)
        defer { locker.close() }
        try locker.execute("BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE")
        let order = Box<[String]>([])
        let waiting = loop.batch {
            (0..<3).map { i in
                Task(executorPreference: loop) {
                    let n = try await pool.query(i == 1 ? "SELECT sum(n)::int8 AS n FROM locked" : "SELECT $1::int8 AS n", i == 1 ? [] : [.int(i)])
                        .first!.int("n")
                    order.update { $0.append("read \(i)") }
                    return n
                }
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        let other = try await Task(executorPreference: loop) { try await pool.query("SELECT 1 AS n").first!.int("n") }.value
        XCTAssertEqual(other, 1, "the loop answers while the locked read waits on a pool thread")
        order.update { $0.append("other") }
        try locker.execute("COMMIT")
        var answers: [Int] = []
        for task in waiting { answers.append(try await task.value) }
        XCTAssertEqual(answers, [0, 5, 2])
        XCTAssertEqual(order.value.last, "read 1", "\(order.value)")
        XCTAssertEqual(pool.lockWaitsMoved, 1)
    }
}

/// A thread like an HTTP event loop: runs task jobs one at a time, watches its connection's
/// socket, and sends what its tasks queued before it waits.
final class PipelineLoop: TaskExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private var jobs: [UnownedJob] = []
    private var holding = false
    private var stopping = false
    /// A pipe: written to wake the loop, read end polled.
    private let wake: (read: Int32, write: Int32) = {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        return (fds[0], fds[1])
    }()
    private let started = DispatchSemaphore(value: 0)
    private(set) var bound = false
    private(set) var threadID: UInt = 0
    /// The socket to watch (loop thread only).
    private var watched: Int32 = -1

    /// Whether it takes the socket to watch (false: as an epoll that refuses it).
    private let acceptsWatch: Bool

    init(pool: ConnectionPool, acceptsWatch: Bool = true) {
        self.acceptsWatch = acceptsWatch
        let thread = Thread { [self] in run(pool) }
        thread.stackSize = 8 << 20
        thread.start()
        started.wait()
    }

    /// Runs `body` with the loop held: the jobs it enqueues run in one turn.
    func batch<T>(_ body: () -> T) -> T {
        lock.lock(); holding = true; lock.unlock()
        let value = body()
        lock.lock(); holding = false; lock.unlock()
        signal()
        return value
    }

    private func run(_ pool: ConnectionPool) {
        bound = pool.bindCurrentThread(watch: { [self] fd in
            guard acceptsWatch || fd < 0 else { return false }
            watched = fd
            return true
        })
        threadID = UInt(pthread_self())
        started.signal()
        while true {
            lock.lock()
            let turn = holding ? [] : jobs
            if !holding { jobs.removeAll() }
            let stop = stopping
            lock.unlock()
            if stop { break }
            for job in turn { job.runSynchronously(on: asUnownedTaskExecutor()) }
            if !turn.isEmpty { continue }
            pool.sendQueuedStatements()
            var fds = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0), pollfd(fd: watched, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, watched >= 0 ? 2 : 1, 100)
            if fds[0].revents != 0 { var bytes = [UInt8](repeating: 0, count: 64); _ = read(wake.read, &bytes, 64) }
            if watched >= 0 && fds[1].revents != 0 { pool.receiveAnswers() }
        }
    }

    private func signal() { var one: UInt8 = 1; _ = write(wake.write, &one, 1) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        lock.lock()
        jobs.append(job)
        lock.unlock()
        signal()
    }

    func stop() {
        lock.lock()
        stopping = true
        lock.unlock()
        signal()
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }
}
