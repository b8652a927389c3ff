// swift-tools-version:6.0
// Delivery throughput of the notification outbox: a throwaway PostgreSQL, N
// outbox rows, W workers, and the local SMTP sink of DeliveryTesting.
// The project's modules come in through symlinks under Sources/.
import PackageDescription

let package = Package(
    name: "notifybench",
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CXCrypt", pkgConfig: "libxcrypt", providers: [.apt(["libcrypt-dev"])]),
        .target(name: "JSON"),
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        .target(name: "Crypto", dependencies: ["CCrypto", "CXCrypt", "JSON"]),
        .target(name: "Delivery", dependencies: ["CCrypto", "JSON"]),
        .target(name: "ClinicDomain", dependencies: ["JSON", "Crypto"], exclude: ["Accounts/Resources"]),
        .target(name: "ClinicStore", dependencies: ["JSON", "ClinicDomain", "Postgres"]),
        .target(name: "Jobs", dependencies: ["JSON", "ClinicDomain", "ClinicStore", "Postgres", "Crypto", "Delivery"]),
        .target(name: "PostgresTesting", dependencies: ["Postgres"]),
        .target(name: "DeliveryTesting", dependencies: ["Delivery", "CCrypto"]),
        .executableTarget(name: "notifybench", dependencies: ["ClinicDomain", "Jobs", "Postgres", "Delivery", "Crypto", "PostgresTesting", "DeliveryTesting"]),
    ],
    swiftLanguageModes: [.v6]
)
