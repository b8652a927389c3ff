// The one start/stop of the jobs' polling loops: a detached task, started at
// most once, asked to stop through a flag the loop reads between rounds.
import Synchronization

final class BackgroundLoop: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let stopping = Atomic<Bool>(false)

    /// True once `stop` was called: the loop ends its round and returns.
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Runs `body` on a detached task, unless it is running already.
    func start(_ body: @escaping @Sendable () async -> Void) {
        task.withLock { t in
            guard t == nil else { return }
            stopping.store(false, ordering: .relaxed)
            t = Task.detached { await body() }
        }
    }

    /// Asks the loop to stop, calls `wake` (to cut a wait short), cancels the
    /// task when `cancel` (interrupting its sleeps), and waits for it to end.
    func stop(cancel: Bool, wake: () -> Void = {}) async {
        stopping.store(true, ordering: .relaxed)
        wake()
        let running = task.withLock { t -> Task<Void, Never>? in
            defer { t = nil }
            return t
        }
        if cancel { running?.cancel() }
        await running?.value
    }
}
