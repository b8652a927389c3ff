import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A fixed number of PostgreSQL connections, each owned by its own thread.
///
/// libpq blocks, so the pool never runs it on Swift concurrency's cooperative
/// threads: `withConnection` parks the calling task on a continuation, a pool
/// thread runs the closure with its connection, then resumes the task. Waiting
/// callers are served first come, first served; one that waits longer than
/// `acquireTimeout` gets `PostgresError.poolTimeout`.
///
/// The pool is also a task executor (`executor`): a task that prefers it runs
/// on the pool's threads, and its `withConnection` calls made there run inline
/// with that thread's connection, with no hand-off at all. The HTTP server runs
/// each request's handler this way, so a request costs two thread hops (the
/// event loop to a pool thread and back) however many statements it issues.
///
/// A connection found broken (the server restarted) is re-established before
/// use; if the first statement of a checkout fails at the connection level, the
/// pool reconnects and runs the closure again — nothing had succeeded yet — up to
/// `PoolWorker.attemptsWhenLost` runs in all.
///
/// A bound thread serves many callers one after another (an event loop's connections), so its
/// connection waits for locks at most `BoundThreadLimits.lockTimeoutMilliseconds`: a closure
/// whose first statement waited that long (a table locked by a restore, a migration, someone's
/// open transaction) runs again on a pool thread, where it may wait as long as the lock is held
/// while the bound thread serves its other callers (it waits for a free pool thread at most
/// `acquireTimeout`). A later statement that waits that long fails (`PostgresError.isLockTimeout`;
/// a transaction rolls back).
public final class ConnectionPool: Sendable {
    /// Connections in all: the pool's threads plus `boundThreads`.
    public let size: Int
    /// Connections kept for threads that bind themselves (`bindCurrentThread`).
    public let boundThreads: Int
    public let acquireTimeout: Duration
    /// Statements run through this pool since it started (for /metrics).
    public let statementsTotal = StatementCounter()
    private let state: PoolState
    /// Runs tasks on the pool's threads (see the type's documentation).
    public let executor: PoolExecutor

    /// - Parameters:
    ///   - connectionString: a libpq URI or conninfo.
    ///   - size: connections in all; the server passes `DB_POOL_SIZE` (default 2 × cores).
    ///   - boundThreads: how many of them threads may take with `bindCurrentThread`; the rest
    ///     get a pool thread each. None when that would leave the pool without a thread.
    ///   - boundLimits: what the bound threads' connections may wait for.
    public init(connectionString: String, size: Int, boundThreads: Int = 0, boundLimits: BoundThreadLimits = BoundThreadLimits(),
                acquireTimeout: Duration = .seconds(30)) {
        self.size = max(1, size)
        self.boundThreads = boundThreads > 0 && boundThreads < self.size ? boundThreads : 0
        self.acquireTimeout = acquireTimeout
        let threads = self.size - self.boundThreads
        state = PoolState(connectionString: connectionString, statements: statementsTotal, workers: threads, boundLimits: boundLimits)
        executor = PoolExecutor(state: state)
        for index in 0..<threads {
            let state = self.state
            let thread = Thread { state.workerLoop() }
            thread.name = "postgres-pool-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    deinit { state.close() }

    /// The default size: `DB_POOL_SIZE` when set to a positive number, else 2 × cores.
    public static func defaultSize(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let text = environment["DB_POOL_SIZE"], let value = Int(text), value > 0 { return value }
        return 2 * ProcessInfo.processInfo.activeProcessorCount
    }

    /// Runs `body` with a connection: inline on a pool thread or a bound thread, else on one of
    /// the pool's threads. `long` work (a report, an export) never runs inline on a bound thread,
    /// whose other work (an event loop's connections) would wait for it.
    /// Statements are counted on `counter` when given.
    @discardableResult
    public func withConnection<T: Sendable>(counter: StatementCounter? = nil, long: Bool = false,
                                            _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await run(counter: counter, long: long, body)
    }

    /// Runs `body` inside BEGIN ... COMMIT; any thrown error rolls back and is rethrown.
    @discardableResult
    public func transaction<T: Sendable>(isolation: IsolationLevel = .readCommitted, counter: StatementCounter? = nil,
                                         _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await run(counter: counter, long: false) { connection in
            try connection.transaction(isolation: isolation, body)
        }
    }

    public var metrics: PoolMetrics { state.metrics(size: size) }

    /// Closures that waited for a lock on a bound thread and ran again on the pool's threads.
    public var lockWaitsMoved: Int { state.lockWaitsMoved.load(ordering: .relaxed) }

    /// Statements sent in pipeline mode, and the round trips (syncs) they went in.
    public var pipelinedStatements: Int { state.pipelinedStatements.load(ordering: .relaxed) }
    public var pipelineSyncs: Int { state.pipelineSyncs.load(ordering: .relaxed) }

    /// Gives the calling thread a connection of its own, one of the `boundThreads` the pool was
    /// made with (opened on first use, closed when the thread exits): the thread's
    /// `withConnection` and `transaction` calls then run inline on it, with no hand-off, unless
    /// they are `long`. For long-lived threads that run one job at a time and never suspend
    /// inside a body: the HTTP server's event loops, which run request handlers. Returns false
    /// (and binds nothing) when every bound connection is taken or the thread already has one;
    /// such a thread's calls go to the pool's threads as before.
    ///
    /// With `watch`, the thread's `query` calls do not wait for their answers: they are sent in
    /// pipeline mode and the calling task suspends; the thread sends what its tasks queued with
    /// `sendQueuedStatements` (before it waits for events) and calls `receiveAnswers` when the
    /// connection's socket (given to `watch`, again after each reconnect; -1: stop watching, the
    /// connection is lost) has input, which resumes the tasks answered. An event loop's requests
    /// then share each round trip. While `watch` cannot take the socket (returns false), `query`
    /// runs inline instead.
    @discardableResult
    public func bindCurrentThread(watch: ((Int32) -> Bool)? = nil) -> Bool {
        guard PoolWorker.current == nil, state.takeBoundSlot(of: boundThreads) else { return false }
        let worker = PoolWorker(state: state, connectionString: state.connectionString, statements: statementsTotal, bound: true)
        worker.watch = watch
        // Retained by the thread's key; the key's destructor closes and releases it at thread exit.
        pthread_setspecific(PoolWorker.currentKey, Unmanaged.passRetained(worker).toOpaque())
        return true
    }

    /// On a thread bound with `watch`: sends the statements its tasks queued since the last call.
    public func sendQueuedStatements() {
        guard let worker = PoolWorker.current, worker.state === state else { return }
        worker.syncPipeline()
    }

    /// On a thread bound with `watch`, when the watched socket has input: delivers the answers.
    public func receiveAnswers() {
        guard let worker = PoolWorker.current, worker.state === state else { return }
        worker.receivePipelined()
    }

    /// One statement with `$1...` parameters, as `Connection.query`. On a thread bound with
    /// `watch` (an event loop) it is sent in pipeline mode with the other statements of the
    /// thread's turn and the task waits for its answer without holding the thread; elsewhere it
    /// runs as `withConnection { $0.query(...) }`. For reads only: a statement sent in pipeline
    /// mode may run in one implicit transaction with other callers' reads. One whose answer did
    /// not come (its pipeline aborted, the connection lost) runs again on its own; one that waited
    /// for a lock past the bound thread's limit runs again on a pool thread, as in `withConnection`.
    public func query(counter: StatementCounter? = nil, _ sql: String, _ parameters: [PostgresValue?] = []) async throws -> QueryResult {
        if let worker = PoolWorker.current, worker.state === state, worker.watch != nil, !state.isClosed {
            do {
                return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<QueryResult, Error>) in
                    do {
                        try worker.sendPipelined(counter: counter, sql, parameters) { continuation.resume(with: $0) }
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            } catch let error as PostgresError where error.isLockTimeout {
                state.lockWaitsMoved.add(1, ordering: .relaxed)
                return try await run(counter: counter, long: false, moved: true) { try $0.query(sql, parameters) }
            } catch let error as PostgresError where error == .pipelineAborted || error.isConnectionError
                        || error.sqlState == "0A000" || error.sqlState == "26000" {
                // It did not run, or its prepared statement is stale: `query` below knows what to do about both.
            }
        }
        return try await run(counter: counter, long: false) { try $0.query(sql, parameters) }
    }

    /// Fails every waiting caller, lets running work finish, closes all connections.
    public func close() { state.close() }

    private func run<T: Sendable>(counter: StatementCounter?, long: Bool, moved: Bool = false,
                                  _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try Task.checkCancellation()
        let state = self.state
        var waitsForLock = false
        if let worker = PoolWorker.current, worker.state === state {
            if !worker.isBound || !(long || moved) {
                // A task of `executor` on one of this pool's threads, or a bound thread: the thread's
                // connection is free (a thread runs one job at a time, and a body never suspends), so
                // it is used right here.
                if state.isClosed { throw PostgresError.poolClosed }
                guard worker.isBound else { return try worker.perform(counter: counter, body) }
                do {
                    state.boundBusy.add(1, ordering: .relaxed)
                    defer { state.boundBusy.subtract(1, ordering: .relaxed) }
                    return try worker.perform(counter: counter, body)
                } catch let error as PostgresError where error.isLockTimeout && worker.firstStatementFailed {
                    // Its first statement waited for a lock past the bound thread's limit: nothing had
                    // run, so the whole closure runs again on a pool thread, where it may wait, while
                    // this thread serves its other callers. It queues as a checkout (below), so it
                    // waits for a free pool thread at most `acquireTimeout`: a lock held for long
                    // keeps at most the pool's threads waiting, not every request that needs it.
                    state.lockWaitsMoved.add(1, ordering: .relaxed)
                    waitsForLock = true
                }
            }
            if !moved && !waitsForLock {
                // Long work on a bound thread: the task moves to the pool's threads for it, runs it
                // inline there, and comes back; the bound thread serves its other work meanwhile.
                return try await withTaskExecutorPreference(executor) {
                    try await self.run(counter: counter, long: long, moved: true, body)
                }
            }
        }
        let timeout = acquireTimeout
        let id = state.reserveID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                let job = PoolJob(
                    work: { worker in
                        let result = Result { try worker.perform(counter: counter, body) }
                        // Resumed only after the worker counts itself idle again, so metrics are exact.
                        return { continuation.resume(with: result) }
                    },
                    fail: { continuation.resume(throwing: $0) })
                if state.enqueue(job, id: id) {
                    let (seconds, attoseconds) = timeout.components
                    let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
                    DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
                        state.remove(id, failing: PostgresError.poolTimeout(waited: timeout))
                    }
                }
            }
        } onCancel: {
            // A caller that gives up while still queued leaves the queue; running work is not interrupted.
            state.remove(id, failing: CancellationError())
        }
    }
}

/// What a bound thread's connection may wait for (0: no limit of ours; the server's or role's
/// own `lock_timeout` / `statement_timeout` then apply).
public struct BoundThreadLimits: Sendable, Equatable {
    /// `lock_timeout`: how long a statement waits for a lock before the closure moves to the pool's
    /// threads (its first statement) or fails (a later one).
    public var lockTimeoutMilliseconds: Int
    /// `statement_timeout`: a statement running longer fails (57014).
    public var statementTimeoutMilliseconds: Int

    public init(lockTimeoutMilliseconds: Int = 0, statementTimeoutMilliseconds: Int = 0) {
        self.lockTimeoutMilliseconds = max(0, lockTimeoutMilliseconds)
        self.statementTimeoutMilliseconds = max(0, statementTimeoutMilliseconds)
    }

    var sessionSettings: String? {
        var settings: [String] = []
        if lockTimeoutMilliseconds > 0 { settings.append("SET lock_timeout TO \(lockTimeoutMilliseconds)") }
        if statementTimeoutMilliseconds > 0 { settings.append("SET statement_timeout TO \(statementTimeoutMilliseconds)") }
        return settings.isEmpty ? nil : settings.joined(separator: "; ")
    }
}

/// A snapshot for /metrics.
public struct PoolMetrics: Sendable, Equatable {
    public var size: Int
    /// Connections running a caller's work right now.
    public var inUse: Int
    /// Connections (threads) free for work.
    public var idle: Int
    /// Callers queued for a connection.
    public var waiting: Int
    /// Statements run since the pool started.
    public var statementsTotal: Int
}

struct PoolJob: Sendable {
    /// Runs on a pool thread; returns the resumption to call once the worker is idle again.
    let work: @Sendable (PoolWorker) -> @Sendable () -> Void
    let fail: @Sendable (Error) -> Void
}

/// Runs jobs of tasks that prefer it on the pool's threads, first come, first served
/// with the pool's other work.
public final class PoolExecutor: TaskExecutor, @unchecked Sendable {
    fileprivate let state: PoolState
    fileprivate init(state: PoolState) { self.state = state }

    public func enqueue(_ job: consuming ExecutorJob) {
        state.enqueue(task: UnownedJob(job), executor: self)
    }
}

/// What one pool thread owns: its connection, created on first use.
final class PoolWorker {
    private let connectionString: String
    private let statements: StatementCounter
    private var connection: Connection?
    /// The pool this thread serves (strong: a bound thread may outlive its pool object).
    let state: PoolState
    /// A thread bound with `bindCurrentThread`, not one of the pool's own.
    let isBound: Bool
    /// Set when bound with `watch`: statements of `ConnectionPool.query` go in pipeline mode.
    var watch: ((Int32) -> Bool)?
    /// Whether `watch` has the current connection's socket (a reconnect changes it).
    private var watching = false

    init(state: PoolState, connectionString: String, statements: StatementCounter, bound: Bool = false) {
        self.state = state
        self.isBound = bound
        self.connectionString = connectionString
        self.statements = statements
    }

    /// The pool thread the caller runs on, if any.
    static var current: PoolWorker? {
        guard let pointer = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<PoolWorker>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Pool threads store their worker unretained and clear it before they exit; threads bound
    /// with `bindCurrentThread` store it retained, and this key's destructor closes it.
    static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<PoolWorker>.fromOpaque(pointer).takeRetainedValue().close()
        }
        return key
    }()

    /// Runs in all that a closure whose connection is lost before any of its statements succeeded
    /// gets (see `perform`).
    static let attemptsWhenLost = 3

    func perform<T>(counter: StatementCounter?, _ body: (Connection) throws -> T) throws -> T {
        var connection = try ready()
        defer { self.connection?.statementCounter = nil }
        var attempt = 1
        while true {
            connection.statementCounter = counter
            connection.succeededSinceCheckout = 0
            connection.sentSinceCheckout = 0
            do {
                return try Self.run(body, on: connection)
            } catch let error as PostgresError where error.isConnectionError && connection.succeededSinceCheckout == 0
                        && attempt < Self.attemptsWhenLost {
                // Lost before anything succeeded (the server restarted, the backend was terminated):
                // nothing took effect, so it runs again on a new connection. Losses come in bursts
                // (a restart, a failover, an operator terminating backends: a connection opened
                // just before may go too), so more than once.
                connection.statementCounter = nil
                connection = try reconnected(connection)
                attempt += 1
            }
        }
    }

    /// Queues `sql` on the connection in pipeline mode; `deliver` gets its result on this thread.
    func sendPipelined(counter: StatementCounter?, _ sql: String, _ parameters: [PostgresValue?],
                       deliver: @escaping @Sendable (Result<QueryResult, any Error>) -> Void) throws {
        let connection = try ready()
        if let watch, !watching {
            // Nobody would read the answers of an unwatched socket: the caller runs it inline instead.
            guard watch(connection.socket) else { throw PostgresError.pipelineAborted }
            watching = true
        }
        try connection.sendPipelined(sql, parameters, deliver: deliver)
        counter?.increment()
        state.pipelinedStatements.add(1, ordering: .relaxed)
    }

    func syncPipeline() {
        guard let connection, connection.hasUnsyncedStatements else { return }
        state.pipelineSyncs.add(1, ordering: .relaxed)
        connection.syncPipeline()
    }

    func receivePipelined() {
        guard let connection else { return }
        connection.receivePipelined()
        if !connection.isHealthy {
            // Lost (its socket would stay readable): watched again once reconnected.
            watching = false
            _ = watch?(-1)
        }
    }

    /// Whether the last `perform` failed at the closure's first statement (nothing of it had run).
    var firstStatementFailed: Bool { connection?.sentSinceCheckout == 1 }

    private static func run<T>(_ body: (Connection) throws -> T, on connection: Connection) throws -> T {
        defer {
            if connection.isInTransaction, connection.isHealthy {
                // The closure left a transaction open (returning or throwing): never hand that to the next caller.
                _ = try? connection.execute("ROLLBACK")
            }
        }
        return try body(connection)
    }

    private func ready() throws -> Connection {
        if let connection {
            return connection.isHealthy ? connection : try reconnected(connection)
        }
        return try fresh()
    }

    private func fresh() throws -> Connection {
        self.connection = nil
        watching = false
        // A bound thread's connection has the pool's limits for bound threads; the pool's own, none.
        let connection = try Connection(connectionString, settings: isBound ? state.boundLimits.sessionSettings : nil)
        connection.poolCounter = statements
        self.connection = connection
        return connection
    }

    private func reconnected(_ old: Connection) throws -> Connection {
        if watching {
            // Out of the loop's epoll set while its socket is still open.
            watching = false
            _ = watch?(-1)
        }
        do {
            try old.reconnect()
            return old
        } catch {
            // Resetting a dead socket can fail; a fresh connection gets one more chance.
            old.close()
            return try fresh()
        }
    }

    func close() {
        connection?.close()
        connection = nil
    }
}

/// The shared queue and counters, guarded by one condition lock.
final class PoolState: @unchecked Sendable {
    /// Work for the pool's threads, served first come, first served.
    private enum Entry {
        /// A checkout by a caller off the pool's threads.
        case checkout(id: UInt64, job: PoolJob)
        /// A job of a task that runs on the pool, and the executor it runs on.
        case task(UnownedJob, PoolExecutor)
    }

    private let condition = NSCondition()
    private var queue: [Entry] = []
    private var head = 0
    private var nextID: UInt64 = 0
    private var idleWorkers = 0
    private var busyWorkers = 0
    /// Threads still serving the queue (they leave once it is closed and empty).
    private var liveWorkers = 0
    private var closed = false
    /// `closed`, readable without the lock (checked by every inline checkout).
    private let closedFlag = Atomic<Bool>(false)
    var isClosed: Bool { closedFlag.load(ordering: .acquiring) }
    /// Bound threads that took a connection, and those running a body right now.
    private let boundTaken = Atomic<Int>(0)
    let boundBusy = Atomic<Int>(0)
    let lockWaitsMoved = Atomic<Int>(0)
    let pipelinedStatements = Atomic<Int>(0)
    let pipelineSyncs = Atomic<Int>(0)
    let connectionString: String
    let boundLimits: BoundThreadLimits
    private let statements: StatementCounter

    init(connectionString: String, statements: StatementCounter, workers: Int, boundLimits: BoundThreadLimits) {
        self.connectionString = connectionString
        self.statements = statements
        self.boundLimits = boundLimits
        liveWorkers = workers
    }

    func takeBoundSlot(of limit: Int) -> Bool {
        var taken = boundTaken.load(ordering: .relaxed)
        while taken < limit {
            let (exchanged, original) = boundTaken.compareExchange(expected: taken, desired: taken + 1, ordering: .relaxed)
            if exchanged { return true }
            taken = original
        }
        return false
    }

    func reserveID() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        return nextID
    }

    /// Queues a checkout; returns true when it may have to wait (so a timeout is armed).
    func enqueue(_ job: PoolJob, id: UInt64) -> Bool {
        condition.lock()
        if closed {
            condition.unlock()
            job.fail(PostgresError.poolClosed)
            return false
        }
        let mustWait = idleWorkers <= queue.count - head
        queue.append(.checkout(id: id, job: job))
        condition.signal()
        condition.unlock()
        return mustWait
    }

    /// Queues a job of a task that runs on the pool. Once the pool's threads are gone (closed),
    /// it runs on a global thread, where its statements find the pool closed.
    func enqueue(task: UnownedJob, executor: PoolExecutor) {
        condition.lock()
        if liveWorkers == 0 {
            condition.unlock()
            DispatchQueue.global().async { task.runSynchronously(on: executor.asUnownedTaskExecutor()) }
            return
        }
        queue.append(.task(task, executor))
        condition.signal()
        condition.unlock()
    }

    /// Takes a still-queued checkout out and fails it; no-op once a worker has it.
    func remove(_ id: UInt64, failing error: any Error) {
        condition.lock()
        var removed: PoolJob?
        if let position = queue[head...].firstIndex(where: { if case .checkout(id, _) = $0 { return true }; return false }),
           case .checkout(_, let job) = queue.remove(at: position) {
            removed = job
        }
        condition.unlock()
        removed?.fail(error)
    }

    func workerLoop() {
        let worker = PoolWorker(state: self, connectionString: connectionString, statements: statements)
        pthread_setspecific(PoolWorker.currentKey, Unmanaged.passUnretained(worker).toOpaque())
        condition.lock()
        idleWorkers += 1
        while true {
            while head == queue.count && !closed { condition.wait() }
            if head == queue.count { break } // closed and empty
            let entry = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            idleWorkers -= 1
            busyWorkers += 1
            condition.unlock()
            var resume: (@Sendable () -> Void)?
            switch entry {
            case .checkout(_, let job):
                resume = job.work(worker)
            case .task(let task, let executor):
                task.runSynchronously(on: executor.asUnownedTaskExecutor())
            }
            condition.lock()
            busyWorkers -= 1
            idleWorkers += 1
            condition.unlock()
            resume?()
            condition.lock()
        }
        idleWorkers -= 1
        liveWorkers -= 1
        condition.unlock()
        pthread_setspecific(PoolWorker.currentKey, nil)
        worker.close()
    }

    /// Fails every queued checkout; queued task jobs still run (their statements find the pool closed).
    func close() {
        condition.lock()
        closed = true
        closedFlag.store(true, ordering: .releasing)
        var waiting: [PoolJob] = []
        var remaining: [Entry] = []
        for entry in queue[head...] {
            switch entry {
            case .checkout(_, let job): waiting.append(job)
            case .task: remaining.append(entry)
            }
        }
        queue = remaining
        head = 0
        condition.broadcast()
        condition.unlock()
        for job in waiting { job.fail(PostgresError.poolClosed) }
    }

    func metrics(size: Int) -> PoolMetrics {
        condition.lock()
        defer { condition.unlock() }
        var waiting = 0
        for entry in queue[head...] { if case .checkout = entry { waiting += 1 } }
        let inUse = busyWorkers + boundBusy.load(ordering: .relaxed)
        return PoolMetrics(size: size, inUse: inUse, idle: closed ? 0 : max(0, size - inUse),
                           waiting: waiting, statementsTotal: statements.count)
    }
}
