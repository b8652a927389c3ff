// One log line per event, text or JSON (LOG_FORMAT). Never given tokens,
// passwords or variables: callers pass only what is safe to keep.
import Foundation
import JSON
import Schema
import Synchronization

public final class Logger: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warn, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        init(_ name: String) {
            switch name { case "debug": self = .debug; case "warn": self = .warn; case "error": self = .error; default: self = .info }
        }
        var name: String { ["debug", "info", "warn", "error"][rawValue] }
    }

    let minimum: Level
    let json: Bool
    private let lock = Mutex(())

    public init(level: String = "info", format: String = "text") {
        minimum = Level(level)
        json = format == "json"
    }

    public func debug(_ message: String, _ fields: [(String, JSON)] = []) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [(String, JSON)] = []) { log(.info, message, fields) }
    public func warn(_ message: String, _ fields: [(String, JSON)] = []) { log(.warn, message, fields) }
    public func error(_ message: String, _ fields: [(String, JSON)] = []) { log(.error, message, fields) }

    /// Whether a line of `level` is written (to skip building one that is not).
    public func logs(_ level: Level) -> Bool { level >= minimum }

    public func log(_ level: Level, _ message: String, _ fields: [(String, JSON)]) {
        guard level >= minimum else { return }
        let time = Self.timestamp()
        var line: String
        if json {
            let object = JSON.object([("time", .string(time)), ("level", .string(level.name)), ("msg", .string(message))] + fields)
            // The serializer escapes C0; DEL, C1 and U+2028/9 can only be inside string
            // literals, where the `\u00XX` escapes `printable` writes decode to the same value.
            line = Self.printable(object.serializedString)
        } else {
            line = "\(time) \(level.name.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)) \(Self.printable(message))"
            for (k, v) in fields {
                switch v {
                case .string(let s): line += " \(Self.printable(k))=\(Self.textValue(s))"
                default: line += " \(Self.printable(k))=\(Self.printable(v.serializedString))"
                }
            }
        }
        line += "\n"
        lock.withLock { _ in
            FileHandle.standardError.write(line.data(using: .utf8)!)
        }
    }

    // MARK: - One event, one line
    //
    // Logged values carry client text (operation names, paths, error details).
    // A line break or a terminal control sequence in them must not forge a
    // second log line or rewrite the operator's screen, so every control
    // character (C0, DEL, C1) and the Unicode line separators are escaped, in
    // both formats.

    /// True for the scalars that are escaped wherever they appear in a log line.
    static func isInvisible(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c.value == 0x2028 || c.value == 0x2029
    }

    /// `text` with every invisible scalar written as `\n`, `\r`, `\t` or `\u00XX`
    /// (and, when `quoting`, `"` and `\` backslash-escaped too).
    static func printable(_ text: String, quoting: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isInvisible($0) || (quoting && ($0 == "\"" || $0 == "\\")) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for c in text.unicodeScalars {
            switch c {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"" where quoting: out += "\\\""
            case "\\" where quoting: out += "\\\\"
            default:
                if isInvisible(c) {
                    let hex = String(c.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }

    /// A text-format value: bare when it is one plain word, else quoted with
    /// `"` and `\` escaped, so `key=value` pairs cannot be faked from inside a value.
    static func textValue(_ s: String) -> String {
        let plain = !s.isEmpty && !s.unicodeScalars.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || isInvisible($0) }
        return plain ? s : "\"" + printable(s, quoting: true) + "\""
    }

    static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var tm = tm()
        var secs = tv.tv_sec
        gmtime_r(&secs, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec, Int(tv.tv_usec / 1000))
    }
}
