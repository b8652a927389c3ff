// The query explorer served at GET /graphql to browsers. The page is static;
// its script is served from /graphql/explorer.js so the CSP needs no inline script.
enum ExplorerPage {
    static let scriptPath = "/graphql/explorer.js"
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    static let html = #"""
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clinic GraphQL explorer</title></head>
<body><textarea id="query">{{INITIAL_QUERY}}</textarea><script src="/graphql/explorer.js"></script></body></html>
"""#
    static let script = "/* explorer arrives with its own commit */"
}
