import Foundation

/// One numbered SQL file, `NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    public let path: String
}

/// Applies numbered plain SQL files in order, each once, each in its own
/// transaction, recording them in `schema_migrations(version, name, checksum,
/// applied_at)`. A session-level advisory lock makes concurrent starts safe:
/// the second process waits, then finds everything applied. Changing a file
/// after it was applied is an error (its SHA-256 no longer matches).
///
/// Files must not contain their own BEGIN/COMMIT, nor statements that cannot
/// run inside a transaction (CREATE INDEX CONCURRENTLY, VACUUM).
public struct Migrator: Sendable {
    public let directory: String
    /// Shared by every clinic process (any constant unique to the app will do).
    public static let advisoryLockKey: Int = 0x636C_696E_6963  // "clinic"

    public init(directory: String) { self.directory = directory }
    public init(directory: URL) { self.directory = directory.path }

    /// The migration files in version order.
    public func migrations() throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw PostgresError.migration("cannot read migrations directory \(directory)")
        }
        var found: [Migration] = []
        for file in names.sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]),
                  stem[..<underscore].allSatisfy(\.isNumber), stem.index(after: underscore) < stem.endIndex
            else {
                throw PostgresError.migration("\(file): migration files are named NNNN_name.sql")
            }
            let path = directory + "/" + file
            guard let data = FileManager.default.contents(atPath: path), let sql = String(data: data, encoding: .utf8) else {
                throw PostgresError.migration("\(file): cannot read it as UTF-8")
            }
            if let other = found.first(where: { $0.version == version }) {
                throw PostgresError.migration("\(file) and \(other.name).sql share version \(version)")
            }
            found.append(Migration(version: version, name: String(stem), sql: sql, path: path))
        }
        return found.sorted { $0.version < $1.version }
    }

    /// Applies every pending migration; returns the versions applied now.
    @discardableResult
    public func migrate(pool: ConnectionPool, counter: StatementCounter? = nil) async throws -> [Int] {
        let migrator = self
        return try await pool.withConnection(counter: counter) { try migrator.migrate(connection: $0) }
    }

    /// The same on one connection (blocking).
    @discardableResult
    public func migrate(connection: Connection) throws -> [Int] {
        let pending = try migrations()
        try connection.query("SELECT pg_advisory_lock($1)", [.int(Migrator.advisoryLockKey)])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [.int(Migrator.advisoryLockKey)]) }
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        var applied: [Int: String] = [:]
        for row in try connection.query("SELECT version, checksum FROM schema_migrations") {
            applied[try row.int("version")] = try row.string("checksum")
        }
        var appliedNow: [Int] = []
        for migration in pending {
            let checksum = try connection.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex') AS c",
                                                [.text(migration.sql)]).first!.string("c")
            if let recorded = applied[migration.version] {
                guard recorded == checksum else {
                    throw PostgresError.migration("\(migration.name).sql was changed after it was applied (checksum mismatch); add a new migration instead of editing an applied one")
                }
                continue
            }
            do {
                try connection.transaction { connection in
                    try connection.execute(migration.sql)
                    try connection.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                                         [.int(migration.version), .text(migration.name), .text(checksum)])
                }
            } catch let error as PostgresError {
                if case .sql(let state, let message, let detail, _) = error {
                    throw PostgresError.migration("\(migration.name).sql: \(message) (SQLSTATE \(state))" + (detail.map { ": \($0)" } ?? ""))
                }
                throw error
            }
            appliedNow.append(migration.version)
        }
        return appliedNow
    }
}
