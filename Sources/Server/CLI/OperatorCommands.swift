// `clinic worker`, and the in-process worker of `clinic serve`.
import Foundation
import HTTP
import Resolvers

enum WorkerCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        guard arguments.isEmpty else {
            fail("usage: clinic worker")
            return 2
        }
        return await withDatabase { config, db in
            let logger = Logger(level: config.logLevel, format: config.logFormat)
            let services = try ServeCommand.makeServices(config, db, logger: logger)
            let worker = try NotificationRunner.start(services: services, config: config, logger: logger)
            logger.info("notification worker running", [("smtp", .bool(config.smtpURL != nil)), ("sms", .bool(config.smsWebhookURL != nil))])
            await HTTPServer.waitForTerminationSignal()
            logger.info("stopping the worker")
            await worker.stop()
            services.pool.close()
            return 0
        }
    }
}

/// The notification worker: claims due outbox rows and delivers them.
enum NotificationRunner {
    static func start(services: ClinicServices, config: Configuration, logger: Logger) throws -> NotificationWorker {
        let worker = try NotificationWorker.makeWorker(services: services, smtpURL: config.smtpURL, mailFrom: config.mailFrom,
                                                       smsWebhookURL: config.smsWebhookURL, log: { logger.info($0) })
        worker.start()
        return worker
    }
}
