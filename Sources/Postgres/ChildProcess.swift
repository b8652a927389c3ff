import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs helper programs (initdb, pg_ctl) with posix_spawn, optionally as
/// another user through `runuser`, with output appended to a log file.
public enum ChildProcess {
    struct User: Sendable {
        let name: String
        let uid: uid_t
        let gid: gid_t
    }

    static func systemUser(_ name: String) -> User? {
        guard let entry = getpwnam(name) else { return nil }
        return User(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    static var isRoot: Bool { geteuid() == 0 }

    /// Runs `executable` and returns its exit status (128 + signal when killed).
    static func run(_ executable: String, _ arguments: [String], as user: User? = nil, log: String? = nil) throws -> Int32 {
        var path = executable
        var argv = [executable] + arguments
        if let user {
            guard let runuser = findRunuser() else {
                throw PostgresError.cluster("cannot run PostgreSQL as the \(user.name) user: `runuser` (util-linux) is missing")
            }
            path = runuser
            argv = [runuser, "-u", user.name, "--"] + argv
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Never leak our descriptors (listening sockets, lock files) into a long-lived postmaster.
        _ = spawnCloseFrom(&actions, 3)

        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        for key in ["PGDATA", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGOPTIONS"] { environment[key] = nil }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, nil, cArguments, cEnvironment)
        guard spawned == 0 else {
            throw PostgresError.cluster("cannot run \(path): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return -1 }
        }
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    /// Runs a program and returns its standard output (nil when it cannot run or fails).
    static func output(_ executable: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func findRunuser() -> String? {
        (["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"] + pathCandidates("runuser"))
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func pathCandidates(_ name: String) -> [String] {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
            .split(separator: ":").map { "\($0)/\(name)" }
    }

    public static func isAlive(_ pid: pid_t) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}

/// glibc ≥ 2.34; not exposed by the Glibc module.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32
