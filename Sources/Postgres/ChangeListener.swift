// One session that LISTENs on a channel, on a thread of its own, and hands every notification's
// payload to its owner: how a process learns what other sessions committed (triggers call
// `pg_notify`), so what it keeps can be dropped as soon as the rows under it change.
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class ChangeListener: Sendable {
    public enum Event: Sendable, Equatable {
        /// LISTEN is in place: from now on every commit that notifies the channel is reported.
        /// Whatever was committed while not listening was not: a cache must drop everything.
        case listening
        /// The session is gone (or could not be made); reconnecting. Nothing is reported meanwhile.
        case lost
        /// One notification's payload, in commit order.
        case notification(String)
    }

    public let channel: String
    private let connectionString: String
    private let onEvent: @Sendable (Event) -> Void
    private struct State {
        var stopping = false
        var running = false
        var listening = false
        var sessions = 0
        /// Markers `waitForDelivery` sent that the session has read.
        var seenMarkers: Set<String> = []
    }
    private let state = Mutex(State())
    private let markerSerial = Atomic<Int>(0)
    /// Payloads starting with `markerPrefix` are `waitForDelivery`'s markers, not reported; those
    /// with `ownMarkers` are this listener's (other processes' listeners read them too).
    static let markerPrefix = "~marker:"
    private let ownMarkers: String
    private static let instances = Atomic<Int>(0)

    /// `channel`: an identifier (letters, digits, underscores). Nothing happens until `start`.
    public init(connectionString: String, channel: String, onEvent: @escaping @Sendable (Event) -> Void) {
        precondition(!channel.isEmpty && channel.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) },
                     "channel must be a lower-case identifier")
        self.connectionString = connectionString
        self.channel = channel
        self.onEvent = onEvent
        ownMarkers = "\(Self.markerPrefix)\(getpid()).\(Self.instances.add(1, ordering: .relaxed).newValue):"
    }

    /// Whether LISTEN is in place now.
    public var isListening: Bool { state.withLock { $0.listening } }

    /// Starts the session's thread (once).
    public func start() {
        let begin = state.withLock { s -> Bool in
            if s.running || s.stopping { return false }
            s.running = true
            return true
        }
        guard begin else { return }
        let thread = Thread { [self] in run() }
        thread.name = "listen-\(channel)"
        thread.start()
    }

    /// Ends the session (reported as `.lost`); returns once its thread has ended: within about
    /// `pollMilliseconds` while listening, after the attempt in progress while reconnecting.
    /// `start` may follow.
    public func stop() {
        state.withLock { $0.stopping = true }
        while state.withLock({ $0.running }) { usleep(5_000) }
        state.withLock { $0.stopping = false }
    }

    /// Sessions that reached LISTEN so far (the first, then one per reconnect).
    public var sessionsStarted: Int { state.withLock { $0.sessions } }

    /// How long the thread waits for input before it checks whether it should stop.
    static let pollMilliseconds: Int32 = 200

    private func run() {
        var backoffMicros: UInt32 = 50_000
        var lostReported = false
        while !state.withLock({ $0.stopping }) {
            let session: PQConnection
            do {
                session = try PQConnection(conninfo: connectionString)
                _ = try session.exec("LISTEN \(channel)")
            } catch {
                if !lostReported { lostReported = true; onEvent(.lost) }
                usleep(backoffMicros)
                backoffMicros = min(backoffMicros * 2, 2_000_000)
                continue
            }
            backoffMicros = 50_000
            state.withLock { $0.listening = true; $0.sessions += 1 }
            onEvent(.listening)
            listen(session)
            session.close()
            state.withLock { $0.listening = false }
            lostReported = true
            onEvent(.lost)
        }
        state.withLock { $0.running = false }
    }

    /// Reports notifications until the session fails or `stop` is called.
    private func listen(_ session: PQConnection) {
        let fd = session.socket
        while !state.withLock({ $0.stopping }) {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Self.pollMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else {
                if ready < 0 || !session.isHealthy { return }
                continue
            }
            do { try session.consumeInput() } catch { return }
            for payload in session.notifications() {
                if payload.hasPrefix(Self.markerPrefix) {
                    if payload.hasPrefix(ownMarkers) { state.withLock { _ = $0.seenMarkers.insert(payload) } }
                } else {
                    onEvent(.notification(payload))
                }
            }
            if !session.isHealthy { return }
        }
    }

    /// Notifies the channel on `connection` (outside any transaction) and waits until this listener
    /// has read that notification, so every notification committed before the call has been
    /// reported. False when it was not read within `timeoutMilliseconds`, or the listener is not
    /// listening (then nothing kept depends on notifications: `.lost` was reported).
    public func waitForDelivery(using connection: Connection, timeoutMilliseconds: Int = 10_000) throws -> Bool {
        let marker = ownMarkers + String(markerSerial.add(1, ordering: .relaxed).newValue)
        _ = try connection.query("SELECT pg_notify($1, $2)", [.text(channel), .text(marker)])
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutMilliseconds) * 1_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let (seen, listening) = state.withLock { ($0.seenMarkers.remove(marker) != nil, $0.listening) }
            if seen { return true }
            if !listening { return false }
            usleep(1_000)
        }
        return false
    }
}
