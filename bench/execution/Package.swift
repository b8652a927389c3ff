// swift-tools-version:6.0
// Benchmark of the execution engine: per-field overhead on in-memory data and
// the full parse → validate → execute → serialize path of a dashboard-like
// query. QueryLanguage and Schema are compiled in through symlinks to the
// repository's Sources. Run: bench/execution/run.sh
import PackageDescription

let package = Package(
    name: "execbench",
    targets: [
        .target(name: "JSON", path: "Sources/JSON"),
        .target(name: "QueryLanguage", path: "Sources/QueryLanguage"),
        .target(name: "Schema", dependencies: ["QueryLanguage", "JSON"], path: "Sources/Schema"),
        .executableTarget(name: "execbench", dependencies: ["JSON", "Schema", "QueryLanguage"], path: "Sources/execbench"),
    ],
    swiftLanguageModes: [.v6]
)
