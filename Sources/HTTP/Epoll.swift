// epoll and eventfd, which the Glibc module does not export. The functions are looked up with
// dlsym and called through C function pointers (exact C ABI); the constants and the layout of
// struct epoll_event come from <sys/epoll.h> / <sys/eventfd.h>.

import Glibc

let EPOLLIN_: UInt32 = 0x001
let EPOLLOUT_: UInt32 = 0x004
let EPOLLERR_: UInt32 = 0x008
let EPOLLHUP_: UInt32 = 0x010
let EPOLLRDHUP_: UInt32 = 0x2000
let EPOLLEXCLUSIVE_: UInt32 = 1 << 28
let EPOLLET_: UInt32 = 1 << 31
let EPOLL_CTL_ADD_: Int32 = 1
let EPOLL_CTL_DEL_: Int32 = 2
let EPOLL_CLOEXEC_: Int32 = 0o2000000
let EFD_CLOEXEC_: Int32 = 0o2000000
let EFD_NONBLOCK_: Int32 = 0o4000

#if arch(x86_64)
/// struct epoll_event is packed on x86-64: u32 events, u64 data.
let epollEventSize = 12
let epollDataOffset = 4
#else
let epollEventSize = 16
let epollDataOffset = 8
#endif

private typealias EpollCreate1Fn = @convention(c) (Int32) -> Int32
private typealias EpollCtlFn = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
private typealias EpollWaitFn = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
private typealias EventfdFn = @convention(c) (UInt32, Int32) -> Int32
private typealias Accept4Fn = @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

private func lookup<T>(_ name: String, as type: T.Type) -> T {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
        fatalError("libc has no \(name)")
    }
    return unsafeBitCast(symbol, to: type)
}

private struct EpollFunctions: @unchecked Sendable {
    let create1: EpollCreate1Fn = lookup("epoll_create1", as: EpollCreate1Fn.self)
    let ctl: EpollCtlFn = lookup("epoll_ctl", as: EpollCtlFn.self)
    let wait: EpollWaitFn = lookup("epoll_wait", as: EpollWaitFn.self)
    let eventfd: EventfdFn = lookup("eventfd", as: EventfdFn.self)
    let accept4: Accept4Fn = lookup("accept4", as: Accept4Fn.self)
}

private let epollFunctions = EpollFunctions()

func sysEpollCreate() -> Int32 { epollFunctions.create1(EPOLL_CLOEXEC_) }

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
func sysAccept(_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>) -> Int32 {
    epollFunctions.accept4(fd, address, length, 0o4000 | 0o2000000)
}

func sysEventfd() -> Int32 { epollFunctions.eventfd(0, EFD_NONBLOCK_ | EFD_CLOEXEC_) }

func sysEpollAdd(_ epfd: Int32, _ fd: Int32, events: UInt32, token: UInt64) -> Int32 {
    withUnsafeTemporaryAllocation(byteCount: 16, alignment: 8) { raw in
        raw.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
        raw.storeBytes(of: token, toByteOffset: epollDataOffset, as: UInt64.self)
        return epollFunctions.ctl(epfd, EPOLL_CTL_ADD_, fd, raw.baseAddress)
    }
}

func sysEpollDelete(_ epfd: Int32, _ fd: Int32) {
    withUnsafeTemporaryAllocation(byteCount: 16, alignment: 8) { raw in
        raw.storeBytes(of: UInt64(0), toByteOffset: 0, as: UInt64.self)
        _ = epollFunctions.ctl(epfd, EPOLL_CTL_DEL_, fd, raw.baseAddress)
    }
}

/// A buffer of epoll events for epoll_wait.
struct EpollEvents {
    let capacity: Int32
    let raw: UnsafeMutableRawPointer

    init(capacity: Int32) {
        self.capacity = capacity
        raw = .allocate(byteCount: Int(capacity) * epollEventSize, alignment: 8)
    }

    func deallocate() { raw.deallocate() }

    func wait(_ epfd: Int32, timeoutMs: Int32) -> Int32 {
        epollFunctions.wait(epfd, raw, capacity, timeoutMs)
    }

    func events(at i: Int) -> UInt32 {
        raw.loadUnaligned(fromByteOffset: i * epollEventSize, as: UInt32.self)
    }

    func token(at i: Int) -> UInt64 {
        raw.loadUnaligned(fromByteOffset: i * epollEventSize + epollDataOffset, as: UInt64.self)
    }
}
