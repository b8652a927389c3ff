// Process-wide services the resolvers share: database pools, token signer,
// password hasher, limits, caches. Built once at startup (and in tests).
import ClinicStore
import ClinicDomain
import Crypto
import Foundation
import Schema
import Synchronization

public struct TokenSettings: Sendable {
    public var issuer = "clinic"
    public var audience = "clinic-api"
    public var accessTokenTTL: Int64 = 15 * 60
    public var refreshTokenTTL: Int64 = 30 * 86_400
    /// A refresh token presented again this soon after its rotation returns the same successor.
    public var reuseGraceSeconds: Int64 = 30
    public var resetTokenTTL: Int64 = 30 * 60
    public init() {}
}

public struct RateLimitSettings: Sendable {
    public var anonymous: (count: Int, periodSeconds: Int) = (100, 3600)
    public var user: (count: Int, periodSeconds: Int) = (1000, 3600)
    /// Failed logins (and failed current-password checks), per IP and per account.
    public var login: (count: Int, periodSeconds: Int) = (10, 900)
    /// Password hashing attempts per IP, successful or not (login, register,
    /// changePassword, resetPassword): RATE_LIMIT_PASSWORD_HASHING.
    public var passwordHashing: (count: Int, periodSeconds: Int) = (30, 900)
    /// Messages (email or SMS) the worker sends one person per window; the
    /// rest are not sent (FAILED with a reason, audited). NOTIFY_LIMIT_PER_USER.
    public var notificationsPerUser: (count: Int, periodSeconds: Int) = (20, 3600)
    public init() {}
}

public final class ClinicServices: Sendable {
    /// The primary, and the replica reports and exports read from (DATABASE_READ_URL).
    public let database: Database
    /// Whether the doctor list and free slots may read `readPool` now (REPLICA_MAX_LAG_MS).
    public let replicaRouting: ReplicaRouting
    public let signer: JWTSigner
    public let hasher: PasswordHasher
    /// Where requests hash and verify passwords (bounded; see PasswordHashing.swift).
    public let passwordHashing: PasswordHashingPool
    public let tokens: TokenSettings
    public let rateLimits: RateLimitSettings
    public let clock: Clock
    public let isProduction: Bool
    public let publicURL: String
    public let backupDirectory: String
    /// The connection string pg_dump uses for backups.
    public let databaseURL: String
    public let settingsCache: SettingsCache
    public let viewerCache: ViewerCache
    public let limiter: RateLimiter
    /// Appointment events of this process, for /metrics.
    public let events = AppointmentEvents()
    /// Seals secrets an outbox row must carry until sent (the reset token);
    /// its key is derived from the JWT secret, so every process that shares
    /// JWT_SECRET (server, `clinic worker`) can open what another sealed.
    public let secretSeal: SecretSeal
    /// Receives operational messages (the server routes them to its logger).
    public let log: @Sendable (String) -> Void
    /// Applies the pending migrations (the server's migrator); returns how
    /// many ran. `restoreBackup` brings an older archive up to this binary's schema.
    public let migrateDatabase: @Sendable () async throws -> Int

    public init(database: Database, signer: JWTSigner, hasher: PasswordHasher,
                tokens: TokenSettings = TokenSettings(), rateLimits: RateLimitSettings = RateLimitSettings(),
                clock: Clock = Clock(), isProduction: Bool = false, publicURL: String = "http://127.0.0.1:8080",
                backupDirectory: String = "./.clinic/backups", databaseURL: String = "", replicaMaxLagMilliseconds: Int = 2000,
                log: @escaping @Sendable (String) -> Void = { _ in },
                migrateDatabase: @escaping @Sendable () async throws -> Int = { 0 }) {
        self.database = database
        self.replicaRouting = ReplicaRouting(maxLagMilliseconds: replicaMaxLagMilliseconds)
        self.signer = signer
        self.hasher = hasher
        self.passwordHashing = PasswordHashingPool(hasher: hasher)
        self.tokens = tokens
        self.rateLimits = rateLimits
        self.clock = clock
        self.isProduction = isProduction
        self.publicURL = publicURL
        self.backupDirectory = backupDirectory
        self.databaseURL = databaseURL
        self.settingsCache = SettingsCache()
        self.viewerCache = ViewerCache()
        self.limiter = RateLimiter(database: database, log: log)
        self.secretSeal = SecretSeal(key: signer.derivedKey(purpose: "notifications.sealed_secret"))
        self.log = log
        self.migrateDatabase = migrateDatabase
    }
}

/// The system settings row, cached for a few seconds (every request that
/// computes slots or `canModify` needs it); updated in place on change.
public final class SettingsCache: Sendable {
    private let state = Mutex<(settings: SettingsRow?, loadedAt: Int64)>((nil, 0))
    static let ttlMicros: Int64 = 5_000_000

    public init() {}

    public func get(now: Instant) -> SettingsRow? {
        state.withLock { s in
            guard let row = s.settings, now.microsecondsSinceEpoch - s.loadedAt < Self.ttlMicros else { return nil }
            return row
        }
    }
    public func put(_ row: SettingsRow, now: Instant) {
        state.withLock { $0 = (row, now.microsecondsSinceEpoch) }
    }
    public func invalidate() { state.withLock { $0 = (nil, 0) } }
}

/// Appointment events counted by this process since it started (bookings,
/// reschedules, cancellations and status changes), rendered for /metrics as
/// `clinic_appointment_events_total{event="…"}`: a dashboard sums the servers.
public final class AppointmentEvents: Sendable {
    public static let names = ["booked", "rescheduled", "cancelled", "confirmed", "completed", "no_show"]
    private let counts = Mutex<[String: UInt64]>([:])

    public init() {}

    public func count(_ event: String) { counts.withLock { $0[event, default: 0] += 1 } }

    public var prometheusText: String {
        let c = counts.withLock { $0 }
        var out = "# HELP clinic_appointment_events_total Appointment events handled by this server.\n"
        out += "# TYPE clinic_appointment_events_total counter\n"
        for name in Self.names { out += "clinic_appointment_events_total{event=\"\(name)\"} \(c[name] ?? 0)\n" }
        return out
    }
}
