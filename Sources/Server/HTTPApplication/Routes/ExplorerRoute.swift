// The explorer: GET /graphql from a browser (text/html) gets the page, with
// the `query` parameter prefilled; its script is served beside it.
import HTTP

struct ExplorerRoute: Sendable {
    let html: String

    init(html: String = ExplorerPage.html) { self.html = html }

    func page(query: String?) -> HTTPResponse {
        let prefill = Self.htmlEscape(query ?? "")
        let page = html.replacingOccurrences(of: "{{INITIAL_QUERY}}", with: prefill)
        return HTTPResponse(status: 200, headers: [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", ExplorerPage.contentSecurityPolicy),
        ], body: Array(page.utf8))
    }

    func script() -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/javascript; charset=utf-8"), ("Cache-Control", "no-cache")],
                     body: Array(ExplorerPage.script.utf8))
    }

    static func htmlEscape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
