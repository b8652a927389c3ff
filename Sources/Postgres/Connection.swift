/// One PostgreSQL session. Not safe for concurrent use: the pool hands a
/// connection to one thread at a time. Every call blocks the calling thread,
/// so never call it from Swift concurrency's cooperative pool; go through
/// `ConnectionPool`, which runs it on its own threads.
public final class Connection {
    let pq: PQConnection
    /// Prepared statement name per (SQL text, parameter types).
    var prepared: [StatementKey: String] = [:]
    private var nextStatement = 0
    /// Statements in flight in pipeline mode (see `Pipeline`).
    var pipeline = Pipeline()

    /// At most this many prepared statements per connection; later SQL texts run unprepared.
    public static let preparedStatementLimit = 1000

    /// The counter of the current request, set by the pool for each checkout.
    public var statementCounter: StatementCounter?
    /// Counts for the whole pool (for /metrics), set by the pool.
    var poolCounter: StatementCounter?
    /// Statements that succeeded since the pool last handed out this connection.
    var succeededSinceCheckout = 0
    /// Statements a body sent since the pool last handed out this connection (BEGIN, COMMIT and
    /// ROLLBACK of `transaction` not included), whether they succeeded or not.
    var sentSinceCheckout = 0
    /// Settings this connection runs after `sessionSettings` on every (re)connect.
    private let extraSettings: String?

    /// Every session: UTC, ISO dates, UTF-8, exact floats, and generic plans for prepared statements.
    /// PostgreSQL's default (`auto`) compares a statement's generic plan with the custom plans of its
    /// first five runs and kept planning our list statements anew on every run (their generic cost
    /// estimate is higher although the plan is the same), about 1 ms each for the patient's
    /// appointments; the statements are written for generic plans (keys, ranges by instant), and
    /// bench/plans checks what they read.
    static let sessionSettings = "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET client_encoding TO 'UTF8'; "
        + "SET extra_float_digits TO 3; SET plan_cache_mode TO force_generic_plan"

    /// Connects by libpq URI (`postgresql://user@host/db`) or `key=value` conninfo.
    /// The session uses UTC, ISO dates and UTF-8; `settings` (e.g. `SET lock_timeout TO 250`)
    /// run after those, again on every reconnect.
    public init(_ connectionString: String, settings: String? = nil) throws {
        pq = try PQConnection(conninfo: connectionString)
        extraSettings = settings
        try applySettings()
    }

    private func applySettings() throws {
        _ = try pq.exec(Connection.sessionSettings)
        if let extraSettings { _ = try pq.exec(extraSettings) }
    }

    public var isHealthy: Bool { pq.isHealthy }
    public var isInTransaction: Bool { pq.isInTransaction }

    /// Reconnects with the same parameters (forgetting prepared statements).
    public func reconnect() throws {
        failPipeline(PostgresError.connection("connection to the server was lost"))
        prepared.removeAll()
        try pq.reset()
        pq.leaveModes()
        try applySettings()
    }

    public func close() {
        failPipeline(PostgresError.connection("connection is closed"))
        pq.close()
    }

    /// A connection option in use (tests).
    func option(_ keyword: String) -> String? { pq.option(keyword) }

    /// Runs one statement with `$1...` parameters, always sent separately from the SQL.
    /// The statement is prepared once per connection and reused.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> QueryResult {
        let (types, values, key) = Connection.statement(sql, parameters)
        if pipeline.isOpen { try endPipeline() }
        count()
        sentSinceCheckout += 1
        var name = prepared[key]
        if name == nil, prepared.count < Connection.preparedStatementLimit {
            let newName = nextStatementName()
            try pq.prepare(name: newName, sql: sql, types: types)
            prepared[key] = newName
            name = newName
        }
        guard let name else { return try succeeded(pq.execParams(sql, types: types, values: values)) }
        do {
            return try succeeded(pq.execPrepared(name: name, values: values))
        } catch let error as PostgresError where error.sqlState == "0A000" || error.sqlState == "26000" {
            // "cached plan must not change result type" after a schema change, or the statement was
            // deallocated behind our back: forget it, and prepare it again when that can be done now.
            prepared[key] = nil
            guard !isInTransaction else { throw error }
            _ = try? pq.exec("DEALLOCATE \(name)")
            try pq.prepare(name: name, sql: sql, types: types)
            prepared[key] = name
            return try succeeded(pq.execPrepared(name: name, values: values))
        }
    }

    /// Runs a script of one or more statements without parameters (migrations,
    /// DDL, BEGIN/COMMIT) and returns the last statement's result.
    @discardableResult
    public func execute(_ sql: String) throws -> QueryResult {
        sentSinceCheckout += 1
        return try control(sql)
    }

    /// A statement of its own (BEGIN, COMMIT, ROLLBACK): counted, but not among `sentSinceCheckout`.
    private func control(_ sql: String) throws -> QueryResult {
        if pipeline.isOpen { try endPipeline() }
        count()
        return try succeeded(pq.exec(sql))
    }

    /// `COPY table (...) FROM STDIN` with the data as raw chunks in COPY's text
    /// format. Returns the number of rows copied.
    @discardableResult
    public func copyIn<Chunks: Sequence>(_ sql: String, chunks: Chunks) throws -> Int where Chunks.Element == [UInt8] {
        if pipeline.isOpen { try endPipeline() }
        count()
        sentSinceCheckout += 1
        let rows = try pq.copyIn(sql, chunks: chunks)
        succeededSinceCheckout += 1
        return rows
    }

    /// COPY with string chunks (each may hold many lines).
    @discardableResult
    public func copyIn<Chunks: Sequence>(_ sql: String, chunks: Chunks) throws -> Int where Chunks.Element == String {
        try copyIn(sql, chunks: chunks.lazy.map { Array($0.utf8) })
    }

    /// COPY with typed rows, encoded into COPY's text format and sent in batches.
    @discardableResult
    public func copyIn<Rows: Sequence>(_ sql: String, rows: Rows) throws -> Int where Rows.Element == [PostgresValue?] {
        try copyIn(sql, chunks: CopyBatches(rows: rows))
    }

    /// A statement's parameter types, text values, and its key in `prepared` (SQL text and types).
    static func statement(_ sql: String, _ parameters: [PostgresValue?]) -> (types: [UInt32], values: [String?], key: StatementKey) {
        let types = parameters.map { $0?.typeOID ?? 0 }
        return (types, parameters.map { $0?.textValue }, StatementKey(sql: sql, types: types))
    }

    func nextStatementName() -> String {
        nextStatement += 1
        return "clinic_s\(nextStatement)"
    }

    func count() {
        statementCounter?.increment()
        poolCounter?.increment()
    }

    private func succeeded(_ result: QueryResult) -> QueryResult {
        succeededSinceCheckout += 1
        return result
    }
}

/// Transaction isolation levels for `ConnectionPool.transaction`.
public enum IsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension Connection {
    /// BEGIN ... COMMIT around `body` on this connection; ROLLBACK when it throws.
    public func transaction<T>(isolation: IsolationLevel = .readCommitted, _ body: (Connection) throws -> T) throws -> T {
        try control(isolation == .readCommitted ? "BEGIN" : "BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        let value: T
        do {
            value = try body(self)
        } catch {
            if isHealthy { _ = try? control("ROLLBACK") }
            throw error
        }
        let commit = try control("COMMIT")
        if commit.commandTag == "ROLLBACK" {
            // A statement failed inside and the body swallowed the error: nothing was committed.
            throw PostgresError.sql(sqlState: "25P02", message: "the transaction was aborted by an earlier error and rolled back",
                                    detail: nil, constraint: nil)
        }
        return value
    }
}

/// Encodes values in COPY's text format: tab-separated, `\N` for NULL.
public enum CopyText {
    public static func line(_ values: [PostgresValue?]) -> String {
        var line = ""
        for (index, value) in values.enumerated() {
            if index > 0 { line.append("\t") }
            guard let value else { line.append("\\N"); continue }
            escape(value.textValue, into: &line)
        }
        line.append("\n")
        return line
    }

    static func escape(_ text: String, into line: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": line.append("\\\\")
            case "\t": line.append("\\t")
            case "\n": line.append("\\n")
            case "\r": line.append("\\r")
            default: line.unicodeScalars.append(scalar)
            }
        }
    }
}

/// Groups encoded rows into ~256 KiB chunks.
struct CopyBatches<Rows: Sequence>: Sequence where Rows.Element == [PostgresValue?] {
    let rows: Rows
    func makeIterator() -> Iterator { Iterator(rows: rows.makeIterator()) }
    struct Iterator: IteratorProtocol {
        var rows: Rows.Iterator
        mutating func next() -> [UInt8]? {
            var buffer: [UInt8] = []
            while buffer.count < 256 * 1024, let row = rows.next() {
                buffer.append(contentsOf: CopyText.line(row).utf8)
            }
            return buffer.isEmpty ? nil : buffer
        }
    }
}

/// A prepared statement's identity: its SQL text and parameter types. Its hash reads the text's
/// length and every 16th byte, not all of it (statements run to kilobytes and are looked up for
/// every execution); equality compares all of it (the same text object compares at once).
struct StatementKey: Hashable {
    let sql: String
    let types: [UInt32]

    func hash(into h: inout Hasher) {
        var text = sql
        text.withUTF8 { bytes in
            h.combine(bytes.count)
            var i = 0
            while i < bytes.count { h.combine(bytes[i]); i += 16 }
            if let last = bytes.last { h.combine(last) }
        }
        h.combine(types)
    }
}
