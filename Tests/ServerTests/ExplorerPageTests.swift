import Foundation
import XCTest
@testable import Server

/// The explorer page is generated from web-explorer/ by web-explorer/generate.py;
/// these tests hold the properties the server and its CSP rely on.
final class ExplorerPageTests: XCTestCase {
    func testHTMLHoldsTheQueryPlaceholderExactlyOnceInsideTheEditor() {
        let html = ExplorerPage.html
        XCTAssertEqual(html.components(separatedBy: "{{INITIAL_QUERY}}").count, 2)
        XCTAssertTrue(html.contains(#"aria-describedby="query-help">{{INITIAL_QUERY}}</textarea>"#))
        XCTAssertFalse(ExplorerPage.script.contains("{{INITIAL_QUERY}}"))
    }

    func testHTMLLoadsOnlyItsOwnScriptAndHasNoInlineScript() {
        let html = ExplorerPage.html
        XCTAssertEqual(html.components(separatedBy: "<script").count, 2, "exactly one script element")
        XCTAssertTrue(html.contains("<script src=\"\(ExplorerPage.scriptPath)\"></script>"))
        XCTAssertEqual(ExplorerPage.scriptPath, "/graphql/explorer.js")
        for handler in [" onclick=", " onload=", " oninput=", " onkeydown=", "javascript:"] {
            XCTAssertFalse(html.contains(handler), "inline handler \(handler) would be blocked by the CSP")
        }
    }

    func testContentSecurityPolicyAllowsNoInlineScriptAndNoOtherOrigin() {
        let directives = Dictionary(uniqueKeysWithValues: ExplorerPage.contentSecurityPolicy
            .split(separator: ";")
            .map { $0.split(separator: " ").map(String.init) }
            .map { ($0[0], Array($0.dropFirst())) })
        XCTAssertEqual(directives["default-src"], ["'none'"])
        XCTAssertEqual(directives["script-src"], ["'self'"])
        XCTAssertEqual(directives["connect-src"], ["'self'"])
        XCTAssertEqual(directives["style-src"], ["'self'", "'unsafe-inline'"])
        XCTAssertEqual(directives["img-src"], ["'self'", "data:"])
        XCTAssertEqual(directives["base-uri"], ["'none'"])
        XCTAssertEqual(directives["form-action"], ["'none'"])
        XCTAssertEqual(directives["frame-ancestors"], ["'none'"])
    }

    func testPageFetchesNothingFromOutsideTheServer() {
        for text in [ExplorerPage.html, ExplorerPage.script] {
            XCTAssertFalse(text.contains("http://"))
            XCTAssertFalse(text.contains("https://"))
            XCTAssertFalse(text.contains("//cdn"))
        }
    }

    func testScriptPostsJSONAndAcceptsGraphQLResponseJSON() {
        let script = ExplorerPage.script
        XCTAssertTrue(script.contains(#"var ENDPOINT = "/graphql";"#))
        XCTAssertTrue(script.contains(#""Content-Type": "application/json""#))
        XCTAssertTrue(script.contains(#""Accept": "application/graphql-response+json, application/json""#))
        XCTAssertTrue(script.contains(#"method: "POST""#))
    }

    func testGeneratedFileMatchesItsSourcesInWebExplorer() throws {
        // Tests/ServerTests/ExplorerPageTests.swift -> repository root
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        func source(_ name: String) throws -> String {
            let text = try String(contentsOf: root.appendingPathComponent("web-explorer/\(name)"), encoding: .utf8)
            var trimmed = Substring(text)
            while trimmed.last == "\n" { trimmed.removeLast() }
            return String(trimmed)
        }
        XCTAssertEqual(ExplorerPage.html, try source("explorer.html"), "run python3 web-explorer/generate.py")
        XCTAssertEqual(ExplorerPage.script, try source("explorer.js"), "run python3 web-explorer/generate.py")
    }
}
