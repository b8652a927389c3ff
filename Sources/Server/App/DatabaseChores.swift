// The app behind migrate, seed and create-superadmin: database chores.
import ClinicDomain
import ClinicStore
import Crypto
import Foundation
import JSON
import Postgres
import Resolvers

public enum DatabaseMigrations {
    /// Applies pending migrations from db/migrations; returns the versions applied.
    public static func apply(_ url: String) async throws -> [String] {
        let pool = ConnectionPool(connectionString: url, size: 1)
        defer { pool.close() }
        let directory = databaseFilesDirectory() + "/migrations"
        guard FileManager.default.fileExists(atPath: directory) else {
            throw OperationRefused("no migrations at \(directory): run clinic from the repository, or set CLINIC_DB_DIR to its db/ folder")
        }
        let migrator = Migrator(directory: directory)
        return try await migrator.migrate(pool: pool).map { String($0) }
    }
}

public enum DatabaseSeeds {
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

    /// Migrates, then runs db/seed/demo.sql (scale nil) or db/seed/scale.sql at
    /// `scale`, with the published passwords hashed here; today is `clock`'s. Returns the time taken.
    public static func seed(_ db: DatabaseHandle, scale: Int?, clock: Clock) async throws -> Swift.Duration {
        _ = try await DatabaseMigrations.apply(db.url)
        let started = ContinuousClock.now
        let file = databaseFilesDirectory() + "/seed/" + (scale == nil ? "demo.sql" : "scale.sql")
        guard let script = FileManager.default.contents(atPath: file).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw OperationRefused("cannot read \(file)")
        }
        let hasher = PasswordHasher()
        let passwords = scale == nil ? demoPasswords : benchPasswords
        var hashes: [(String, String)] = []
        for (email, password) in passwords.sorted(by: { $0.key < $1.key }) {
            hashes.append((email, try hasher.hash(password)))
        }
        let pg = try Postgres.Connection(db.url)
        defer { pg.close() }
        try SeedStore.run(ClinicStore.Connection(pg), script: script, passwordHashes: hashes, scale: scale, now: clock.now)
        return started.duration(to: .now)
    }
}

public enum Superadmins {
    /// The normalized address, or why it is refused.
    public static func normalizedEmail(_ text: String) throws -> String {
        guard let email = EmailAddress.normalize(text) else { throw OperationRefused("\(text) is not a valid email address") }
        return email
    }

    /// Refuses a password the password policy rejects.
    public static func checkPassword(_ password: String, email: String) throws {
        if let violation = PasswordPolicy.check(password, email: email) {
            throw OperationRefused("password rejected: \(violation.message)")
        }
    }

    /// Migrates, then creates the SUPERADMIN account (audited as created via the CLI).
    public static func create(_ db: DatabaseHandle, email: String, password: String) async throws {
        _ = try await DatabaseMigrations.apply(db.url)
        let hash = try PasswordHasher().hash(password)
        let pg = try Postgres.Connection(db.url)
        defer { pg.close() }
        do {
            try pg.transaction { pg in
                let conn = ClinicStore.Connection(pg)
                let id = try UserStore.insertUser(conn, email: email, passwordHash: hash, firstName: "Super", lastName: "Admin",
                                                  phone: nil, role: .SUPERADMIN)
                try AuditLog.record(conn, actor: nil, action: "user.create", target: GlobalID.encode(type: "User", id: id),
                                    details: .object([("role", .string("SUPERADMIN")), ("via", .string("cli"))]), ip: nil)
            }
        } catch let e as PostgresError where e.isUniqueViolation {
            throw OperationRefused("a user with email \(email) already exists")
        }
    }
}
