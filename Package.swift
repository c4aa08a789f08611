// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ApprovedPremises",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ap-server", targets: ["ap-server"]),
        .executable(name: "ap", targets: ["ap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // No traits: swift-configuration support is not used, and each package costs build minutes.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Pages from templates that escape every value by default (no dependencies of its own).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // bcrypt for the pages' passwords (only its HummingbirdBcrypt product is built: C bcrypt and a wrapper).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    ],
    targets: [
        // libpq, the PostgreSQL C client library (Debian: libpq-dev).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // Calendar values with no time zone (a date, a wall-clock time) and their one conversion to instants.
        .target(name: "Civil"),
        // Our thin driver over libpq: connections, typed parameters and rows, errors, transactions, pool, LISTEN.
        .target(name: "PGDriver", dependencies: ["CLibPQ", "Civil"]),
        // The domain's types and rules: no I/O; clocks and time zones are passed in.
        .target(name: "APDomain", dependencies: ["Civil"]),
        // The API's types (requests, responses, pages, problems) and its JSON dialect: one definition, used by
        // the store (its rows come back as these), the service, the client, `ap`, the tests and the bench.
        .target(name: "APWire", dependencies: ["APDomain", "Civil"]),
        // The SQL of each feature, on the driver.
        .target(
            name: "APStore",
            dependencies: [
                "APDomain", "APWire", "PGDriver", .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]),
        // Applies sql/NNNN_name.sql in order, once each, with checksums.
        .target(name: "PGMigrations", dependencies: ["PGDriver"]),
        // The curfew-check worker: every premises' nights, checked repeatedly, reconciled, caught up.
        .target(
            name: "APWorker",
            dependencies: [
                "APDomain", "APStore", "APWire", "PGDriver",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // The HTTP JSON API (Hummingbird 2): every client goes through it. Described by openapi.yaml.
        .target(
            name: "APService",
            dependencies: [
                "APDomain", "APStore", "APWire", "Civil", "PGDriver", "PGMigrations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ], resources: [.copy("openapi.yaml"), .copy("Templates"), .copy("Static")]),
        // A small client of the API over Foundation's URLSession (libcurl): the CLI's, and the tests'.
        .target(name: "APClient", dependencies: ["APWire", "Civil"]),
        // `ap`, the shift's command line: a client of the service only (no database, no libpq).
        .target(
            name: "APCLI",
            dependencies: [
                "APClient", "APDomain", "APWire", "Civil",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "ap", dependencies: ["APCLI"]),
        // The operator's command: migrate, seed, curfew-check, worker (and, as it lands, the service).
        .target(
            name: "APServer",
            dependencies: [
                "APDomain", "APStore", "APWire", "APWorker", "APService", "Civil", "PGDriver", "PGMigrations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(name: "ap-server", dependencies: ["APServer"]),
        // Benchmarks of the driver against pgbench (scripts/bench runs it in release mode).
        .executableTarget(
            name: "ap-bench", dependencies: ["APClient", "APDomain", "APStore", "APWire", "PGDriver", "Civil"]),
        // Fresh migrated databases for tests (a template cloned per test).
        // ...and the shared fixture that builds small worlds in them.
        .target(
            name: "TestDatabase", dependencies: ["APDomain", "APStore", "APWire", "Civil", "PGDriver", "PGMigrations"],
            path: "Tests/TestDatabase"),
        .testTarget(name: "CivilTests", dependencies: ["Civil"]),
        .testTarget(name: "PGDriverTests", dependencies: ["PGDriver", "TestDatabase"]),
        .testTarget(name: "PGMigrationsTests", dependencies: ["APStore", "PGMigrations", "TestDatabase"]),
        .testTarget(name: "APDomainTests", dependencies: ["APDomain"]),
        .testTarget(name: "APStoreTests", dependencies: ["APStore", "APWire", "TestDatabase"]),
        .testTarget(name: "APWorkerTests", dependencies: ["APWorker", "APStore", "APWire", "TestDatabase"]),
        // A running service on a fresh database with the demo loaded, for the service's and the CLI's tests.
        .target(
            name: "ServiceHarness",
            dependencies: [
                "APService", "APClient", "APStore", "APWire", "Civil", "TestDatabase",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ], path: "Tests/ServiceHarness"),
        .testTarget(
            name: "APServiceTests",
            dependencies: [
                "APService", "APClient", "APDomain", "APStore", "APWire", "Civil", "ServiceHarness", "TestDatabase",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "APCLITests",
            dependencies: ["APCLI", "APClient", "APStore", "APWire", "APWorker", "ServiceHarness", "TestDatabase"]),
        .testTarget(name: "OpsTests", dependencies: ["APStore", "APWire", "TestDatabase"]),
    ]
)
