// `clinic migrate`, `clinic seed --demo | --scale N`, `clinic create-superadmin --email E`.
import Foundation
import Server

enum MigrateCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        await withDatabase { _, db in
            let applied = try await DatabaseMigrations.apply(db.url)
            writeStdout(applied.isEmpty ? "migrations: up to date\n" : "migrations: applied \(applied.joined(separator: ", "))\n")
            return 0
        }
    }
}

enum SeedCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        let demo = arguments == ["--demo"]
        var scale: Int?
        if arguments.count == 2, arguments[0] == "--scale" { scale = Int(arguments[1]) }
        if arguments.count == 1, arguments[0].hasPrefix("--scale=") { scale = Int(arguments[0].dropFirst("--scale=".count)) }
        guard demo || (scale.map { (1...1000).contains($0) } ?? false) else {
            fail("usage: clinic seed --demo | --scale N (N from 1 to 1000)")
            return 2
        }
        // Both seeds create accounts whose passwords are published (README,
        // bench scripts): they run on a development database only, checked
        // before the database is opened.
        if let config = try? Configuration.fromEnvironment(), config.environment != "development" {
            fail("refusing to seed: `seed \(arguments.joined(separator: " "))` creates accounts with published passwords and "
                 + "runs only with CLINIC_ENV=development (CLINIC_ENV is \"\(config.environment)\")")
            return 1
        }
        return await withDatabase { config, db in
            let elapsed = try await DatabaseSeeds.seed(db, scale: demo ? nil : scale, clock: config.makeClock())
            writeStdout("seed: \(demo ? "demo" : "scale \(scale!)") done in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds])))\n")
            return 0
        }
    }
}

enum CreateSuperadminCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        guard arguments.count == 2, arguments[0] == "--email" else {
            fail("usage: clinic create-superadmin --email E   (password on stdin)")
            return 2
        }
        let email: String
        do { email = try Superadmins.normalizedEmail(arguments[1]) } catch {
            fail("\(error)")
            return 1
        }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        var password = String(decoding: input, as: UTF8.self)
        while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
        do { try Superadmins.checkPassword(password, email: email) } catch {
            fail("\(error)")
            return 1
        }
        return await withDatabase { _, db in
            try await Superadmins.create(db, email: email, password: password)
            writeStdout("superadmin \(email) created\n")
            return 0
        }
    }
}
