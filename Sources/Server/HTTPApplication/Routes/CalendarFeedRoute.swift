// GET /calendar/<token>.ics: a doctor's private iCal feed for calendar apps,
// which cannot sign in, so the unguessable token in the URL is the
// credential. Any path under /calendar/ that is not a live token gets the
// router's plain 404 (same body, same headers), so a probe learns nothing.
// Two SQL statements per request, whatever the doctor's schedule holds.
import ClinicDomain
import ClinicStore
import Crypto
import HTTP
import JSON
import Resolvers

struct CalendarFeedRoute: Sendable {
    let services: ClinicServices
    /// Calendar apps poll every few minutes to hours; five minutes of reuse
    /// spares the database without leaving a change unseen for long.
    static let maxAgeSeconds = 300

    func respond(to request: ServerRequest, token: String) async -> ServerResponse {
        guard request.http.method == "GET" || request.http.method == "HEAD" else {
            return ServerResponse(HTTPResponse(status: 405, headers: [("Allow", "GET, HEAD"), ("Content-Type", "text/plain; charset=utf-8")],
                                               body: "method not allowed\n"))
        }
        guard let hash = CalendarFeedToken.hash(presented: token) else { return Self.notFound(statements: 0) }
        let now = services.clock.now
        let window = InstantRange(start: now.adding(seconds: -Int64(AppointmentCalendarFile.feedDaysBack) * 86_400),
                                  end: now.adding(seconds: Int64(AppointmentCalendarFile.feedDaysAhead) * 86_400))
        let counter = StatementCounter()
        let feed: CalendarFeedStore.Feed?
        do {
            feed = try await services.database.read(counter: counter) { conn in
                try CalendarFeedStore.feed(conn, tokenHash: hash, window: window, limit: AppointmentCalendarFile.feedEventLimit)
            }
        } catch {
            services.log("calendar feed: \(error)")
            return ServerResponse(HTTPResponse(status: 503, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Retry-After", "30")],
                                               body: "temporarily unavailable\n"), logFields: [("sql", .int(counter.count))])
        }
        guard let feed else { return Self.notFound(statements: counter.count) }
        let zone = ClinicTimeZone(identifier: feed.timeZone) ?? ClinicTimeZone(identifier: "UTC")!
        // DTSTAMP of the calendar itself only shows when there is no event; the events carry their last change.
        let stamp = feed.entries.map(\.updatedAt).max() ?? Instant(secondsSinceEpoch: 0)
        let body = Array(AppointmentCalendarFile.feed(doctorName: feed.doctorName, clinicName: feed.clinicName, entries: feed.entries,
                                                      zone: zone, domain: AppointmentCalendarFile.domain(publicURL: services.publicURL),
                                                      stamp: stamp).utf8)
        let etag = "\"" + Hex.encode(Array(SHA256.hash(body).prefix(16))) + "\""
        let fields: [(String, JSON)] = [("sql", .int(counter.count)), ("doctor", .int(Int(feed.doctorID))),
                                         ("events", .int(feed.entries.count))]
        var headers: [(String, String)] = [
            ("Content-Type", "text/calendar; charset=utf-8"),
            // private: a shared cache must not keep a response whose URL is a credential.
            ("Cache-Control", "private, max-age=\(Self.maxAgeSeconds)"),
            ("ETag", etag),
            ("X-Robots-Tag", "noindex, nofollow"),
        ]
        let presented = request.http.headers.values(for: "If-None-Match").flatMap { $0.split(separator: ",") }
            .map { String($0.filter { $0 != " " && $0 != "\t" }) }
        if presented.contains(etag) || presented.contains("W/" + etag) || presented.contains("*") {
            return ServerResponse(HTTPResponse(status: 304, headers: headers.filter { $0.0 != "Content-Type" }), logFields: fields)
        }
        headers.append(("Content-Disposition", "inline; filename=\"calendar.ics\""))
        return ServerResponse(HTTPResponse(status: 200, headers: headers, body: request.http.method == "HEAD" ? [] : body),
                              logFields: fields)
    }

    /// The router's answer for a path it does not know.
    static func notFound(statements: Int) -> ServerResponse {
        ServerResponse(.plainText(404, "not found\n"), logFields: statements > 0 ? [("sql", .int(statements))] : [])
    }
}
