// The tests' one way to run a program to completion: oracles (python3, node),
// the `clinic` binary, shell scripts, openssl, pg tools.
import Foundation
import Synchronization

/// What a finished (or timed-out) program left behind.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: Data
    /// True when the run hit its timeout and was terminated.
    public var timedOut: Bool

    public var standardOutput: String { String(decoding: stdout, as: UTF8.self) }
    public var standardError: String { String(decoding: stderr, as: UTF8.self) }
    /// stdout then stderr (interleaved as written when run with `mergingOutput`).
    public var output: String { standardOutput + standardError }
    /// (exit status, output) for an assertion: status -1 and a note when the run timed out.
    public var statusAndOutput: (Int32, String) { timedOut ? (-1, output + "\n(timed out)") : (status, output) }
}

public enum ProcessRunner {
    /// Runs `executable` (a path, or a name looked up through /usr/bin/env) with
    /// `environment` merged over this process's, feeding `stdin` and draining
    /// both pipes concurrently so a chatty child cannot deadlock. With a
    /// timeout, a child still running at the deadline is terminated.
    public static func run(_ executable: String, _ arguments: [String], directory: String? = nil,
                           environment: [String: String] = [:], stdin: String? = nil,
                           mergingOutput: Bool = false, timeout: TimeInterval? = nil) throws -> ProcessResult {
        let p = Process()
        if executable.contains("/") {
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = arguments
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [executable] + arguments
        }
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        for (name, value) in environment { env[name] = value }
        p.environment = env
        let out = Pipe(), input = Pipe()
        let err = mergingOutput ? out : Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        let stdoutData = Drain(out.fileHandleForReading)
        let stderrData = mergingOutput ? nil : Drain(err.fileHandleForReading)
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        var timedOut = false
        if let timeout {
            let deadline = Date().addingTimeInterval(timeout)
            while p.isRunning && Date() < deadline { usleep(50_000) }
            if p.isRunning {
                timedOut = true
                p.terminate()
            }
        }
        p.waitUntilExit()
        // A grandchild may keep a pipe open after a timeout: then take what was read so far.
        let grace: TimeInterval? = timedOut ? 2 : nil
        return ProcessResult(status: p.terminationStatus, stdout: stdoutData.wait(grace), stderr: stderrData?.wait(grace) ?? Data(),
                             timedOut: timedOut)
    }

    /// Reads a pipe to its end on its own thread.
    private final class Drain: Sendable {
        private let data = Mutex(Data())
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            let thread = Thread { [self] in
                while case let chunk = handle.availableData, !chunk.isEmpty {
                    data.withLock { $0.append(chunk) }
                }
                done.signal()
            }
            thread.start()
        }

        /// Everything up to end of file, or what arrived within `limit` seconds.
        func wait(_ limit: TimeInterval? = nil) -> Data {
            if let limit { _ = done.wait(timeout: .now() + limit) } else { done.wait() }
            return data.withLock { $0 }
        }
    }
}
