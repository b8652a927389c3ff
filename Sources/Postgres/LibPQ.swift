// The only file that calls libpq. Everything else in the module (and every
// caller) sees Swift types: `PQConnection`, `QueryResult`, `PostgresError`.
import CLibPQ
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A thin owner of one `PGconn`. Not thread-safe: `Connection` (and through it
/// the pool) makes sure one thread uses it at a time.
final class PQConnection {
    private var conn: OpaquePointer?
    /// The password inside the connection string, so error messages never show it.
    private let secret: String?

    init(conninfo: String) throws {
        secret = PQConnection.password(in: conninfo)
        conn = PQConnection.connect(conninfo)
        guard let conn else { throw PostgresError.connection("out of memory while connecting to PostgreSQL") }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = redact(PQConnection.trimmed(PQerrorMessage(conn)))
            PQfinish(conn)
            self.conn = nil
            throw PostgresError.connection("cannot connect to PostgreSQL: \(message)")
        }
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    deinit { close() }

    /// Options every connection gets unless its connection string says otherwise. libpq's own
    /// defaults wait for as long as the operating system keeps trying, and the thread that waits
    /// is an event loop or a pool thread, which then serves nobody:
    /// - `connect_timeout`: seconds a connection attempt may take (libpq: forever);
    /// - `keepalives_idle` / `_interval` / `_count`: a connection waiting for an answer learns
    ///   that the server's host is gone within about a minute (the system's default: two hours);
    /// - `tcp_user_timeout`: a statement sent to a host that stopped acknowledging fails after
    ///   30 s instead of retransmitting for ~15 minutes.
    /// A long statement on a live server is not cut short by any of them. Unix sockets ignore all
    /// but the first.
    static let defaultOptions: [(String, String)] = [
        ("connect_timeout", "10"),
        ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"),
        ("tcp_user_timeout", "30000"),
    ]

    /// The value of a connection option in use (e.g. `connect_timeout`), nil when unset.
    func option(_ keyword: String) -> String? {
        guard let conn, let options = PQconninfo(conn) else { return nil }
        defer { PQconninfoFree(options) }
        var option = options
        while let name = option.pointee.keyword {
            if String(cString: name) == keyword { return option.pointee.val.map { String(cString: $0) } }
            option += 1
        }
        return nil
    }

    /// `PQconnectdb(conninfo)` with `defaultOptions`: parameters are read in order and the last
    /// one wins, so the connection string, expanded after them, keeps its own.
    private static func connect(_ conninfo: String) -> OpaquePointer? {
        let pairs = defaultOptions + [("dbname", conninfo)]
        let keys = pairs.map { strdup($0.0) }, values = pairs.map { strdup($0.1) }
        defer { (keys + values).forEach { free($0) } }
        return PQconnectdbParams((keys + [nil]).map { $0.map { UnsafePointer($0) } },
                                 (values + [nil]).map { $0.map { UnsafePointer($0) } }, 1)
    }

    func close() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    var isHealthy: Bool {
        guard let conn else { return false }
        return PQstatus(conn) == CONNECTION_OK
    }

    /// True when the session is inside a transaction block (open or failed).
    var isInTransaction: Bool {
        guard let conn else { return false }
        let status = PQtransactionStatus(conn)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Re-establishes the connection with the same parameters.
    func reset() throws {
        guard let conn else { throw PostgresError.connection("connection is closed") }
        PQreset(conn)
        guard PQstatus(conn) == CONNECTION_OK else {
            throw PostgresError.connection("cannot reconnect to PostgreSQL: \(redact(PQConnection.trimmed(PQerrorMessage(conn))))")
        }
    }

    // MARK: Statements

    /// Runs one or more statements without parameters (PQexec) and returns the last result.
    func exec(_ sql: String) throws -> QueryResult {
        let conn = try live()
        let result = PQexec(conn, sql)
        return try consume(result, conn)
    }

    func execParams(_ sql: String, types: [UInt32], values: [String?]) throws -> QueryResult {
        let conn = try live()
        let result = try withCStrings(values) { _, pointers in
            types.withUnsafeBufferPointer { typePointer in
                PQexecParams(conn, sql, Int32(values.count), typePointer.baseAddress, pointers, nil, nil, 0)
            }
        }
        return try consume(result, conn)
    }

    func prepare(name: String, sql: String, types: [UInt32]) throws {
        let conn = try live()
        let result = types.withUnsafeBufferPointer { PQprepare(conn, name, sql, Int32(types.count), $0.baseAddress) }
        _ = try consume(result, conn)
    }

    func execPrepared(name: String, values: [String?]) throws -> QueryResult {
        let conn = try live()
        let result = try withCStrings(name: name, values) { name, pointers in
            PQexecPrepared(conn, name, Int32(values.count), pointers, nil, nil, 0)
        }
        return try consume(result, conn)
    }

    // MARK: Pipeline mode (libpq's asynchronous commands, see `Pipeline`)

    /// The connection's socket (-1 when closed).
    var socket: Int32 { conn.map { PQsocket($0) } ?? -1 }

    /// Enters pipeline mode in nonblocking mode: sends queue in libpq's buffer until a sync
    /// flushes them, and a full socket never blocks the thread.
    func enterPipeline() throws {
        let conn = try live()
        guard PQenterPipelineMode(conn) == 1, PQsetnonblocking(conn, 1) == 0 else { throw connectionFailure(conn) }
    }

    /// After a reset: out of pipeline mode and back to blocking mode, whatever was in flight.
    func leaveModes() {
        guard let conn else { return }
        if PQpipelineStatus(conn) != PQ_PIPELINE_OFF { _ = PQexitPipelineMode(conn) }
        _ = PQsetnonblocking(conn, 0)
    }

    /// Leaves pipeline mode (every result read) and blocking mode again.
    func exitPipeline() throws {
        let conn = try live()
        guard PQexitPipelineMode(conn) == 1, PQsetnonblocking(conn, 0) == 0 else { throw connectionFailure(conn) }
    }

    func sendPrepare(name: String, sql: String, types: [UInt32]) throws {
        let conn = try live()
        let sent = types.withUnsafeBufferPointer { PQsendPrepare(conn, name, sql, Int32(types.count), $0.baseAddress) }
        if sent != 1 { throw connectionFailure(conn) }
    }

    func sendQueryPrepared(name: String, values: [String?]) throws {
        let conn = try live()
        let sent = try withCStrings(name: name, values) { name, pointers in
            PQsendQueryPrepared(conn, name, Int32(values.count), pointers, nil, nil, 0)
        }
        if sent != 1 { throw connectionFailure(conn) }
    }

    /// Ends the commands sent since the last sync (they ran as one implicit transaction) and
    /// starts sending them; `flush` sends the rest.
    func pipelineSync() throws {
        let conn = try live()
        if PQpipelineSync(conn) != 1 { throw connectionFailure(conn) }
    }

    /// Sends what libpq holds: true when all is sent, false when the socket is full.
    func flush() throws -> Bool {
        let conn = try live()
        switch PQflush(conn) {
        case 0: return true
        case 1: return false
        default: throw connectionFailure(conn)
        }
    }

    /// Reads what the socket holds into libpq's buffer (never blocks).
    func consumeInput() throws {
        let conn = try live()
        if PQconsumeInput(conn) != 1 { throw connectionFailure(conn) }
    }

    /// The notifications (LISTEN) libpq has read so far, their payloads in the order they came.
    func notifications() -> [String] {
        guard let conn else { return [] }
        var payloads: [String] = []
        while let notice = PQnotifies(conn) {
            payloads.append(String(cString: notice.pointee.extra))
            PQfreemem(notice)
        }
        return payloads
    }

    /// Whether `nextResult` would wait for input.
    var isBusy: Bool { conn.map { PQisBusy($0) == 1 } ?? false }

    /// The next result of the pipeline: `.end` after each command's results, `.sync` at a sync point.
    func nextResult() throws -> PipelineResult {
        let conn = try live()
        guard let result = PQgetResult(conn) else {
            if PQstatus(conn) != CONNECTION_OK { throw connectionFailure(conn) }
            return .end
        }
        switch PQresultStatus(result) {
        case PGRES_PIPELINE_SYNC:
            PQclear(result)
            return .sync
        case PGRES_PIPELINE_ABORTED:
            PQclear(result)
            return .aborted
        default:
            do { return .result(try consume(result, conn)) } catch { return .failed(error) }
        }
    }

    /// `COPY ... FROM STDIN`: sends every chunk as-is and returns the number of rows copied.
    func copyIn<Chunks: Sequence>(_ sql: String, chunks: Chunks) throws -> Int where Chunks.Element == [UInt8] {
        let conn = try live()
        guard let start = PQexec(conn, sql) else { throw connectionFailure(conn) }
        let status = PQresultStatus(start)
        if status != PGRES_COPY_IN {
            _ = try consume(start, conn)  // throws the server's error if there is one
            throw PostgresError.sql(sqlState: "42601", message: "statement is not COPY ... FROM STDIN", detail: nil, constraint: nil)
        }
        PQclear(start)
        var failure: String?
        for chunk in chunks where !chunk.isEmpty {
            let sent = chunk.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(conn, $0.baseAddress, Int32($0.count)) }
            }
            if sent != 1 { failure = PQConnection.trimmed(PQerrorMessage(conn)); break }
        }
        if PQputCopyEnd(conn, failure) != 1 { throw connectionFailure(conn) }
        // Drain every result; the last error wins.
        var outcome: Result<QueryResult, any Error> = .failure(PostgresError.connection("COPY ended without a result"))
        while let result = PQgetResult(conn) {
            do { outcome = .success(try consume(result, conn)) } catch { outcome = .failure(error) }
        }
        return try outcome.get().affectedRows
    }

    // MARK: Helpers

    private func live() throws -> OpaquePointer {
        guard let conn else { throw PostgresError.connection("connection is closed") }
        return conn
    }

    private func connectionFailure(_ conn: OpaquePointer) -> PostgresError {
        .connection(redact(PQConnection.trimmed(PQerrorMessage(conn))))
    }

    private func redact(_ message: String) -> String {
        guard let secret, !secret.isEmpty else { return message }
        return message.replacingAll(secret, with: "***")
    }

    /// Turns a PGresult into a `QueryResult` (which then owns it) or a thrown error (and frees it).
    private func consume(_ result: OpaquePointer?, _ conn: OpaquePointer) throws -> QueryResult {
        guard let result else { throw connectionFailure(conn) }
        let status = PQresultStatus(result)
        if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY
            || status == PGRES_SINGLE_TUPLE || status == PGRES_COPY_IN
        {
            return extract(result)
        }
        defer { PQclear(result) }
        func field(_ code: UInt8) -> String? {
            guard let pointer = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: pointer)
        }
        let sqlState = field(UInt8(ascii: "C"))
        let message = redact(field(UInt8(ascii: "M")) ?? PQConnection.trimmed(PQresultErrorMessage(result)))
        // Lost connections, and the server shutting down or restarting (57P01-57P03), are connection errors.
        if PQstatus(conn) != CONNECTION_OK || sqlState?.hasPrefix("08") == true || sqlState?.hasPrefix("57P") == true {
            let text = message.isEmpty ? PQConnection.trimmed(PQerrorMessage(conn)) : message
            throw PostgresError.connection(redact(text.isEmpty ? "connection to the server was lost" : text))
        }
        // libpq's own errors carry no SQLSTATE; XX000 (internal_error) stands in.
        throw PostgresError.sql(sqlState: sqlState ?? "XX000", message: message, detail: field(UInt8(ascii: "D")).map(redact),
                   constraint: field(UInt8(ascii: "n")))
    }

    private func extract(_ result: OpaquePointer) -> QueryResult {
        let tuples = PQcmdTuples(result).map { String(cString: $0) } ?? ""
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        return QueryResult(shape: shape(of: result), cells: ResultCells(result),
                           affectedRows: Int(tuples) ?? 0, commandTag: tag)
    }

    /// The descriptions of this connection's recent results: a prepared statement answers with the
    /// same columns every time, so its results share one description (no column names made per
    /// result, and the positions decoders look up are worked out once; see `Row.positions`).
    private var descriptions: [ResultDescription] = []
    static let descriptionsKept = 64

    private func shape(of result: OpaquePointer) -> ResultDescription {
        let count = Int(PQnfields(result))
        func matches(_ d: ResultDescription) -> Bool {
            guard d.columns.count == count else { return false }
            for column in 0..<count {
                let c = Int32(column)
                guard d.columnTypes[column] == PQftype(result, c),
                      d.columns[column].withCString({ strcmp($0, PQfname(result, c)) }) == 0 else { return false }
            }
            return true
        }
        if let i = descriptions.firstIndex(where: matches) {
            // Most recently used first: a connection's hot statements are found in a step or two.
            if i > 0 { descriptions.swapAt(i, i - 1) }
            return descriptions[i > 0 ? i - 1 : 0]
        }
        var columns: [String] = [], types: [UInt32] = []
        columns.reserveCapacity(count)
        types.reserveCapacity(count)
        for column in 0..<count {
            columns.append(String(cString: PQfname(result, Int32(column))))
            types.append(PQftype(result, Int32(column)))
        }
        let made = ResultDescription(columns: columns, columnTypes: types)
        // Inserted midway and moved up a step per use: a statement run once does not push the
        // hot ones out; the least used go first when the list is full.
        if descriptions.count == Self.descriptionsKept { descriptions.removeLast() }
        descriptions.insert(made, at: descriptions.count / 2)
        return made
    }

    /// `name` and `values` as C strings for one call: copied into one temporary buffer (on the
    /// stack unless large) beside their pointers, so a statement's parameters cost no allocation.
    /// (Passing a short Swift string to C as is copies it to the heap.)
    private func withCStrings<R>(name: String? = nil, _ values: [String?],
                                 _ body: (UnsafePointer<CChar>?, UnsafePointer<UnsafePointer<CChar>?>?) -> R) throws -> R {
        var size = name.map { $0.utf8.count + 1 } ?? 0
        for case let value? in values { size += value.utf8.count + 1 }
        return try withUnsafeTemporaryAllocation(of: CChar.self, capacity: max(1, size)) { bytes in
            try withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: max(1, values.count)) { pointers in
                var end = 0
                func place(_ text: String) throws -> UnsafePointer<CChar> {
                    let start = bytes.baseAddress! + end
                    var text = text
                    let count = try text.withUTF8 { utf8 -> Int in
                        guard let source = utf8.baseAddress else { return 0 }
                        guard memchr(source, 0, utf8.count) == nil else {
                            throw PostgresError.encoding("a parameter contains a NUL character, which PostgreSQL text cannot hold")
                        }
                        memcpy(start, source, utf8.count)
                        return utf8.count
                    }
                    start[count] = 0
                    end += count + 1
                    return UnsafePointer(start)
                }
                let namePointer = try name.map(place)
                _ = pointers.initialize(from: repeatElement(nil, count: pointers.count))
                for (index, value) in values.enumerated() {
                    if let value { pointers[index] = try place(value) }
                }
                return body(namePointer, values.isEmpty ? nil : UnsafePointer(pointers.baseAddress))
            }
        }
    }

    static func trimmed(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        var text = String(cString: pointer)
        while text.last == "\n" || text.last == " " { text.removeLast() }
        return text.replacingAll("\n", with: " ")
    }

    /// The password a connection string carries, found with libpq's own parser.
    static func password(in conninfo: String) -> String? {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            if let errorMessage { PQfreemem(errorMessage) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var index = 0
        while let keyword = options[index].keyword {
            if String(cString: keyword) == "password", let value = options[index].val {
                return String(cString: value)
            }
            index += 1
        }
        return nil
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var output = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            output += rest[..<range.lowerBound]
            output += replacement
            rest = rest[range.upperBound...]
        }
        output += rest
        return output
    }
}

/// One step of reading a pipeline's results (`PQConnection.nextResult`).
enum PipelineResult {
    case result(QueryResult)
    case failed(any Error)
    /// The command did not run: an earlier one of its sync segment failed.
    case aborted
    /// The end of one command's results.
    case end
    case sync
}

/// The cells of one result: libpq's PGresult itself, read in place (a value becomes a Swift
/// String only when a decoder asks for text; integers and booleans are read from its bytes).
/// A PGresult does not change once made, so any thread may read it; freed with its last holder.
final class ResultCells: @unchecked Sendable {
    private let result: OpaquePointer
    let rows: Int

    init(_ result: OpaquePointer) {
        self.result = result
        rows = Int(PQntuples(result))
    }

    deinit { PQclear(result) }

    /// The bytes of a cell (nil for NULL), valid during `body`.
    @inline(__always)
    func withBytes<R>(_ row: Int, _ column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        let r = Int32(truncatingIfNeeded: row), c = Int32(truncatingIfNeeded: column)
        return try withExtendedLifetime(self) {
            if PQgetisnull(result, r, c) != 0 { return try body(nil) }
            let value = UnsafeRawPointer(PQgetvalue(result, r, c)!).assumingMemoryBound(to: UInt8.self)
            return try body(UnsafeBufferPointer(start: value, count: Int(PQgetlength(result, r, c))))
        }
    }

    func text(_ row: Int, _ column: Int) -> String? {
        withBytes(row, column) { bytes in bytes.map { String(decoding: $0, as: UTF8.self) } }
    }
}
