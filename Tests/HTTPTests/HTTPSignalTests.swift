import Dispatch
import Glibc
import TestSupport
import XCTest
@testable import HTTP

final class HTTPSignalTests: XCTestCase {
    func testWaitForTerminationSignalReturnsOnSIGTERM() {
        let received = ResultBox<Int32>()
        let done = DispatchSemaphore(value: 0)
        Task {
            received.value = await HTTPServer.waitForTerminationSignal()
            done.signal()
        }
        usleep(300_000) // the signal sources are installed
        kill(getpid(), SIGTERM)
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(received.value, SIGTERM)
    }
}

final class HTTPErrorResponseHookTests: XCTestCase {
    func testCustomErrorResponseBodyIsUsedForProtocolErrors() throws {
        let server = try startServer {
            $0.maxBodyBytes = 10
            $0.errorResponse = { status in .json(#"{"errors":[{"message":"status \#(status)"}]}"#, status: 200) }
        }
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n")
        let r = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(r.status, 413, "the status stays the server's")
        XCTAssertEqual(r.header("content-type"), "application/json")
        XCTAssertEqual(r.text, #"{"errors":[{"message":"status 413"}]}"#)
        XCTAssertEqual(r.header("connection"), "close")
    }
}

final class HTTPCancellationTests: XCTestCase {
    func testHandlerTaskIsCancelledWhenClientResetsConnection() throws {
        let cancelled = ResultBox<Bool>()
        let server = try startServer(handler: { _ in
            try? await Task.sleep(for: .seconds(5))
            cancelled.value = Task.isCancelled
            return .text("late")
        })
        let start = Date()
        do {
            let client = try RawHTTPClient(port: server.boundPort)
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            usleep(100_000)
            var reset = linger(l_onoff: 1, l_linger: 0) // close with RST
            setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
        }
        while cancelled.value == nil && Date().timeIntervalSince(start) < 4 { usleep(10_000) }
        XCTAssertEqual(cancelled.value, true)
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
    }
}
