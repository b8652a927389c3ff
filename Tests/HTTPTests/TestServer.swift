// Starting the server under test (the raw client is TestSupport's RawHTTPClient).

import Dispatch
import Foundation
import Glibc
import XCTest
@testable import HTTP

/// Runs async work from a synchronous test and waits for it.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = ResultBox<T>()
    let semaphore = DispatchSemaphore(value: 0)
    Task {
        box.value = await body()
        semaphore.signal()
    }
    semaphore.wait()
    return box.value!
}

final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// A request handler echoing what it received; `/slow` sleeps 500 ms first.
let echoHandler: HTTPHandler = { request in
    if request.path == "/slow" {
        try? await Task.sleep(for: .milliseconds(500))
    }
    if request.path == "/status" {
        return .status(Int(request.queryItem("code") ?? "200") ?? 200)
    }
    let query = request.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    let text = "method=\(request.method) path=\(request.path) query=\(query) version=\(request.version) "
        + "remote=\(request.remoteAddress) ct=\(request.headers["content-type"] ?? "-") "
        + "bodylen=\(request.body.count) body=\(request.bodyText)"
    return .text(text)
}

extension XCTestCase {
    func startServer(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                     handler: @escaping HTTPHandler = echoHandler) throws -> HTTPServer {
        var config = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        config.threads = 2
        configure(&config)
        let server = HTTPServer(configuration: config, handler: handler)
        try server.start()
        addTeardownBlock {
            blocking { await server.shutdown(gracePeriod: .milliseconds(200)) }
        }
        return server
    }
}
