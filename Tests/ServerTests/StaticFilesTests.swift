// The web client's files: SPA fallback, caching by name, and headers that keep
// a reset link's token out of referrers.
import Foundation
@testable import Server
import XCTest

final class StaticFilesTests: XCTestCase {
    func testResetLinksFallBackToTheAppWithoutLeakingTheTokenAsAReferrer() throws {
        let dir = NSTemporaryDirectory() + "static-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "<!doctype html><title>app</title>".write(toFile: dir + "/index.html", atomically: true, encoding: .utf8)
        try "console.log(1)".write(toFile: dir + "/main-S6UWFOVV.js", atomically: true, encoding: .utf8)
        let files = try XCTUnwrap(StaticFiles(root: dir))

        let page = files.serve(path: "/reset")
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(String(decoding: page.body, as: UTF8.self), "<!doctype html><title>app</title>")
        XCTAssertEqual(page.headers.first { $0.0 == "Referrer-Policy" }?.1, "no-referrer")
        XCTAssertEqual(page.headers.first { $0.0 == "Cache-Control" }?.1, "no-cache")

        let asset = files.serve(path: "/main-S6UWFOVV.js")
        XCTAssertEqual(asset.headers.first { $0.0 == "Cache-Control" }?.1, "public, max-age=31536000, immutable")
        XCTAssertEqual(files.serve(path: "/missing.js").status, 404)
        // Dot segments are dropped: outside paths fall back to the app, never to the file.
        XCTAssertEqual(String(decoding: files.serve(path: "/../../etc/passwd").body, as: UTF8.self), "<!doctype html><title>app</title>")
    }
}
