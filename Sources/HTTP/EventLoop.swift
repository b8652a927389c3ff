// One epoll event loop thread: accepts, reads, parses, dispatches handler tasks and writes
// responses for its connections. All connection state is touched only on this thread; other
// threads talk to it through the mutex-protected inbox plus an eventfd wakeup.

import Glibc
import Synchronization

/// Settings and shared state every loop of one server reads.
final class ServerCore: Sendable {
    enum Handler: Sendable {
        case task(HTTPHandler)
        case dispatch(HTTPDispatcher)
    }
    let configuration: HTTPServerConfiguration
    let handler: Handler
    let counters: MetricsCounters
    let idleTimeoutNs: Int64
    let requestTimeoutNs: Int64
    /// Loops that have stopped accepting (shutdown step 1).
    let stoppedAccepting = Atomic<Int>(0)
    /// Loops whose thread has finished.
    let exitedLoops = Atomic<Int>(0)

    init(configuration: HTTPServerConfiguration, handler: Handler, counters: MetricsCounters) {
        self.configuration = configuration
        self.handler = handler
        self.counters = counters
        self.idleTimeoutNs = durationNanoseconds(configuration.idleTimeout)
        self.requestTimeoutNs = durationNanoseconds(configuration.requestTimeout)
    }
}

func durationNanoseconds(_ d: Duration) -> Int64 {
    let c = d.components
    return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
}

@inline(__always)
func monotonicNow() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

final class Connection {
    enum Phase {
        case head       // reading a request line and headers
        case body       // reading the body
        case handling   // the handler task runs; nothing is read
        case writing    // the response is being written
        case lingering  // after a final response on a closing connection: discard input until EOF
    }

    enum DeadlineAction {
        case none
        case respond408
        case close
    }

    let fd: Int32
    let id: UInt64
    let remoteAddress: String
    var phase: Phase = .head
    var inBuf: [UInt8] = []
    var inStart = 0
    var scanResume = 0
    var out: [UInt8] = []
    var outStart = 0
    var readable = false
    var writable = true
    var requestStarted = false
    var head: RequestHead?
    var body: [UInt8] = []
    var chunked: ChunkedDecoder?
    var sentContinue = false
    var keepAlive = true
    var isHeadRequest = false
    var closeAfterWrite = false
    var deadline: Int64 = 0
    var deadlineAction: DeadlineAction = .none
    var lingerBytes = 0
    /// The peer half-closed or hung up (EPOLLRDHUP/EPOLLHUP): read until EOF even after short reads.
    var sawHangup = false
    /// The running handler task, cancelled if the connection is closed before it answers.
    var handlerTask: Task<Void, Never>?

    init(fd: Int32, id: UInt64, remoteAddress: String) {
        self.fd = fd
        self.id = id
        self.remoteAddress = remoteAddress
    }

    var buffered: Int { inBuf.count - inStart }
    var hasPendingOutput: Bool { outStart < out.count }
}

/// What an event loop offers the work of its own thread (set up in `loopThreadStarted`, used only
/// on that thread): a descriptor watched with the loop's connections (a database connection whose
/// answers the thread's tasks wait for), and a call made each time before the loop waits for events
/// (to send what those tasks queued, in one write per turn).
public final class EventLoopHooks: @unchecked Sendable {
    fileprivate var epfd: Int32 = -1
    private var watched: Int32 = -1
    /// The watched socket's inode: its owner may have closed it (libpq does when the server goes
    /// away) and the number may now be another connection's, which must stay in the epoll set.
    private var watchedInode: UInt = 0
    private var onReadable: (() -> Void)?
    /// Called before each wait for events, after the turn's work ran.
    public var beforeWait: (() -> Void)?

    init() {}

    /// Calls `onReadable` on the loop's thread whenever `fd` has input (level-triggered), instead
    /// of any descriptor watched before (a descriptor closed since is no longer in the epoll set,
    /// and a new one may have its number: it is always added anew). False when epoll refused it.
    @discardableResult
    public func watch(_ fd: Int32, onReadable: @escaping () -> Void) -> Bool {
        unwatch()
        guard let inode = Self.inode(fd), sysEpollAdd(epfd, fd, events: EPOLLIN_, token: EventLoop.watchToken) == 0 else { return false }
        watched = fd
        watchedInode = inode
        self.onReadable = onReadable
        return true
    }

    /// Stops watching. A descriptor closed since left the epoll set by itself; its number is only
    /// removed while it still names the same socket.
    public func unwatch() {
        if watched >= 0, Self.inode(watched) == watchedInode { sysEpollDelete(epfd, watched) }
        watched = -1
        onReadable = nil
    }

    private static func inode(_ fd: Int32) -> UInt? {
        var info = stat()
        return fstat(fd, &info) == 0 ? UInt(info.st_ino) : nil
    }

    fileprivate func readable() { onReadable?() }
}

final class EventLoop: TaskExecutor, @unchecked Sendable {
    enum Message: Sendable {
        case response(fd: Int32, id: UInt64, HTTPResponse)
        case job(UnownedJob)
        case adopt(fd: Int32, remoteAddress: String)
        case beginShutdown
        case stop
    }

    struct Inbox {
        var messages: [Message] = []
        var sleeping = false
        var notified = false
        var stopped = false
    }

    static let listenToken: UInt64 = .max
    static let wakeToken: UInt64 = .max - 1
    static let watchToken: UInt64 = .max - 2
    static let scratchSize = 65_536
    static let lingerTimeoutNs: Int64 = 2_000_000_000

    let core: ServerCore
    let listenFd: Int32
    let epfd: Int32
    let wakeFd: Int32
    let inbox = Mutex(Inbox())
    let index: Int

    // Loop-thread state.
    private var connections: [Connection?] = []
    private var liveCount = 0
    private var nextID: UInt64 = 1
    private let scratch: UnsafeMutablePointer<UInt8>
    private var running = true
    private var draining = false
    private var listening = false
    private var acceptPausedUntil: Int64 = 0
    private var nextTimerScan: Int64 = 0
    private var dateSecond = -1
    private var dateLine: [UInt8] = []
    private let serverLine: [UInt8]
    private var acceptCounter = 0
    /// Swapped with the inbox's array on each drain so neither buffer is reallocated.
    private var spareMessages: [Message] = []
    /// All loops of the server (including this one); set before the threads start, then read-only.
    var siblings: [EventLoop] = []
    /// What the loop thread's own work (its database connection) asks of the loop.
    let hooks = EventLoopHooks()

    init(core: ServerCore, listenFd: Int32, index: Int) throws {
        self.core = core
        self.listenFd = listenFd
        self.index = index
        let ep = sysEpollCreate()
        if ep < 0 { throw HTTPServerError.socketFailed(operation: "epoll_create1", errno: errno) }
        let wfd = sysEventfd()
        if wfd < 0 {
            let e = errno
            close(ep)
            throw HTTPServerError.socketFailed(operation: "eventfd", errno: e)
        }
        epfd = ep
        wakeFd = wfd
        scratch = .allocate(capacity: Self.scratchSize)
        if let name = core.configuration.serverName {
            serverLine = Array("Server: \(sanitizeHeaderValue(name))\r\n".utf8)
        } else {
            serverLine = []
        }
        _ = sysEpollAdd(epfd, wakeFd, events: EPOLLIN_, token: Self.wakeToken)
        hooks.epfd = epfd
        startListening()
    }

    deinit {
        scratch.deallocate()
    }

    private func startListening() {
        if sysEpollAdd(epfd, listenFd, events: EPOLLIN_ | EPOLLEXCLUSIVE_, token: Self.listenToken) == 0 { listening = true }
    }

    private func stopListening() {
        if listening {
            sysEpollDelete(epfd, listenFd)
            listening = false
        }
    }

    // MARK: Cross-thread entry points

    /// Queues a message for the loop thread; false if the loop has stopped.
    @discardableResult
    func post(_ message: Message) -> Bool {
        var accepted = true
        let wake: Bool = inbox.withLock { box in
            if box.stopped {
                accepted = false
                return false
            }
            box.messages.append(message)
            if box.sleeping && !box.notified {
                box.notified = true
                return true
            }
            return false
        }
        if wake {
            var one: UInt64 = 1
            _ = write(wakeFd, &one, 8)
        }
        return accepted
    }

    func enqueue(_ job: consuming ExecutorJob) {
        post(.job(UnownedJob(job)))
    }

    // MARK: The loop

    func run() {
        let maxEvents: Int32 = 256
        let events = EpollEvents(capacity: maxEvents)
        defer { events.deallocate() }
        while running {
            let hasWork: Bool = inbox.withLock { box in
                if box.messages.isEmpty {
                    box.sleeping = true
                    return false
                }
                return true
            }
            let timeout: Int32 = hasWork ? 0 : (liveCount > 0 || !listening ? 100 : 1000)
            hooks.beforeWait?()
            let n = events.wait(epfd, timeoutMs: timeout)
            inbox.withLock { box in
                box.sleeping = false
                box.notified = false
            }
            if n > 0 {
                for k in 0..<Int(n) {
                    let token = events.token(at: k)
                    if token == Self.listenToken {
                        acceptConnections()
                    } else if token == Self.wakeToken {
                        var value: UInt64 = 0
                        _ = read(wakeFd, &value, 8)
                    } else if token == Self.watchToken {
                        hooks.readable()
                    } else {
                        handleEvents(fd: Int32(truncatingIfNeeded: token), events: events.events(at: k))
                    }
                }
            }
            processInbox()
            let now = monotonicNow()
            if now >= nextTimerScan {
                nextTimerScan = now + 100_000_000
                scanTimers(now: now)
            }
        }
        // Stopped: close everything.
        for case let conn? in connections { closeConnection(conn) }
        let leftovers: [Message] = inbox.withLock { box in
            box.stopped = true
            defer { box.messages.removeAll() }
            return box.messages
        }
        for case let .adopt(fd, _) in leftovers {
            close(fd)
            core.counters.open.subtract(1, ordering: .relaxed)
        }
        siblings = [] // break the reference cycle between loops
        close(wakeFd)
        close(epfd)
        core.exitedLoops.add(1, ordering: .releasing)
    }

    private func processInbox() {
        // A few rounds: jobs run here may enqueue more work.
        for _ in 0..<4 {
            spareMessages.removeAll(keepingCapacity: true)
            inbox.withLock { box in swap(&box.messages, &spareMessages) }
            if spareMessages.isEmpty { return }
            for message in spareMessages {
                switch message {
                case let .response(fd, id, response):
                    deliver(fd: fd, id: id, response: response)
                case let .job(job):
                    job.runSynchronously(on: asUnownedTaskExecutor())
                case let .adopt(fd, remoteAddress):
                    adopt(fd: fd, remoteAddress: remoteAddress)
                case .beginShutdown:
                    beginShutdown()
                case .stop:
                    running = false
                }
            }
        }
    }

    private func beginShutdown() {
        if draining { return }
        draining = true
        stopListening()
        core.stoppedAccepting.add(1, ordering: .releasing)
        for case let conn? in connections where conn.phase == .head && !conn.requestStarted && !conn.hasPendingOutput {
            closeConnection(conn)
        }
    }

    // MARK: Accepting

    private func acceptConnections() {
        let config = core.configuration
        for _ in 0..<64 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) { ptr in
                ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    sysAccept(listenFd, sa, &length)
                }
            }
            if fd < 0 {
                let e = errno
                if e == EINTR || e == ECONNABORTED { continue }
                if e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM {
                    // Out of descriptors: stop accepting for a moment instead of spinning.
                    stopListening()
                    acceptPausedUntil = monotonicNow() + 100_000_000
                }
                return
            }
            core.counters.accepted.add(1, ordering: .relaxed)
            if core.counters.open.load(ordering: .relaxed) >= config.maxConnections && evictIdleConnections() == 0 {
                core.counters.refused.add(1, ordering: .relaxed)
                _ = Self.overloadResponse.withUnsafeBytes { raw in
                    send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                }
                close(fd)
                continue
            }
            core.counters.open.add(1, ordering: .relaxed)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let remote = addressString(&storage)
            // Spread connections over the loops round-robin (whichever loop woke up accepts).
            let target = siblings.isEmpty ? self : siblings[acceptCounter % siblings.count]
            acceptCounter &+= 1
            if target === self {
                adopt(fd: fd, remoteAddress: remote)
            } else if !target.post(.adopt(fd: fd, remoteAddress: remote)) {
                close(fd)
                core.counters.open.subtract(1, ordering: .relaxed)
            }
        }
    }

    /// At the connection cap, closes this loop's longest-idle connections (no
    /// request begun, nothing to write) so that a crowd of idle sockets cannot
    /// lock new clients out; returns how many it closed. A batch at a time
    /// (1 % of the cap) keeps the scan rare while the cap is under pressure.
    private func evictIdleConnections() -> Int {
        var idle: [Connection] = []
        for case let conn? in connections
        where conn.phase == .head && !conn.requestStarted && !conn.hasPendingOutput && conn.handlerTask == nil {
            idle.append(conn)
        }
        guard !idle.isEmpty else { return 0 }
        let batch = min(idle.count, max(1, core.configuration.maxConnections / 100))
        // Every idle connection's deadline is when it went idle plus the same
        // timeout, so the earliest deadlines are the longest idle.
        idle.sort { $0.deadline < $1.deadline }
        for conn in idle.prefix(batch) { closeConnection(conn) }
        core.counters.evictedIdle.add(batch, ordering: .relaxed)
        return batch
    }

    /// Registers an accepted socket (already counted in `open`) with this loop.
    private func adopt(fd: Int32, remoteAddress: String) {
        let conn = Connection(fd: fd, id: nextID, remoteAddress: remoteAddress)
        nextID &+= 1
        if sysEpollAdd(epfd, fd, events: EPOLLIN_ | EPOLLOUT_ | EPOLLRDHUP_ | EPOLLET_,
                       token: UInt64(UInt32(bitPattern: fd))) != 0 {
            close(fd)
            core.counters.open.subtract(1, ordering: .relaxed)
            return
        }
        do {
            let slot = Int(fd)
            if slot >= connections.count {
                connections.append(contentsOf: repeatElement(nil, count: max(slot + 1 - connections.count, connections.count)))
            }
            connections[slot] = conn
            liveCount += 1
            conn.deadline = monotonicNow() + core.requestTimeoutNs
            conn.deadlineAction = Connection.DeadlineAction.respond408
        }
    }

    static let overloadResponse: [UInt8] = Array(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 20\r\nConnection: close\r\nRetry-After: 1\r\n\r\nService Unavailable\n".utf8)

    // MARK: Events

    private func handleEvents(fd: Int32, events: UInt32) {
        guard Int(fd) < connections.count, let conn = connections[Int(fd)] else { return }
        if events & EPOLLERR_ != 0 {
            closeConnection(conn)
            return
        }
        if events & (EPOLLIN_ | EPOLLRDHUP_ | EPOLLHUP_) != 0 { conn.readable = true }
        if events & (EPOLLRDHUP_ | EPOLLHUP_) != 0 { conn.sawHangup = true }
        if events & (EPOLLOUT_ | EPOLLHUP_) != 0 { conn.writable = true }
        if conn.hasPendingOutput && conn.writable {
            if !flush(conn) { return }
        }
        if conn.readable { readAvailable(conn) }
    }

    private func isAlive(_ conn: Connection) -> Bool {
        Int(conn.fd) < connections.count && connections[Int(conn.fd)] === conn
    }

    private func wantsInput(_ conn: Connection) -> Bool {
        switch conn.phase {
        case .head, .body, .lingering: return true
        case .handling, .writing: return false
        }
    }

    private func readAvailable(_ conn: Connection) {
        while conn.readable && wantsInput(conn) && isAlive(conn) {
            let n = recv(conn.fd, scratch, Self.scratchSize, 0)
            if n > 0 {
                // A short read drained the socket: any later data raises a new edge. Not so for
                // an EOF that arrived with the data (its edge was already consumed).
                if n < Self.scratchSize && !conn.sawHangup { conn.readable = false }
                if conn.phase == .lingering {
                    conn.lingerBytes += n
                    if conn.lingerBytes > 2 * core.configuration.maxBodyBytes + 65_536 { closeConnection(conn) }
                    continue
                }
                compactInput(conn)
                conn.inBuf.append(contentsOf: UnsafeBufferPointer(start: scratch, count: n))
                processInput(conn)
            } else if n == 0 {
                conn.readable = false
                handleEOF(conn)
                return
            } else {
                let e = errno
                if e == EINTR { continue }
                conn.readable = false
                if e != EAGAIN && e != EWOULDBLOCK { closeConnection(conn) }
                return
            }
        }
    }

    private func compactInput(_ conn: Connection) {
        if conn.inStart == conn.inBuf.count {
            conn.inBuf.removeAll(keepingCapacity: conn.inBuf.capacity <= 16_384)
            conn.inStart = 0
        } else if conn.inStart >= 32_768 && conn.inStart * 2 >= conn.inBuf.count {
            conn.inBuf.removeFirst(conn.inStart)
            conn.inStart = 0
        }
    }

    private func handleEOF(_ conn: Connection) {
        switch conn.phase {
        case .lingering:
            closeConnection(conn)
        case .head where conn.buffered == 0 && !conn.hasPendingOutput:
            closeConnection(conn)
        case .handling, .writing:
            conn.closeAfterWrite = true
        default:
            // The client went away mid-request.
            closeConnection(conn)
        }
    }

    // MARK: Parsing

    private func processInput(_ conn: Connection) {
        let config = core.configuration
        while isAlive(conn) {
            switch conn.phase {
            case .head:
                // Skip empty lines before a request line (RFC 9112 §2.2).
                while conn.buffered >= 1 && conn.inBuf[conn.inStart] == CR {
                    if conn.buffered < 2 { return }
                    if conn.inBuf[conn.inStart + 1] != LF { return sendError(conn, 400) }
                    conn.inStart += 2
                }
                if conn.buffered == 0 { return }
                if !conn.requestStarted {
                    conn.requestStarted = true
                    // A fresh connection's request deadline runs from accept; a keep-alive
                    // connection's from the first byte of its next request.
                    if conn.deadlineAction != .respond408 {
                        conn.deadline = monotonicNow() + core.requestTimeoutNs
                        conn.deadlineAction = .respond408
                    }
                }
                let scan = conn.inBuf.withUnsafeBufferPointer { all in
                    HTTPParser.scanHead(UnsafeBufferPointer(rebasing: all[conn.inStart...]), from: conn.scanResume,
                                        maxHeaderBytes: config.maxHeaderBytes)
                }
                switch scan {
                case let .incomplete(resumeAt):
                    conn.scanResume = resumeAt
                    return
                case let .failure(status):
                    return sendError(conn, status)
                case let .complete(length):
                    conn.scanResume = 0
                    let parsed = conn.inBuf.withUnsafeBufferPointer { all in
                        HTTPParser.parseHead(UnsafeBufferPointer(rebasing: all[conn.inStart..<(conn.inStart + length)]),
                                             maxBodyBytes: config.maxBodyBytes)
                    }
                    conn.inStart += length
                    switch parsed {
                    case let .failure(error):
                        return sendError(conn, error.status)
                    case let .success(head):
                        conn.head = head
                        conn.keepAlive = head.keepAlive
                        switch head.framing {
                        case .none:
                            return dispatch(conn)
                        case .length:
                            conn.phase = .body
                        case .chunked:
                            conn.chunked = ChunkedDecoder(maxBodyBytes: config.maxBodyBytes,
                                                          maxTrailerBytes: config.maxHeaderBytes)
                            conn.phase = .body
                        }
                    }
                }
            case .body:
                guard let head = conn.head else { return sendError(conn, 500) }
                if case let .length(length) = head.framing {
                    if conn.buffered >= length {
                        conn.body = Array(conn.inBuf[conn.inStart..<(conn.inStart + length)])
                        conn.inStart += length
                        return dispatch(conn)
                    }
                    return sendContinueIfExpected(conn)
                }
                guard var decoder = conn.chunked else { return sendError(conn, 500) }
                let (consumed, outcome) = conn.inBuf.withUnsafeBufferPointer { all in
                    decoder.decode(UnsafeBufferPointer(rebasing: all[conn.inStart...]), into: &conn.body)
                }
                conn.chunked = decoder
                conn.inStart += consumed
                switch outcome {
                case .needMore:
                    compactInput(conn)
                    return sendContinueIfExpected(conn)
                case .done:
                    return dispatch(conn)
                case let .failure(status):
                    return sendError(conn, status)
                }
            case .handling, .writing, .lingering:
                return
            }
        }
    }

    private static let continueLine: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private func sendContinueIfExpected(_ conn: Connection) {
        guard let head = conn.head, head.expectContinue, !conn.sentContinue else { return }
        conn.sentContinue = true
        conn.out.append(contentsOf: Self.continueLine)
        _ = flush(conn)
    }

    // MARK: Handling

    private func dispatch(_ conn: Connection) {
        guard let head = conn.head else { return }
        conn.phase = .handling
        conn.deadline = 0
        conn.deadlineAction = .none
        conn.isHeadRequest = head.method == "HEAD"
        let request = HTTPRequest(method: head.method, target: head.target, headers: head.headers, body: conn.body,
                                  remoteAddress: conn.remoteAddress, version: head.version)
        conn.body = []
        let fd = conn.fd, id = conn.id
        let work: @Sendable () async -> HTTPResponse
        switch core.handler {
        case .task(let handler):
            work = { await handler(request) }
        case .dispatch(let dispatcher):
            switch dispatcher(request) {
            case .respond(let response):
                // Through the inbox, drained later in this same turn: a client's pipelined
                // requests are answered one after another, not by recursion.
                if !post(.response(fd: fd, id: id, response)) { closeConnection(conn) }
                return
            case .run(let w):
                work = w
            }
        }
        switch core.configuration.handlerExecution {
        case .globalExecutor:
            conn.handlerTask = Task { [self] in
                let response = await work()
                self.post(.response(fd: fd, id: id, response))
            }
        case .immediate:
            conn.handlerTask = Task.immediate { [self] in
                let response = await work()
                self.post(.response(fd: fd, id: id, response))
            }
        case .eventLoop:
            conn.handlerTask = Task(executorPreference: self) { [self] in
                let response = await work()
                self.post(.response(fd: fd, id: id, response))
            }
        case .executor(let executor):
            conn.handlerTask = Task(executorPreference: executor) { [self] in
                let response = await work()
                self.post(.response(fd: fd, id: id, response))
            }
        }
    }

    private func deliver(fd: Int32, id: UInt64, response: HTTPResponse) {
        guard Int(fd) < connections.count, let conn = connections[Int(fd)], conn.id == id, conn.phase == .handling else {
            return
        }
        conn.handlerTask = nil
        var response = response
        if response.status < 200 || response.status > 999 {
            response = .status(500)
        }
        if !conn.keepAlive || draining { conn.closeAfterWrite = true }
        if let value = response.header("connection"), value.lowercased().contains("close") { conn.closeAfterWrite = true }
        core.counters.served.add(1, ordering: .relaxed) // counted before the client can see the response
        writeResponse(conn, response, includeBody: !conn.isHeadRequest)
    }

    private func sendError(_ conn: Connection, _ status: Int) {
        core.counters.protocolErrors.add(1, ordering: .relaxed)
        core.counters.served.add(1, ordering: .relaxed)
        conn.closeAfterWrite = true
        conn.inBuf = []
        conn.inStart = 0
        conn.head = nil
        conn.body = []
        conn.chunked = nil
        var response = core.configuration.errorResponse?(status) ?? .status(status)
        response.status = status
        writeResponse(conn, response, includeBody: true)
    }

    private func writeResponse(_ conn: Connection, _ response: HTTPResponse, includeBody: Bool) {
        conn.phase = .writing
        appendResponse(&conn.out, response, includeBody: includeBody, close: conn.closeAfterWrite,
                       http10KeepAlive: conn.head?.minorVersion == 0)
        flush(conn) // calls responseFlushed once everything is written
    }

    /// Writes pending output. Returns false if the connection was closed.
    @discardableResult
    private func flush(_ conn: Connection) -> Bool {
        while conn.outStart < conn.out.count {
            let n = conn.out.withUnsafeBytes { raw in
                send(conn.fd, raw.baseAddress! + conn.outStart, raw.count - conn.outStart, Int32(MSG_NOSIGNAL))
            }
            if n >= 0 {
                conn.outStart += n
            } else {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK {
                    conn.writable = false
                    if conn.phase == .writing {
                        conn.deadline = monotonicNow() + core.idleTimeoutNs
                        conn.deadlineAction = .close
                    }
                    return true
                }
                closeConnection(conn)
                return false
            }
        }
        conn.out.removeAll(keepingCapacity: conn.out.capacity <= 16_384)
        conn.outStart = 0
        if conn.phase == .writing { responseFlushed(conn) }
        return isAlive(conn)
    }

    private func responseFlushed(_ conn: Connection) {
        guard conn.phase == .writing, isAlive(conn) else { return }
        if conn.closeAfterWrite {
            startLingeringClose(conn)
            return
        }
        conn.phase = .head
        conn.head = nil
        conn.body = []
        conn.chunked = nil
        conn.sentContinue = false
        conn.requestStarted = false
        conn.scanResume = 0
        conn.deadline = monotonicNow() + core.idleTimeoutNs
        conn.deadlineAction = .close
        if conn.buffered > 0 { processInput(conn) }
        if isAlive(conn) && conn.readable && wantsInput(conn) { readAvailable(conn) }
    }

    private func startLingeringClose(_ conn: Connection) {
        conn.phase = .lingering
        conn.inBuf = []
        conn.inStart = 0
        Glibc.shutdown(conn.fd, Int32(SHUT_WR))
        // While draining for shutdown, do not wait long for clients that keep the socket open.
        let linger = draining ? 100_000_000 : min(Self.lingerTimeoutNs, max(core.requestTimeoutNs, 100_000_000))
        conn.deadline = monotonicNow() + linger
        conn.deadlineAction = .close
        if conn.readable { readAvailable(conn) }
    }

    private func closeConnection(_ conn: Connection) {
        guard isAlive(conn) else { return }
        connections[Int(conn.fd)] = nil
        if let task = conn.handlerTask {
            conn.handlerTask = nil
            task.cancel() // nobody will read the answer
        }
        close(conn.fd)
        liveCount -= 1
        core.counters.open.subtract(1, ordering: .relaxed)
    }

    // MARK: Timers

    private func scanTimers(now: Int64) {
        if !listening && !draining && now >= acceptPausedUntil {
            startListening()
        }
        if liveCount == 0 { return }
        for case let conn? in connections where conn.deadline != 0 && now >= conn.deadline {
            switch conn.deadlineAction {
            case .none:
                conn.deadline = 0
            case .close:
                closeConnection(conn)
            case .respond408:
                if conn.phase == .head || conn.phase == .body {
                    sendError(conn, 408)
                } else {
                    conn.deadline = 0
                }
            }
        }
        if draining {
            for case let conn? in connections where conn.phase == .head && !conn.requestStarted && !conn.hasPendingOutput {
                closeConnection(conn)
            }
        }
    }

    // MARK: Serialization

    private func currentDateLine() -> [UInt8] {
        let t = time(nil)
        if t != dateSecond {
            dateSecond = t
            dateLine = Array("Date: \(httpDate(t))\r\n".utf8)
        }
        return dateLine
    }

    private func appendResponse(_ out: inout [UInt8], _ response: HTTPResponse, includeBody: Bool, close: Bool,
                                http10KeepAlive: Bool) {
        let status = response.status
        out.reserveCapacity(out.count + 160 + response.body.count)
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        out.append(UInt8(48 + (status / 100) % 10))
        out.append(UInt8(48 + (status / 10) % 10))
        out.append(UInt8(48 + status % 10))
        out.append(SP)
        out.append(contentsOf: httpReasonPhrase(status).utf8)
        out.append(contentsOf: [CR, LF])
        var declaredLength: String? = nil
        for (name, value) in response.headers {
            switch name.utf8.count { // the framing and server-owned fields are replaced
            case 14 where asciiCaseInsensitiveEquals(name, "content-length"):
                declaredLength = value
                continue
            case 17 where asciiCaseInsensitiveEquals(name, "transfer-encoding"): continue
            case 10 where asciiCaseInsensitiveEquals(name, "connection"): continue
            case 4 where asciiCaseInsensitiveEquals(name, "date"): continue
            case 6 where asciiCaseInsensitiveEquals(name, "server"): continue
            default: break
            }
            guard !name.isEmpty, name.utf8.allSatisfy({ tcharTable[Int($0)] }) else { continue }
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            for b in value.utf8 { out.append((b < 0x20 && b != HT) || b == 0x7F ? SP : b) }
            out.append(contentsOf: [CR, LF])
        }
        out.append(contentsOf: currentDateLine())
        out.append(contentsOf: serverLine)
        let bodyAllowed = status != 204 && status != 304
        if bodyAllowed {
            var length = response.body.count
            if !includeBody && response.body.isEmpty, let declared = declaredLength, let v = Int(declared), v >= 0 {
                length = v // HEAD: the handler may declare the length a GET would have
            }
            out.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(&out, length)
            out.append(contentsOf: [CR, LF])
        }
        if close {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if http10KeepAlive {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: [CR, LF])
        if includeBody && bodyAllowed { out.append(contentsOf: response.body) }
    }
}

func appendDecimal(_ out: inout [UInt8], _ value: Int) {
    if value < 10 {
        out.append(UInt8(48 + value))
        return
    }
    var digits: [UInt8] = []
    var v = value
    while v > 0 {
        digits.append(UInt8(48 + v % 10))
        v /= 10
    }
    out.append(contentsOf: digits.reversed())
}

func sanitizeHeaderValue(_ s: String) -> String {
    String(decoding: s.utf8.map { ($0 < 0x20 && $0 != HT) || $0 == 0x7F ? SP : $0 }, as: UTF8.self)
}

/// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
func httpDate(_ t: time_t) -> String {
    var t = t
    var parts = tm()
    gmtime_r(&t, &parts)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
}

/// The IP address of a socket address (IPv4-mapped IPv6 shown as IPv4).
func addressString(_ storage: inout sockaddr_storage) -> String {
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    switch Int32(storage.ss_family) {
    case AF_INET:
        return withUnsafePointer(to: &storage) { ptr in
            ptr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                var addr = sin.pointee.sin_addr
                inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
                return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
    case AF_INET6:
        let text: String = withUnsafePointer(to: &storage) { ptr in
            ptr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                var addr = sin6.pointee.sin6_addr
                inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
                return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        if text.hasPrefix("::ffff:") && text.contains(".") { return String(text.dropFirst(7)) }
        return text
    default:
        return ""
    }
}

func sysconfNProcessors() -> Int {
    Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}

func errnoDescription(_ code: Int32) -> String {
    if let s = strerror(code) { return String(cString: s) }
    return "errno \(code)"
}
