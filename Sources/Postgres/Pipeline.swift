#if canImport(Glibc)
import Glibc
#endif

/// Statements of several callers in flight at once on one connection (libpq's pipeline mode), for
/// a thread that serves many callers and must not wait for each answer: an event loop. A caller
/// sends its statement (`Connection.sendPipelined`) and is called back with its result; the loop
/// syncs the statements its turn queued in one write (`syncPipeline`) before it waits for events,
/// and reads the answers when the connection's socket has input (`receivePipelined`).
///
/// The statements of one sync run as one implicit transaction, each with its own snapshot (READ
/// COMMITTED): only reads are sent this way. When one fails, the rest of its sync did not run
/// (`PostgresError.pipelineAborted`); their callers run them again on their own. Any other use of
/// the connection (`query`, `execute`, a transaction) first reads every answer in flight and
/// leaves pipeline mode (`endPipeline`), so it never sees another caller's results.
struct Pipeline {
    enum Command {
        /// The PREPARE of a statement first sent in pipeline mode (its key in `prepared`).
        case prepare(key: StatementKey)
        case execute(@Sendable (Result<QueryResult, any Error>) -> Void)
        case sync
    }

    /// Commands sent whose results are not read yet, oldest first (from `head`).
    var commands: [Command] = []
    var head = 0
    /// Commands sent since the last sync (a PREPARE whose execute could not be sent included: its
    /// answer comes only after a sync).
    var unsynced = 0
    /// The head command's outcome so far (a command may yield results before its end).
    var outcome: Result<QueryResult, any Error>?
    /// Whether the connection is in pipeline mode.
    var isOpen = false

    var isEmpty: Bool { head == commands.count }

    mutating func push(_ command: Command) { commands.append(command) }

    mutating func pop() -> Command {
        let command = commands[head]
        head += 1
        if head == commands.count {
            commands.removeAll(keepingCapacity: true)
            head = 0
        }
        return command
    }

    /// Takes every command out (after the connection failed).
    mutating func removeAll() -> [Command] {
        let rest = Array(commands[head...])
        commands.removeAll()
        head = 0
        unsynced = 0
        outcome = nil
        return rest
    }
}

extension Connection {
    /// Whether `syncPipeline` has commands to send.
    var hasUnsyncedStatements: Bool { pipeline.unsynced > 0 }

    /// The socket to watch for answers (changes on reconnect).
    var socket: Int32 { pq.socket }

    /// Queues one statement (prepared once per connection, as `query` does) in pipeline mode;
    /// `deliver` gets its result on this thread from `receivePipelined` or `endPipeline`. Nothing
    /// is queued when it throws. Counted as sent now.
    func sendPipelined(_ sql: String, _ parameters: [PostgresValue?],
                              deliver: @escaping @Sendable (Result<QueryResult, any Error>) -> Void) throws {
        let (types, values, key) = Connection.statement(sql, parameters)
        if !pipeline.isOpen {
            try pq.enterPipeline()
            pipeline.isOpen = true
        }
        var name = prepared[key]
        if name == nil {
            // Statements past the limit are not sent this way (`query` runs them unprepared).
            guard prepared.count < Connection.preparedStatementLimit else {
                throw PostgresError.pipelineAborted
            }
            let newName = nextStatementName()
            try pq.sendPrepare(name: newName, sql: sql, types: types)
            prepared[key] = newName
            pipeline.push(.prepare(key: key))
            pipeline.unsynced += 1
            name = newName
        }
        try pq.sendQueryPrepared(name: name!, values: values)
        pipeline.push(.execute(deliver))
        pipeline.unsynced += 1
        count()
    }

    /// Ends the statements queued since the last sync and sends them (one write, unless the
    /// socket is full: then it waits until they are all sent, reading answers meanwhile so that
    /// the server, blocked writing them, goes on reading). A failure fails every caller in flight.
    func syncPipeline() {
        guard pipeline.unsynced > 0 else { return }
        pipeline.unsynced = 0
        do {
            try pq.pipelineSync()
            pipeline.push(.sync)
            while try !pq.flush() {
                if try wait(forWriting: true) { try pq.consumeInput() }
            }
        } catch {
            failPipeline(error)
        }
    }

    /// Reads the answers the socket holds and delivers each complete one (never blocks).
    func receivePipelined() {
        guard pipeline.isOpen else {
            // Input while idle (a notice, or the server closing the connection): read and drop it.
            try? pq.consumeInput()
            return
        }
        do {
            try pq.consumeInput()
            try readAvailable()
        } catch {
            failPipeline(error)
        }
    }

    /// Sends what is queued, waits for every answer in flight, delivers them, and leaves pipeline
    /// mode: the connection is then free for `query` and transactions.
    func endPipeline() throws {
        guard pipeline.isOpen else { return }
        syncPipeline()
        do {
            while !pipeline.isEmpty {
                if pq.isBusy {
                    _ = try wait(forWriting: false)
                    try pq.consumeInput()
                }
                if try !readAvailable() && !pq.isBusy {
                    throw PostgresError.connection("the server's answers did not match the statements sent")
                }
            }
            try pq.exitPipeline()
            pipeline.isOpen = false
        } catch {
            failPipeline(error)
            throw error
        }
    }

    /// Fails every caller in flight (the connection is broken, or about to be reset).
    func failPipeline(_ error: any Error) {
        let rest = pipeline.removeAll()
        pipeline.isOpen = false
        for command in rest {
            switch command {
            case .prepare(let key): prepared[key] = nil
            case .execute(let deliver): deliver(.failure(error))
            case .sync: break
            }
        }
    }

    /// Delivers results while libpq has them without waiting for input; false when it read none.
    @discardableResult
    private func readAvailable() throws -> Bool {
        var progressed = false
        var idleSteps = 0
        while !pipeline.isEmpty && !pq.isBusy {
            let step = try pq.nextResult()
            switch pipeline.commands[pipeline.head] {
            case .sync:
                guard case .sync = step else {
                    // libpq separates commands with an empty step; more than one before a sync
                    // point means it has nothing more yet.
                    idleSteps += 1
                    if idleSteps > 1 { return progressed }
                    continue
                }
                idleSteps = 0
                progressed = true
                _ = pipeline.pop()
            case .prepare(let key):
                progressed = true
                switch step {
                case .failed, .aborted: prepared[key] = nil
                case .end: _ = pipeline.pop()
                case .result, .sync: break
                }
            case .execute(let deliver):
                progressed = true
                switch step {
                case .result(let result): if pipeline.outcome == nil { pipeline.outcome = .success(result) }
                case .failed(let error): pipeline.outcome = .failure(error)
                case .aborted: pipeline.outcome = .failure(PostgresError.pipelineAborted)
                case .end:
                    let outcome = pipeline.outcome ?? .failure(PostgresError.pipelineAborted)
                    pipeline.outcome = nil
                    _ = pipeline.pop()
                    deliver(outcome)
                case .sync: break
                }
            }
        }
        return progressed
    }

    /// Waits until the socket is readable (or writable too, when asked); true when readable.
    private func wait(forWriting: Bool) throws -> Bool {
        var descriptor = pollfd(fd: pq.socket, events: Int16(POLLIN) | (forWriting ? Int16(POLLOUT) : 0), revents: 0)
        while true {
            let n = poll(&descriptor, 1, -1)
            if n > 0 { return descriptor.revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 }
            if n < 0 && errno != EINTR { throw PostgresError.connection("poll failed: errno \(errno)") }
        }
    }
}
