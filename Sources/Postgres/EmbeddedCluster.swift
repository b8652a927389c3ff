import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster under a data dir, listening only on a Unix
/// socket inside it, shared by every process that uses the same data dir.
///
/// Layout of the data dir:
///   pgdata/         the cluster (owned by `postgres` when we run as root)
///   run/            the socket and postgres.log
///   cluster.lock    flock'd while starting/stopping
///   cluster.users   one line per live user: "<pid> <token>"
///
/// `start()` returns a `Lease`; the cluster stops when the last lease is
/// released. Leases of processes that died are dropped the next time any
/// process starts or releases, so a crash never keeps the cluster pinned.
public struct EmbeddedCluster: Sendable {
    public let dataDirectory: String
    public let database: String
    /// Extra postgresql.conf settings written at initdb time.
    public let settings: [String: String]

    public var clusterDirectory: String { dataDirectory + "/pgdata" }
    public var socketDirectory: String { dataDirectory + "/run" }
    public var logFile: String { socketDirectory + "/postgres.log" }

    /// - Parameter dataDirectory: default `$CLINIC_DATA_DIR`, else `./.clinic`.
    public init(dataDirectory: String? = nil, database: String = "clinic", settings: [String: String] = [:],
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        let chosen = dataDirectory ?? environment["CLINIC_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./.clinic"
        let absolute = chosen.hasPrefix("/") ? chosen : FileManager.default.currentDirectoryPath + "/" + chosen
        self.dataDirectory = URL(fileURLWithPath: absolute).standardizedFileURL.path
        self.database = database
        self.settings = settings
    }

    /// `postgresql:///<database>?host=<socket dir>&user=postgres`
    public func uri(database: String? = nil) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "/-._~"))
        let host = socketDirectory.addingPercentEncoding(withAllowedCharacters: allowed) ?? socketDirectory
        return "postgresql:///\(database ?? self.database)?host=\(host)&user=postgres"
    }

    /// Where the clinic's database is: `DATABASE_URL` when set (no cluster is
    /// touched), else the embedded cluster under `$CLINIC_DATA_DIR`, started or
    /// joined now. Release the lease (if any) on exit; `releaseAtExit()` does it for you.
    public static func databaseURL(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (uri: String, lease: Lease?) {
        if let url = environment["DATABASE_URL"], !url.isEmpty { return (url, nil) }
        let lease = try EmbeddedCluster(environment: environment).start()
        return (lease.uri, lease)
    }

    /// One user's hold on the running cluster.
    public final class Lease: Sendable {
        public let cluster: EmbeddedCluster
        public let uri: String
        let token: String
        private let released = Mutex(false)

        init(cluster: EmbeddedCluster, token: String) {
            self.cluster = cluster
            self.uri = cluster.uri()
            self.token = token
        }

        /// Releases this lease when the process exits normally (`exit`, end of `main`).
        public func releaseAtExit() {
            let first = exitLeases.withLock { leases in
                leases.append(self)
                return leases.count == 1
            }
            if first { atexit { releaseExitLeases() } }
        }

        /// Drops this hold; stops the cluster when it was the last one. Idempotent.
        public func release() throws {
            let first = released.withLock { done in
                defer { done = true }
                return !done
            }
            guard first else { return }
            try cluster.unregister(token)
        }
    }

    /// Initializes (first use), starts (if not running) and joins the cluster,
    /// and creates the database if missing.
    public func start() throws -> Lease {
        let tools = try PostgresTools.locate()
        let owner = try prepareDirectories()
        return try withLock {
            var users = readUsers().filter { ChildProcess.isAlive($0.pid) }
            try initializeIfNeeded(tools, owner)
            if !(try isRunning(tools, owner)) {
                try removeStaleLockFiles()
                let status = try ChildProcess.run(tools.pgCtl, ["start", "-w", "-t", "60", "-D", clusterDirectory, "-l", logFile],
                                                  as: owner, log: dataDirectory + "/pg_ctl.log")
                guard status == 0 else {
                    throw PostgresError.cluster("PostgreSQL failed to start (pg_ctl exit \(status)); see \(logFile) and \(dataDirectory)/pg_ctl.log")
                }
            }
            do {
                try createDatabaseIfMissing(database)
            } catch {
                if users.isEmpty { try? stopLocked() }
                throw error
            }
            let token = String(UInt64.random(in: 1...UInt64.max), radix: 36)
            users.append((getpid(), token))
            writeUsers(users)
            return Lease(cluster: self, token: token)
        }
    }

    /// Whether a postmaster is running on this data dir.
    public func isRunning() throws -> Bool {
        try isRunning(PostgresTools.locate(), owner())
    }

    /// `pg_ctl restart -m fast` (tests use it to prove the pool reconnects).
    public func restart() throws {
        let tools = try PostgresTools.locate()
        let status = try ChildProcess.run(tools.pgCtl, ["restart", "-w", "-t", "60", "-m", "fast", "-D", clusterDirectory, "-l", logFile],
                                          as: owner(), log: dataDirectory + "/pg_ctl.log")
        guard status == 0 else { throw PostgresError.cluster("PostgreSQL failed to restart; see \(logFile)") }
    }

    /// Stops the cluster now, whoever else holds a lease.
    public func stop() throws {
        try withLock {
            try stopLocked()
            writeUsers([])
        }
    }

    /// Creates a database on the running cluster unless it exists.
    public func createDatabaseIfMissing(_ name: String) throws {
        let connection = try Connection(uri(database: "postgres"))
        defer { connection.close() }
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [.text(name)])
        if exists.isEmpty {
            do {
                try connection.execute("CREATE DATABASE \"\(name.replacingAll("\"", with: "\"\""))\"")
            } catch let error as PostgresError where error.sqlState == "42P04" || error.isUniqueViolation {
                // Another process created it first.
            }
        }
    }

    // MARK: Internals

    func unregister(_ token: String) throws {
        try withLock {
            let users = readUsers().filter { $0.token != token && ChildProcess.isAlive($0.pid) }
            writeUsers(users)
            if users.isEmpty { try stopLocked() }
        }
    }

    private func stopLocked() throws {
        let tools = try PostgresTools.locate()
        let owner = try owner()
        guard try isRunning(tools, owner) else { return }
        let status = try ChildProcess.run(tools.pgCtl, ["stop", "-w", "-t", "60", "-m", "fast", "-D", clusterDirectory],
                                          as: owner, log: dataDirectory + "/pg_ctl.log")
        guard status == 0 else { throw PostgresError.cluster("PostgreSQL failed to stop; see \(logFile)") }
    }

    /// The system user the cluster runs as: `postgres` when we are root, else ourselves (nil).
    private func owner() throws -> ChildProcess.User? {
        guard ChildProcess.isRoot else { return nil }
        guard let user = ChildProcess.systemUser("postgres") else {
            throw PostgresError.cluster("running as root needs the unprivileged `postgres` system user to run the database: install it with `apt-get install postgresql`")
        }
        return user
    }

    private func isRunning(_ tools: PostgresTools, _ owner: ChildProcess.User?) throws -> Bool {
        guard FileManager.default.fileExists(atPath: clusterDirectory + "/PG_VERSION") else { return false }
        // pg_ctl only checks that the recorded pid is alive; after a crash it may belong to an unrelated process.
        guard let pid = postmasterPID(), EmbeddedCluster.isPostgresProcess(pid) else { return false }
        return try ChildProcess.run(tools.pgCtl, ["status", "-D", clusterDirectory], as: owner) == 0
    }

    private func postmasterPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: clusterDirectory + "/postmaster.pid", encoding: .utf8) else { return nil }
        return pid_t((text.split(separator: "\n").first.map(String.init) ?? "").trimmingCharacters(in: .whitespaces))
    }

    private func prepareDirectories() throws -> ChildProcess.User? {
        let owner = try owner()
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: dataDirectory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw PostgresError.cluster("data dir \(dataDirectory) is not a directory: set CLINIC_DATA_DIR to a directory path")
            }
        } else {
            do {
                try manager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: owner == nil ? 0o700 : 0o711])
            } catch {
                throw PostgresError.cluster("cannot create data dir \(dataDirectory): \(error.localizedDescription); set CLINIC_DATA_DIR to a writable directory")
            }
        }
        var info = stat()
        guard stat(dataDirectory, &info) == 0 else {
            throw PostgresError.cluster("cannot read data dir \(dataDirectory): \(String(cString: strerror(errno)))")
        }
        if !ChildProcess.isRoot, info.st_uid != geteuid() {
            throw PostgresError.cluster("data dir \(dataDirectory) is owned by another user (uid \(info.st_uid)): run as that user or set CLINIC_DATA_DIR to a directory of your own")
        }
        if access(dataDirectory, W_OK) != 0 {
            throw PostgresError.cluster("data dir \(dataDirectory) is not writable: fix its permissions or set CLINIC_DATA_DIR")
        }
        if let owner {
            // The postgres user must be able to reach pgdata/ and run/: grant search (not read) permission on the way.
            var path = dataDirectory
            while path != "/" && !path.isEmpty {
                if stat(path, &info) == 0, info.st_mode & 0o001 == 0 { chmod(path, info.st_mode & 0o7777 | 0o011) }
                path = (path as NSString).deletingLastPathComponent
            }
            for directory in [clusterDirectory, socketDirectory] {
                if !manager.fileExists(atPath: directory) {
                    do {
                        try manager.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: directory == clusterDirectory ? 0o700 : 0o755])
                    } catch where manager.fileExists(atPath: directory) {
                        // Another start on the same data dir made it in between: fine.
                    }
                }
                if stat(directory, &info) == 0, info.st_uid != owner.uid { chown(directory, owner.uid, owner.gid) }
            }
        } else {
            try manager.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if (socketDirectory + "/.s.PGSQL.5432").utf8.count > 107 {
            throw PostgresError.cluster("data dir path \(dataDirectory) is too long for a Unix socket: set CLINIC_DATA_DIR to a shorter path")
        }
        return owner
    }

    private func initializeIfNeeded(_ tools: PostgresTools, _ owner: ChildProcess.User?) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: clusterDirectory + "/PG_VERSION") { return }
        if let contents = try? manager.contentsOfDirectory(atPath: clusterDirectory), !contents.isEmpty {
            throw PostgresError.cluster("\(clusterDirectory) is not empty but holds no PostgreSQL cluster: remove it and try again")
        }
        if owner == nil, !manager.fileExists(atPath: clusterDirectory) {
            try manager.createDirectory(atPath: clusterDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        }
        let log = dataDirectory + "/initdb.log"
        let status = try ChildProcess.run(tools.initdb, ["-D", clusterDirectory, "-U", "postgres", "-E", "UTF8", "--locale=C",
                                                         "--auth=trust", "--no-instructions"], as: owner, log: log)
        guard status == 0 else {
            // Leave an empty directory so the next attempt starts clean.
            if let contents = try? manager.contentsOfDirectory(atPath: clusterDirectory) {
                for item in contents { try? manager.removeItem(atPath: clusterDirectory + "/" + item) }
            }
            throw PostgresError.cluster("initdb failed (exit \(status)); see \(log)")
        }
        var conf = "\n# Written by clinic: a private cluster reachable only through its socket.\n"
        conf += "listen_addresses = ''\n"
        conf += "unix_socket_directories = '\(socketDirectory.replacingAll("'", with: "''"))'\n"
        conf += "unix_socket_permissions = 0700\n"
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) { conf += "\(key) = \(value)\n" }
        guard let handle = FileHandle(forWritingAtPath: clusterDirectory + "/postgresql.conf") else {
            throw PostgresError.cluster("cannot write \(clusterDirectory)/postgresql.conf")
        }
        handle.seekToEndOfFile()
        handle.write(Data(conf.utf8))
        handle.closeFile()
    }

    /// After a crash, postmaster.pid (and the socket's lock file) may name a pid
    /// that is now dead or belongs to an unrelated process; PostgreSQL refuses
    /// to start when the pid is alive, so remove files whose pid is not a postgres.
    private func removeStaleLockFiles() throws {
        for file in [clusterDirectory + "/postmaster.pid", socketDirectory + "/.s.PGSQL.5432.lock"] {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            let firstLine = text.split(separator: "\n").first.map(String.init) ?? ""
            let pid = pid_t(firstLine.trimmingCharacters(in: .whitespaces)) ?? 0
            if !EmbeddedCluster.isPostgresProcess(pid) {
                try? FileManager.default.removeItem(atPath: file)
                if file.hasSuffix(".lock") { try? FileManager.default.removeItem(atPath: socketDirectory + "/.s.PGSQL.5432") }
            }
        }
    }

    static func isPostgresProcess(_ pid: pid_t) -> Bool {
        guard ChildProcess.isAlive(pid) else { return false }
        guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return true }
        let name = comm.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.hasPrefix("postgres") || name.hasPrefix("postmaster")
    }

    private func withLock<T>(_ body: () throws -> T) throws -> T {
        let path = dataDirectory + "/cluster.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PostgresError.cluster("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw PostgresError.cluster("cannot lock \(path): \(String(cString: strerror(errno)))") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    private func readUsers() -> [(pid: pid_t, token: String)] {
        guard let text = try? String(contentsOfFile: dataDirectory + "/cluster.users", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let pid = pid_t(parts[0]) else { return nil }
            return (pid, String(parts[1]))
        }
    }

    private func writeUsers(_ users: [(pid: pid_t, token: String)]) {
        let text = users.map { "\($0.pid) \($0.token)\n" }.joined()
        try? text.write(toFile: dataDirectory + "/cluster.users", atomically: true, encoding: .utf8)
    }
}

/// Where the PostgreSQL server programs live.
struct PostgresTools: Sendable {
    let binDirectory: String
    var initdb: String { binDirectory + "/initdb" }
    var pgCtl: String { binDirectory + "/pg_ctl" }

    /// `$CLINIC_PG_BINDIR`, then `pg_config --bindir`, then the newest
    /// /usr/lib/postgresql/<version>/bin (Debian keeps them off PATH), then PATH.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                       pgConfigs: [String]? = nil, versionsRoot: String = "/usr/lib/postgresql") throws -> PostgresTools {
        var candidates: [String] = []
        if let explicit = environment["CLINIC_PG_BINDIR"], !explicit.isEmpty { candidates.append(explicit) }
        let path = environment["PATH"] ?? ""
        let onPath = { (name: String) in path.split(separator: ":").map { "\($0)/\(name)" } }
        for pgConfig in pgConfigs ?? (["/usr/bin/pg_config"] + onPath("pg_config"))
        where FileManager.default.isExecutableFile(atPath: pgConfig) {
            if let bin = ChildProcess.output(pgConfig, ["--bindir"]) { candidates.append(bin) }
            break
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: versionsRoot)) ?? []
        for version in versions.compactMap(Int.init).sorted(by: >) { candidates.append("\(versionsRoot)/\(version)/bin") }
        candidates += onPath("initdb").map { ($0 as NSString).deletingLastPathComponent }
        for directory in candidates {
            let tools = PostgresTools(binDirectory: directory)
            if FileManager.default.isExecutableFile(atPath: tools.initdb), FileManager.default.isExecutableFile(atPath: tools.pgCtl),
               FileManager.default.isExecutableFile(atPath: directory + "/postgres") {
                return tools
            }
        }
        throw PostgresError.cluster("PostgreSQL server programs (initdb, pg_ctl) not found: install them with `apt-get install postgresql`, or set DATABASE_URL to use an existing server")
    }
}

private let exitLeases = Mutex<[EmbeddedCluster.Lease]>([])

private func releaseExitLeases() {
    let leases = exitLeases.withLock { leases in
        defer { leases.removeAll() }
        return leases
    }
    for lease in leases { try? lease.release() }
}
