// swift-tools-version: 6.1
// The Swift-native baseline for scripts/bench: postgres-nio running the same loops as ap-bench.
// A package of its own so that scripts/test never builds it (it takes minutes).
import PackageDescription

let package = Package(
    name: "nio-peer",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        .executableTarget(name: "nio-peer", dependencies: [.product(name: "PostgresNIO", package: "postgres-nio")]),
    ]
)
