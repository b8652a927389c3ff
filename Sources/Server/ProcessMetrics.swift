// The process's own figures under Prometheus's standard names, read from
// /proc/self at scrape time (Linux): resident and virtual memory, CPU seconds,
// open and maximum file descriptors, and the start time.
import Foundation

enum ProcessMetrics {
    /// Seconds since the epoch when this process started (taken when first asked, at startup).
    static let startTime: Double = Date().timeIntervalSince1970

    static func gauges() -> [(name: String, help: String, value: Double)] {
        var g: [(name: String, help: String, value: Double)] = [
            ("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", startTime),
        ]
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let f = statm.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if f.count >= 2 {
                g.append(("process_virtual_memory_bytes", "Virtual memory size in bytes.", f[0] * pageSize))
                g.append(("process_resident_memory_bytes", "Resident memory size in bytes.", f[1] * pageSize))
            }
        }
        // Fields 14 and 15 of /proc/self/stat (utime, stime) in clock ticks; the command name
        // (field 2) may hold spaces, so count from the closing parenthesis.
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            let rest = stat[stat.index(after: close)...].split(separator: " ")
            if rest.count > 13, let user = Double(rest[11]), let system = Double(rest[12]) {
                let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
                g.append(("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", (user + system) / ticks))
            }
        }
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            g.append(("process_open_fds", "Number of open file descriptors.", Double(fds.count)))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            g.append(("process_max_fds", "Maximum number of open file descriptors.", Double(limit.rlim_cur)))
        }
        return g
    }
}
