// `clinic backup [--out DIR]`, `clinic restore FILE|NAME [--force]` and
// `clinic restore --list` (see
// Server's DatabaseBackups for what they do).
import Foundation
import Server

enum BackupCommand: Subcommand {
    static let usage = "usage: clinic backup [--out DIR]"

    static func run(_ arguments: [String]) async -> Int32 {
        var out: String?
        var i = 0
        while i < arguments.count {
            switch arguments[i] {
            case "--out":
                guard i + 1 < arguments.count, !arguments[i + 1].isEmpty else { fail("--out needs a directory\n\(usage)"); return 2 }
                out = arguments[i + 1]; i += 2
            case "-h", "--help":
                print(usage); return 0
            default:
                fail("unknown argument \(arguments[i])\n\(usage)"); return 2
            }
        }
        return await withDatabase { config, db in
            print(try await DatabaseBackups.backup(config, db, into: out))
            return 0
        }
    }
}

enum RestoreCommand: Subcommand {
    static let usage = """
        usage: clinic restore FILE|NAME [--force]    (NAME: an archive in BACKUP_DIR or BACKUP_COPY_DIR)
               clinic restore --list                 (the archives in both directories, newest first)
        """

    static func run(_ arguments: [String]) async -> Int32 {
        var file: String?
        var force = false
        var list = false
        for a in arguments {
            switch a {
            case "--force": force = true
            case "--list": list = true
            case "-h", "--help": print(usage); return 0
            default:
                if a.hasPrefix("-") || file != nil { fail("unknown argument \(a)\n\(usage)"); return 2 }
                file = a
            }
        }
        if list {
            guard file == nil, !force else { fail("--list takes no other argument\n\(usage)"); return 2 }
            return listArchives()
        }
        guard let file else { fail("restore needs the archive to restore\n\(usage)"); return 2 }
        let config: Configuration
        do { config = try Configuration.fromEnvironment() } catch { fail("\(error)"); return 1 }
        guard let path = DatabaseBackups.locate(file, config) else {
            fail("cannot read \(file): no such readable file (nor an archive of that name in BACKUP_DIR or BACKUP_COPY_DIR)")
            return 1
        }
        return await withDatabase { _, db in
            try await DatabaseBackups.restore(db, archive: path, force: force)
            print("restored \(path)")
            return 0
        }
    }

    /// One line per archive: name, size, when it was made (UTC), and where it is.
    static func listArchives() -> Int32 {
        let config: Configuration
        do { config = try Configuration.fromEnvironment() } catch { fail("\(error)"); return 1 }
        let found = DatabaseBackups.archives(config)
        if found.isEmpty { print("no archives in \(config.backupDirectory)" + (config.backupCopyDirectory.map { " or \($0)" } ?? "")) }
        for a in found {
            let size = a.copies.map(\.sizeBytes).max() ?? 0
            print("\(a.name)  \(size) bytes  \(a.madeAt)  \(a.copies.map(\.path).joined(separator: "  "))")
        }
        return 0
    }
}
