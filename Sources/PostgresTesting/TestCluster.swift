import Foundation
import Postgres
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for tests: a temp dir, fsync off, removed on
/// `stop()`. Use `TestCluster.shared()` for one cluster per test process (it is
/// stopped and deleted when the process exits) and `createDatabase()` for a
/// fresh, empty database per test.
public final class TestCluster: Sendable {
    public let cluster: EmbeddedCluster
    /// URI of the cluster's `postgres` database.
    public let uri: String
    private let lease: EmbeddedCluster.Lease
    private let databases = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    /// Starts a new cluster in a fresh temp dir (as the `postgres` user when root).
    public init() throws {
        TestCluster.removeAbandonedClusters()
        var template = Array("/tmp/clinic-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw PostgresError.cluster("cannot create a temp dir for the test cluster: \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: made)
        cluster = EmbeddedCluster(dataDirectory: directory, database: "postgres", settings: [
            "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
            "max_connections": "200", "shared_buffers": "'32MB'",
        ])
        do {
            lease = try cluster.start()
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        uri = cluster.uri(database: "postgres")
    }

    /// Test processes that crashed leave clusters running in /tmp: stop and delete
    /// those whose every user is dead (and that nobody is starting right now).
    static func removeAbandonedClusters() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for entry in entries where entry.hasPrefix("clinic-pg-") {
            let directory = "/tmp/" + entry
            guard let users = try? String(contentsOfFile: directory + "/cluster.users", encoding: .utf8) else { continue }
            let alive = users.split(separator: "\n").contains { line in
                pid_t(line.split(separator: " ").first ?? "").map(ChildProcess.isAlive) ?? false
            }
            guard !alive else { continue }
            let fd = open(directory + "/cluster.lock", O_RDWR | O_CLOEXEC)
            guard fd >= 0 else { continue }
            let free = flock(fd, LOCK_EX | LOCK_NB) == 0
            if free { flock(fd, LOCK_UN) }
            close(fd)
            guard free else { continue }
            try? EmbeddedCluster(dataDirectory: directory).stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    private static let sharedInstance = Mutex<TestCluster?>(nil)

    /// The process-wide cluster, started on first use and removed at exit.
    public static func shared() throws -> TestCluster {
        try sharedInstance.withLock { instance in
            if let instance { return instance }
            let created = try TestCluster()
            instance = created
            atexit { TestCluster.stopShared() }
            return created
        }
    }

    private static func stopShared() {
        let instance = sharedInstance.withLock { $0 }
        instance?.stop()
    }

    /// Creates an empty database and returns its URI.
    public func createDatabase(prefix: String = "test") throws -> String {
        let number = databases.add(1, ordering: .relaxed).newValue
        let safePrefix = String(prefix.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }.prefix(40))
        let name = "\(safePrefix.isEmpty ? "test" : safePrefix)_\(getpid())_\(number)"
        let connection = try Connection(uri)
        defer { connection.close() }
        try connection.execute("CREATE DATABASE \(name)")
        return cluster.uri(database: name)
    }

    /// Restarts the server (connections are dropped), for reconnect tests.
    public func restart() throws { try cluster.restart() }

    /// Stops the server and deletes the temp dir. Idempotent.
    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        try? lease.release()
        try? cluster.stop()
        try? FileManager.default.removeItem(atPath: cluster.dataDirectory)
    }
}
