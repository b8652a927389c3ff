// Where the database is: DATABASE_URL, or the embedded cluster under the data
// dir (started on first use, stopped when the last user lets go).
import Foundation
import Postgres

final class DatabaseHandle: Sendable {
    let url: String
    let readURL: String
    let lease: EmbeddedCluster.Lease?

    init(url: String, readURL: String, lease: EmbeddedCluster.Lease?) {
        self.url = url; self.readURL = readURL; self.lease = lease
    }

    static func open(_ config: Configuration) throws -> DatabaseHandle {
        if let url = config.databaseURL {
            return DatabaseHandle(url: url, readURL: config.databaseReadURL ?? url, lease: nil)
        }
        let cluster = EmbeddedCluster(dataDirectory: config.dataDirectory)
        let lease = try cluster.start()
        return DatabaseHandle(url: lease.uri, readURL: config.databaseReadURL ?? lease.uri, lease: lease)
    }

    func close() {
        do { try lease?.release() } catch { fail("could not stop the embedded database: \(error)") }
    }
}

/// The repository's db/ folder (migrations and seeds): $CLINIC_DB_DIR, ./db,
/// or next to the source tree the executable was built from.
func databaseFilesDirectory() -> String {
    let fm = FileManager.default
    if let dir = ProcessInfo.processInfo.environment["CLINIC_DB_DIR"], !dir.isEmpty { return dir }
    if fm.fileExists(atPath: "db/migrations") { return fm.currentDirectoryPath + "/db" }
    // .build/<config>/clinic → repository root
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    for _ in 0..<5 {
        url.deleteLastPathComponent()
        if fm.fileExists(atPath: url.path + "/db/migrations") { return url.path + "/db" }
    }
    return "db"
}

/// Runs `body` with configuration and an open database, turning every error
/// into one line on stderr and exit code 1.
func withDatabase(_ body: (Configuration, DatabaseHandle) async throws -> Int32) async -> Int32 {
    let config: Configuration
    do { config = try Configuration.fromEnvironment() } catch {
        fail("\(error)")
        return 1
    }
    let db: DatabaseHandle
    do { db = try DatabaseHandle.open(config) } catch {
        fail("cannot open the database: \(error)")
        return 1
    }
    defer { db.close() }
    do {
        return try await body(config, db)
    } catch {
        fail("\(error)")
        return 1
    }
}
