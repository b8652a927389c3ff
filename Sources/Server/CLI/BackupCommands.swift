// `clinic backup` and `clinic restore`.
import Foundation

enum BackupCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        fail("backup: not built yet (issue: administration)")
        return 1
    }
}

enum RestoreCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        fail("restore: not built yet (issue: administration)")
        return 1
    }
}
