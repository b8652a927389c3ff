// The public server: binds, starts the event-loop threads, reports metrics and shuts down gracefully.
//
//     var config = HTTPServerConfiguration(host: "127.0.0.1", port: 8080)
//     config.handlerExecution = .immediate            // optional, see HTTPHandlerExecution
//     let server = HTTPServer(configuration: config) { request in
//         request.path == "/healthz" ? .text("ok") : .status(404)
//     }
//     do { try server.start() } catch { print("clinic: \(error)"); exit(1) }   // one line, e.g. port in use
//     await HTTPServer.waitForTerminationSignal()      // SIGINT / SIGTERM
//     await server.shutdown(gracePeriod: .seconds(10))
//
// Design: `threads` event loops (epoll, edge-triggered, non-blocking sockets) share one listen
// socket; whichever wakes accepts and hands connections out round-robin. Each connection is
// owned by one loop thread. A complete request becomes a Task running the handler; its response
// comes back through the loop's inbox (mutex + eventfd), so a waiting handler never blocks a loop.
// With a dispatcher, what it answers at once goes through the same inbox from the loop itself
// (written in the same turn of the loop; pipelined requests cannot recurse).
// One request at a time per connection: pipelined requests wait in the socket/buffer.

import Dispatch
import Glibc
import Synchronization

public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let core: ServerCore
    private let counters = MetricsCounters()
    private let state = Mutex(State())

    private struct State {
        var started = false
        var stopped = false
        var listenFd: Int32 = -1
        var port = 0
        var loops: [EventLoop] = []
    }

    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(), handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.core = ServerCore(configuration: configuration, handler: .task(handler), counters: counters)
    }

    /// A server whose requests are first seen on their event-loop thread: `dispatcher` answers
    /// at once what it can (`.respond`, written without a task or a thread hop) and hands the
    /// rest to a handler task (`.run`). It must not block: it runs on the loop every connection
    /// of that thread waits for.
    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(), dispatcher: @escaping HTTPDispatcher) {
        self.configuration = configuration
        self.core = ServerCore(configuration: configuration, handler: .dispatch(dispatcher), counters: counters)
    }

    /// The port actually bound (useful with port 0); 0 before `start()`.
    public var boundPort: Int { state.withLock { $0.port } }

    /// Connection and request counters.
    public var metrics: HTTPServerMetrics { counters.snapshot }

    /// Binds the listen socket and starts the event loops. Throws `HTTPServerError` (its
    /// `description` is one line, e.g. "cannot listen on 127.0.0.1:8080: address already in use").
    public func start() throws {
        try state.withLock { st in
            if st.started { throw HTTPServerError.alreadyStarted }
            signal(SIGPIPE, SIG_IGN)
            Self.raiseDescriptorLimit(to: configuration.maxConnections + 256)
            let (fd, port) = try Self.bindListener(host: configuration.host, port: configuration.port,
                                                   backlog: configuration.backlog)
            var loops: [EventLoop] = []
            do {
                for i in 0..<max(1, configuration.threads) {
                    loops.append(try EventLoop(core: core, listenFd: fd, index: i))
                }
            } catch {
                close(fd)
                throw error
            }
            for loop in loops { loop.siblings = loops }
            // Handlers may run on the loops (`.eventLoop`): the same stack as the database pool's threads.
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            pthread_attr_setstacksize(&attributes, 8 << 20)
            defer { pthread_attr_destroy(&attributes) }
            for loop in loops {
                var thread = pthread_t()
                let context = Unmanaged.passRetained(loop).toOpaque()
                let rc = pthread_create(&thread, &attributes, { arg in
                    let loop = Unmanaged<EventLoop>.fromOpaque(arg!).takeRetainedValue()
                    loop.core.configuration.loopThreadStarted?(loop.hooks)
                    loop.run()
                    return nil
                }, context)
                if rc != 0 {
                    Unmanaged<EventLoop>.fromOpaque(context).release()
                    fatalError("pthread_create failed: \(rc)")
                }
                pthread_detach(thread)
            }
            st.started = true
            st.listenFd = fd
            st.port = port
            st.loops = loops
        }
    }

    /// Stops accepting, closes idle keep-alive connections, lets in-flight requests finish (their
    /// responses carry `Connection: close`) for at most `gracePeriod`, then closes everything and returns.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        let taken: (loops: [EventLoop], fd: Int32)? = state.withLock { st in
            if !st.started || st.stopped { return nil }
            st.stopped = true
            return (st.loops, st.listenFd)
        }
        guard let (loops, fd) = taken else { return }
        for loop in loops { loop.post(.beginShutdown) }
        let deadline = ContinuousClock.now + gracePeriod
        // Every loop drops the listen socket from its epoll set before it is closed.
        while core.stoppedAccepting.load(ordering: .acquiring) < loops.count && ContinuousClock.now < deadline + .seconds(1) {
            try? await Task.sleep(for: .milliseconds(1))
        }
        close(fd)
        while counters.open.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        for loop in loops { loop.post(.stop) }
        let exitDeadline = ContinuousClock.now + .seconds(2)
        while core.exitedLoops.load(ordering: .acquiring) < loops.count && ContinuousClock.now < exitDeadline {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Waits for SIGTERM or SIGINT and returns its number. While waiting, those signals do not kill
    /// the process; after the first one arrives their default action is restored, so a second
    /// Ctrl-C ends the process at once.
    @discardableResult
    public static func waitForTerminationSignal() async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let holder = SignalSourceHolder()
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            let queue = DispatchQueue(label: "http.termination-signals")
            for sig in [SIGINT, SIGTERM] {
                let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                source.setEventHandler {
                    if holder.fire() {
                        signal(SIGINT, SIG_DFL)
                        signal(SIGTERM, SIG_DFL)
                        continuation.resume(returning: sig)
                    }
                }
                holder.add(source)
                source.resume()
            }
        }
    }

    /// Raises the soft RLIMIT_NOFILE towards `wanted` (bounded by the hard limit) so the
    /// connection cap, not the descriptor limit, is what refuses clients.
    static func raiseDescriptorLimit(to wanted: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let target = min(rlim_t(max(wanted, 0)), limit.rlim_max)
        if limit.rlim_cur < target {
            limit.rlim_cur = target
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }

    // MARK: Binding

    static func bindListener(host: String, port: Int, backlog: Int32) throws -> (Int32, Int) {
        var name = host
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.isEmpty { name = "0.0.0.0" }
        guard port >= 0 && port <= 65_535 else { throw HTTPServerError.cannotResolve(host: formatHostPort(host, port)) }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>? = nil
        guard getaddrinfo(name, String(port), &hints, &result) == 0, let info = result else {
            throw HTTPServerError.cannotResolve(host: host)
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw HTTPServerError.socketFailed(operation: "socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let e = errno
            close(fd)
            if e == EADDRINUSE { throw HTTPServerError.addressInUse(host: name, port: port) }
            if e == EADDRNOTAVAIL { throw HTTPServerError.cannotResolve(host: host) }
            throw HTTPServerError.socketFailed(operation: "bind \(formatHostPort(name, port))", errno: e)
        }
        if listen(fd, backlog) != 0 {
            let e = errno
            close(fd)
            if e == EADDRINUSE { throw HTTPServerError.addressInUse(host: name, port: port) }
            throw HTTPServerError.socketFailed(operation: "listen", errno: e)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        var bound = port
        let rc = withUnsafeMutablePointer(to: &storage) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        if rc == 0 {
            switch Int32(storage.ss_family) {
            case AF_INET:
                bound = withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
                }
            case AF_INET6:
                bound = withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
                }
            default:
                break
            }
        }
        return (fd, bound)
    }
}

/// Keeps the signal sources alive and lets exactly one signal resume the waiter.
private final class SignalSourceHolder: @unchecked Sendable {
    private let lock = Mutex(false)
    private var sources: [DispatchSourceSignal] = []

    func add(_ source: DispatchSourceSignal) { sources.append(source) }

    func fire() -> Bool {
        lock.withLock { fired in
            if fired { return false }
            fired = true
            return true
        }
    }
}
