// migrate, seed, create-superadmin: database chores from the command line.
import ClinicDomain
import Crypto
import Foundation
import Postgres
import Resolvers

enum MigrateCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        await withDatabase { _, db in
            let applied = try await migrate(db.url)
            writeStdout(applied.isEmpty ? "migrations: up to date\n" : "migrations: applied \(applied.joined(separator: ", "))\n")
            return 0
        }
    }

    static func migrate(_ url: String) async throws -> [String] {
        let pool = ConnectionPool(connectionString: url, size: 1)
        defer { pool.close() }
        let migrator = try Migrator(directory: databaseFilesDirectory() + "/migrations")
        return try await migrator.migrate(pool: pool).map { String($0) }
    }
}

enum SeedCommand: Subcommand {
    static let demoPasswords = [
        "superadmin@clinic.test": "superadmin-demo-pass",
        "admin@clinic.test": "admin-demo-pass",
        "patient@clinic.test": "patient-demo-pass",
        "dr.garcia@clinic.test": "doctor-demo-pass",
    ]
    static let benchPasswords = [
        "bench-admin@clinic.test": "bench-admin-pass",
        "*@bench.test": "bench-patient-pass",
    ]

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
        return await withDatabase { _, db in
            _ = try await MigrateCommand.migrate(db.url)
            let started = ContinuousClock.now
            let file = databaseFilesDirectory() + "/seed/" + (demo ? "demo.sql" : "scale.sql")
            guard let script = FileManager.default.contents(atPath: file).flatMap({ String(data: $0, encoding: .utf8) }) else {
                fail("cannot read \(file)")
                return 1
            }
            let hasher = PasswordHasher()
            let passwords = demo ? demoPasswords : benchPasswords
            var hashes: [(String, String)] = []
            for (email, password) in passwords.sorted(by: { $0.key < $1.key }) {
                hashes.append((email, try hasher.hash(password)))
            }
            let connection = try Connection(db.url)
            defer { connection.close() }
            try connection.execute("CREATE TEMP TABLE seed_password_hashes (email text PRIMARY KEY, hash text NOT NULL)")
            for (email, hash) in hashes {
                _ = try connection.query("INSERT INTO seed_password_hashes VALUES ($1, $2)", [.text(email), .text(hash)])
            }
            if let scale {
                _ = try connection.query("SELECT set_config('clinic.scale', $1, false)", [.text(String(scale))])
            }
            try connection.execute(script)
            let elapsed = started.duration(to: .now)
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
        guard let email = EmailAddress.normalize(arguments[1]) else {
            fail("\(arguments[1]) is not a valid email address")
            return 1
        }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        var password = String(decoding: input, as: UTF8.self)
        while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
        if let violation = PasswordPolicy.check(password, email: email) {
            fail("password rejected: \(violation.message)")
            return 1
        }
        return await withDatabase { _, db in
            _ = try await MigrateCommand.migrate(db.url)
            let hash = try PasswordHasher().hash(password)
            let connection = try Connection(db.url)
            defer { connection.close() }
            do {
                try connection.transaction { conn in
                    let r = try conn.query("""
                        INSERT INTO users (email, password_hash, first_name, last_name, role)
                        VALUES ($1, $2, 'Super', 'Admin', 'SUPERADMIN') RETURNING id
                        """, [.text(email), .text(hash)])
                    _ = try conn.query("INSERT INTO audit_log (actor_id, action, target_id, details) VALUES (NULL, 'user.create', $1, $2)",
                                       [.text(GlobalID.encode(type: "User", id: Int64(try r.rows[0].int("id")))),
                                        .jsonb("{\"role\":\"SUPERADMIN\",\"via\":\"cli\"}")])
                }
            } catch let e as PostgresError where e.isUniqueViolation {
                fail("a user with email \(email) already exists")
                return 1
            }
            writeStdout("superadmin \(email) created\n")
            return 0
        }
    }
}
