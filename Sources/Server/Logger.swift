// One log line per event, text or JSON (LOG_FORMAT). Never given tokens,
// passwords or variables: callers pass only what is safe to keep.
import Foundation
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

    public func log(_ level: Level, _ message: String, _ fields: [(String, JSON)]) {
        guard level >= minimum else { return }
        let time = Self.timestamp()
        var line: String
        if json {
            let object = JSON.object([("time", .string(time)), ("level", .string(level.name)), ("msg", .string(message))] + fields)
            line = object.serializedString
        } else {
            line = "\(time) \(level.name.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)) \(message)"
            for (k, v) in fields {
                switch v {
                case .string(let s): line += " \(k)=\(s.contains(" ") ? "\"\(s)\"" : s)"
                default: line += " \(k)=\(v.serializedString)"
                }
            }
        }
        line += "\n"
        lock.withLock { _ in
            FileHandle.standardError.write(line.data(using: .utf8)!)
        }
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
