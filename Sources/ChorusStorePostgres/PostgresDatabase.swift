import ChorusCore
import ChorusMigrations
import ChorusStore
import Foundation
import Logging
import PostgresNIO
import Synchronization

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
    /// The newest entries of each home-feed source (see `HomeMerge`), kept
    /// up to date by this process's writes: one serving node per database
    /// until the nodes tell each other theirs.
    let feeds = FeedCache()
    /// This process's turns on hot rows (see `HotRow`).
    let localTurns = LocalTurns()
    let logger: Logger

    /// What a store method not yet written for PostgreSQL answers.
    static let notYet = ChorusError(.unavailable, "This is not available on PostgreSQL yet")

    /// Times a write is tried when concurrent transactions keep conflicting.
    static let maxAttempts = 8

    /// The node number this process holds, renewed while it runs.
    private let claim: Mutex<NodeClaim?>
    private let renewing = Mutex<Task<Void, Never>?>(nil)

    private init(pool: PostgresPool, ownsPool: Bool, schema: String?, ids: SnowflakeGenerator, clock: any ChorusClock, logger: Logger) {
        self.pool = pool
        self.ownsPool = ownsPool
        self.schema = schema
        self.clock = clock
        self.logger = logger
        self.ids = ids
        self.claim = Mutex(nil)
    }

    /// Migrates, claims a node number (`node`, or a free one), and returns
    /// the database whose ids carry it.
    private static func open(pool: PostgresPool, ownsPool: Bool, schema: String?, node: Int?, clock: any ChorusClock,
                             logger: Logger) async throws -> PostgresDatabase {
        let setup = PostgresDatabase(pool: pool, ownsPool: false, schema: schema, ids: SnowflakeGenerator(), clock: clock, logger: logger)
        try await setup.migrate()
        let claim = try await setup.claimNode(node)
        let ids = SnowflakeGenerator(node: claim.node, notBefore: claim.notBefore, now: { clock.now() })
        let database = PostgresDatabase(pool: pool, ownsPool: ownsPool, schema: schema, ids: ids, clock: clock, logger: logger)
        database.claim.withLock { $0 = claim }
        return database
    }

    /// Connects to `address` with a pool of `poolSize` connections, checks
    /// that the server answers (a refused connection, an unknown database or
    /// a wrong password is one readable `ChorusError`), migrates, and claims
    /// a node number (`node`, or the first free one) that it keeps renewing.
    public static func connect(_ address: PostgresAddress, poolSize: Int = 10, node: Int? = nil, clock: any ChorusClock = SystemClock(),
                               logger: Logger = Logger(label: "chorus.postgres")) async throws -> PostgresDatabase {
        let pool = try await PostgresPool.connect(address, size: poolSize, logger: logger)
        do {
            let database = try await open(pool: pool, ownsPool: true, schema: nil, node: node, clock: clock, logger: logger)
            database.startRenewing()
            return database
        } catch {
            await pool.close()
            throw error
        }
    }

    /// A Chorus in its own schema of the database `pool` reaches, created
    /// and migrated here; the pool stays open when this one closes (tests
    /// give each Chorus a schema of one shared database).
    public static func inSchema(_ schema: String, pool: PostgresPool, node: Int? = nil, clock: any ChorusClock = SystemClock(),
                                logger: Logger = Logger(label: "chorus.postgres")) async throws -> PostgresDatabase {
        try await PostgresSetup.translatingErrors {
            try await pool.client.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: PostgresSetup.quoted(schema))")
        }
        return try await open(pool: pool, ownsPool: false, schema: schema, node: node, clock: clock, logger: logger)
    }

    /// A second process's view of this database, for tests of several
    /// nodes: the same schema and pool, but its own node number, home-feed
    /// cache and turns on hot rows.
    public func anotherNode() async throws -> PostgresDatabase {
        try await Self.open(pool: pool, ownsPool: false, schema: schema, node: nil, clock: clock, logger: logger)
    }

    /// Stops renewing the node number and, when this database opened the pool, closes it.
    public func close() async {
        let task = renewing.withLock { $0 }
        task?.cancel()
        await task?.value
        if let claim = claim.withLock({ $0 }) {
            // Give the number back at once: a process started right after may take it.
            _ = try? await PostgresSetup.translatingErrors {
                try await client.withConnection { connection in
                    try await self.enterSchema(connection)
                    try await claim.release(connection)
                }
            }
        }
        if ownsPool { await pool.close() }
    }

    /// The node number in this process's ids.
    public var node: Int { ids.node }

    private func claimNode(_ wanted: Int?) async throws -> NodeClaim {
        try await PostgresSetup.translatingErrors {
            try await client.withConnection { connection in
                try await self.enterSchema(connection)
                return try await NodeClaim.claim(connection, wanted: wanted, holder: NodeClaim.holderName(),
                                                 lockKey: PostgresSetup.lockKey(schema: schema) &+ 2)
            }
        }
    }

    /// Renews the lease on the node number every 15 s; if another process
    /// took the number over (this one stalled past its lease), claims a new
    /// one and moves the id generator to it.
    private func startRenewing() {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: NodeClaim.renewal)
                guard let self, !Task.isCancelled else { return }
                await self.renewOnce()
            }
        }
        renewing.withLock { $0 = task }
    }

    func renewOnce() async {
        guard let claim = claim.withLock({ $0 }) else { return }
        do {
            let kept = try await PostgresSetup.translatingErrors {
                try await client.withConnection { connection in
                    try await self.enterSchema(connection)
                    return try await claim.renew(connection, lastMillis: ids.lastMillis)
                }
            }
            guard !kept else { return }
            logger.error("node number \(claim.node) was taken over by another process; claiming a new one")
            let fresh = try await claimNode(nil)
            ids.reassign(node: fresh.node, notBefore: fresh.notBefore)
            self.claim.withLock { $0 = fresh }
        } catch {
            logger.warning("could not renew node number \(claim.node): \(error)")
        }
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
    ///
    /// `turns` names the hot rows the transaction updates (an author's post
    /// count, a popular post's favourites). Writers naming the same row take
    /// turns on it before their snapshot starts, so they queue like SQLite's
    /// writers instead of failing each other (see `HotRow`).
    @discardableResult
    func write<T: Sendable>(turns: [HotRow] = [], _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let keys = HotRow.keys(turns, schema: schema)
        // This process's writers of the same rows queue before they hold a connection.
        await localTurns.acquire(keys)
        do {
            let result = try await serializable(keys, body)
            await localTurns.release(keys)
            return result
        } catch {
            await localTurns.release(keys)
            throw error
        }
    }

    private func serializable<T: Sendable>(_ keys: [Int64], _ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await PostgresSetup.translatingErrors {
                    try await client.withConnection { connection in
                        try await self.enterSchema(connection)
                        do {
                            try await HotRow.take(keys, on: connection)
                            try await connection.query("BEGIN ISOLATION LEVEL SERIALIZABLE", logger: logger)
                            do {
                                let result = try await body(connection)
                                try await connection.query("COMMIT", logger: logger)
                                await HotRow.release(keys, on: connection)
                                return result
                            } catch {
                                await connection.always("ROLLBACK")
                                throw error
                            }
                        } catch {
                            await HotRow.release(keys, on: connection)
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
                    await connection.always("ROLLBACK")
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
        // PostgresNIO warns when a lease comes before `run()` has started,
        // which is expected here (the lease waits for it): only its errors are logged.
        var background = logger
        background.logLevel = .error
        return PostgresPool(client: PostgresClient(configuration: configuration, backgroundLogger: background))
    }

    /// Closes every connection.
    public func close() async {
        running.cancel()
        await running.value
    }
}

/// Thrown inside `write` when PostgreSQL asks for the transaction to be tried again.
struct PostgresRetry: Error {}
