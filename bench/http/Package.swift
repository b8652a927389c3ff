// swift-tools-version:6.0
// Standalone benchmark server for the HTTP module: `swift build -c release` here, then run
// .build/release/httpbench and drive it with wrk (see RESULTS.md).
import PackageDescription

let package = Package(
    name: "httpbench",
    targets: [
        .target(name: "HTTP"), // symlink to ../../Sources/HTTP
        .executableTarget(name: "httpbench", dependencies: ["HTTP"]),
    ],
    swiftLanguageModes: [.v6]
)
