// Where the database is: DATABASE_URL, or the embedded cluster under the data
// dir (started on first use, stopped when the last user lets go).
import Foundation
import Postgres

public final class DatabaseHandle: Sendable {
    public let url: String
    let readURL: String
    let lease: EmbeddedCluster.Lease?

    init(url: String, readURL: String, lease: EmbeddedCluster.Lease?) {
        self.url = url; self.readURL = readURL; self.lease = lease
    }

    public static func open(_ config: Configuration) throws -> DatabaseHandle {
        if let url = config.databaseURL {
            return DatabaseHandle(url: url, readURL: config.databaseReadURL ?? url, lease: nil)
        }
        let cluster = EmbeddedCluster(dataDirectory: config.dataDirectory)
        let lease = try cluster.start()
        return DatabaseHandle(url: lease.uri, readURL: config.databaseReadURL ?? lease.uri, lease: lease)
    }

    /// Lets go of the embedded cluster (the last user stops it).
    public func close() throws {
        try lease?.release()
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

/// An operation refused for a reason the operator can act on; its description
/// is the one line the command prints.
public struct OperationRefused: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
