import ArgumentParser
import ChorusCore
import ChorusHTTP
import ChorusHooks
import ChorusServices
import ChorusStore
import ChorusStorePostgres
import ChorusStoreSQLite
import Foundation
import Hummingbird
import Logging

/// The `chorus` command line.
@main
struct Chorus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chorus",
        abstract: "An enterprise internal microblog server.",
        version: ChorusVersion.current,
        subcommands: [Serve.self, Migrate.self, Users.self, Seed.self, CopyData.self])

    /// Writes a line to standard output at once (unbuffered, also into pipes and logs).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Runs `body`, turning any error into a one-line reason and exit code 1.
    static func failing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ChorusError {
            FileHandle.standardError.write(Data("chorus: \(error.message)\n".utf8))
            throw ExitCode.failure
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("chorus: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// The database option shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite database file, or a postgres:// URL (env CHORUS_DATABASE).")
    var database: String = ProcessInfo.processInfo.environment["CHORUS_DATABASE"] ?? "./chorus.sqlite"

    @Option(name: .customLong("database-pool"), help: "Connections to PostgreSQL this process keeps at most (env CHORUS_DATABASE_POOL).")
    var pool: Int = Int(ProcessInfo.processInfo.environment["CHORUS_DATABASE_POOL"] ?? "") ?? 10

    @Option(name: .customLong("node-id"),
            help: "This process's node number on PostgreSQL, 0-63 (env CHORUS_NODE_ID; default: the first free one).")
    var node: Int?

    /// Opens and migrates the database the option names.
    func open() async throws -> any ChorusDatabase {
        switch try DatabaseLocation.parse(database) {
        case .sqlite(let path):
            return try SQLiteDatabase.open(path: path)
        case .postgres(let address):
            let node = try node ?? ProcessInfo.processInfo.environment["CHORUS_NODE_ID"].map { raw in
                guard let number = Int(raw) else { throw ChorusError.badRequest("CHORUS_NODE_ID must be a number from 0 to 63") }
                return number
            }
            return try await PostgresDatabase.connect(address, poolSize: pool, node: node)
        }
    }

    /// Runs `body` on the opened database, then closes it (on PostgreSQL
    /// that gives the node number back and ends the connections).
    func using<T>(_ body: (any ChorusDatabase) async throws -> T) async throws -> T {
        let database = try await open()
        do {
            let result = try await body(database)
            await DatabaseOptions.close(database)
            return result
        } catch {
            await DatabaseOptions.close(database)
            throw error
        }
    }

    static func close(_ database: any ChorusDatabase) async {
        if let postgres = database as? PostgresDatabase { await postgres.close() }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Migrate the database, then serve.")

    @Option(help: "Address to listen on (env CHORUS_HOST).")
    var host: String = ProcessInfo.processInfo.environment["CHORUS_HOST"] ?? "127.0.0.1"

    @Option(help: "Port to listen on (env CHORUS_PORT).")
    var port: Int = Int(ProcessInfo.processInfo.environment["CHORUS_PORT"] ?? "") ?? 8080

    @OptionGroup var db: DatabaseOptions

    @Option(name: .customLong("base-url"), help: "Public URL of this server (env CHORUS_BASE_URL).")
    var baseURL: String?

    @Flag(help: "Seed a demo company into an empty database and print its sign-ins.")
    var demo = false

    @Option(name: .customLong("trusted-proxies"),
            help: "Reverse proxies whose X-Forwarded-For is believed: addresses or networks, comma-separated (env CHORUS_TRUSTED_PROXIES).")
    var trustedProxies: String = ProcessInfo.processInfo.environment["CHORUS_TRUSTED_PROXIES"] ?? ""

    func run() async throws {
        try await Chorus.failing {
            try await db.using { database in try await serve(database) }
        }
    }

    func serve(_ database: any ChorusDatabase) async throws {
        let base = baseURL ?? ProcessInfo.processInfo.environment["CHORUS_BASE_URL"] ?? "http://\(host):\(port)"
        var config = ChorusConfig(baseURL: base)
        if let raw = ProcessInfo.processInfo.environment["CHORUS_HOOK_RETRY_DELAYS"] {
            guard let schedule = RetrySchedule(parsing: raw) else {
                throw ChorusError.badRequest("CHORUS_HOOK_RETRY_DELAYS must be seconds separated by commas, such as 5,300,1800")
            }
            config.hookRetrySchedule = schedule
        }
        if let raw = ProcessInfo.processInfo.environment["CHORUS_BRIDGE_RETRY_DELAYS"] {
            guard let schedule = RetrySchedule(parsing: raw) else {
                throw ChorusError.badRequest("CHORUS_BRIDGE_RETRY_DELAYS must be seconds separated by commas, such as 5,30,120")
            }
            config.bridgeRetryDelays = schedule.delays
        }
        if let raw = ProcessInfo.processInfo.environment["CHORUS_POST_RATE_LIMIT"] {
            guard let limit = RateLimit(parsing: raw) else {
                throw ChorusError.badRequest("CHORUS_POST_RATE_LIMIT must be posts/seconds, such as 300/300")
            }
            config.postLimit = limit
        }
        if let raw = ProcessInfo.processInfo.environment["CHORUS_STREAMS_PER_ACCOUNT"] {
            guard let count = Int(raw), count > 0 else { throw ChorusError.badRequest("CHORUS_STREAMS_PER_ACCOUNT must be a positive number") }
            config.streamsPerAccount = count
        }
        if let days = try Serve.days("CHORUS_SESSION_IDLE_DAYS") { config.sessionIdleTimeout = days * 86_400 }
        if let days = try Serve.days("CHORUS_SESSION_MAX_DAYS") { config.sessionLifetime = days * 86_400 }
        config.bridgeCrashAfterExternalCall = ProcessInfo.processInfo.environment["CHORUS_FAILPOINT"] == "bridge-after-external-call"
        let services = Services(config: config, database: database, transport: { HTTPWebhookTransport(policy: $0) })
        try await services.apps.loadAllowlist()
        if demo {
            let seeded = try await DemoCompany.seed(services)
            let signIns = seeded.signIns
            if signIns.isEmpty {
                Chorus.say("Demo: the database already has people; nothing seeded.")
            } else {
                Chorus.say("Demo company ready. Sign in as (password for all: \(signIns[0].password)):")
                for signIn in signIns { Chorus.say("  \(signIn.username.padding(toLength: 10, withPad: " ", startingAt: 0)) \(signIn.role.rawValue)") }
                if let hook = seeded.ciHookURL {
                    Chorus.say("The demo CI app posts into the release team through its incoming hook (shown once):")
                    Chorus.say("  curl -H 'Content-Type: application/json' -d '{\"text\": \"构建 #129 通过 ✅\"}' \(hook)")
                }
            }
        }
        var logger = Logger(label: "chorus")
        logger.logLevel = .info
        let settings = ServerSettings(host: host, port: port, publicDirectory: PublicFolder.locate(),
                                      trustedProxies: try ServerSettings.trustedProxies(parsing: trustedProxies))
        let app = buildApplication(services: services, settings: settings, logger: logger)
        Chorus.say("Chorus \(ChorusVersion.current) serving on \(base)")
        try await app.runService()
    }

    /// A positive number of days from the environment variable `name`, if it is set.
    static func days(_ name: String) throws -> Double? {
        guard let raw = ProcessInfo.processInfo.environment[name] else { return nil }
        guard let days = Double(raw.trimmingCharacters(in: .whitespaces)), days.isFinite, days > 0 else {
            throw ChorusError.badRequest("\(name) must be a positive number of days, such as 14")
        }
        return days
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await Chorus.failing {
            try await db.using { database in
                print("Migrated: \(try await database.appliedMigrations().joined(separator: ", "))")
            }
        }
    }
}

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage people.", subcommands: [Create.self, List.self, Deactivate.self, SetRole.self])

    /// Runs `body` with the services over the database `db` names.
    static func withServices<T>(_ db: DatabaseOptions, _ body: (Services) async throws -> T) async throws -> T {
        try await db.using { database in
            try await body(Services(config: ChorusConfig(baseURL: ProcessInfo.processInfo.environment["CHORUS_BASE_URL"] ?? "http://127.0.0.1:8080"),
                                    database: database))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a person.")
        @Argument var username: String
        @Option var password: String
        @Option(name: .customLong("display-name")) var displayName: String?
        @Option var email: String?
        @Option var role: Role = .member
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await Chorus.failing {
                let account = try await Users.withServices(db) { services in
                    try await services.accounts.createUser(
                        .init(username: username, password: password, displayName: displayName, email: email, role: role))
                }
                print("Created @\(account.username) (\(account.role.rawValue)), id \(account.id)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List people.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await Chorus.failing {
                for account in try await Users.withServices(db, { try await $0.accounts.listAccounts(by: nil) }) {
                    let state = account.isActive ? "active" : "deactivated"
                    print("\(account.username)\t\(account.role.rawValue)\t\(state)\t\(account.displayName)")
                }
            }
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate a person and revoke every session and token.")
        @Argument var username: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await Chorus.failing {
                let account = try await Users.withServices(db) { services in
                    let account = try await services.accounts.account(username: username)
                    _ = try await services.accounts.deactivate(accountID: account.id, actor: nil)
                    return account
                }
                print("Deactivated @\(account.username); every session and token is revoked.")
            }
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Set a person's role.")
        @Argument var username: String
        @Argument var role: Role
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await Chorus.failing {
                let account = try await Users.withServices(db) { services in
                    let account = try await services.accounts.account(username: username)
                    _ = try await services.accounts.setRole(accountID: account.id, role: role, actor: nil)
                    return account
                }
                print("@\(account.username) is now \(role.rawValue).")
            }
        }
    }
}

extension Role: ExpressibleByArgument {}

/// Finds the static files: `CHORUS_PUBLIC`, `./Public`, or `Public` beside the binary.
enum PublicFolder {
    static func locate() -> String? {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["CHORUS_PUBLIC"] { candidates.append(env) }
        candidates.append(FileManager.default.currentDirectoryPath + "/Public")
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(binary.appendingPathComponent("Public").path)
        candidates.append(binary.appendingPathComponent("../../Public").standardized.path)
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill an empty database with people, follows and posts, for benchmarks.",
        discussion: "Everyone's password is 'seed-password'; person N also gets the bearer token 'bench-user-N'. Never seed a real company's database.")

    @Option(help: "How many people.") var users: Int
    @Option(help: "How many posts.") var posts: Int
    @Option(help: "Average follows per person.") var follows: Int
    @Option(help: "Random seed: the same seed makes the same database.") var seed: UInt64 = 1
    @Option(help: "How many teams.") var teams: Int = 30
    @OptionGroup var db: DatabaseOptions

    func validate() throws {
        guard users >= 2, posts >= 0, follows >= 0, teams >= 0 else { throw ValidationError("--users must be at least 2; counts cannot be negative") }
    }

    func run() async throws {
        try await Chorus.failing {
            let started = Date()
            let hash = try Argon2Hasher().hash("seed-password")
            let plan = SeedPlan(users: users, posts: posts, follows: follows, seed: seed, teams: teams)
            let bar = ProgressBar()
            let summary: BulkSeeder.Summary
            switch try DatabaseLocation.parse(db.database) {
            case .sqlite(let path):
                summary = try BulkSeeder.run(path: path, plan: plan, passwordHash: hash, tokenHash: SecretGenerator.sha256Hex, progress: bar.show)
            case .postgres:
                // Seeded into a SQLite file first (the bulk loader's fast path), then copied.
                summary = try await db.using { target in
                    guard let postgres = target as? PostgresDatabase else { throw ChorusError(.unavailable, "not a PostgreSQL database") }
                    guard try await postgres.accountCount() == 0 else {
                        throw ChorusError.conflict("The database already has people: seed only an empty database")
                    }
                    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-seed-\(UUID().uuidString)")
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    defer { try? FileManager.default.removeItem(at: folder) }
                    let path = folder.appendingPathComponent("seed.sqlite").path
                    let summary = try BulkSeeder.run(path: path, plan: plan, passwordHash: hash, tokenHash: SecretGenerator.sha256Hex,
                                                     progress: bar.show)
                    _ = try await postgres.copyData(from: try SQLiteDatabase.open(path: path)) { _, done, total in
                        bar.show("copy", done: done, of: total)
                    }
                    return summary
                }
            }
            bar.finish()
            Chorus.say("Seeded \(summary.users) people, \(summary.follows) follows, \(summary.posts) posts in \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
        }
    }
}

struct CopyData: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-data",
        abstract: "Copy a SQLite database into an empty PostgreSQL database.",
        discussion: """
            Stop the server first: the copy reads the SQLite file as it is. The PostgreSQL database is migrated, must hold no \
            data, and is filled in one transaction, so a failed copy leaves it empty. Every table's row count is checked.
            """)

    @Option(help: "The SQLite database file to copy.") var from: String
    @Option(help: "The postgres:// URL of the database to fill.") var to: String

    func run() async throws {
        try await Chorus.failing {
            guard case .sqlite(let path) = try DatabaseLocation.parse(from) else {
                throw ChorusError.badRequest("--from must be a SQLite file: the copy goes from SQLite to PostgreSQL")
            }
            guard FileManager.default.fileExists(atPath: path) else { throw ChorusError.badRequest("There is no SQLite database at \(path)") }
            guard case .postgres(let address) = try DatabaseLocation.parse(to) else {
                throw ChorusError.badRequest("--to must be a postgres:// URL")
            }
            let started = Date()
            let source = try SQLiteDatabase.open(path: path)
            let target = try await PostgresDatabase.connect(address, poolSize: 2)
            let bar = ProgressBar()
            let copied: [CopiedTable]
            do {
                copied = try await target.copyData(from: source) { table, done, total in
                    bar.show(table, done: done, of: total)
                }
                await target.close()
            } catch {
                await target.close()
                throw error
            }
            bar.finish()
            for table in copied where table.rows > 0 {
                Chorus.say("  \(table.name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(table.rows)")
            }
            let rows = copied.map(\.rows).reduce(0, +)
            Chorus.say("Copied \(rows) rows of \(copied.count) tables in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; "
                       + "every count matches. Serve with --database \(address).")
        }
    }
}
