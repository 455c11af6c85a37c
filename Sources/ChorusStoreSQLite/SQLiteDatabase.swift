import ChorusCore
import ChorusStore
import ChorusMigrations
import Foundation
import GRDB

/// Chorus on SQLite: one file in WAL mode, every write fsynced. Each public
/// method is one transaction and is named for what it does (the store
/// protocols say what each promises); services never see GRDB types.
public final class SQLiteDatabase: ChorusDatabase {
    let writer: any DatabaseWriter
    /// Makes ids for statuses and notifications (time-ordered).
    public let ids: SnowflakeGenerator
    let clock: any ChorusClock
    /// Group commit for the busiest writes (posting).
    let batcher: WriteBatcher
    /// The newest entries of each home-feed source (see `HomeMerge`).
    let feeds = FeedCache()

    init(writer: any DatabaseWriter, clock: any ChorusClock) throws {
        self.writer = writer
        self.clock = clock
        self.batcher = WriteBatcher(writer: writer)
        self.ids = SnowflakeGenerator(now: { clock.now() })
        try SQLiteDatabase.migrator().migrate(writer)
    }

    /// Opens (creating if needed) the database file at `path` in WAL mode and migrates it.
    public static func open(path: String, clock: any ChorusClock = SystemClock()) throws -> SQLiteDatabase {
        let pool = try DatabasePool(path: path, configuration: configuration())
        return try SQLiteDatabase(writer: pool, clock: clock)
    }

    /// A fresh, migrated in-memory database (for tests).
    public static func inMemory(clock: any ChorusClock = SystemClock()) throws -> SQLiteDatabase {
        try SQLiteDatabase(writer: DatabaseQueue(configuration: configuration()), clock: clock)
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.maximumReaderCount = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
        config.prepareDatabase { db in
            // Acknowledged writes survive power loss: fsync on every commit.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -32000")
        }
        return config
    }

    /// Registers every `Migrations/sql/NNNN_*.sql` file, in name order.
    static func migrator() throws -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        guard let directory = ChorusMigrations.directory else {
            throw ChorusError(.unavailable, "The migrations folder is missing from this build")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        for file in files {
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrator.registerMigration(String(file.dropLast(4))) { db in
                try db.execute(sql: sql)
            }
        }
        return migrator
    }

    /// Names of the migrations applied so far.
    public func appliedMigrations() async throws -> [String] {
        let migrator = try SQLiteDatabase.migrator()
        return try await writer.read { db in try migrator.appliedMigrations(db) }
    }

    // MARK: Helpers

    func now() -> Date { clock.now() }

    /// Runs a write transaction, turning constraint failures into Chorus errors.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw ChorusError.conflict("That conflicts with existing data")
        }
    }

    /// Like `write`, but shares the transaction (and its fsync) with other
    /// writes arriving at the same time.
    func batchedWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await batcher.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw ChorusError.conflict("That conflicts with existing data")
        }
    }

    /// Runs a read transaction on the calling thread. Reads are short and
    /// CPU-bound (the database pages are in memory), so doing them in place
    /// costs less than handing each one to a reader queue and back: that
    /// hand-off was a fifth of a timeline request.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try readInPlace(body)
    }

    private func readInPlace<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.read(body)
    }

    /// Appends a domain event to the outbox inside the current transaction.
    func appendEvent(_ db: Database, type: String, payload: [String: any Sendable]) throws {
        let data = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        try db.run("INSERT INTO outbox (type, payload, created_at) VALUES (?, ?, ?)",
                   arguments: [type, String(decoding: data, as: UTF8.self), now()])
    }

    /// Appends an entry to the audit log inside the current transaction.
    func appendAudit(_ db: Database, actorID: Int64?, action: String, subject: String?, detail: [String: any Sendable] = [:], ip: String? = nil) throws {
        let data = try JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys])
        var entry = AuditRecord(actorId: actorID, action: action, subject: subject, detail: String(decoding: data, as: UTF8.self), ip: ip, createdAt: now())
        try entry.insert(db)
    }
}

/// Builds the `WHERE … ORDER BY … LIMIT` tail of an id-paginated query.
struct PageQuery {
    var conditions: [String] = []
    var arguments: StatementArguments = []
    var order: String
    var limit: Int
    var reversed: Bool

    /// `column` is the id column the page refers to (e.g. `s.id`).
    init(_ page: Page, column: String) {
        limit = page.limit
        if let minID = page.minID {
            conditions.append("\(column) > ?")
            arguments += [minID]
            order = "\(column) ASC"
            reversed = true
        } else {
            order = "\(column) DESC"
            reversed = false
            if let sinceID = page.sinceID {
                conditions.append("\(column) > ?")
                arguments += [sinceID]
            }
        }
        if let maxID = page.maxID {
            conditions.append("\(column) < ?")
            arguments += [maxID]
        }
    }

    /// `AND …` for the page's conditions (empty when none).
    var andConditions: String { conditions.isEmpty ? "" : " AND " + conditions.joined(separator: " AND ") }

    var tail: String { " ORDER BY \(order) LIMIT \(limit)" }

    func ordered<T>(_ items: [T]) -> [T] { reversed ? items.reversed() : items }
}

extension Database {
    /// Executes a statement compiled once per connection and then reused.
    /// Only for SQL text that never changes (arguments bound with `?`):
    /// compiling a statement, with GRDB's authorizer callback on every
    /// column, cost more than running it on the posting path.
    func run(_ sql: String, arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension StatusRecord {
    /// Inserts with a cached statement (see `Database.run`).
    func insertCached(_ db: Database) throws {
        try db.run("""
            INSERT INTO statuses (id, account_id, text, content_html, visibility, spoiler_text, sensitive, language, in_reply_to_id,
                                  in_reply_to_account_id, reblog_of_id, quote_of_id, application_name, created_at, edited_at, replies_count,
                                  reblogs_count, favourites_count, quotes_count, team_id, kind, best_answer_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, accountId, text, contentHtml, visibility.rawValue, spoilerText, sensitive, language, inReplyToId,
                             inReplyToAccountId, reblogOfId, quoteOfId, applicationName, createdAt, editedAt, repliesCount,
                             reblogsCount, favouritesCount, quotesCount, teamId, kind.rawValue, bestAnswerId])
    }
}
