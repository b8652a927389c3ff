// `clinic worker`, and the in-process worker of `clinic serve`.
import Foundation

enum WorkerCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        fail("worker: the notification worker is not built yet (issue: notifications)")
        return 1
    }
}

/// The in-process notification worker (arrives with the notifications issue).
struct NotificationRunner: Sendable {
    static func start(services: Any, config: Configuration, logger: Logger) -> NotificationRunner? { nil }
    func stop() async {}
}
