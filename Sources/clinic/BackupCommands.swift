// `clinic backup [--out DIR]` and `clinic restore FILE [--force]` (see
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
    static let usage = "usage: clinic restore FILE [--force]"

    static func run(_ arguments: [String]) async -> Int32 {
        var file: String?
        var force = false
        for a in arguments {
            switch a {
            case "--force": force = true
            case "-h", "--help": print(usage); return 0
            default:
                if a.hasPrefix("-") || file != nil { fail("unknown argument \(a)\n\(usage)"); return 2 }
                file = a
            }
        }
        guard let file else { fail("restore needs the archive to restore\n\(usage)"); return 2 }
        let path = DatabaseBackups.absolute(file)
        guard FileManager.default.isReadableFile(atPath: path) else { fail("cannot read \(file): no such readable file"); return 1 }
        return await withDatabase { _, db in
            try await DatabaseBackups.restore(db, archive: path, force: force)
            print("restored \(path)")
            return 0
        }
    }
}
