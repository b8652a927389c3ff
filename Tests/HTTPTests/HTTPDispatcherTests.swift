// A server with a dispatcher: answers known on the event loop go out without a task; the rest
// run as handler tasks, in order on each connection.
import Foundation
import Glibc
import Synchronization
import TestSupport
import XCTest
@testable import HTTP

final class HTTPDispatcherTests: XCTestCase {
    /// `/now` answered on the loop, `/task` by a task (after a short sleep), recording where each ran.
    final class Recorder: Sendable {
        let onLoop = Atomic<Int>(0)
        let inTask = Atomic<Int>(0)

        var dispatcher: HTTPDispatcher {
            { [self] request in
                if request.path == "/task" {
                    return .run { [self] in
                        try? await Task.sleep(for: .milliseconds(5))
                        inTask.add(1, ordering: .relaxed)
                        return .text("task \(request.queryItem("n") ?? "")")
                    }
                }
                onLoop.add(1, ordering: .relaxed)
                return .respond(.text("now \(request.queryItem("n") ?? "")"))
            }
        }
    }

    final class UncheckedBox<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    func start(_ recorder: Recorder) throws -> HTTPServer {
        var config = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        config.threads = 2
        let server = HTTPServer(configuration: config, dispatcher: recorder.dispatcher)
        try server.start()
        addTeardownBlock { blocking { await server.shutdown(gracePeriod: .milliseconds(200)) } }
        return server
    }

    func testAnswersKnownOnTheLoopAndTasksInterleaveInOrder() throws {
        let recorder = Recorder()
        let server = try start(recorder)
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("GET /now?n=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /task?n=2 HTTP/1.1\r\nHost: x\r\n\r\nGET /now?n=3 HTTP/1.1\r\nHost: x\r\n\r\n")
        let texts = (0..<3).compactMap { _ in client.readResponse() }.map(\.text)
        XCTAssertEqual(texts, ["now 1", "task 2", "now 3"])
        XCTAssertEqual(recorder.onLoop.load(ordering: .relaxed), 2)
        XCTAssertEqual(recorder.inTask.load(ordering: .relaxed), 1)
        XCTAssertEqual(server.metrics.requestsServed, 3)
    }

    /// Thousands of pipelined requests answered on the loop: one after another through the
    /// loop's inbox, not by recursion (which would overflow the loop thread's stack).
    func testManyPipelinedRequestsAnsweredOnTheLoop() throws {
        let recorder = Recorder()
        let server = try start(recorder)
        let client = try RawHTTPClient(port: server.boundPort)
        let n = 5_000
        // Sent from another thread while this one reads: neither side's socket buffer can fill up.
        let sender = UncheckedBox(client)
        let payload = (0..<n).map { "GET /now?n=\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined()
        let sent = DispatchSemaphore(value: 0)
        Thread { sender.value.send(payload); sent.signal() }.start()
        defer { sent.wait() }
        var last = ""
        for i in 0..<n {
            guard let r = client.readResponse() else { return XCTFail("no response \(i)") }
            last = r.text
            if r.text != "now \(i)" { return XCTFail("response \(i): \(r.text)") }
        }
        XCTAssertEqual(last, "now \(n - 1)")
        // The connection is still served.
        client.send("GET /task?n=x HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "task x")
    }

    func testHeadAndConnectionCloseHoldForLoopAnswers() throws {
        let server = try start(Recorder())
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("HEAD /now?n=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try XCTUnwrap(client.readResponse(head: true))
        XCTAssertEqual(head.header("content-length"), "5")
        XCTAssertTrue(head.body.isEmpty)
        client.send("GET /now?n=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let last = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(last.text, "now 2")
        XCTAssertEqual(last.header("connection"), "close")
        XCTAssertTrue(client.waitForClose())
    }
}
