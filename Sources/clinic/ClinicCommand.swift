// `clinic <command>`: each subcommand is a small type with a `run` that reads
// its arguments, calls the app (Server) and turns the outcome into output and
// an exit code.
import Foundation
import Server

protocol Subcommand {
    /// Returns the process exit code.
    static func run(_ arguments: [String]) async -> Int32
}

enum ClinicCommand {
    static let usage = """
    usage: clinic <command> [options]

      serve [--no-worker]             the HTTP server (embedded database unless DATABASE_URL)
      worker                          the notification worker alone
      migrate                         apply pending migrations
      seed --demo | --scale N         demo data, or deterministic benchmark data
      create-superadmin --email E     password read from stdin
      backup [--out DIR]              pg_dump custom-format archive
      restore FILE [--force]          restore an archive (refuses a non-empty database without --force)
      schema print                    the served schema as SDL
      graphql validate --schema S DOC...
      graphql format FILE...          canonical print (- reads stdin)
      graphql typescript --schema S DOC...

    """

    static func main() async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var args = Array(CommandLine.arguments.dropFirst())
        guard let command = args.first else {
            FileHandle.standardError.write(Data(usage.utf8))
            return 2
        }
        args.removeFirst()
        switch command {
        case "serve": return await ServeCommand.run(args)
        case "worker": return await WorkerCommand.run(args)
        case "migrate": return await MigrateCommand.run(args)
        case "seed": return await SeedCommand.run(args)
        case "create-superadmin": return await CreateSuperadminCommand.run(args)
        case "backup": return await BackupCommand.run(args)
        case "restore": return await RestoreCommand.run(args)
        case "schema": return await SchemaCommand.run(args)
        case "graphql": return await GraphQLToolsCommand.run(args)
        case "-h", "--help", "help":
            print(usage, terminator: "")
            return 0
        default:
            fail("unknown command \(command)\n\n\(usage)")
            return 2
        }
    }
}

/// One line on stderr, no stack trace: what went wrong and what to do.
func fail(_ message: String) {
    FileHandle.standardError.write(Data("clinic: \(message)\n".utf8))
}

func writeStdout(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
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
    defer {
        do { try db.close() } catch { fail("could not stop the embedded database: \(error)") }
    }
    do {
        return try await body(config, db)
    } catch {
        fail("\(error)")
        return 1
    }
}
