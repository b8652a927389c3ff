import Foundation
import Glibc
import TestSupport
import XCTest
@testable import HTTP

final class HTTPServerBasicTests: XCTestCase {
    func testSimpleGetReturnsHandlerResponseWithDateAndContentLength() throws {
        let server = try startServer()
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("GET /hello?name=J%C3%BCrgen+M&x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let r = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.text.contains("method=GET path=/hello query=name=Jürgen M&x=1 version=HTTP/1.1"), r.text)
        XCTAssertTrue(r.text.contains("remote=127.0.0.1 "), r.text)
        XCTAssertNotNil(r.header("date"))
        XCTAssertEqual(r.header("content-length"), String(r.body.count))
        XCTAssertEqual(r.header("server"), "http")
        XCTAssertNil(r.header("connection"))
    }

    func testPostWithContentLengthBodyReachesHandler() throws {
        let server = try startServer()
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"query\":\"x\"}")
        let r = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.text.contains("ct=application/json bodylen=13 body={\"query\":\"x\"}"), r.text)
    }

    func testKeepAliveReusesConnection() throws {
        let server = try startServer()
        let client = try RawHTTPClient(port: server.boundPort)
        for i in 0..<5 {
            client.send("GET /n\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try XCTUnwrap(client.readResponse())
            XCTAssertTrue(r.text.contains("path=/n\(i) "))
        }
        XCTAssertEqual(server.metrics.totalAccepted, 1)
        XCTAssertEqual(server.metrics.requestsServed, 5)
        XCTAssertEqual(server.metrics.openConnections, 1)
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        let server = try startServer()
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nPOST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /third HTTP/1.1\r\nHost: x\r\n\r\n")
        let paths = (0..<3).compactMap { _ in client.readResponse() }.map { $0.text }
        XCTAssertEqual(paths.count, 3)
        XCTAssertTrue(paths[0].contains("path=/slow "))
        XCTAssertTrue(paths[1].contains("path=/second ") && paths[1].contains("body=abc"))
        XCTAssertTrue(paths[2].contains("path=/third "))
    }

    func testChunkedRequestBodyIsDecoded() throws {
        let server = try startServer()
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        let r = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.text.contains("bodylen=11 body=hello world"), r.text)
        // The connection stays usable.
        client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 200)
    }

    func testExpectContinueGetsInterimResponseBeforeBody() throws {
        let server = try startServer()
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        let interim = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(interim.status, 100)
        client.send("data")
        let r = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.text.contains("body=data"))
    }

    func testExpectContinueWithTooLargeBodyIs413WithoutContinue() throws {
        let server = try startServer()
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 413)
    }

    func testUnknownExpectationIs417() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nExpect: something\r\n\r\nx", 417)
    }

    func testHeadResponseHasLengthButNoBody() throws {
        let server = try startServer()
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try XCTUnwrap(client.readResponse(head: true))
        XCTAssertEqual(head.status, 200)
        XCTAssertGreaterThan(Int(head.header("content-length") ?? "0") ?? 0, 0)
        // The next bytes are the GET response, not a HEAD body.
        let get = try XCTUnwrap(client.readResponse())
        XCTAssertTrue(get.text.hasPrefix("method=GET path=/g"), get.text)
    }

    func testConnectionCloseIsHonoured() throws {
        let server = try startServer()
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let r = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(r.header("connection"), "close")
        XCTAssertTrue(client.waitForClose())
    }

    func testHTTP10ClosesUnlessKeepAlive() throws {
        let server = try startServer()
        let a = try RawHTTPClient(port: server.boundPort)
        a.send("GET /old HTTP/1.0\r\n\r\n")
        let r = try XCTUnwrap(a.readResponse())
        XCTAssertTrue(r.text.contains("version=HTTP/1.0"))
        XCTAssertTrue(a.waitForClose())

        let b = try RawHTTPClient(port: server.boundPort)
        b.send("GET /ka HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(b.readResponse()?.header("connection"), "keep-alive")
        b.send("GET /ka2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(b.readResponse()?.status, 200)
    }

    func testRequestSplitIntoOneByteWritesIsParsed() throws {
        let server = try startServer()
        let client = try RawHTTPClient(port: server.boundPort)
        var one: Int32 = 1
        setsockopt(client.fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        for byte in "POST /bytes?a=b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".utf8 {
            client.send([byte])
            usleep(200)
        }
        let r = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.text.contains("path=/bytes query=a=b") && r.text.contains("body=abc"), r.text)
    }

    func testHandlerHeadersAreKeptAndFramingHeadersReplaced() throws {
        let server = try startServer(handler: { _ in
            HTTPResponse(status: 201, headers: [("X-Custom", "yes"), ("Content-Length", "999"), ("Transfer-Encoding", "chunked"),
                                                ("Bad\r\nName", "v"), ("X-Split", "a\r\nInjected: 1")],
                         body: "made")
        })
        let client = try RawHTTPClient(port: server.boundPort)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let r = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(r.status, 201)
        XCTAssertEqual(r.header("x-custom"), "yes")
        XCTAssertEqual(r.header("content-length"), "4")
        XCTAssertNil(r.header("transfer-encoding"))
        XCTAssertNil(r.header("injected"))
        XCTAssertEqual(r.text, "made")
    }

    func testIPv6LoopbackListen() throws {
        let server = try startServer { $0.host = "::1" }
        let client = try RawHTTPClient(port: server.boundPort, host: "::1")
        client.send("GET /six HTTP/1.1\r\nHost: [::1]\r\n\r\n")
        let r = try XCTUnwrap(client.readResponse())
        XCTAssertTrue(r.text.contains("remote=::1 "), r.text)
    }

    func testBracketedIPv6HostIsAccepted() throws {
        let server = try startServer { $0.host = "[::1]" }
        let client = try RawHTTPClient(port: server.boundPort, host: "::1")
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 200)
    }

    func testPortInUseIsAClearError() throws {
        let first = try startServer()
        var config = HTTPServerConfiguration(host: "127.0.0.1", port: first.boundPort)
        config.threads = 1
        let second = HTTPServer(configuration: config, handler: echoHandler)
        XCTAssertThrowsError(try second.start()) { error in
            XCTAssertEqual("\(error)", "cannot listen on 127.0.0.1:\(first.boundPort): address already in use")
        }
    }
}

/// Shared helper: a request that must be answered with `status` and a closed connection,
/// after which the server still serves a fresh connection.
extension XCTestCase {
    func assertRejected(_ request: String, _ status: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let server = try startServer()
        try assertRejected(server: server, Array(request.utf8), status, file: file, line: line)
    }

    func assertRejected(server: HTTPServer, _ request: [UInt8], _ status: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let client = try RawHTTPClient(port: server.boundPort)
        client.send(request)
        let r = client.readResponse()
        XCTAssertEqual(r?.status, status, "status", file: file, line: line)
        XCTAssertEqual(r?.header("connection"), "close", file: file, line: line)
        XCTAssertEqual(r?.header("content-type"), "text/plain; charset=utf-8", file: file, line: line)
        XCTAssertTrue(client.waitForClose(), "connection closed", file: file, line: line)
        let healthy = try RawHTTPClient(port: server.boundPort)
        healthy.send("GET /healthy HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(healthy.readResponse()?.status, 200, "server still healthy", file: file, line: line)
    }
}
