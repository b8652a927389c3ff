// The app behind `clinic worker`, and the in-process worker of `clinic serve`.
import Foundation
import HTTP
import Jobs
import Resolvers

extension ClinicServer {
    /// The notification worker alone, until SIGTERM/SIGINT.
    public static func runWorker(_ config: Configuration, _ db: DatabaseHandle) async throws {
        let logger = Logger(level: config.logLevel, format: config.logFormat)
        let services = try makeServices(config, db, logger: logger)
        let worker = try NotificationRunner.start(services: services, config: config, logger: logger)
        let backups = BackupRunner.start(services: services, config: config, workerID: worker.workerID, logger: logger)
        let waitlist = WaitlistRunner.start(services: services, notifications: worker, logger: logger)
        logger.info("notification worker running", [("smtp", .bool(config.smtpURL != nil)), ("sms", .bool(config.smsWebhookURL != nil)),
                                                    ("backup_copy_dir", config.backupCopyDirectory.map { .string($0) } ?? .null)])
        await HTTPServer.waitForTerminationSignal()
        logger.info("stopping the worker")
        await worker.stop()
        await backups.stop()
        await waitlist.stop()
        services.database.close()
    }
}

/// The notification worker: claims due outbox rows and delivers them.
enum NotificationRunner {
    static func start(services: ClinicServices, config: Configuration, logger: Logger) throws -> NotificationWorker {
        let worker = try NotificationWorker.makeWorker(inputs: NotificationInputs(services: services), smtpURL: config.smtpURL, mailFrom: config.mailFrom,
                                                       smsWebhookURL: config.smsWebhookURL, log: { logger.info($0) })
        worker.start()
        return worker
    }
}

/// The daily backup, beside every notification worker (one of them takes each day's).
enum BackupRunner {
    static func start(services: ClinicServices, config: Configuration, workerID: String, logger: Logger) -> BackupScheduler {
        let scheduler = BackupScheduler(
            inputs: BackupInputs(database: services.database, clock: services.clock, databaseURL: services.databaseURL,
                                 backupDirectory: config.backupDirectory, copyDirectory: config.backupCopyDirectory),
            workerID: workerID, log: { logger.info($0) })
        scheduler.start()
        return scheduler
    }
}

/// The waitlist worker, beside every notification worker: it wakes that
/// worker when it made offers, so the offer's message leaves at once.
enum WaitlistRunner {
    static func start(services: ClinicServices, notifications: NotificationWorker, logger: Logger) -> WaitlistWorker {
        let worker = WaitlistWorker(inputs: WaitlistInputs(database: services.database, clock: services.clock, secretSeal: services.secretSeal),
                                    workerID: notifications.workerID, log: { logger.info($0) }, offered: { notifications.signal() })
        worker.start()
        return worker
    }
}

extension NotificationInputs {
    /// The worker's share of the app's services.
    public init(services: ClinicServices) {
        self.init(database: services.database, clock: services.clock, secretSeal: services.secretSeal,
                  resetTokenTTL: services.tokens.resetTokenTTL, publicURL: services.publicURL,
                  perUserLimit: services.rateLimits.notificationsPerUser, isProduction: services.isProduction)
    }
}
