/// Every failure of the Postgres module. SQL errors keep their SQLSTATE so
/// callers can map them (unique violation → CONFLICT, check → BAD_USER_INPUT).
/// Messages never contain the connection password.
public enum PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server rejected a statement.
    case sql(sqlState: String, message: String, detail: String?, constraint: String?)
    /// The connection could not be made or was lost.
    case connection(String)
    /// A value in a result could not be decoded as the requested Swift type.
    case decoding(String)
    /// A parameter could not be encoded (e.g. text containing NUL).
    case encoding(String)
    /// No connection became free within the pool's acquire timeout.
    case poolTimeout(waited: Duration)
    /// The pool was closed.
    case poolClosed
    /// A statement sent in pipeline mode did not run (an earlier one of its sync failed, or it
    /// cannot be sent that way): nothing of it happened, and it may be run again on its own.
    case pipelineAborted
    /// The embedded cluster could not be prepared or started (one line, says what to do).
    case cluster(String)
    /// A migration file is missing, malformed, failed or was changed after being applied.
    case migration(String)

    public var sqlState: String? {
        if case .sql(let state, _, _, _) = self { return state }
        return nil
    }
    public var constraint: String? {
        if case .sql(_, _, _, let constraint) = self { return constraint }
        return nil
    }
    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isExclusionViolation: Bool { sqlState == "23P01" }
    public var isCheckViolation: Bool { sqlState == "23514" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    public var isNotNullViolation: Bool { sqlState == "23502" }
    public var isSerializationFailure: Bool { sqlState == "40001" }
    public var isDeadlock: Bool { sqlState == "40P01" }
    /// A statement waited for a lock longer than the session's `lock_timeout`.
    public var isLockTimeout: Bool { sqlState == "55P03" }
    /// A statement ran longer than the session's `statement_timeout` (or was cancelled).
    public var isStatementTimeout: Bool { sqlState == "57014" }
    /// Class 22: bad input text such as an invalid uuid or an out-of-range number.
    public var isDataException: Bool { sqlState?.hasPrefix("22") ?? false }
    public var isConnectionError: Bool {
        if case .connection = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .sql(let state, let message, let detail, _):
            return "PostgreSQL error \(state): \(message)" + (detail.map { " (\($0))" } ?? "")
        case .connection(let message): return "PostgreSQL connection error: \(message)"
        case .decoding(let message): return "cannot decode PostgreSQL value: \(message)"
        case .encoding(let message): return "cannot encode PostgreSQL parameter: \(message)"
        case .poolTimeout(let waited): return "no database connection became free within \(waited)"
        case .poolClosed: return "the database connection pool is closed"
        case .pipelineAborted: return "the statement did not run: an earlier statement of its pipeline failed"
        case .cluster(let message): return message
        case .migration(let message): return "migration failed: \(message)"
        }
    }
}
