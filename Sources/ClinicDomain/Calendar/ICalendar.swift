// An iCalendar (RFC 5545) writer for what the clinic publishes: events in
// the clinic's time zone (TZID with a VTIMEZONE built from the tz database),
// as an email invitation (METHOD:REQUEST / CANCEL, RFC 5546) or a feed.
// Output has CRLF line ends, lines folded at 75 octets (§3.1) and TEXT
// escaped (§3.3.11); control characters, which no property may hold, are dropped.

public enum ICalendar {
    /// iTIP method (RFC 5546 §1.4); nil for a published feed without one.
    public enum Method: String, Sendable { case request = "REQUEST", cancel = "CANCEL", publish = "PUBLISH" }

    public enum Status: String, Sendable { case tentative = "TENTATIVE", confirmed = "CONFIRMED", cancelled = "CANCELLED" }

    /// A calendar user: `mailto:` address and display name.
    public struct Person: Sendable, Equatable {
        public var name: String
        public var email: String
        public init(name: String, email: String) { self.name = name; self.email = email }
    }

    public struct Event: Sendable, Equatable {
        /// Globally unique and the same for every version of one appointment (§3.8.4.7).
        public var uid: String
        /// Grows with each change a receiver must apply over an earlier copy (§3.8.7.4).
        public var sequence: Int
        public var start: Instant
        public var end: Instant
        public var summary: String
        public var location: String?
        public var description: String?
        public var status: Status
        public var organizer: Person?
        public var attendees: [Person]
        /// DTSTAMP when it is not the document's: in a calendar without METHOD
        /// it is when the event was last revised (§3.8.7.2).
        public var stamp: Instant?

        public init(uid: String, sequence: Int, start: Instant, end: Instant, summary: String, location: String? = nil,
                    description: String? = nil, status: Status, organizer: Person? = nil, attendees: [Person] = [], stamp: Instant? = nil) {
            self.uid = uid; self.sequence = sequence; self.start = start; self.end = end; self.summary = summary
            self.location = location; self.description = description; self.status = status; self.organizer = organizer
            self.attendees = attendees; self.stamp = stamp
        }
    }

    public static let productID = "-//Clinic Appointments//Clinic Server//ES"

    /// A whole VCALENDAR: `events` with times in `zone`, stamped `stamp` (DTSTAMP: when this copy was made).
    public static func document(method: Method?, events: [Event], zone: ClinicTimeZone, stamp: Instant, calendarName: String? = nil) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + productID, "CALSCALE:GREGORIAN"]
        if let method { lines.append("METHOD:" + method.rawValue) }
        if let calendarName {
            // Widely read names for a subscribed calendar (not in RFC 5545, ignored by readers that do not know them).
            lines.append("X-WR-CALNAME:" + escapeText(calendarName))
            lines.append("X-WR-TIMEZONE:" + zone.identifier)
        }
        let isUTC = zone.identifier == "UTC" || zone.identifier == "Etc/UTC"
        if !isUTC, let first = events.map(\.start).min(), let last = events.map(\.end).max() {
            lines += timeZoneComponent(zone, from: first.adding(seconds: -86_400), to: last.adding(seconds: 86_400))
        }
        for e in events {
            lines.append("BEGIN:VEVENT")
            lines.append("UID:" + escapeText(e.uid))
            lines.append("SEQUENCE:\(max(0, e.sequence))")
            lines.append("DTSTAMP:" + utc(e.stamp ?? stamp))
            lines.append(isUTC ? "DTSTART:" + utc(e.start) : dateTime("DTSTART", e.start, zone))
            lines.append(isUTC ? "DTEND:" + utc(e.end) : dateTime("DTEND", e.end, zone))
            lines.append("SUMMARY:" + escapeText(e.summary))
            if let l = e.location, !l.isEmpty { lines.append("LOCATION:" + escapeText(l)) }
            if let d = e.description, !d.isEmpty { lines.append("DESCRIPTION:" + escapeText(d)) }
            lines.append("STATUS:" + e.status.rawValue)
            lines.append("TRANSP:OPAQUE")
            if let o = e.organizer { lines.append("ORGANIZER;CN=" + parameterValue(o.name) + ":mailto:" + address(o.email)) }
            for a in e.attendees {
                // The patient chose the time themselves or agreed it with the clinic: no reply is expected.
                lines.append("ATTENDEE;CN=" + parameterValue(a.name) + ";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:"
                             + address(a.email))
            }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    // MARK: - Time zone

    /// A VTIMEZONE for `zone` valid over `[from, to)`: the offset in force at
    /// `from` as an observance since 1970, then each transition in the range.
    /// Receivers look up the last observance starting before a time, so every
    /// DTSTART/DTEND inside the range resolves to the tz database's offset.
    static func timeZoneComponent(_ zone: ClinicTimeZone, from: Instant, to: Instant) -> [String] {
        var lines = ["BEGIN:VTIMEZONE", "TZID:" + zone.identifier]
        let initial = zone.offsetSeconds(at: from)
        let initialKind = zone.isDaylight(at: from) ? "DAYLIGHT" : "STANDARD"
        lines += ["BEGIN:" + initialKind, "DTSTART:19700101T000000", "TZOFFSETFROM:" + offset(initial),
                  "TZOFFSETTO:" + offset(initial)]
        if let name = zone.abbreviation(at: from) { lines.append("TZNAME:" + name) }
        lines.append("END:" + initialKind)
        for t in zone.transitions(from: from, to: to) {
            let kind = t.isDaylight ? "DAYLIGHT" : "STANDARD"
            // DTSTART of an observance is the local time of its onset in the offset before it (§3.6.5).
            lines += ["BEGIN:" + kind, "DTSTART:" + local(t.at, offsetSeconds: t.offsetBefore),
                      "TZOFFSETFROM:" + offset(t.offsetBefore), "TZOFFSETTO:" + offset(t.offsetAfter)]
            if let name = t.abbreviation { lines.append("TZNAME:" + name) }
            lines.append("END:" + kind)
        }
        lines.append("END:VTIMEZONE")
        return lines
    }

    /// `NAME;TZID=zone:local`, or UTC when the local time is the second of a
    /// fall-back pair (TZID would name the first one, RFC 5545 §3.3.5).
    static func dateTime(_ name: String, _ instant: Instant, _ zone: ClinicTimeZone) -> String {
        let wall = zone.wallClock(at: instant)
        if let first = zone.instants(date: wall.date, time: wall.time).first,
           first.adding(seconds: Int64(wall.second)) != Instant(secondsSinceEpoch: instant.secondsSinceEpoch) {
            return name + ":" + utc(instant)
        }
        return name + ";TZID=" + zone.identifier + ":" + local(instant, offsetSeconds: zone.offsetSeconds(at: instant))
    }

    static func utc(_ instant: Instant) -> String { local(instant, offsetSeconds: 0) + "Z" }

    static func local(_ instant: Instant, offsetSeconds: Int) -> String {
        let (days, seconds) = Instant.floorDivide(instant.secondsSinceEpoch + Int64(offsetSeconds), 86_400)
        let d = LocalDate(daysSinceEpoch: Int(days))
        let s = Int(seconds)
        return pad(d.year, 4) + pad(d.month, 2) + pad(d.day, 2) + "T" + pad(s / 3600, 2) + pad(s / 60 % 60, 2) + pad(s % 60, 2)
    }

    static func offset(_ seconds: Int) -> String {
        let m = abs(seconds) / 60
        return (seconds < 0 ? "-" : "+") + pad(m / 60, 2) + pad(m % 60, 2) + (abs(seconds) % 60 == 0 ? "" : pad(abs(seconds) % 60, 2))
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    // MARK: - Text

    /// TEXT value (§3.3.11): `\` `;` `,` escaped, line breaks as `\n`, other controls dropped.
    public static func escapeText(_ text: String) -> String {
        var out = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r": out += "\\n"
            case "\n": if !previousWasCR { out += "\\n" }
            case "\t": out += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A parameter value (§3.2): quoted, without the DQUOTE and controls it may not contain.
    static func parameterValue(_ text: String) -> String {
        var s = ""
        for scalar in text.unicodeScalars where scalar != "\"" && scalar.value >= 0x20 && scalar.value != 0x7F {
            s.unicodeScalars.append(scalar)
        }
        return "\"" + s + "\""
    }

    /// An address for a `mailto:` URI: nothing that could end the line or the value.
    static func address(_ email: String) -> String {
        String(email.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F && $0 != "\"" && $0 != ";" && $0 != ":" }
            .map(Character.init).prefix(254))
    }

    /// Folds a content line into lines of at most 75 octets, continuation lines
    /// starting with one space (§3.1), never inside a UTF-8 sequence.
    public static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var out = ""
        var current = 0
        for ch in line.unicodeScalars {
            let n = String(ch).utf8.count
            if current + n > 75 {
                out += "\r\n "
                current = 1
            }
            out.unicodeScalars.append(ch)
            current += n
        }
        return out
    }
}
