// `clinic serve [--no-worker]` and `clinic worker`.
import Server

enum ServeCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        let runWorker = !arguments.contains("--no-worker")
        if let unknown = arguments.first(where: { $0 != "--no-worker" }) {
            fail("serve: unknown option \(unknown)")
            return 2
        }
        return await withDatabase { config, db in
            try await ClinicServer.serve(config, db, runWorker: runWorker)
            return 0
        }
    }
}

enum WorkerCommand: Subcommand {
    static func run(_ arguments: [String]) async -> Int32 {
        guard arguments.isEmpty else {
            fail("usage: clinic worker")
            return 2
        }
        return await withDatabase { config, db in
            try await ClinicServer.runWorker(config, db)
            return 0
        }
    }
}
