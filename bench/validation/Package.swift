// swift-tools-version:6.0
// Benchmark of document validation: CPU time per `validate` of a typical ~2 KB
// client query against the clinic schema and of pathological documents
// (N aliased fields through fragments). QueryLanguage and Schema are compiled
// in through symlinks to the repository's Sources. Run: bench/validation/run.sh
import PackageDescription

let package = Package(
    name: "valbench",
    targets: [
        .target(name: "JSON", path: "Sources/JSON"),
        .target(name: "QueryLanguage", path: "Sources/QueryLanguage"),
        .target(name: "Schema", dependencies: ["QueryLanguage", "JSON"], path: "Sources/Schema"),
        .executableTarget(name: "valbench", dependencies: ["Schema", "QueryLanguage"], path: "Sources/valbench"),
    ],
    swiftLanguageModes: [.v6]
)
