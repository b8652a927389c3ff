import Foundation
import Glibc
import TestSupport
import XCTest
@testable import HTTP

final class HTTPRejectionTests: XCTestCase {
    func testContentLengthAndTransferEncodingTogetherIs400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400)
    }

    func testDifferingContentLengthsAre400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400)
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!", 400)
    }

    func testIdenticalRepeatedContentLengthIsAccepted() throws {
        let server = try startServer()
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello")
        XCTAssertTrue(client.readResponse()?.text.contains("body=hello") ?? false)
    }

    func testNegativeContentLengthIs400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nhello", 400)
    }

    func testNonDigitContentLengthIs400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\nhello", 400)
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello", 400)
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\nhello", 400)
    }

    func testHugeContentLengthThatOverflowsIs400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999999\r\n\r\nhello", 400)
    }

    func testContentLengthOverBodyLimitIs413() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\nhello", 413)
    }

    func testChunkedBodyOverLimitIs413() throws {
        let server = try startServer { $0.maxBodyBytes = 1000 }
        var request = Array("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for _ in 0..<3 { request += Array("200\r\n".utf8) + [UInt8](repeating: 65, count: 512) + Array("\r\n".utf8) }
        request += Array("0\r\n\r\n".utf8)
        try assertRejected(server: server, request, 413)
    }

    func testBadChunkSizeIs400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400)
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", 400)
    }

    func testChunkDataWithoutCRLFIs400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", 400)
    }

    func testEnormousChunkSizeIs413() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFF\r\nabc\r\n", 413)
    }

    func testObsFoldIs400() throws {
        try assertRejected("GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n  continued\r\n\r\n", 400)
    }

    func testInvalidHeaderNameIs400() throws {
        try assertRejected("GET / HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n", 400)
        try assertRejected("GET / HTTP/1.1\r\nHost: x\r\nBad(name): x\r\n\r\n", 400)
        try assertRejected("GET / HTTP/1.1\r\nHost: x\r\nX-Space : x\r\n\r\n", 400)
        try assertRejected("GET / HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n", 400)
    }

    func testBareCRIs400() throws {
        try assertRejected("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400)
    }

    func testBareLFIs400() throws {
        try assertRejected("GET / HTTP/1.1\nHost: x\n\n", 400)
    }

    func testControlCharacterInHeaderValueIs400() throws {
        try assertRejected("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u{0}b\r\n\r\n", 400)
    }

    func testMissingHostOnHTTP11Is400() throws {
        try assertRejected("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400)
    }

    func testDuplicateHostIs400() throws {
        try assertRejected("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)
    }

    func testUnsupportedTransferEncodingIs501() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501)
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: bogus\r\n\r\n", 501)
    }

    func testChunkedNotLastIs400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400)
    }

    func testTransferEncodingInHTTP10Is400() throws {
        try assertRejected("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400)
    }

    func testGarbageRequestLineIs400() throws {
        try assertRejected("HELLO\r\n\r\n", 400)
        try assertRejected("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400)
        try assertRejected("GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400)
        try assertRejected("GET noslash HTTP/1.1\r\nHost: x\r\n\r\n", 400)
        try assertRejected("\u{16}\u{3}\u{1}\u{0}\u{a5}\u{1}\u{0}\u{0}\r\n\r\n", 400)
    }

    func testUnsupportedHTTPVersionIs505() throws {
        try assertRejected("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505)
    }

    func testHundredKilobyteHeaderLineIs431AndServerStaysHealthy() throws {
        let server = try startServer()
        let request = Array("GET / HTTP/1.1\r\nHost: x\r\nX-Big: ".utf8) + [UInt8](repeating: 97, count: 100_000) + Array("\r\n\r\n".utf8)
        try assertRejected(server: server, request, 431)
    }

    func testManyHeadersOverLimitAre431() throws {
        var request = "GET / HTTP/1.1\r\nHost: x\r\n"
        for i in 0..<400 { request += "X-Header-\(i): 0123456789012345678901234567890123456789\r\n" }
        request += "\r\n"
        try assertRejected(request, 431)
    }

    func testHeadersJustUnderLimitAreAccepted() throws {
        let server = try startServer { $0.maxHeaderBytes = 1024 }
        let prefix = "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: "
        let pad = String(repeating: "p", count: 1024 - prefix.utf8.count - 4)
        let client = try RawHTTPClient(port: server.boundPort)
        client.send(prefix + pad + "\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 200)
        try assertRejected(server: server, Array((prefix + pad + "p\r\n\r\n").utf8), 431)
    }
}

final class HTTPRobustnessTests: XCTestCase {
    private func waitUntil(timeout: Double = 3, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    func testClientDisconnectingMidBodyIsCleanedUp() throws {
        let server = try startServer()
        do {
            let client = try RawHTTPClient(port: server.boundPort)
            client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly-a-little")
            XCTAssertTrue(waitUntil { server.metrics.openConnections == 1 })
        }
        XCTAssertTrue(waitUntil { server.metrics.openConnections == 0 }, "connection released")
        let healthy = try RawHTTPClient(port: server.boundPort)
        healthy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(healthy.readResponse()?.status, 200)
    }

    func testLargeResponseIsWrittenCompletelyAcrossPartialWrites() throws {
        let big = [UInt8]((0..<5_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let server = try startServer(handler: { _ in HTTPResponse(status: 200, body: big) })
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(200_000) // let the server fill the socket buffer and wait for EPOLLOUT
        let r = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(r.body.count, big.count)
        XCTAssertTrue(r.body == big)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.body.count, big.count)
    }

    func testClientDisconnectingMidResponseIsCleanedUp() throws {
        let big = [UInt8](repeating: 120, count: 8_000_000)
        let server = try startServer(handler: { _ in HTTPResponse(status: 200, body: big) })
        do {
            let client = try RawHTTPClient(port: server.boundPort)
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            usleep(100_000)
        }
        XCTAssertTrue(waitUntil { server.metrics.openConnections == 0 }, "connection released")
        let healthy = try RawHTTPClient(port: server.boundPort)
        healthy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(healthy.readResponse()?.body.count, big.count)
    }

    func testSlowRequestGets408() throws {
        let server = try startServer { $0.requestTimeout = .milliseconds(700) }
        let client = try RawHTTPClient(port: server.boundPort)
        let start = Date()
        client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        // Keep trickling bytes that never complete the body: the whole request has a deadline.
        usleep(300_000)
        client.send("d")
        let r = client.readResponse()
        XCTAssertEqual(r?.status, 408)
        XCTAssertEqual(r?.header("connection"), "close")
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertGreaterThan(elapsed, 0.6)
        XCTAssertLessThan(elapsed, 2.0)
        XCTAssertTrue(client.waitForClose())
    }

    func testSlowHeadersGet408() throws {
        let server = try startServer { $0.requestTimeout = .milliseconds(500) }
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n")
        for _ in 0..<3 {
            usleep(200_000)
            client.send("X-Slow: 1\r\n")
        }
        XCTAssertEqual(client.readResponse()?.status, 408)
    }

    func testFreshConnectionDeadlineRunsFromAcceptNotFirstByte() throws {
        let server = try startServer { $0.requestTimeout = .milliseconds(600) }
        let client = try RawHTTPClient(port: server.boundPort)
        let start = Date()
        usleep(400_000)
        client.send("GET / HTTP/1.1\r\n")
        XCTAssertEqual(client.readResponse()?.status, 408)
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.95)
    }

    func testSilentFreshConnectionIsClosedAfterRequestTimeout() throws {
        let server = try startServer { $0.requestTimeout = .milliseconds(400) }
        let client = try RawHTTPClient(port: server.boundPort)
        let start = Date()
        XCTAssertTrue(client.waitForClose())
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.5)
    }

    func testIdleKeepAliveConnectionIsClosedAfterTimeout() throws {
        let server = try startServer { $0.idleTimeout = .milliseconds(600) }
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 200)
        let start = Date()
        XCTAssertTrue(client.waitForClose())
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertGreaterThan(elapsed, 0.5)
        XCTAssertLessThan(elapsed, 2.0)
        XCTAssertEqual(client.bufferedByteCount, 0)
    }

    func testTwoHundredConcurrentKeepAliveConnections() throws {
        let server = try startServer()
        var clients: [RawHTTPClient] = []
        for _ in 0..<200 { clients.append(try RawHTTPClient(port: server.boundPort)) }
        for round in 0..<5 {
            for (i, c) in clients.enumerated() { c.send("GET /c\(i)/r\(round) HTTP/1.1\r\nHost: x\r\n\r\n") }
            for (i, c) in clients.enumerated() {
                let r = c.readResponse()
                XCTAssertEqual(r?.status, 200)
                XCTAssertTrue(r?.text.contains("path=/c\(i)/r\(round) ") ?? false)
            }
        }
        XCTAssertEqual(server.metrics.totalAccepted, 200)
        XCTAssertEqual(server.metrics.openConnections, 200)
        XCTAssertEqual(server.metrics.requestsServed, 1000)
    }

    func testSlowHandlerDoesNotBlockOtherConnections() throws {
        // One loop thread only: the waiting handler must not hold it.
        let server = try startServer { $0.threads = 1 }
        let slow = try RawHTTPClient(port: server.boundPort)
        let start = Date()
        slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(20_000)
        let fast = try RawHTTPClient(port: server.boundPort)
        for i in 0..<20 {
            fast.send("GET /fast\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(fast.readResponse()?.status, 200)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.4, "fast requests served while /slow waits")
        XCTAssertTrue(slow.readResponse()?.text.contains("path=/slow") ?? false)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.5)
    }

    func testConnectionCapClosesTheLongestIdleConnectionForANewOne() throws {
        let server = try startServer { $0.maxConnections = 2; $0.threads = 1 }
        let a = try RawHTTPClient(port: server.boundPort)
        let b = try RawHTTPClient(port: server.boundPort)
        for c in [a, b] {
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(c.readResponse()?.status, 200)
        }
        // Both are idle keep-alive connections: the newcomer takes a's place (idle the longest).
        let c = try RawHTTPClient(port: server.boundPort)
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.status, 200)
        XCTAssertTrue(a.waitForClose())
        b.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(b.readResponse()?.status, 200)
        XCTAssertEqual(server.metrics.connectionsRefused, 0)
        XCTAssertEqual(server.metrics.idleConnectionsEvicted, 1)
    }

    func testConnectionCapRefusesWith503WhenNoConnectionIsIdle() throws {
        let server = try startServer { $0.maxConnections = 2; $0.threads = 1 }
        // One waits for its handler, the other is halfway through its head: neither is idle.
        let a = try RawHTTPClient(port: server.boundPort)
        a.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        let b = try RawHTTPClient(port: server.boundPort)
        b.send("GET / HTTP/1.1\r\nHost:")
        usleep(100_000)
        let refused = try RawHTTPClient(port: server.boundPort)
        XCTAssertEqual(refused.readResponse()?.status, 503)
        XCTAssertTrue(refused.waitForClose())
        XCTAssertEqual(server.metrics.connectionsRefused, 1)
        XCTAssertEqual(server.metrics.idleConnectionsEvicted, 0)
        // The existing connections still work.
        XCTAssertTrue(a.readResponse()?.text.contains("path=/slow") ?? false)
        b.send(" x\r\n\r\n")
        XCTAssertEqual(b.readResponse()?.status, 200)
    }

    func testGracefulShutdownFinishesInFlightRequestAndRefusesNewConnections() throws {
        let server = try startServer()
        let port = server.boundPort
        let idle = try RawHTTPClient(port: port)
        idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(idle.readResponse()?.status, 200)
        let inFlight = try RawHTTPClient(port: port)
        inFlight.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(100_000)
        let done = DispatchSemaphore(value: 0)
        Task {
            await server.shutdown(gracePeriod: .seconds(5))
            done.signal()
        }
        usleep(100_000)
        XCTAssertThrowsError(try RawHTTPClient(port: port), "new connections are refused")
        XCTAssertTrue(idle.waitForClose(), "idle keep-alive connection closed")
        let r = inFlight.readResponse()
        XCTAssertEqual(r?.status, 200)
        XCTAssertTrue(r?.text.contains("path=/slow") ?? false)
        XCTAssertEqual(r?.header("connection"), "close")
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(server.metrics.openConnections, 0)
    }

    func testShutdownGracePeriodBoundsAStuckHandler() throws {
        let server = try startServer(handler: { _ in
            try? await Task.sleep(for: .seconds(30))
            return .text("late")
        })
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(50_000)
        let start = Date()
        blocking { await server.shutdown(gracePeriod: .milliseconds(300)) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        XCTAssertTrue(client.waitForClose())
    }

    func testSlowHandlerDoesNotBlockOthersInEveryExecutionMode() throws {
        for mode in [HTTPHandlerExecution.immediate, .eventLoop] {
            let server = try startServer { $0.handlerExecution = mode; $0.threads = 1 }
            let slow = try RawHTTPClient(port: server.boundPort)
            let start = Date()
            slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /after-slow HTTP/1.1\r\nHost: x\r\n\r\n")
            usleep(20_000)
            let fast = try RawHTTPClient(port: server.boundPort)
            for i in 0..<10 {
                fast.send("GET /fast\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
                XCTAssertTrue(fast.readResponse()?.text.contains("path=/fast\(i) ") ?? false, "\(mode)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 0.4, "\(mode)")
            XCTAssertTrue(slow.readResponse()?.text.contains("path=/slow ") ?? false, "\(mode)")
            XCTAssertTrue(slow.readResponse()?.text.contains("path=/after-slow ") ?? false, "\(mode)")
            XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.5, "\(mode)")
        }
    }

    func testRandomGarbageNeverCrashesTheServer() throws {
        let server = try startServer()
        var generator = SystemRandomNumberGenerator()
        for i in 0..<60 {
            let client = try RawHTTPClient(port: server.boundPort, timeoutSeconds: 2)
            let count = Int.random(in: 1...3000, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if i % 3 == 0 { bytes = Array("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8) + bytes }
            if i % 3 == 1 { bytes = Array("GET / HTTP/1.1\r\n".utf8) + bytes + Array("\r\n\r\n".utf8) }
            client.send(bytes)
            Glibc.shutdown(client.fd, Int32(SHUT_WR))
            if let r = client.readResponse() { XCTAssertTrue((400..<600).contains(r.status), "status \(r.status)") }
        }
        let healthy = try RawHTTPClient(port: server.boundPort)
        healthy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(healthy.readResponse()?.status, 200)
    }
}

final class HTTPUnitTests: XCTestCase {
    func testQueryItemsArePercentAndPlusDecoded() {
        let items = parseQueryItems("query=%7B+me+%7D&variables=&flag&bad=%zz%4&x=a%2Bb")
        XCTAssertEqual(items.map(\.name), ["query", "variables", "flag", "bad", "x"])
        XCTAssertEqual(items.map(\.value), ["{ me }", "", "", "%zz%4", "a+b"])
    }

    func testRequestSplitsPathAndQuery() {
        let r = HTTPRequest(method: "GET", target: "/graphql?query=%7B__typename%7D")
        XCTAssertEqual(r.path, "/graphql")
        XCTAssertEqual(r.rawQuery, "query=%7B__typename%7D")
        XCTAssertEqual(r.queryItem("query"), "{__typename}")
        let absolute = HTTPRequest(method: "GET", target: "http://example.com/a/b?c=d")
        XCTAssertEqual(absolute.path, "/a/b")
        XCTAssertEqual(absolute.queryItem("c"), "d")
    }

    func testHeaderLookupIsCaseInsensitiveAndOrdered() {
        var h = HTTPHeaders([("Content-Type", "application/json"), ("X-A", "1"), ("x-a", "2")])
        XCTAssertEqual(h["content-type"], "application/json")
        XCTAssertEqual(h["X-a"], "1")
        XCTAssertEqual(h.values(for: "X-A"), ["1", "2"])
        XCTAssertNil(h["missing"])
        h.replace(name: "x-a", value: "3")
        XCTAssertEqual(h.values(for: "X-A"), ["3"])
    }

    func testHTTPDateFormat() {
        XCTAssertEqual(httpDate(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    func testResponseHelpers() {
        let r = HTTPResponse.json("{}", status: 400, contentType: "application/graphql-response+json")
        XCTAssertEqual(r.header("content-type"), "application/graphql-response+json")
        XCTAssertEqual(r.body, Array("{}".utf8))
        XCTAssertEqual(HTTPResponse.status(404).body, Array("Not Found\n".utf8))
    }
}
