// swift-tools-version:6.0
// libFuzzer harnesses for the parsers (issue #15). A separate package so the
// root package's `swift build`/`swift test` never see sanitizer flags or these
// targets: the library targets below are symlinks to the root package's own
// source folders (ClinicScalars: to the few self-contained Resolvers files the
// clinic's custom scalars need), compiled here a second time with
// `-sanitize=fuzzer,address`. Build and run through `fuzz/run.sh`.
import PackageDescription

let package = Package(
    name: "clinic-fuzz",
    targets: [
        .target(name: "JSON"),
        .target(name: "QueryLanguage"),
        .target(name: "Schema", dependencies: ["QueryLanguage", "JSON"]),
        .target(name: "HTTP"),
        .target(name: "ClinicScalars", dependencies: ["JSON", "Schema", "QueryLanguage"]),

        .target(name: "LibFuzzerMain"),

        // One executable per harness: Harness.swift defines LLVMFuzzerTestOneInput,
        // main.swift hands over to libFuzzer's driver.
        .executableTarget(name: "FuzzParser", dependencies: ["QueryLanguage", "LibFuzzerMain"]),
        .executableTarget(name: "FuzzJSON", dependencies: ["JSON", "LibFuzzerMain"]),
        .executableTarget(name: "FuzzHTTP", dependencies: ["HTTP", "LibFuzzerMain"]),
        .executableTarget(name: "FuzzCoercion", dependencies: ["JSON", "Schema", "QueryLanguage", "ClinicScalars", "LibFuzzerMain"]),
    ],
    swiftLanguageModes: [.v6]
)
