// swift-tools-version:6.0
// Benchmark of the QueryLanguage module. The module's sources are compiled
// into this executable through the symlink Sources/qlbench/QueryLanguage, so
// the benchmark can also time the (internal) lexer on its own.
import PackageDescription

let package = Package(
    name: "qlbench",
    targets: [
        .executableTarget(name: "qlbench", path: "Sources/qlbench"),
    ],
    swiftLanguageModes: [.v6]
)
