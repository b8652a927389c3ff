import Foundation
import PostgresTesting
import XCTest
import Glibc
import Synchronization
@testable import Postgres

final class ConnectionPoolTests: XCTestCase {
    private var uri: String!
    private var pool: ConnectionPool!

    override func setUpWithError() throws {
        uri = try TestCluster.shared().createDatabase(prefix: "pool")
        pool = ConnectionPool(connectionString: uri, size: 4, acquireTimeout: .seconds(20))
    }

    override func tearDown() {
        pool?.close()
    }

    func testFiftyTasksOfTwentyQueriesShareAPoolOfFour() async throws {
        try await pool.withConnection { try $0.execute("CREATE TABLE hits (task int, n int)") }
        let pool = self.pool!
        let peak = Box<Int>(0)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<50 {
                group.addTask {
                    var sum = 0
                    for n in 0..<20 {
                        sum += try await pool.withConnection { connection in
                            let inUse = pool.metrics.inUse
                            peak.update { $0 = max($0, inUse) }
                            try connection.query("INSERT INTO hits VALUES ($1, $2)", [.int(task), .int(n)])
                            return try connection.query("SELECT $1::int8 * 2 AS v", [.int(n)]).first!.int("v")
                        }
                    }
                    return sum
                }
            }
            var total = 0
            for try await sum in group { total += sum }
            XCTAssertEqual(total, 50 * 380)
        }
        let count = try await pool.withConnection { try $0.query("SELECT count(*) AS n, count(DISTINCT (task, n)) AS d FROM hits").first!.int("d") }
        XCTAssertEqual(count, 1000)
        XCTAssertLessThanOrEqual(peak.value, 4)
        let backends = try await pool.withConnection {
            try $0.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()").first!.int("n")
        }
        XCTAssertLessThanOrEqual(backends, 4, "the pool must never open more connections than its size")
        let metrics = pool.metrics
        XCTAssertEqual(metrics.inUse, 0)
        XCTAssertEqual(metrics.waiting, 0)
        XCTAssertEqual(metrics.idle, 4)
        XCTAssertGreaterThanOrEqual(metrics.statementsTotal, 2000)
    }

    func testTransactionRollsBackWhenTheBodyThrows() async throws {
        try await pool.withConnection { try $0.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int CHECK (balance >= 0))") }
        struct Refused: Error {}
        do {
            _ = try await pool.transaction { connection in
                try connection.query("INSERT INTO accounts VALUES (1, 10)")
                throw Refused()
            }
            XCTFail("expected the error to propagate")
        } catch is Refused {}
        do {
            _ = try await pool.transaction { connection in
                try connection.query("INSERT INTO accounts VALUES (2, 10)")
                try connection.query("INSERT INTO accounts VALUES (3, -5)")  // check violation
            }
            XCTFail("expected a check violation")
        } catch let error as PostgresError {
            XCTAssertTrue(error.isCheckViolation)
        }
        try await pool.transaction { try $0.query("INSERT INTO accounts VALUES (4, 1)") }
        let ids = try await pool.withConnection { try $0.query("SELECT id FROM accounts ORDER BY id").rows.map { try $0.int("id") } }
        XCTAssertEqual(ids, [4])
    }

    func testCommitOfASwallowedFailureIsReportedNotSilentlyLost() async throws {
        try await pool.withConnection { try $0.execute("CREATE TABLE once (id int PRIMARY KEY)") }
        do {
            try await pool.transaction { connection in
                try connection.query("INSERT INTO once VALUES (1)")
                _ = try? connection.query("INSERT INTO once VALUES (1)")  // fails and aborts the transaction
            }
            XCTFail("commit of an aborted transaction must throw")
        } catch let error as PostgresError {
            XCTAssertEqual(error.sqlState, "25P02")
        }
        let count = try await pool.withConnection { try $0.query("SELECT count(*) AS n FROM once").first!.int("n") }
        XCTAssertEqual(count, 0)
    }

    func testSerializableIsolationIsApplied() async throws {
        let level = try await pool.transaction(isolation: .serializable) {
            try $0.query("SHOW transaction_isolation").first!.string("transaction_isolation")
        }
        XCTAssertEqual(level, "serializable")
    }

    func testAnOpenTransactionLeftByAClosureIsRolledBack() async throws {
        let small = ConnectionPool(connectionString: uri, size: 1)
        defer { small.close() }
        try await small.withConnection { try $0.execute("CREATE TABLE leak (x int)") }
        try await small.withConnection { try $0.execute("BEGIN; INSERT INTO leak VALUES (1)") }
        let state = try await small.withConnection { connection in
            (connection.isInTransaction, try connection.query("SELECT count(*) AS n FROM leak").first!.int("n"))
        }
        XCTAssertFalse(state.0)
        XCTAssertEqual(state.1, 0)
        struct Abandoned: Error {}
        do {
            try await small.withConnection { connection in
                try connection.execute("BEGIN; INSERT INTO leak VALUES (2)")
                throw Abandoned()
            }
        } catch is Abandoned {}
        let count = try await small.withConnection { try $0.query("SELECT count(*) AS n FROM leak").first!.int("n") }
        XCTAssertEqual(count, 0, "a transaction left open by a throwing closure is rolled back too")
    }

    func testStatementCounterCountsAPoolRequestExactly() async throws {
        let counter = StatementCounter()
        try await pool.withConnection(counter: counter) { try $0.execute("CREATE TABLE c (x int)") }
        try await pool.transaction(counter: counter) { connection in
            try connection.query("INSERT INTO c VALUES ($1)", [.int(1)])
            try connection.query("INSERT INTO c VALUES ($1)", [.int(2)])
        }
        // CREATE + BEGIN + 2 inserts + COMMIT
        XCTAssertEqual(counter.count, 5)
        let other = StatementCounter()
        _ = try await pool.withConnection(counter: other) { try $0.query("SELECT 1") }
        XCTAssertEqual(other.count, 1)
        XCTAssertEqual(counter.count, 5)
    }

    func testWaitingCallerTimesOutWhenEveryConnectionIsBusy() async throws {
        let small = ConnectionPool(connectionString: uri, size: 1, acquireTimeout: .milliseconds(300))
        defer { small.close() }
        async let slow: Void = small.withConnection { _ = try $0.query("SELECT pg_sleep(1.5)") }
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertEqual(small.metrics.inUse, 1)
        do {
            _ = try await small.withConnection { try $0.query("SELECT 1") }
            XCTFail("expected a pool timeout")
        } catch PostgresError.poolTimeout {}
        try await slow
        let value = try await small.withConnection { try $0.query("SELECT 7 AS v").first!.int("v") }
        XCTAssertEqual(value, 7)
    }

    func testWaitersAreServedInArrivalOrder() async throws {
        let small = ConnectionPool(connectionString: uri, size: 1)
        defer { small.close() }
        let order = Box<[Int]>([])
        async let blocker: Void = small.withConnection { _ = try $0.query("SELECT pg_sleep(0.3)") }
        try await Task.sleep(for: .milliseconds(100))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<5 {
                group.addTask { try await small.withConnection { _ in order.update { $0.append(index) } } }
                try await Task.sleep(for: .milliseconds(20))
            }
            try await group.waitForAll()
        }
        try await blocker
        XCTAssertEqual(order.value, [0, 1, 2, 3, 4])
    }

    func testCancelledWaiterLeavesTheQueue() async throws {
        let small = ConnectionPool(connectionString: uri, size: 1)
        defer { small.close() }
        async let blocker: Void = small.withConnection { _ = try $0.query("SELECT pg_sleep(0.8)") }
        try await Task.sleep(for: .milliseconds(150))
        let ran = Box(false)
        let waiter = Task { try await small.withConnection { _ in ran.update { $0 = true } } }
        try await Task.sleep(for: .milliseconds(150))
        XCTAssertEqual(small.metrics.waiting, 1)
        waiter.cancel()
        do {
            try await waiter.value
            XCTFail("expected cancellation")
        } catch is CancellationError {}
        XCTAssertEqual(small.metrics.waiting, 0)
        try await blocker
        try await small.withConnection { _ in }
        XCTAssertFalse(ran.value, "cancelled work must never run")
    }

    // MARK: Tasks on the pool's executor (how the server runs request handlers)

    func testATaskOnThePoolsExecutorRunsItsStatementsInlineOnItsThread() async throws {
        let pool = self.pool!
        let counter = StatementCounter()
        let (inline, sameBackend) = try await Task(executorPreference: pool.executor) {
            var inline = true
            var backends: Set<Int> = []
            for _ in 0..<5 {
                let caller = UInt(pthread_self())
                let (backend, thread) = try await pool.withConnection(counter: counter) { connection in
                    (try connection.query("SELECT pg_backend_pid() AS p").first!.int("p"), UInt(pthread_self()))
                }
                inline = inline && thread == caller
                backends.insert(backend)
                await Task.yield()
            }
            return (inline, backends.count <= 4)
        }.value
        XCTAssertTrue(inline, "a statement issued on a pool thread runs on that thread, no hand-off")
        XCTAssertTrue(sameBackend)
        XCTAssertEqual(counter.count, 5)
        // The thread counts itself idle just after the task's last job, which resumed this test.
        for _ in 0..<100 where pool.metrics.inUse != 0 { try await Task.sleep(for: .milliseconds(1)) }
        XCTAssertEqual(pool.metrics.inUse, 0)
    }

    func testTasksOnTheExecutorAndCallersOffItShareThePoolWithoutLosingWork() async throws {
        let small = ConnectionPool(connectionString: uri, size: 2)
        defer { small.close() }
        try await small.withConnection { try $0.execute("CREATE TABLE mixed (who text, n int)") }
        let peak = Box<Int>(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<40 {
                let onPool = task % 2 == 0
                let work: @Sendable () async throws -> Void = {
                    for n in 0..<10 {
                        try await small.withConnection { connection in
                            let inUse = small.metrics.inUse
                            peak.update { $0 = max($0, inUse) }
                            try connection.query("INSERT INTO mixed VALUES ($1, $2)", [.text(onPool ? "pool\(task)" : "off\(task)"), .int(n)])
                        }
                        if n % 3 == 0 { try await Task.sleep(for: .milliseconds(1)) }
                    }
                }
                if onPool {
                    group.addTask { try await Task(executorPreference: small.executor) { try await work() }.value }
                } else {
                    group.addTask { try await work() }
                }
            }
            try await group.waitForAll()
        }
        let rows = try await small.withConnection { try $0.query("SELECT count(DISTINCT (who, n)) AS n FROM mixed").first!.int("n") }
        XCTAssertEqual(rows, 400)
        XCTAssertLessThanOrEqual(peak.value, 2)
        for _ in 0..<100 where small.metrics.inUse != 0 { try await Task.sleep(for: .milliseconds(1)) }
        XCTAssertEqual(small.metrics.inUse, 0)
        XCTAssertEqual(small.metrics.waiting, 0)
    }

    func testATaskOnOnePoolUsesAnotherPoolWithoutDeadlock() async throws {
        let first = ConnectionPool(connectionString: uri, size: 1)
        let second = ConnectionPool(connectionString: uri, size: 1)
        defer { first.close(); second.close() }
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<10 {
                group.addTask {
                    try await Task(executorPreference: first.executor) {
                        let a = try await first.withConnection { try $0.query("SELECT $1::int8 AS v", [.int(i)]).first!.int("v") }
                        let b = try await second.withConnection { try $0.query("SELECT $1::int8 * 10 AS v", [.int(a)]).first!.int("v") }
                        return a + b
                    }.value
                }
            }
            var all: [Int] = []
            for try await v in group { all.append(v) }
            return all.sorted()
        }
        XCTAssertEqual(values, (0..<10).map { $0 * 11 })
    }

    func testTasksQueuedOnAClosedPoolFinishWithPoolClosedInsteadOfHanging() async throws {
        let small = ConnectionPool(connectionString: uri, size: 1)
        async let blocker: Void = small.withConnection { _ = try $0.query("SELECT pg_sleep(0.3)") }
        try await Task.sleep(for: .milliseconds(100))
        let queued = (0..<3).map { _ in
            Task(executorPreference: small.executor) { () async throws -> Int in
                try await small.withConnection { try $0.query("SELECT 1 AS v").first!.int("v") }
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        small.close()
        try? await blocker
        for task in queued {
            do {
                _ = try await task.value
                // Run before the close took effect: fine, as long as nothing hangs.
            } catch PostgresError.poolClosed {}
        }
        let late = try? await Task(executorPreference: small.executor) {
            try await small.withConnection { try $0.query("SELECT 1 AS v").first!.int("v") }
        }.value
        XCTAssertNil(late, "a closed pool refuses work, also from a task that prefers its executor")
    }

    // MARK: Bound threads (how the server's event loops run request handlers)

    func testABoundThreadRunsShortWorkInlineAndLongWorkOnThePoolsThreads() async throws {
        let pool = ConnectionPool(connectionString: uri, size: 3, boundThreads: 1)
        defer { pool.close() }
        XCTAssertEqual(pool.boundThreads, 1)
        let loop = BoundThreadExecutor(pool: pool)
        defer { loop.stop() }
        XCTAssertTrue(loop.bound)
        let counter = StatementCounter()
        let seen = try await Task(executorPreference: loop) {
            var shortThreads: Set<UInt> = [], backends: Set<Int> = [], longThreads: Set<UInt> = [], after: Set<UInt> = []
            for _ in 0..<3 {
                let (backend, thread) = try await pool.withConnection(counter: counter) { connection in
                    (try connection.query("SELECT pg_backend_pid() AS p").first!.int("p"), UInt(pthread_self()))
                }
                shortThreads.insert(thread)
                backends.insert(backend)
                let (longBackend, longThread) = try await pool.withConnection(counter: counter, long: true) { connection in
                    (try connection.query("SELECT pg_backend_pid() AS p").first!.int("p"), UInt(pthread_self()))
                }
                longThreads.insert(longThread)
                XCTAssertNotEqual(longBackend, backend, "long work uses a pool thread's connection")
                after.insert(UInt(pthread_self()))
            }
            return (shortThreads, backends, longThreads, after)
        }.value
        XCTAssertEqual(seen.0, [loop.threadID], "short work runs inline on the bound thread")
        XCTAssertEqual(seen.1.count, 1, "always on the bound thread's own connection")
        XCTAssertFalse(seen.2.contains(loop.threadID), "long work leaves the bound thread")
        XCTAssertEqual(seen.3, [loop.threadID], "and the task comes back to it")
        XCTAssertEqual(counter.count, 6)
    }

    func testLongWorkDoesNotHoldUpTheBoundThreadsOtherWork() async throws {
        let pool = ConnectionPool(connectionString: uri, size: 2, boundThreads: 1)
        defer { pool.close() }
        let loop = BoundThreadExecutor(pool: pool)
        defer { loop.stop() }
        let order = Box<[String]>([])
        let long = Task(executorPreference: loop) {
            try await pool.withConnection(long: true) { _ = try $0.query("SELECT pg_sleep(0.4)") }
            order.update { $0.append("long") }
        }
        try await Task.sleep(for: .milliseconds(100))
        let short = Task(executorPreference: loop) {
            try await pool.withConnection { _ = try $0.query("SELECT 1") }
            order.update { $0.append("short") }
        }
        try await short.value
        try await long.value
        XCTAssertEqual(order.value, ["short", "long"], "the bound thread answered while the long statement ran elsewhere")
    }

    func testABoundThreadsLockWaitMovesToThePoolsThreadsWhileItServesOthers() async throws {
        let limits = BoundThreadLimits(lockTimeoutMilliseconds: 100, statementTimeoutMilliseconds: 1500)
        let pool = ConnectionPool(connectionString: uri, size: 3, boundThreads: 1, boundLimits: limits)
        defer { pool.close() }
        let loop = BoundThreadExecutor(pool: pool)
        defer { loop.stop() }
        try await pool.withConnection { c in
            _ = try c.execute("CREATE TABLE locked (n int); CREATE TABLE written (n int)")
        }
        // The bound thread's connection has the limits; the pool's threads keep the server's defaults.
        let settings: @Sendable (Connection) throws -> [String] = { c in
            [try c.query("SHOW lock_timeout").first!.string(at: 0), try c.query("SHOW statement_timeout").first!.string(at: 0)]
        }
        let onLoop = try await Task(executorPreference: loop) { try await pool.withConnection(settings) }.value
        XCTAssertEqual(onLoop, ["100ms", "1500ms"])
        let onPool = try await pool.withConnection(settings)
        XCTAssertEqual(onPool, ["0", "0"])

        let locker = try Connection(uri)
        try locker.execute("BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE")
        let order = Box<[String]>([])
        let counter = StatementCounter()
        let waiting = Task(executorPreference: loop) {
            let thread = try await pool.withConnection(counter: counter) { c in
                _ = try c.query("SELECT count(*) FROM locked")
                return UInt(pthread_self())
            }
            order.update { $0.append("locked read") }
            return thread
        }
        try await Task.sleep(for: .milliseconds(400))
        let other = try await Task(executorPreference: loop) {
            try await pool.withConnection { c in try c.query("SELECT 1 AS one").first!.int("one") }
        }.value
        XCTAssertEqual(other, 1)
        order.update { $0.append("other") }
        // A transaction whose second statement waits fails after the limit and rolls back whole.
        do {
            try await Task(executorPreference: loop) {
                try await pool.transaction { c in
                    _ = try c.query("INSERT INTO written VALUES (1)")
                    _ = try c.query("SELECT count(*) FROM locked")
                }
            }.value
            XCTFail("the second statement should have given up waiting")
        } catch let error as PostgresError {
            XCTAssertTrue(error.isLockTimeout, "\(error)")
        }
        try locker.execute("COMMIT")
        let thread = try await waiting.value
        XCTAssertEqual(order.value, ["other", "locked read"], "the bound thread served other work while the read waited")
        XCTAssertNotEqual(thread, loop.threadID, "the waiting read finished on a pool thread")
        XCTAssertEqual(counter.count, 2, "one statement gave up on the bound thread, the same one ran on the pool's")
        XCTAssertEqual(pool.lockWaitsMoved, 1, "only a first statement moves")
        let written = try await pool.withConnection { try $0.query("SELECT count(*)::int8 AS n FROM written").first!.int("n") }
        XCTAssertEqual(written, 0)
        // A statement running past the bound thread's statement_timeout fails there.
        do {
            try await Task(executorPreference: loop) {
                try await pool.withConnection { _ = try $0.query("SELECT pg_sleep(3)") }
            }.value
            XCTFail("statement_timeout")
        } catch let error as PostgresError {
            XCTAssertTrue(error.isStatementTimeout, "\(error)")
        }
    }

    func testWorkWaitingForALockWaitsForAPoolThreadAtMostTheAcquireTimeout() async throws {
        let pool = ConnectionPool(connectionString: uri, size: 2, boundThreads: 1,
                                  boundLimits: BoundThreadLimits(lockTimeoutMilliseconds: 100), acquireTimeout: .milliseconds(600))
        defer { pool.close() }
        let loop = BoundThreadExecutor(pool: pool)
        defer { loop.stop() }
        try await pool.withConnection { _ = try $0.execute("CREATE TABLE held (n int)") }
        // Someone holds the table for 3 s.
        let locked = DispatchSemaphore(value: 0)
        let uri = self.uri!
        Thread.detachNewThread {
            guard let locker = try? Connection(uri), (try? locker.execute("BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE")) != nil
            else { locked.signal(); return }
            locked.signal()
            Thread.sleep(forTimeInterval: 3)
            _ = try? locker.execute("COMMIT")
            locker.close()
        }
        locked.wait()
        let read: @Sendable () async throws -> Int = {
            try await Task(executorPreference: loop) {
                try await pool.withConnection { try $0.query("SELECT count(*)::int8 AS n FROM held").first!.int("n") }
            }.value
        }
        // The first read waits for the lock on the pool's only thread; the second waits for that thread.
        let first = Task { try await read() }
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        do {
            _ = try await read()
            XCTFail("the second read should have given up waiting for a pool thread")
        } catch let error as PostgresError {
            guard case .poolTimeout = error else { return XCTFail("\(error)") }
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(3))
        let other = try await Task(executorPreference: loop) { try await pool.withConnection { try $0.query("SELECT 2 AS n").first!.int("n") } }.value
        XCTAssertEqual(other, 2, "the bound thread still serves")
        let firstCount = try await first.value
        XCTAssertEqual(firstCount, 0, "the read on the pool thread finished once the lock was gone")
        XCTAssertEqual(pool.lockWaitsMoved, 2)
    }

    func testOnlyTheKeptConnectionsBindAndTheyCloseWithTheirThreads() async throws {
        XCTAssertEqual(ConnectionPool(connectionString: uri, size: 2, boundThreads: 2).boundThreads, 0,
                       "binding every connection would leave the pool no thread")
        let pool = ConnectionPool(connectionString: uri, size: 2, boundThreads: 1)
        defer { pool.close() }
        let first = BoundThreadExecutor(pool: pool)
        let second = BoundThreadExecutor(pool: pool)
        defer { second.stop() }
        XCTAssertTrue(first.bound)
        XCTAssertFalse(second.bound, "one connection was kept for bound threads")
        // An unbound thread's statements go to the pool's thread, and still run.
        let elsewhere = try await Task(executorPreference: second) {
            try await pool.withConnection { _ in UInt(pthread_self()) }
        }.value
        XCTAssertNotEqual(elsewhere, second.threadID)
        let backend = try await Task(executorPreference: first) {
            try await pool.withConnection { try $0.query("SELECT pg_backend_pid() AS p").first!.int("p") }
        }.value
        XCTAssertEqual(pool.metrics.size, 2)
        first.stop()
        var alive = 1
        for _ in 0..<200 {
            alive = try await pool.withConnection { try $0.query("SELECT count(*)::int8 AS n FROM pg_stat_activity WHERE pid = $1", [.int(backend)]).first!.int("n") }
            if alive == 0 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTAssertEqual(alive, 0, "the bound thread's connection closes when the thread exits")
    }

    func testClosedPoolRejectsWork() async throws {
        pool.close()
        do {
            _ = try await pool.withConnection { try $0.query("SELECT 1") }
            XCTFail("expected poolClosed")
        } catch PostgresError.poolClosed {}
    }

    func testWrongURIGivesAConnectionErrorNotACrash() async throws {
        let broken = ConnectionPool(connectionString: "postgresql:///nope?host=/nonexistent-dir&user=postgres", size: 1)
        defer { broken.close() }
        do {
            _ = try await broken.withConnection { try $0.query("SELECT 1") }
            XCTFail("expected a connection error")
        } catch let error as PostgresError {
            XCTAssertTrue(error.isConnectionError, "\(error)")
        }
    }
}

/// A value shared between test tasks.
final class Box<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value { storage.withLock { $0 } }
    func update(_ body: (inout Value) -> Void) { storage.withLock { body(&$0) } }
}

/// A thread that runs task jobs one at a time, bound to a pool (like an event loop of the HTTP server).
final class BoundThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var started = false
    private(set) var bound = false
    private(set) var threadID: UInt = 0

    init(pool: ConnectionPool) {
        let thread = Thread { [self] in run(pool) }
        thread.start()
        condition.lock()
        while !started { condition.wait() }
        condition.unlock()
    }

    private func run(_ pool: ConnectionPool) {
        condition.lock()
        bound = pool.bindCurrentThread()
        threadID = UInt(pthread_self())
        started = true
        condition.broadcast()
        while true {
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty { break }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
            condition.lock()
        }
        condition.unlock()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }
}
