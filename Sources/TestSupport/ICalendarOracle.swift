// Python's `icalendar` (Debian python3-icalendar) as the oracle for the
// calendar files we write: it parses the text, resolves each DTSTART through
// the file's own VTIMEZONE, and reports what it read as JSON. The script
// also checks what the parser forgives: CRLF line ends, lines of at most 75
// octets, the properties RFC 5545 requires.
import Foundation

public enum ICalendarOracle {
    public enum Verdict: Sendable {
        /// What the parser read: {"method", "calname", "timezones": [tzid], "events": [{uid, sequence, status,
        /// start, end, startOffset (seconds, from the VTIMEZONE), summary, location, description, organizer,
        /// attendees, stamp}]}.
        case parsed(String)
        case invalid(String)
        /// No python3 with the module: the reason, for a skip message.
        case unavailable(String)
    }

    static let script = #"""
json, sys = __import__("json"), __import__("sys")
try:
    icalendar = __import__("icalendar")
except ImportError as e:
    print("UNAVAILABLE: " + str(e)); sys.exit(3)
raw = sys.stdin.buffer.read()
problems = []
if not raw.endswith(b"\r\n"): problems.append("does not end in CRLF")
for n, line in enumerate(raw.split(b"\r\n")[:-1], 1):
    if b"\n" in line or b"\r" in line: problems.append("line %d: bare CR or LF" % n)
    if len(line) > 75: problems.append("line %d: %d octets" % (n, len(line)))
    try: line.decode("utf-8")
    except UnicodeDecodeError: problems.append("line %d: not UTF-8 on its own (a fold split a character)" % n)
cal = icalendar.Calendar.from_ical(raw)
for key in ("VERSION", "PRODID"):
    if key not in cal: problems.append("VCALENDAR without " + key)
zones = {}
for tz in cal.walk("VTIMEZONE"):
    zones[str(tz["TZID"])] = tz.to_tz()
events = []
for ev in cal.walk("VEVENT"):
    for key in ("UID", "DTSTAMP", "DTSTART"):
        if key not in ev: problems.append("VEVENT without " + key)
    start = ev["DTSTART"]
    tzid = start.params.get("TZID")
    offset = None
    if tzid is not None:
        if tzid not in zones: problems.append("TZID %s without its VTIMEZONE" % tzid)
        else:
            naive = start.dt.replace(tzinfo=None)
            offset = int(zones[tzid].utcoffset(naive).total_seconds())
    elif start.dt.tzinfo is not None:
        offset = 0
    attendees = ev.get("ATTENDEE", [])
    if not isinstance(attendees, list): attendees = [attendees]
    events.append({
        "uid": str(ev["UID"]), "sequence": int(ev.get("SEQUENCE", 0)), "status": str(ev.get("STATUS", "")),
        "tzid": tzid, "start": start.dt.replace(tzinfo=None).isoformat(), "startOffset": offset,
        "end": ev["DTEND"].dt.replace(tzinfo=None).isoformat() if "DTEND" in ev else None,
        "summary": str(ev.get("SUMMARY", "")), "location": str(ev.get("LOCATION", "")),
        "description": str(ev.get("DESCRIPTION", "")),
        "organizer": str(ev["ORGANIZER"]) if "ORGANIZER" in ev else None,
        "attendees": [str(a) for a in attendees],
        "attendeeNames": [str(a.params.get("CN", "")) for a in attendees],
        "stamp": ev["DTSTAMP"].dt.isoformat()})
if problems:
    print("INVALID: " + "; ".join(problems)); sys.exit(2)
print(json.dumps({"method": str(cal.get("METHOD", "")) or None, "calname": str(cal.get("X-WR-CALNAME", "")) or None,
                  "timezones": sorted(zones), "events": events}, ensure_ascii=False))
"""#

    /// Runs the oracle on `text` (the Debian interpreter first: the package installs there).
    public static func check(_ text: String) -> Verdict {
        let interpreters = ["/usr/bin/python3", "python3"].filter { !$0.hasPrefix("/") || FileManager.default.isExecutableFile(atPath: $0) }
        var reason = "python3 not found"
        for python in interpreters {
            guard let result = try? ProcessRunner.run(python, ["-c", script], stdin: text, timeout: 60) else { continue }
            let out = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            if result.status == 0 { return .parsed(out) }
            if result.status == 3 { reason = "\(python): " + out; continue }
            return .invalid(out.isEmpty ? result.standardError : out + "\n" + result.standardError)
        }
        return .unavailable("Python's icalendar module is not installed (Debian: python3-icalendar; ./clinic installs it "
                            + "with the test packages): \(reason)")
    }
}
