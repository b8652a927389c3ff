// Tests build services on pools they made and reach the primary pool for
// setup SQL; the product wires a ClinicStore.Database instead.
import ClinicDomain
import ClinicStore
import Crypto
import Postgres
@testable import Resolvers

extension ClinicServices {
    /// The primary pool, for setup and assertion SQL (not counted).
    var pool: ConnectionPool { database.primary }

    convenience init(pool: ConnectionPool, readPool: ConnectionPool? = nil, signer: JWTSigner, hasher: PasswordHasher,
                     tokens: TokenSettings = TokenSettings(), rateLimits: RateLimitSettings = RateLimitSettings(),
                     clock: Clock = Clock(), isProduction: Bool = false, publicURL: String = "http://127.0.0.1:8080",
                     backupDirectory: String = "./.clinic/backups", databaseURL: String = "", replicaMaxLagMilliseconds: Int = 2000,
                     log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.init(database: Database(primary: pool, replica: readPool), signer: signer, hasher: hasher, tokens: tokens,
                  rateLimits: rateLimits, clock: clock, isProduction: isProduction, publicURL: publicURL,
                  backupDirectory: backupDirectory, databaseURL: databaseURL,
                  replicaMaxLagMilliseconds: replicaMaxLagMilliseconds, log: log)
    }
}

extension RateLimiter {
    convenience init(pool: ConnectionPool, flushInterval: Duration = .milliseconds(200)) {
        self.init(database: Database(primary: pool), flushInterval: flushInterval)
    }
}
