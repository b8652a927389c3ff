// The waitlist worker (issue #17). Any number of them, in any number of
// processes, share three tables (migration 0018):
//
//   1. expire: open offers past their hold become EXPIRED (SKIP LOCKED, so an
//      offer being accepted right now is left alone) and leave an event;
//   2. offer: one transaction claims a batch of `waitlist_events` (FOR UPDATE
//      SKIP LOCKED, deleted), and for each doctor named, in ascending id order,
//      takes the doctor's row lock and offers free slots to waiting patients,
//      with each offer's message in the outbox. A crash or a lost race rolls
//      the round back and the events with it;
//   3. sweep: every `sweepInterval`, an event for every doctor someone waits
//      for, the safety net for time freed without an event.
//
// No slot is offered twice at once because the exclusion constraint over open
// offers says so, not because workers coordinate: the doctor lock only keeps
// them (and bookings) from tripping over each other.
import ClinicDomain
import ClinicStore
import Crypto
import Synchronization

public struct WaitlistInputs: Sendable {
    public var database: Database
    public var clock: Clock
    /// Seals each offer's token into its outbox row (the notification worker opens it).
    public var secretSeal: SecretSeal

    public init(database: Database, clock: Clock, secretSeal: SecretSeal) {
        self.database = database; self.clock = clock; self.secretSeal = secretSeal
    }
}

public final class WaitlistWorker: Sendable {
    public struct Options: Sendable {
        /// How often the loop looks for events and expired holds.
        public var pollInterval: Duration = .seconds(2)
        /// Seconds between sweeps.
        public var sweepIntervalSeconds: Int64 = 300
        public var eventBatch = 50
        public var expiryBatch = 100
        public init() {}
    }

    /// What one round did.
    public struct Round: Sendable, Equatable {
        public var expired = 0
        public var doctors = 0
        public var offers: [Int64] = []
        public init() {}
    }

    public let inputs: WaitlistInputs
    public let options: Options
    public let workerID: String
    let log: @Sendable (String) -> Void
    /// Called after a round made offers (e.g. to wake the notification worker).
    let offered: @Sendable () -> Void
    private let running = BackgroundLoop()
    private let lastSweep = Atomic<Int64>(Int64.min)

    public init(inputs: WaitlistInputs, options: Options = Options(), workerID: String, log: @escaping @Sendable (String) -> Void,
                offered: @escaping @Sendable () -> Void = {}) {
        self.inputs = inputs; self.options = options; self.workerID = workerID; self.log = log; self.offered = offered
    }

    public func start() {
        running.start { [self] in await self.loop() }
    }

    public func stop() async {
        await running.stop(cancel: true)
    }

    private func loop() async {
        var failures = 0
        while !running.isStopping {
            do {
                let round = try await runOnce()
                failures = 0
                if !round.offers.isEmpty { offered() }
                if round.doctors > 0 || round.expired > 0 { continue }
            } catch {
                failures += 1
                if failures == 1 || failures % 60 == 0 { log("waitlist worker \(workerID): \(error)") }
            }
            try? await Task.sleep(for: options.pollInterval)
        }
    }

    /// One round: expire, sweep when due, and offer for one batch of events.
    @discardableResult
    public func runOnce() async throws -> Round {
        let now = inputs.clock.now
        var round = Round()
        let expiryBatch = options.expiryBatch
        round.expired = try await inputs.database.write { conn in try WaitlistOffering.expireDue(conn, now: now, limit: expiryBatch) }
        let last = lastSweep.load(ordering: .relaxed)
        if last == Int64.min || now.secondsSinceEpoch - last >= options.sweepIntervalSeconds {
            lastSweep.store(now.secondsSinceEpoch, ordering: .relaxed)
            try await inputs.database.write { conn in try WaitlistOffering.sweep(conn) }
        }
        let (batch, seal) = (options.eventBatch, inputs.secretSeal)
        let issue: WaitlistOffering.IssueToken = {
            let t = OpaqueToken.generate()
            return (t.hash, PasswordResetEmail.seal(token: t.token, with: seal))
        }
        let made = try await inputs.database.write { conn -> (Int, [MadeOffer]) in
            let doctors = try WaitlistOffering.claimEvents(conn, limit: batch)
            guard !doctors.isEmpty else { return (0, []) }
            let settings = try SettingsStore.load(conn)
            var made: [MadeOffer] = []
            for id in doctors {
                made += try WaitlistOffering.offerFreeSlots(conn, doctorID: id, settings: settings, holdMinutes: settings.waitlistHoldMinutes,
                                                            now: now, issue: issue)
            }
            return (doctors.count, made)
        }
        round.doctors = made.0
        round.offers = made.1.map(\.offerID)
        if !made.1.isEmpty { log("waitlist worker \(workerID): \(made.1.count) offer(s) made") }
        return round
    }
}
