import ChorusCore
import ChorusMigrations
import ChorusStore
import Foundation
import Logging
import PostgresNIO

/// Chorus on PostgreSQL, for a company that runs several nodes on one
/// shared database. Each public method is one transaction, as on SQLite.
/// Write transactions run SERIALIZABLE and are retried when PostgreSQL
/// cancels one for a conflicting concurrent transaction, so a check made
/// inside a transaction holds at its commit exactly as with SQLite's single
/// writer: the store methods keep their read-check-write shape on both.
public final class PostgresDatabase: ChorusDatabase {
    let pool: PostgresPool
    var client: PostgresClient { pool.client }
    /// Whether closing this database closes the pool (it opened it).
    private let ownsPool: Bool
    /// Makes ids for statuses and notifications (time-ordered).
    public let ids: SnowflakeGenerator
    let clock: any ChorusClock
    /// The schema every connection works in (tests give each Chorus its own).
    let schema: String?
    let logger: Logger

    /// What a store method not yet written for PostgreSQL answers.
    static let notYet = ChorusError(.unavailable, "This is not available on PostgreSQL yet")

    /// Times a write is tried when concurrent transactions keep conflicting.
    static let maxAttempts = 8

    init(pool: PostgresPool, ownsPool: Bool, schema: String?, clock: any ChorusClock, logger: Logger) {
        self.pool = pool
        self.ownsPool = ownsPool
        self.schema = schema
        self.clock = clock
        self.logger = logger
        self.ids = SnowflakeGenerator(now: { clock.now() })
    }

    /// Connects to `address` with a pool of `poolSize` connections, checks
    /// that the server answers (a refused connection, an unknown database or
    /// a wrong password is one readable `ChorusError`), and migrates.
    public static func connect(_ address: PostgresAddress, poolSize: Int = 10, clock: any ChorusClock = SystemClock(),
                               logger: Logger = Logger(label: "chorus.postgres")) async throws -> PostgresDatabase {
        let pool = try await PostgresPool.connect(address, size: poolSize, logger: logger)
        let database = PostgresDatabase(pool: pool, ownsPool: true, schema: nil, clock: clock, logger: logger)
        do {
            try await database.migrate()
        } catch {
            await database.close()
            throw error
        }
        return database
    }

    /// A Chorus in its own schema of the database `pool` reaches, created
    /// and migrated here; the pool stays open when this one closes (tests
    /// give each Chorus a schema of one shared database).
    public static func inSchema(_ schema: String, pool: PostgresPool, clock: any ChorusClock = SystemClock(),
                                logger: Logger = Logger(label: "chorus.postgres")) async throws -> PostgresDatabase {
        try await PostgresSetup.translatingErrors {
            try await pool.client.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: PostgresSetup.quoted(schema))")
        }
        let database = PostgresDatabase(pool: pool, ownsPool: false, schema: schema, clock: clock, logger: logger)
        try await database.migrate()
        return database
    }

    /// Stops the pool, when this database opened it.
    public func close() async {
        if ownsPool { await pool.close() }
    }

    func now() -> Date { clock.now() }

    // MARK: Transactions

    /// Runs `body` on one connection of the pool, outside a transaction
    /// (each statement is its own): for reads of one statement, or reads
    /// that need no snapshot across statements.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await PostgresSetup.translatingErrors {
            try await client.withConnection { connection in
                try await self.enterSchema(connection)
                return try await body(connection)
            }
        }
    }

    /// Runs `body` in a SERIALIZABLE transaction, retried from the start when
    /// PostgreSQL reports a serialization failure or a deadlock; a unique or
    /// foreign-key violation becomes a 409 like on SQLite. `body` may run
    /// more than once, so it must not have effects outside the database.
    func write<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await PostgresSetup.translatingErrors {
                    try await client.withConnection { connection in
                        try await self.enterSchema(connection)
                        try await connection.query("BEGIN ISOLATION LEVEL SERIALIZABLE", logger: logger)
                        do {
                            let result = try await body(connection)
                            try await connection.query("COMMIT", logger: logger)
                            return result
                        } catch {
                            _ = try? await connection.query("ROLLBACK", logger: logger)
                            throw error
                        }
                    }
                }
            } catch let error as PostgresRetry where attempt < PostgresDatabase.maxAttempts {
                _ = error
                attempt += 1
                // A short, growing, jittered pause lets the other transaction finish.
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(2 << attempt))))
            } catch is PostgresRetry {
                throw ChorusError(.unavailable, "The database is busy; try again")
            }
        }
    }

    func enterSchema(_ connection: PostgresConnection) async throws {
        guard let schema else { return }
        try await connection.query("SET search_path TO \(unescaped: PostgresSetup.quoted(schema))", logger: logger)
    }

    // MARK: Migrations

    /// Names of the migrations applied so far.
    public func appliedMigrations() async throws -> [String] {
        try await read { connection in
            try await connection.query("SELECT name FROM chorus_migrations ORDER BY name", logger: logger)
                .collect().map { try $0.decode(String.self) }
        }
    }

    /// Applies the `Migrations/postgres/NNNN_*.sql` files not applied yet, in
    /// name order, in one transaction that holds an advisory lock: two nodes
    /// starting at once take turns, and the second finds nothing left to do.
    func migrate() async throws {
        let files = try PostgresSetup.migrationFiles()
        try await PostgresSetup.translatingErrors {
            try await client.withConnection { connection in
                try await self.enterSchema(connection)
                try await connection.query("BEGIN", logger: logger)
                do {
                    let key = PostgresSetup.lockKey(schema: schema)
                    try await connection.query("SELECT pg_advisory_xact_lock(\(key))", logger: logger)
                    try await connection.query("""
                        CREATE TABLE IF NOT EXISTS chorus_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                        """, logger: logger)
                    let applied = Set(try await connection.query("SELECT name FROM chorus_migrations", logger: logger)
                        .collect().map { try $0.decode(String.self) })
                    for (name, sql) in files where !applied.contains(name) {
                        for statement in PostgresSetup.statements(sql) {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query("INSERT INTO chorus_migrations (name) VALUES (\(name))", logger: logger)
                    }
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }
}

/// Connections to one PostgreSQL database.
public final class PostgresPool: Sendable {
    let client: PostgresClient
    private let running: Task<Void, Never>

    private init(client: PostgresClient) {
        self.client = client
        running = Task { await client.run() }
    }

    /// Checks that the server answers (see `PostgresSetup.check`), then opens a pool of at most `size` connections.
    public static func connect(_ address: PostgresAddress, size: Int, logger: Logger = Logger(label: "chorus.postgres")) async throws -> PostgresPool {
        let configuration = try PostgresSetup.configuration(address, poolSize: size)
        try await PostgresSetup.check(address: address, logger: logger)
        return PostgresPool(client: PostgresClient(configuration: configuration, backgroundLogger: logger))
    }

    /// Closes every connection.
    public func close() async {
        running.cancel()
        await running.value
    }
}

/// Thrown inside `write` when PostgreSQL asks for the transaction to be tried again.
struct PostgresRetry: Error {}
