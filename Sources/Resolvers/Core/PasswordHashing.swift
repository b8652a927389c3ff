// Password hashing off the request threads, bounded twice over.
//
// One yescrypt hash or verify is 30–40 ms of CPU and 16 MiB. Run inline on
// Swift concurrency's cooperative threads (one per core), a handful of
// aliased `login`s would occupy every thread and stall all other requests.
// So hashing runs here: at most `maxConcurrent` at a time on threads of its
// own (GCD, outside the cooperative pool), at most `maxWaiting` queued behind
// them; beyond that a request is told RATE_LIMITED (retry in a second) at
// once instead of queueing without bound.
//
// Separately, each client IP has a budget of hashing attempts
// (RateLimitSettings.passwordHashing, 30 per 15 minutes by default),
// successful or not, taken before any hashing: the failure-only login limit
// alone lets one IP run unbounded successful logins (or registrations).
import ClinicDomain
import Crypto
import Dispatch
import Foundation
import Schema
import Synchronization

public final class PasswordHashingPool: Sendable {
    public let hasher: PasswordHasher
    public let maxConcurrent: Int
    public let maxWaiting: Int

    private struct State {
        var running = 0
        var waiting: [@Sendable () -> Void] = []
    }
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "password-hashing", attributes: .concurrent)
    private let completed = Atomic<Int>(0)

    /// Defaults: half the cores (at least one) hashing, eight waiting per hashing thread.
    public init(hasher: PasswordHasher, maxConcurrent: Int? = nil, maxWaiting: Int? = nil) {
        self.hasher = hasher
        let concurrent = max(1, maxConcurrent ?? ProcessInfo.processInfo.activeProcessorCount / 2)
        self.maxConcurrent = concurrent
        self.maxWaiting = max(0, maxWaiting ?? 8 * concurrent)
    }

    /// Hashes and verifies run so far (for tests and metrics).
    public var hashesRun: Int { completed.load(ordering: .relaxed) }

    public func hash(_ password: String) async throws -> String {
        let hasher = self.hasher
        return try await run { () throws -> String in try hasher.hash(password) }
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        let hasher = self.hasher
        return try await run { hasher.verify(password, against: hash) }
    }

    /// The time of one verify, for an unknown account (see PasswordHasher.dummyVerify).
    public func dummyVerify(_ password: String) async throws {
        let hasher = self.hasher
        try await run { hasher.dummyVerify(password) }
    }

    /// Thrown when the pool and its queue are full.
    static func busy() -> GraphQLError {
        GraphQLError("The server is busy checking passwords; try again in 1 second.", code: "RATE_LIMITED",
                     extra: [("retryAfter", .int(1))])
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let job: @Sendable () -> Void = { [self] in
                let result = Result { try work() }
                completed.add(1, ordering: .relaxed)
                continuation.resume(with: result)
                finished()
            }
            let admitted = state.withLock { s -> Bool? in
                if s.running < maxConcurrent { s.running += 1; return true }
                if s.waiting.count < maxWaiting { s.waiting.append(job); return false }
                return nil
            }
            switch admitted {
            case true?: queue.async(execute: job)
            case false?: break  // started by `finished()` of a running job
            case nil: continuation.resume(throwing: Self.busy())
            }
        }
    }

    /// A job ended: start the next waiting one on the freed slot.
    private func finished() {
        let next = state.withLock { s -> (@Sendable () -> Void)? in
            if s.waiting.isEmpty { s.running -= 1; return nil }
            return s.waiting.removeFirst()
        }
        if let next { queue.async(execute: next) }
    }
}

extension ClinicServices {
    static func hashingKey(_ ip: String?) -> String { "password-hashing-ip:\(ip ?? "?")" }

    /// Takes one hashing attempt from `ip`'s budget; RATE_LIMITED with
    /// retryAfter when it is spent (then nothing was counted or hashed).
    func admitPasswordHashing(ip: String?, now: Instant) async throws {
        let budget = rateLimits.passwordHashing
        if let wait = try await limiter.acquire(Self.hashingKey(ip), limit: budget.count, periodSeconds: budget.periodSeconds, now: now) {
            throw ClinicError.rateLimited(retryAfter: wait)
        }
    }
}
