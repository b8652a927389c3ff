// Configuration from the environment, as listed in INTERFACE.md. Parsed once
// at startup; a bad value stops the process with a one-line message.
import ClinicDomain
import Foundation

public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

public enum IntrospectionPolicy: String, Sendable { case on, off, staff }

/// `N/period`, e.g. `100/hour`, `10/15min`.
public struct RateLimit: Sendable, Equatable {
    public var count: Int
    public var periodSeconds: Int

    static func parse(_ text: String, name: String) throws -> RateLimit {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let count = Int(parts[0]), count > 0 else {
            throw ConfigurationError("\(name)=\(text): expected COUNT/PERIOD, e.g. 100/hour")
        }
        var period = parts[1]
        if period.first?.isLetter == true { period = "1" + period }
        guard let seconds = Duration.parseSeconds(period) else {
            throw ConfigurationError("\(name)=\(text): unknown period \(parts[1]) (use s, min, hour, day)")
        }
        return RateLimit(count: count, periodSeconds: seconds)
    }
}

enum Duration {
    /// `15m`, `15min`, `30d`, `2h`, `1hour`, `45s`, `900` (seconds).
    static func parseSeconds(_ text: String) -> Int? {
        let digits = text.prefix { $0.isNumber }
        guard let n = Int(digits), n >= 0 else { return nil }
        let unit = text.dropFirst(digits.count).lowercased()
        switch unit {
        case "", "s", "sec", "second", "seconds": return n
        case "m", "min", "minute", "minutes": return n * 60
        case "h", "hour", "hours": return n * 3600
        case "d", "day", "days": return n * 86_400
        default: return nil
        }
    }
}

public struct Configuration: Sendable {
    public var environment: String
    public var isProduction: Bool { environment == "production" }
    public var databaseURL: String?
    public var databaseReadURL: String?
    public var poolSize: Int
    public var host: String
    public var port: Int
    public var dataDirectory: String
    public var jwtSecret: String?
    public var accessTokenTTL: Int
    public var refreshTokenTTL: Int
    public var corsAllowedOrigins: [String]
    /// Peers whose `X-Forwarded-For` is believed (TRUSTED_PROXIES); none by default.
    public var trustedProxies: TrustedProxies
    /// Host header values answered (CLINIC_ALLOWED_HOSTS); any by default.
    public var allowedHosts: AllowedHosts
    public var introspection: IntrospectionPolicy
    public var maxQueryDepth: Int
    public var maxQueryCost: Int
    /// Root mutation fields per operation and per batch (MAX_MUTATION_FIELDS).
    public var maxMutationFields: Int
    public var rateLimitAnonymous: RateLimit
    public var rateLimitUser: RateLimit
    public var rateLimitLogin: RateLimit
    /// Password-hashing attempts per client IP, successful or not (RATE_LIMIT_PASSWORD_HASHING).
    public var rateLimitPasswordHashing: RateLimit
    /// Messages sent to one person per window (NOTIFY_LIMIT_PER_USER).
    public var notifyLimitPerUser: RateLimit
    public var smtpURL: String?
    public var mailFrom: String
    public var smsWebhookURL: String?
    public var publicURL: String
    public var backupDirectory: String
    public var logFormat: String
    public var logLevel: String
    /// Seconds /readyz answers 503 after SIGTERM before the listener closes (SHUTDOWN_DRAIN_SECONDS;
    /// 5 in production, 0 in development).
    public var shutdownDrainSeconds: Int
    /// BACKUP_COPY_DIR: where the worker's daily backup puts its second copy (nil: none).
    public var backupCopyDirectory: String? = nil
    /// REPLICA_MAX_LAG_MS: the public doctor list and free slots read on the replica only
    /// while its replay lag is below this (else on the primary).
    public var replicaMaxLagMilliseconds: Int = 2000
    /// DB_LOOP_LOCK_TIMEOUT_MS / DB_LOOP_STATEMENT_TIMEOUT_MS: how long a statement run on an event
    /// loop's own connection may wait for a lock (then its work moves to the pool's threads, or
    /// fails when it had already run statements) or run (then it fails). 0: no limit of ours.
    public var loopLockTimeoutMilliseconds: Int = 250
    public var loopStatementTimeoutMilliseconds: Int = 30_000
    /// DB_LOOP_PIPELINE=false: an event loop waits for each read's answer on its connection
    /// instead of sending the reads of all its requests together in pipeline mode.
    public var loopPipeline = true
    /// SLOT_CACHE=false: free-slot lists read the busy ranges every time, and no session listens
    /// for calendar changes (e.g. behind a pooler in transaction mode, where LISTEN does not work).
    public var slotCache = true
    /// TRUSTED_DOCUMENTS: the registered documents by SHA-256 hex; when set, only they run.
    public var trustedDocuments: [String: String]? = nil
    /// TRUSTED_DOCUMENTS_STAFF_AD_HOC=true: staff may also send other documents.
    public var trustedDocumentsStaffAdHoc = false
    /// PERSISTED_QUERIES_CAPACITY: documents kept for automatic persisted queries (10000).
    public var persistedQueriesCapacity = 10_000
    /// CLINIC_CLOCK_OFFSET_SECONDS: development and tests only; added to the wall clock by
    /// every Clock this process makes, so a test can run the server at any hour of any day
    /// (libfaketime cannot run a Swift program: its timers hang).
    public var clockOffsetSeconds: Int64 = 0

    /// The process's notion of now: the wall clock moved by CLINIC_CLOCK_OFFSET_SECONDS.
    public func makeClock() -> Clock {
        let clock = Clock()
        clock.advance(seconds: clockOffsetSeconds)
        return clock
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Configuration {
        func value(_ key: String) -> String? {
            guard let v = env[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func int(_ key: String, _ def: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = value(key) else { return def }
            guard let n = Int(text), range.contains(n) else {
                throw ConfigurationError("\(key)=\(text): expected a whole number in \(range.lowerBound)…\(range.upperBound)")
            }
            return n
        }
        func duration(_ key: String, _ def: Int) throws -> Int {
            guard let text = value(key) else { return def }
            guard let s = Duration.parseSeconds(text), s > 0 else {
                throw ConfigurationError("\(key)=\(text): expected a duration such as 15m, 12h or 30d")
            }
            return s
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let dataDir = value("CLINIC_DATA_DIR") ?? "./.clinic"
        var c = Configuration(
            environment: value("CLINIC_ENV") ?? "development",
            databaseURL: value("DATABASE_URL"),
            databaseReadURL: value("DATABASE_READ_URL"),
            poolSize: try int("DB_POOL_SIZE", max(2, 2 * cores), range: 1...1000),
            host: value("CLINIC_HOST") ?? "127.0.0.1",
            port: try int("CLINIC_PORT", 8080, range: 0...65535),
            dataDirectory: dataDir,
            jwtSecret: value("JWT_SECRET"),
            accessTokenTTL: try duration("ACCESS_TOKEN_TTL", 15 * 60),
            refreshTokenTTL: try duration("REFRESH_TOKEN_TTL", 30 * 86_400),
            corsAllowedOrigins: (value("CORS_ALLOWED_ORIGINS") ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            trustedProxies: try TrustedProxies.parse(value("TRUSTED_PROXIES") ?? ""),
            allowedHosts: try AllowedHosts.parse(value("CLINIC_ALLOWED_HOSTS") ?? ""),
            introspection: .on,
            maxQueryDepth: try int("MAX_QUERY_DEPTH", 12, range: 1...1000),
            maxQueryCost: try int("MAX_QUERY_COST", 10_000, range: 1...100_000_000),
            maxMutationFields: try int("MAX_MUTATION_FIELDS", 10, range: 1...1000),
            rateLimitAnonymous: try RateLimit.parse(value("RATE_LIMIT_ANON") ?? "100/hour", name: "RATE_LIMIT_ANON"),
            rateLimitUser: try RateLimit.parse(value("RATE_LIMIT_USER") ?? "1000/hour", name: "RATE_LIMIT_USER"),
            rateLimitLogin: try RateLimit.parse(value("RATE_LIMIT_LOGIN") ?? "10/15min", name: "RATE_LIMIT_LOGIN"),
            rateLimitPasswordHashing: try RateLimit.parse(value("RATE_LIMIT_PASSWORD_HASHING") ?? "30/15min",
                                                          name: "RATE_LIMIT_PASSWORD_HASHING"),
            notifyLimitPerUser: try RateLimit.parse(value("NOTIFY_LIMIT_PER_USER") ?? "20/hour", name: "NOTIFY_LIMIT_PER_USER"),
            smtpURL: value("SMTP_URL"),
            mailFrom: value("MAIL_FROM") ?? "clinic@localhost",
            smsWebhookURL: value("SMS_WEBHOOK_URL"),
            publicURL: value("CLINIC_PUBLIC_URL") ?? "http://127.0.0.1:8080",
            backupDirectory: value("BACKUP_DIR") ?? (dataDir + "/backups"),
            logFormat: value("LOG_FORMAT") ?? "text",
            logLevel: value("LOG_LEVEL") ?? "info",
            shutdownDrainSeconds: 0)
        c.shutdownDrainSeconds = try int("SHUTDOWN_DRAIN_SECONDS", c.isProduction ? 5 : 0, range: 0...300)
        c.backupCopyDirectory = value("BACKUP_COPY_DIR")
        c.replicaMaxLagMilliseconds = try int("REPLICA_MAX_LAG_MS", 2000, range: 0...3_600_000)
        c.loopLockTimeoutMilliseconds = try int("DB_LOOP_LOCK_TIMEOUT_MS", 250, range: 0...3_600_000)
        c.loopStatementTimeoutMilliseconds = try int("DB_LOOP_STATEMENT_TIMEOUT_MS", 30_000, range: 0...86_400_000)
        if let p = value("GRAPHQL_INTROSPECTION") {
            guard let policy = IntrospectionPolicy(rawValue: p.lowercased()) else {
                throw ConfigurationError("GRAPHQL_INTROSPECTION=\(p): expected on, off or staff")
            }
            c.introspection = policy
        }
        if let path = value("TRUSTED_DOCUMENTS") { c.trustedDocuments = try PersistedDocuments.loadManifest(path: path) }
        switch value("TRUSTED_DOCUMENTS_STAFF_AD_HOC")?.lowercased() {
        case nil, "false", "0", "no": c.trustedDocumentsStaffAdHoc = false
        case "true", "1", "yes": c.trustedDocumentsStaffAdHoc = true
        case let other?: throw ConfigurationError("TRUSTED_DOCUMENTS_STAFF_AD_HOC=\(other): expected true or false")
        }
        switch value("DB_LOOP_PIPELINE")?.lowercased() {
        case nil, "true", "1", "yes": c.loopPipeline = true
        case "false", "0", "no": c.loopPipeline = false
        case let other?: throw ConfigurationError("DB_LOOP_PIPELINE=\(other): expected true or false")
        }
        switch value("SLOT_CACHE")?.lowercased() {
        case nil, "true", "1", "yes": c.slotCache = true
        case "false", "0", "no": c.slotCache = false
        case let other?: throw ConfigurationError("SLOT_CACHE=\(other): expected true or false")
        }
        c.persistedQueriesCapacity = try int("PERSISTED_QUERIES_CAPACITY", 10_000, range: 1...1_000_000)
        // A century either way: enough for any test day, small enough that microseconds cannot overflow.
        c.clockOffsetSeconds = Int64(try int("CLINIC_CLOCK_OFFSET_SECONDS", 0, range: -3_155_760_000...3_155_760_000))
        guard ["text", "json"].contains(c.logFormat) else {
            throw ConfigurationError("LOG_FORMAT=\(c.logFormat): expected text or json")
        }
        guard ["debug", "info", "warn", "error"].contains(c.logLevel) else {
            throw ConfigurationError("LOG_LEVEL=\(c.logLevel): expected debug, info, warn or error")
        }
        if c.isProduction {
            guard c.jwtSecret != nil else { throw ConfigurationError("CLINIC_ENV=production requires JWT_SECRET (at least 32 bytes)") }
            guard c.databaseURL != nil else { throw ConfigurationError("CLINIC_ENV=production requires DATABASE_URL") }
            guard value("CLINIC_CLOCK_OFFSET_SECONDS") == nil else {
                throw ConfigurationError("CLINIC_CLOCK_OFFSET_SECONDS is for tests only and refused with CLINIC_ENV=production")
            }
        }
        if let s = c.jwtSecret, s.utf8.count < 32 {
            throw ConfigurationError("JWT_SECRET must be at least 32 bytes")
        }
        return c
    }
}
