import Foundation
import XCTest
@testable import Postgres
#if canImport(Glibc)
import Glibc
#endif

final class EmbeddedClusterTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        var template = Array("/tmp/clinic-ec-XXXXXX".utf8CString)
        directory = String(cString: try XCTUnwrap(mkdtemp(&template)))
    }

    override func tearDown() {
        let cluster = EmbeddedCluster(dataDirectory: directory)
        try? cluster.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func scalar(_ uri: String, _ sql: String) throws -> String? {
        let connection = try Connection(uri)
        defer { connection.close() }
        return try connection.query(sql).first?[0]
    }

    func testLeasesShareOneClusterAndTheLastReleaseStopsIt() throws {
        let cluster = EmbeddedCluster(dataDirectory: directory + "/data")
        let first = try cluster.start()
        let second = try EmbeddedCluster(dataDirectory: directory + "/data").start()
        XCTAssertEqual(first.uri, second.uri)
        XCTAssertTrue(first.uri.hasPrefix("postgresql:///clinic?host=\(directory!)/data/run"))
        XCTAssertEqual(try scalar(first.uri, "SELECT current_database()"), "clinic")
        XCTAssertEqual(try scalar(first.uri, "SHOW listen_addresses"), "", "the cluster must not listen on TCP")
        XCTAssertEqual(try scalar(first.uri, "SHOW server_encoding"), "UTF8")
        let postmaster = try String(contentsOfFile: cluster.clusterDirectory + "/postmaster.pid", encoding: .utf8)
        try first.release()
        XCTAssertTrue(try cluster.isRunning(), "a remaining lease keeps the cluster up")
        XCTAssertEqual(try scalar(second.uri, "SELECT 1"), "1")
        // Joining again reuses the running postmaster rather than starting another.
        let third = try cluster.start()
        XCTAssertEqual(try String(contentsOfFile: cluster.clusterDirectory + "/postmaster.pid", encoding: .utf8), postmaster)
        try second.release()
        try third.release()
        XCTAssertFalse(try cluster.isRunning(), "the last release stops the cluster")
        // A second start on the same data dir reuses the initialized cluster.
        let again = try cluster.start()
        XCTAssertEqual(try scalar(again.uri, "SELECT 2"), "2")
        try again.release()
        XCTAssertFalse(try cluster.isRunning())
    }

    func testSimultaneousStartsInitializeOnceAndShare() throws {
        let uris = Box<[String]>([])
        let failures = Box<[String]>([])
        let leases = Box<[EmbeddedCluster.Lease]>([])
        let dataDirectory = directory + "/data"
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            do {
                let lease = try EmbeddedCluster(dataDirectory: dataDirectory).start()
                uris.update { $0.append(lease.uri) }
                leases.update { $0.append(lease) }
            } catch {
                failures.update { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.value, [])
        XCTAssertEqual(Set(uris.value).count, 1)
        let cluster = EmbeddedCluster(dataDirectory: dataDirectory)
        // initdb always finds the pgdata directory we prepared, and says so once per run.
        let initdbLog = try String(contentsOfFile: dataDirectory + "/initdb.log", encoding: .utf8)
        let initdbRuns = initdbLog.components(separatedBy: "fixing permissions on existing directory").count - 1
        XCTAssertEqual(initdbRuns, 1, "initdb must run exactly once")
        for lease in leases.value.dropLast() { try lease.release() }
        XCTAssertTrue(try cluster.isRunning())
        try leases.value.last!.release()
        XCTAssertFalse(try cluster.isRunning())
    }

    func testLeaseOfADeadProcessDoesNotPinTheCluster() throws {
        let cluster = EmbeddedCluster(dataDirectory: directory + "/data")
        let lease = try cluster.start()
        // A process that crashed without releasing: its pid no longer exists.
        let users = try String(contentsOfFile: cluster.dataDirectory + "/cluster.users", encoding: .utf8)
        try (users + "999999999 crashed\n").write(toFile: cluster.dataDirectory + "/cluster.users", atomically: true, encoding: .utf8)
        try lease.release()
        XCTAssertFalse(try cluster.isRunning())
    }

    func testStartRecoversFromAStalePostmasterPidAfterACrash() throws {
        let cluster = EmbeddedCluster(dataDirectory: directory + "/data")
        let lease = try cluster.start()
        let pidFile = cluster.clusterDirectory + "/postmaster.pid"
        let contents = try String(contentsOfFile: pidFile, encoding: .utf8)
        let postmaster = try XCTUnwrap(pid_t(contents.split(separator: "\n")[0]))
        let children = childProcesses(of: postmaster)
        XCTAssertFalse(children.isEmpty)
        XCTAssertEqual(kill(postmaster, SIGKILL), 0)
        // Wait for the postmaster and its children to go away.
        for _ in 0..<100 where ([postmaster] + children).contains(where: EmbeddedCluster.isPostgresProcess) {
            usleep(100_000)
        }
        // Worst case: the dead postmaster's pid now belongs to an unrelated live process (here: us).
        var lines = contents.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[0] = String(getpid())
        try lines.joined(separator: "\n").write(toFile: pidFile, atomically: true, encoding: .utf8)
        XCTAssertFalse(try cluster.isRunning(), "a live pid that is not a postgres is not a running cluster")
        try lease.release()  // our lease; the cluster is already down
        let recovered = try cluster.start()
        XCTAssertEqual(try scalar(recovered.uri, "SELECT 3"), "3")
        try recovered.release()
        XCTAssertFalse(try cluster.isRunning())
    }

    func testDataDirThatIsAFileGivesAOneLineError() throws {
        let path = directory + "/file"
        try "x".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try EmbeddedCluster(dataDirectory: path).start()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("not a directory") && !text.contains("\n"), text)
        }
    }

    func testDataDirDefaultsToClinicDataDirThenDotClinic() {
        XCTAssertEqual(EmbeddedCluster(environment: ["CLINIC_DATA_DIR": "/var/tmp/x"]).dataDirectory, "/var/tmp/x")
        XCTAssertEqual(EmbeddedCluster(environment: [:]).dataDirectory, FileManager.default.currentDirectoryPath + "/.clinic")
    }

    func testServerBinariesAreFoundOffPath() throws {
        let tools = try PostgresTools.locate(environment: ["PATH": "/nonexistent"], pgConfigs: [])
        XCTAssertTrue(tools.binDirectory.hasPrefix("/usr/lib/postgresql/"), tools.binDirectory)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: tools.initdb))
    }

    func testMissingServerBinariesSayWhatToInstall() {
        XCTAssertThrowsError(try PostgresTools.locate(environment: ["PATH": "/nonexistent"], pgConfigs: [], versionsRoot: "/nonexistent")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("apt-get install postgresql") && !text.contains("\n"), text)
        }
    }

    func testDatabaseURLWinsOverTheEmbeddedCluster() throws {
        let (uri, lease) = try EmbeddedCluster.databaseURL(environment: ["DATABASE_URL": "postgresql://u@db.example/clinic", "CLINIC_DATA_DIR": directory + "/unused"])
        XCTAssertEqual(uri, "postgresql://u@db.example/clinic")
        XCTAssertNil(lease)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/unused"))
    }

    private func childProcesses(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent ? pid : nil
        }
    }
}
