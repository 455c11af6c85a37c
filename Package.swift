// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Chorus",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "chorus", targets: ["chorus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        /// argon2id password hashing from Debian's libargon2.
        .systemLibrary(
            name: "CArgon2",
            pkgConfig: "libargon2",
            providers: [.apt(["libargon2-dev"])]
        ),
        /// Value types and pure rules: text counting, entities, visibility, errors.
        .target(
            name: "ChorusCore",
            swiftSettings: swiftSettings
        ),
        /// The numbered SQL migrations, shipped as resources of their own target.
        .target(
            name: "ChorusMigrations",
            path: "Migrations",
            resources: [.copy("sql"), .copy("postgres")],
            swiftSettings: swiftSettings
        ),
        /// The storage seam: one protocol per area and the plain records they
        /// speak in. No database library is imported here.
        .target(
            name: "ChorusStore",
            dependencies: ["ChorusCore"],
            swiftSettings: swiftSettings
        ),
        /// The embedded backend: SQLite through GRDB.
        .target(
            name: "ChorusStoreSQLite",
            dependencies: [
                "ChorusCore",
                "ChorusStore",
                "ChorusMigrations",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The backend for many nodes: PostgreSQL through PostgresNIO (no ORM).
        .target(
            name: "ChorusStorePostgres",
            dependencies: [
                "ChorusCore",
                "ChorusStore",
                "ChorusMigrations",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Use cases and authorization.
        .target(
            name: "ChorusServices",
            dependencies: [
                "ChorusCore",
                "ChorusStore",
                "CArgon2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Outbound HTTP for app webhooks and commands.
        .target(
            name: "ChorusHooks",
            dependencies: [
                "ChorusCore",
                "ChorusServices",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The Hummingbird application: API, streaming, middleware.
        .target(
            name: "ChorusHTTP",
            dependencies: [
                "ChorusCore",
                "ChorusServices",
                "ChorusStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources/Templates"), .copy("Resources/Locales")],
            swiftSettings: swiftSettings
        ),
        /// The `chorus` command line.
        .executableTarget(
            name: "chorus",
            dependencies: [
                "ChorusCore",
                "ChorusHTTP",
                "ChorusHooks",
                "ChorusServices",
                "ChorusStore",
                "ChorusStoreSQLite",
                "ChorusStorePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Fixtures shared by every test target.
        .target(
            name: "ChorusTestSupport",
            dependencies: [
                "ChorusCore", "ChorusStore", "ChorusStoreSQLite", "ChorusStorePostgres", "ChorusServices", "ChorusHTTP",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/ChorusTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChorusCoreTests",
            dependencies: ["ChorusCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChorusServicesTests",
            dependencies: ["ChorusTestSupport", "ChorusServices", "ChorusStore", "ChorusStoreSQLite", "ChorusCore", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChorusStoreTests",
            dependencies: ["ChorusTestSupport", "ChorusStorePostgres", "ChorusStore", "ChorusCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChorusHooksTests",
            dependencies: ["ChorusHooks", "ChorusServices", "ChorusCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChorusHTTPTests",
            dependencies: [
                "ChorusTestSupport", "ChorusHTTP", "ChorusServices", "ChorusStore", "ChorusStoreSQLite", "ChorusCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "WSClient", package: "swift-websocket"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
