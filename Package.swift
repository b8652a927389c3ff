// swift-tools-version:6.0
// The clinic appointment server. No third-party Swift packages: system C
// libraries come in through the system-library targets below.
import PackageDescription

let package = Package(
    name: "clinic",
    products: [
        .executable(name: "clinic", targets: ["clinic"]),
    ],
    targets: [
        // C libraries, one system-library target each.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CXCrypt", pkgConfig: "libxcrypt", providers: [.apt(["libcrypt-dev"])]),

        // The one JSON value, parser, serializer and string escaper, and base64.
        .target(name: "JSON"),

        // The pure GraphQL core: no I/O, no clinic.
        .target(name: "QueryLanguage"),
        .target(name: "Schema", dependencies: ["QueryLanguage", "JSON"]),

        // Infrastructure.
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        .target(name: "HTTP"),
        .target(name: "Crypto", dependencies: ["CCrypto", "CXCrypt", "JSON"]),
        // Email over SMTP (STARTTLS through OpenSSL) and SMS over an HTTP webhook.
        .target(name: "Delivery", dependencies: ["CCrypto", "JSON"]),

        // The clinic.
        // Its rules as plain Swift: calendar and time, booking rules, accounts, notification texts.
        .target(name: "ClinicDomain", dependencies: ["JSON", "Crypto"], exclude: ["Accounts/Resources"]),
        // Every SQL statement of the clinic, one file per aggregate.
        .target(name: "ClinicStore", dependencies: ["JSON", "ClinicDomain", "Postgres"]),
        // The notification worker and scheduled work; Server wires it.
        .target(name: "Jobs", dependencies: ["JSON", "ClinicDomain", "ClinicStore", "Crypto", "Delivery"]),
        .target(name: "Resolvers", dependencies: ["JSON", "ClinicDomain", "ClinicStore", "Schema", "QueryLanguage", "Crypto"]),
        .target(name: "Server", dependencies: ["JSON", "Schema", "ClinicDomain", "ClinicStore", "Resolvers", "Jobs", "Postgres", "HTTP", "Crypto"]),
        // `main` and the CLI: argument parsing and dispatch over Server's app; the
        // `graphql` tools use the GraphQL core directly, on any schema.
        .executableTarget(name: "clinic", dependencies: ["Server", "Schema", "QueryLanguage", "JSON"]),

        // Test support: only test targets (and benchmarks) depend on these, so
        // the throwaway cluster, the sinks and the raw client never reach the binary.
        .target(name: "TestSupport"),
        .target(name: "PostgresTesting", dependencies: ["Postgres"]),
        .target(name: "DeliveryTesting", dependencies: ["Delivery", "CCrypto", "JSON"]),

        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "QueryLanguageTests", dependencies: ["QueryLanguage", "TestSupport"], exclude: ["oracle.py", "corpus.py"]),
        .testTarget(name: "SchemaTests", dependencies: ["JSON", "Schema", "QueryLanguage", "TestSupport"], exclude: ["Fixtures", "ExecutionFixtures"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "PostgresTesting"], exclude: ["Fixtures"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto", "JSON"]),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery", "JSON", "DeliveryTesting", "TestSupport"]),
        .testTarget(name: "ClinicDomainTests", dependencies: ["ClinicDomain", "Crypto", "JSON", "TestSupport"]),
        .testTarget(name: "ResolversTests", dependencies: ["JSON", "Resolvers", "Jobs", "Server", "ClinicDomain", "ClinicStore", "Postgres", "Schema", "QueryLanguage", "Crypto", "Delivery",
                                                    "PostgresTesting", "DeliveryTesting", "TestSupport"]),
        .testTarget(name: "ServerTests", dependencies: ["JSON", "Server", "ClinicDomain", "ClinicStore", "Postgres", "Schema", "HTTP", "PostgresTesting", "TestSupport"],
                    exclude: ["Browser"]),
        // The layout itself: imports only downward (ImportLayeringTests' table), and
        // generated files are what their generators write.
        .testTarget(name: "LayoutTests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// Release builds of the product's own targets: whole-program inlining across our modules (the
// executor reads rows, rows read libpq's cells: calls across module lines on every field), and no
// run-time exclusivity checks (a `swift_beginAccess` per class property access; issue #20's
// profile put it at 2.3 % of a doctor list). Debug builds, which the tests run, keep the checks,
// so a conflicting access still traps there.
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    ]
}
