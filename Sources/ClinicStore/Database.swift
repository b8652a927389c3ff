// The clinic's database as the layers above see it: units of work (`read`,
// `readReplica`, `write`) that hand a `Connection` to the stores' functions, and
// failures classified without the driver's types. Only this module runs SQL on a
// connection: the libpq connection inside is internal to ClinicStore.
import Postgres
import Synchronization

/// A connection inside one unit of work. Resolvers and jobs pass it on to the
/// stores; they cannot run statements on it.
public struct Connection {
    let pg: Postgres.Connection
    /// What the unit of work changed that a cache of this process keeps (nil: nobody to tell).
    let changes: UnitOfWorkChanges?

    /// For callers that hold a libpq connection of their own (the CLI, app
    /// chores, tests) and call the stores with it.
    public init(_ connection: Postgres.Connection) { pg = connection; changes = nil }

    init(_ connection: Postgres.Connection, changes: UnitOfWorkChanges) { pg = connection; self.changes = changes }

    /// A statement of this unit of work changed a doctor's booking configuration or the
    /// clinic's closures (`CalendarConfigCache`): the cache is emptied when the unit ends.
    func changedCalendarConfig() { changes?.calendarConfig.store(true, ordering: .relaxed) }

    /// A statement of this unit of work changed busy ranges (appointments, time off, waitlist
    /// holds): the kept free-slot calendars (`SlotCalendarCache`) are dropped when the unit ends,
    /// so the next list shows it (the listener learns it too, a moment after the commit).
    func changedBusyRanges() { changes?.busyRanges.store(true, ordering: .relaxed) }

    func query(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> QueryResult {
        try pg.query(sql, parameters)
    }

    @discardableResult
    func execute(_ sql: String) throws -> QueryResult { try pg.execute(sql) }
}

/// One read statement and how its result becomes a value. `Database.fetch` sends it with the other
/// reads of an event loop's turn (pipeline mode, see `ConnectionPool.query`); `Connection.run`
/// runs it inside a unit of work. Only for a read that stands alone: sent that way, it may run in
/// one implicit transaction with other requests' reads.
public struct Read<T: Sendable>: Sendable {
    let sql: String
    let parameters: [PostgresValue?]
    let decode: @Sendable (QueryResult) throws -> T

    init(_ sql: String, _ parameters: [PostgresValue?], decode: @escaping @Sendable (QueryResult) throws -> T) {
        self.sql = sql
        self.parameters = parameters
        self.decode = decode
    }
}

extension Connection {
    public func run<T>(_ read: Read<T>) throws -> T { try read.decode(query(read.sql, read.parameters)) }
}

/// Counts the statements a request or job issues (tests assert exact counts).
public typealias StatementCounter = Postgres.StatementCounter

/// The primary and the pool reads may use (a streaming replica, else the primary).
public final class Database: Sendable {
    public let primary: ConnectionPool
    /// Reports, exports and other reads that tolerate replication lag.
    public let replica: ConnectionPool
    /// Doctors' booking configuration and the clinic's closures as free slots last read them.
    public let calendarConfig = CalendarConfigCache()
    /// Whole calendars of free-slot lists, while a `calendarListener` listens.
    public let slotCalendars = SlotCalendarCache()

    public init(primary: ConnectionPool, replica: ConnectionPool? = nil) {
        self.primary = primary
        self.replica = replica ?? primary
    }

    /// Reads on the primary.
    public func read<T: Sendable>(counter: StatementCounter? = nil,
                                  _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await primary.withConnection(counter: counter) { try body(Connection($0)) }
    }

    /// One read on the primary; on an event loop, sent with the other reads of its turn.
    public func fetch<T: Sendable>(counter: StatementCounter? = nil, _ read: Read<T>) async throws -> T {
        try read.decode(try await primary.query(counter: counter, read.sql, read.parameters))
    }

    /// Reads that may go to the replica: reports and exports, long enough that they run on the
    /// pool's threads even when the caller's thread has a connection of its own (an event loop).
    public func readReplica<T: Sendable>(counter: StatementCounter? = nil,
                                         _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await replica.withConnection(counter: counter, long: true) { try body(Connection($0)) }
    }

    /// One transaction on the primary: everything `body` does commits together,
    /// or nothing does when it throws.
    /// A change to what `calendarConfig` or `slotCalendars` keep empties them once the transaction
    /// has ended (after the commit, so no read can keep the state before it; also when it failed,
    /// which costs nothing).
    public func write<T: Sendable>(counter: StatementCounter? = nil,
                                   _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let changes = UnitOfWorkChanges()
        defer {
            let config = changes.calendarConfig.load(ordering: .relaxed)
            if config { calendarConfig.invalidate() }
            if config || changes.busyRanges.load(ordering: .relaxed) { slotCalendars.dropAll() }
        }
        return try await primary.transaction(counter: counter) { try body(Connection($0, changes: changes)) }
    }

    /// Whether reads that may be stale have a server of their own.
    public var hasReplica: Bool { replica !== primary }

    public func close() {
        primary.close()
        if replica !== primary { replica.close() }
    }
}

/// Set by the stores during one unit of work (`Database.write`).
final class UnitOfWorkChanges: Sendable {
    let calendarConfig = Atomic<Bool>(false)
    let busyRanges = Atomic<Bool>(false)
}

/// A failed statement as the caller needs to know it: which rule of the
/// database refused it, if any.
public struct StoreFailure: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case uniqueViolation, exclusionViolation, checkViolation, foreignKeyViolation
        case serializationFailure, deadlock
        /// The server is down or does not answer (as opposed to a refused statement).
        case unavailable
        /// A statement waited for a lock, or ran, longer than its connection allows.
        case timedOut
        case other
    }
    public let kind: Kind
    /// The constraint that refused the statement, when the server names one.
    public let constraint: String?

    /// nil when `error` is not a database error.
    public init?(_ error: Error) {
        guard let pg = error as? PostgresError else { return nil }
        constraint = pg.constraint
        kind = pg.isUniqueViolation ? .uniqueViolation
             : pg.isExclusionViolation ? .exclusionViolation
             : pg.isCheckViolation ? .checkViolation
             : pg.isForeignKeyViolation ? .foreignKeyViolation
             : pg.isSerializationFailure ? .serializationFailure
             : pg.isDeadlock ? .deadlock
             : Self.meansUnavailable(pg) ? .unavailable
             : pg.isLockTimeout || pg.isStatementTimeout ? .timedOut
             : .other
    }

    static func meansUnavailable(_ pg: PostgresError) -> Bool {
        switch pg {
        case .connection, .poolTimeout: return true
        case .sql(let state, _, _, _): return state.hasPrefix("08") || state.hasPrefix("57P")
        default: return false
        }
    }

    /// True when `error` is a database failure of this kind.
    public static func `is`(_ error: Error, _ kind: Kind) -> Bool { StoreFailure(error)?.kind == kind }
}
