// The app behind `clinic serve`: the HTTP server over the clinic API, with the
// notification worker in-process unless asked not to.
import Crypto
import Foundation
import JSON
import HTTP
import ClinicStore
import Postgres
import Jobs
import Resolvers
import Schema
import Synchronization

public enum ClinicServer {
    /// Serves until SIGTERM/SIGINT, then drains connections and stops the worker.
    public static func serve(_ config: Configuration, _ db: DatabaseHandle, runWorker: Bool) async throws {
        let logger = Logger(level: config.logLevel, format: config.logFormat)
        if !config.isProduction {
            let applied = try await DatabaseMigrations.apply(db.url)
            if !applied.isEmpty { logger.info("migrations applied", [("versions", .string(applied.joined(separator: ",")))]) }
        }
        let services = try makeServices(config, db, logger: logger, loopThreads: HTTPServerConfiguration.defaultThreadCount)
        let executable = try ClinicAPI.makeExecutableSchema(areas: ClinicAreas.all)
        let service = GraphQLService(executable: executable,
                                     limits: OperationLimits(maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost,
                                                             maxRootMutationFields: config.maxMutationFields))
        let metrics = Metrics()
        let pool = services.database.primary
        let staticFiles = StaticFiles(root: webDistDirectory())
        let serverBox = ServerBox()
        let workerBox = WorkerBox()
        let draining = Atomic<Bool>(false)
        let application = HTTPApplication(
            service: service, authenticator: ClinicAuthenticator(services: services), configuration: config,
            metrics: metrics, logger: logger, staticFiles: staticFiles,
            extraMetrics: { services.events.prometheusText + services.replicaRouting.prometheusText + (workerBox.worker?.metrics.prometheusText ?? "") },
            readiness: {
                if draining.load(ordering: .relaxed) { return "draining" }
                let up = (try? await pool.withConnection { conn in try conn.query("SELECT 1").count == 1 }) ?? false
                return up ? nil : "database unavailable"
            },
            gauges: {
                let m = pool.metrics
                var g: [(name: String, help: String, value: Double)] = [
                    ("clinic_db_pool_in_use", "Database connections in use.", Double(m.inUse)),
                    ("clinic_db_pool_idle", "Idle database connections.", Double(m.idle)),
                    ("clinic_db_pool_waiting", "Callers waiting for a database connection.", Double(m.waiting)),
                    ("clinic_sql_statements_total", "SQL statements issued since start.", Double(pool.statementsTotal.count)),
                    ("clinic_db_lock_waits_moved_total", "Requests whose first statement waited for a lock on an event loop and ran again on the pool's threads.",
                     Double(pool.lockWaitsMoved)),
                    ("clinic_db_pipelined_statements_total", "Reads an event loop sent in pipeline mode.", Double(pool.pipelinedStatements)),
                    ("clinic_db_pipeline_syncs_total", "Round trips those reads went in (one per loop turn that sent any).",
                     Double(pool.pipelineSyncs)),
                    ("clinic_calendar_config_hits_total", "Free-slot lists that used the kept doctor configuration and closures.",
                     Double(services.database.calendarConfig.hits)),
                    ("clinic_calendar_config_misses_total", "Free-slot lists that read them with the busy ranges (and kept them).",
                     Double(services.database.calendarConfig.misses)),
                    ("clinic_slot_calendar_hits_total", "Free-slot lists answered from a kept calendar, without a statement (SLOT_CACHE).",
                     Double(services.database.slotCalendars.hits)),
                    ("clinic_slot_calendar_misses_total", "Free-slot lists that read their calendar.", Double(services.database.slotCalendars.misses)),
                    ("clinic_slot_calendar_listening", "1 while a session listens for calendar changes (calendars are kept only then).",
                     services.database.slotCalendars.isListening ? 1 : 0),
                ]
                if let s = serverBox.server {
                    g.append(("clinic_http_open_connections", "Open HTTP connections.", Double(s.metrics.openConnections)))
                }
                return g + ProcessMetrics.gauges()
            },
            calendarFeeds: services)
        var httpConfig = HTTPServerConfiguration()
        httpConfig.host = config.host
        httpConfig.port = config.port
        httpConfig.errorResponse = { status in HTTPApplication.protocolErrorResponse(status: status) }
        let handlersOnLoops = pool.boundThreads >= httpConfig.threads
        if handlersOnLoops {
            // Handlers run on the event loops, each with a connection of its own: a request's
            // statements run inline where it was read, with no thread hop at all. Reports and
            // exports (`long`) still go to the pool's threads while the loop serves others.
            httpConfig.handlerExecution = .eventLoop
            if config.loopPipeline {
                // Each loop sends the reads its requests queued in one turn together, and resumes
                // them as the answers come, serving its connections meanwhile.
                httpConfig.loopThreadStarted = { hooks in
                    let watch: (Int32) -> Bool = { fd in
                        if fd < 0 { hooks.unwatch(); return true }
                        return hooks.watch(fd) { pool.receiveAnswers() }
                    }
                    if pool.bindCurrentThread(watch: watch) { hooks.beforeWait = { pool.sendQueuedStatements() } }
                }
            } else {
                httpConfig.loopThreadStarted = { _ in pool.bindCurrentThread() }
            }
        } else {
            // Too few connections to give each loop one: handlers run on the pool's threads,
            // where their statements run inline (one hop there and one back per request).
            httpConfig.handlerExecution = .executor(pool.executor)
        }
        let server = HTTPServer(configuration: httpConfig, dispatcher: { request in application.dispatch(request) })
        do { try server.start() } catch {
            throw OperationRefused("cannot listen on \(config.host):\(config.port): \(error)")
        }
        serverBox.server = server
        let calendarListener = config.slotCache ? services.database.calendarListener(connectionString: db.url) : nil
        calendarListener?.start()
        let worker = runWorker ? try NotificationRunner.start(services: services, config: config, logger: logger) : nil
        workerBox.worker = worker
        let backups = worker.map { BackupRunner.start(services: services, config: config, workerID: $0.workerID, logger: logger) }
        let waitlist = worker.map { WaitlistRunner.start(services: services, notifications: $0, logger: logger) }
        logger.info("clinic serving", [("url", .string("http://\(config.host):\(server.boundPort)/graphql")),
                                       ("environment", .string(config.environment)), ("worker", .bool(runWorker)),
                                       ("handlers", .string(handlersOnLoops ? "event-loops" : "pool-threads")),
                                       ("trusted_proxies", .string(config.trustedProxies.blocks.map(\.description).joined(separator: ",")))])
        if config.isProduction && config.allowedHosts.hosts == nil {
            logger.warn("CLINIC_ALLOWED_HOSTS is not set: any Host header is answered (set it to the public host names)")
        }
        _ = ProcessMetrics.startTime
        await HTTPServer.waitForTerminationSignal()
        // Rolling restarts: /readyz answers 503 first, so a balancer that checks it stops sending new
        // requests, while everything that still arrives is served; then the listener closes and
        // in-flight requests finish.
        draining.store(true, ordering: .relaxed)
        if config.shutdownDrainSeconds > 0 {
            logger.info("draining: /readyz is 503", [("seconds", .int(config.shutdownDrainSeconds))])
            try? await Task.sleep(for: .seconds(config.shutdownDrainSeconds))
        }
        logger.info("shutting down")
        await server.shutdown(gracePeriod: .seconds(10))
        await worker?.stop()
        await backups?.stop()
        await waitlist?.stop()
        calendarListener?.stop()
        services.database.close()
    }

    /// - Parameter loopThreads: event loops that will each bind a connection of the pool (see
    ///   `ConnectionPool.bindCurrentThread`), when the pool is large enough to spare them.
    static func makeServices(_ config: Configuration, _ db: DatabaseHandle, logger: Logger, loopThreads: Int = 0) throws -> ClinicServices {
        let secret = try jwtSecret(config)
        // DB_POOL_SIZE stays the process's connections: loops' and the pool threads' together.
        let loopLimits = BoundThreadLimits(lockTimeoutMilliseconds: config.loopLockTimeoutMilliseconds,
                                           statementTimeoutMilliseconds: config.loopStatementTimeoutMilliseconds)
        let pool = ConnectionPool(connectionString: db.url, size: config.poolSize, boundThreads: loopThreads, boundLimits: loopLimits)
        let readPool = db.readURL == db.url ? nil : ConnectionPool(connectionString: db.readURL, size: max(2, config.poolSize / 2))
        var tokens = TokenSettings()
        tokens.accessTokenTTL = Int64(config.accessTokenTTL)
        tokens.refreshTokenTTL = Int64(config.refreshTokenTTL)
        var limits = RateLimitSettings()
        limits.anonymous = (config.rateLimitAnonymous.count, config.rateLimitAnonymous.periodSeconds)
        limits.user = (config.rateLimitUser.count, config.rateLimitUser.periodSeconds)
        limits.login = (config.rateLimitLogin.count, config.rateLimitLogin.periodSeconds)
        limits.passwordHashing = (config.rateLimitPasswordHashing.count, config.rateLimitPasswordHashing.periodSeconds)
        limits.notificationsPerUser = (config.notifyLimitPerUser.count, config.notifyLimitPerUser.periodSeconds)
        return ClinicServices(database: Database(primary: pool, replica: readPool), signer: try JWTSigner(secret: secret), hasher: PasswordHasher(),
                              tokens: tokens, rateLimits: limits, clock: config.makeClock(), isProduction: config.isProduction,
                              publicURL: config.publicURL, backupDirectory: config.backupDirectory, databaseURL: db.url,
                              replicaMaxLagMilliseconds: config.replicaMaxLagMilliseconds,
                              log: { logger.error($0) },
                              migrateDatabase: { [url = db.url] in try await DatabaseMigrations.apply(url).count })
    }

    /// JWT_SECRET, or in development a secret generated once into the data dir.
    static func jwtSecret(_ config: Configuration) throws -> [UInt8] {
        if let s = config.jwtSecret { return Array(s.utf8) }
        let path = config.dataDirectory + "/jwt-secret"
        if let data = FileManager.default.contents(atPath: path), data.count >= 32 { return [UInt8](data) }
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        let secret = Array(Base64.urlEncode(SecureRandom.bytes(count: 48)).utf8)
        guard FileManager.default.createFile(atPath: path, contents: Data(secret), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot write \(path); set JWT_SECRET or make the data dir writable")
        }
        return secret
    }

    static func webDistDirectory() -> String {
        if let dir = ProcessInfo.processInfo.environment["CLINIC_WEB_DIR"], !dir.isEmpty { return dir }
        return (databaseFilesDirectory() as NSString).deletingLastPathComponent + "/web/dist"
    }
}

/// Lets the metrics closure see the server once it exists.
final class ServerBox: @unchecked Sendable {
    // Written once before any request can read it.
    var server: HTTPServer?
}

/// Likewise for the in-process notification worker.
final class WorkerBox: @unchecked Sendable {
    // Written once, right after the server starts; read by /metrics.
    var worker: NotificationWorker?
}
