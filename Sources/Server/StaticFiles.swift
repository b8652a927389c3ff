// Serves the web client's build output (web/dist) with an SPA fallback:
// unknown paths without a file extension get index.html.
import HTTP
import Foundation

public struct StaticFiles: Sendable {
    let root: String

    public init?(root: String) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root + "/index.html", isDirectory: &isDir), !isDir.boolValue else { return nil }
        self.root = root
    }

    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

    public func serve(path: String) -> HTTPResponse {
        let clean = path.split(separator: "/").filter { $0 != "." && $0 != ".." && !$0.hasPrefix(".") }.joined(separator: "/")
        var file = clean.isEmpty ? "index.html" : clean
        var data = FileManager.default.contents(atPath: root + "/" + file)
        if data == nil, !(file.split(separator: "/").last ?? "").contains(".") {
            file = "index.html"
            data = FileManager.default.contents(atPath: root + "/index.html")
        }
        guard let data else {
            return HTTPResponse(status: 404, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array("not found\n".utf8))
        }
        // Hashed asset names (app-3F2A9C1B.js) never change: cache them for a year.
        let hashed = file.range(of: #"-[A-Za-z0-9]{8,}\.[a-z0-9]+$"#, options: .regularExpression) != nil
        return HTTPResponse(status: 200, headers: [
            ("Content-Type", Self.mimeType(file)),
            ("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache"),
            ("Content-Security-Policy", Self.contentSecurityPolicy),
            // Reset links carry their token in the URL: never pass it on as a referrer.
            ("Referrer-Policy", "no-referrer"),
        ], body: [UInt8](data))
    }

    static func mimeType(_ file: String) -> String {
        switch file.split(separator: ".").last.map({ $0.lowercased() }) ?? "" {
        case "html": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json", "map": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        case "txt": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
