// Everything one request's resolvers share: who asks, the statement counter,
// and access to the database through the pool's own threads.
import ClinicStore
import ClinicDomain
import JSON
import Schema
import Synchronization

public final class RequestContext: Sendable {
    public let services: ClinicServices
    /// Who asks: the token's user, or whoever signed in during this request
    /// (login, register, refreshToken), so their AuthPayload.user is readable.
    public var viewer: Viewer? { signedIn.withLock { $0 } ?? authenticated }
    private let authenticated: Viewer?
    private let signedIn = Mutex<Viewer?>(nil)
    public let statements: StatementCounter
    public let ip: String?
    public let requestID: String
    /// Fixed once per request so every resolver agrees on "now".
    public let now: Instant

    /// The token's user's state as it was checked for this request (`Authentication`).
    private let authenticatedState: ViewerState?

    public init(services: ClinicServices, viewer: Viewer?, ip: String?, requestID: String,
                statements: StatementCounter? = nil, viewerState: ViewerState? = nil) {
        self.services = services
        self.statements = statements ?? StatementCounter()
        self.authenticated = viewer
        self.authenticatedState = viewer == nil ? nil : viewerState
        self.ip = ip
        self.requestID = requestID
        self.now = services.clock.now
    }

    /// Reads on the primary (counted).
    public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await answering(unavailable: { ClinicError.databaseUnavailable(writing: false) }) {
            try await services.database.read(counter: statements, body)
        }
    }

    /// One read statement on the primary (counted): on an event loop, sent with the reads of the
    /// loop's other requests in one round trip.
    public func fetch<T: Sendable>(_ read: Read<T>) async throws -> T {
        try await answering(unavailable: { ClinicError.databaseUnavailable(writing: false) }) {
            try await services.database.fetch(counter: statements, read)
        }
    }

    /// What a client can act on, not an internal error: a statement that waited or ran past its
    /// connection's limit, and a database that does not answer (down, restarting, every connection
    /// busy past the pool's wait), said as `unavailable` (nil: rethrown for the caller to handle).
    /// Both are SERVICE_UNAVAILABLE: the client may try again.
    private func answering<T>(unavailable: (() -> GraphQLError)?, _ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let e where StoreFailure.is(e, .timedOut) {
            services.log("database busy (request \(requestID)): \(e)")
            throw ClinicError.databaseBusy()
        } catch let e where unavailable != nil && StoreFailure.is(e, .unavailable) {
            let said = unavailable!()
            services.log("\(said.message) (request \(requestID)): \(e)")
            throw said
        }
    }

    /// Reads that go to the replica: reports and exports. A replica that does not answer is
    /// SERVICE_UNAVAILABLE and says so.
    public func readReplica<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let hasReplica = services.database.hasReplica
        return try await answering(unavailable: { hasReplica ? ClinicError.replicaUnavailable() : ClinicError.databaseUnavailable(writing: false) }) {
            try await services.database.readReplica(counter: statements, body)
        }
    }

    /// Reads that may be slightly stale (the public doctor list, free slots):
    /// on the replica while it is within REPLICA_MAX_LAG_MS, else on the
    /// primary; a replica that fails to answer falls back to the primary.
    public func readBoundedStale<T: Sendable>(_ read: Read<T>) async throws -> T {
        try await boundedStale(onPrimary: { try await self.fetch(read) }, onReplica: { conn in try conn.run(read) })
    }

    public func readBoundedStale<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await boundedStale(onPrimary: { try await self.read(body) }, onReplica: body)
    }

    private func boundedStale<T: Sendable>(onPrimary: () async throws -> T,
                                           onReplica: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let routing = services.replicaRouting
        guard services.database.hasReplica, await routing.useReplica(services.database, now: now) else {
            routing.count(replica: false)
            return try await onPrimary()
        }
        do {
            let value = try await answering(unavailable: nil) { try await services.database.readReplica(counter: statements, onReplica) }
            routing.count(replica: true)
            return value
        } catch let e where StoreFailure.is(e, .unavailable) {
            routing.markDown(now: now)
            routing.count(replica: false)
            return try await onPrimary()
        }
    }

    /// One transaction: the change, its audit entry and its notifications commit together.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await answering(unavailable: { ClinicError.databaseUnavailable(writing: true) }) {
            try await services.database.write(counter: statements, body)
        }
    }

    public func signIn(_ viewer: Viewer) { signedIn.withLock { $0 = viewer } }

    /// The viewer's state as their token was checked for this request; nil once someone signed in
    /// during it (their state was not read).
    public var viewerState: ViewerState? { signedIn.withLock { $0 } == nil ? authenticatedState : nil }

    public func requireViewer() throws -> Viewer {
        guard let viewer else { throw ClinicError.unauthenticated() }
        return viewer
    }

    /// The settings row (cached a few seconds).
    public func settings() async throws -> SettingsRow {
        if let s = services.settingsCache.get(now: now) { return s }
        let row = try await read { conn in try SettingsStore.load(conn) }
        services.settingsCache.put(row, now: now)
        return row
    }
}
