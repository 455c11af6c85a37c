import ChorusCore
import ChorusStore
import GRDB

// The home-feed sources of `HomeTimelineRule` in SQL: the entries a source
// lists (for the merge) and the readers merged from a source (for the live
// stream). The conditions on tag and direct sources are those of
// `HomeTimelineRule.sources(ofPostBy:…)`; the readers those of
// `HomeTimelineRule.sources(ofReader:…)`.

extension FeedEntry {
    /// An entry from the columns `s.id, s.in_reply_to_account_id, s.reblog_of_id, o.account_id, s.visibility`.
    init(row: Row) {
        self.init(id: row[0], replyTo: row[1], reblogOf: row[2], reblogOfAuthor: row[3],
                  visibility: Visibility(rawValue: row[4]) ?? .direct)
    }
}

/// The home merge's reads on SQLite. Each is its own read, done in place
/// (see `SQLiteDatabase.read`), so a merge that finds every source cached
/// reads only the reader's relationships.
struct SQLiteFeedReader: FeedReader {
    let database: SQLiteDatabase

    func relations(of viewerID: Int64) async throws -> FeedRelations {
        try await database.read { db in
            FeedRelations(
                follows: Set(try Int64.fetchAll(db.cachedStatement(sql: "SELECT target_account_id FROM follows WHERE account_id = ?"),
                                                arguments: [viewerID])),
                teams: try Int64.fetchAll(db.cachedStatement(sql: "SELECT team_id FROM team_members WHERE account_id = ?"), arguments: [viewerID]),
                tags: try String.fetchAll(db.cachedStatement(sql: "SELECT tag FROM tag_follows WHERE account_id = ?"), arguments: [viewerID]))
        }
    }

    func entries(of source: FeedSource, before: Int64, limit: Int) async throws -> [FeedEntry] {
        try await database.read { db in try SQLiteFeedReader.load(source, db, before: before, limit: limit) }
    }

    func entries(of source: FeedSource, after: Int64, limit: Int) async throws -> [FeedEntry] {
        try await database.read { db in try SQLiteFeedReader.load(source, db, after: after, limit: limit) }
    }
}

extension SQLiteFeedReader {
    /// Entries of `source` older than `before`, newest first.
    static func load(_ source: FeedSource, _ db: Database, before: Int64, limit: Int) throws -> [FeedEntry] {
        try fetch(source, db, bound: before, ascending: false, limit: limit)
    }

    /// Entries of `source` newer than `after`, oldest first.
    static func load(_ source: FeedSource, _ db: Database, after: Int64, limit: Int) throws -> [FeedEntry] {
        try fetch(source, db, bound: after, ascending: true, limit: limit)
    }

    private static func fetch(_ source: FeedSource, _ db: Database, bound: Int64, ascending: Bool, limit: Int) throws -> [FeedEntry] {
        let columns = "s.id, s.in_reply_to_account_id, s.reblog_of_id, o.account_id, s.visibility"
        let original = "LEFT JOIN statuses o ON o.id = s.reblog_of_id"
        let (comparison, order) = ascending ? (">", "ASC") : ("<", "DESC")
        let sql: String
        let key: any DatabaseValueConvertible
        switch source {
        case .author(let id):
            key = id
            sql = "SELECT \(columns) FROM statuses s \(original) WHERE s.account_id = ? AND s.team_id IS NULL AND s.id \(comparison) ? ORDER BY s.id \(order) LIMIT ?"
        case .team(let id):
            key = id
            sql = "SELECT \(columns) FROM statuses s \(original) WHERE s.team_id = ? AND s.id \(comparison) ? ORDER BY s.id \(order) LIMIT ?"
        case .tag(let name):
            key = name
            sql = """
                SELECT \(columns) FROM status_tags st JOIN statuses s ON s.id = st.status_id \(original)
                WHERE st.tag = ? AND st.status_id \(comparison) ? AND s.visibility = 'company' AND s.reblog_of_id IS NULL AND s.in_reply_to_id IS NULL
                ORDER BY st.status_id \(order) LIMIT ?
                """
        case .direct(let id):
            key = id
            sql = """
                SELECT \(columns) FROM mentions m JOIN statuses s ON s.id = m.status_id \(original)
                WHERE m.account_id = ? AND m.direct = 1 AND m.status_id \(comparison) ? AND s.visibility = 'direct'
                ORDER BY m.status_id \(order) LIMIT ?
                """
        }
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: [key, bound, limit]).map(FeedEntry.init(row:))
    }
}

/// A reader whose home timeline is merged from a source, with the two
/// follows `HomeTimelineRule.admits` may ask about for one entry.
struct SourceReader {
    var id: Int64
    var followsRepliedTo: Bool
    var followsOriginalAuthor: Bool
}

extension FeedSource {
    /// The readers whose home timelines are merged from this source. The
    /// rule asks about follows only for another person's `.author` source,
    /// so they are read for those readers only (one index probe each, and
    /// none when `entry` is not a reply or a reblog).
    func readers(of entry: FeedEntry, _ db: Database) throws -> [SourceReader] {
        switch self {
        case .author(let author):
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT f.account_id,
                       CASE WHEN :replied IS NULL THEN 0 ELSE EXISTS (
                           SELECT 1 FROM follows g WHERE g.account_id = f.account_id AND g.target_account_id = :replied) END,
                       CASE WHEN :original IS NULL THEN 0 ELSE EXISTS (
                           SELECT 1 FROM follows g WHERE g.account_id = f.account_id AND g.target_account_id = :original) END
                FROM follows f WHERE f.target_account_id = :author
                """), arguments: ["author": author, "replied": entry.replyTo == 0 ? nil : entry.replyTo,
                                  "original": entry.reblogOf == 0 ? nil : entry.reblogOfAuthor])
            return [SourceReader(id: author, followsRepliedTo: false, followsOriginalAuthor: false)]
                + rows.map { SourceReader(id: $0[0], followsRepliedTo: $0[1], followsOriginalAuthor: $0[2]) }
        case .team(let teamID):
            return try Int64.fetchAll(db.cachedStatement(sql: "SELECT account_id FROM team_members WHERE team_id = ?"), arguments: [teamID])
                .map { SourceReader(id: $0, followsRepliedTo: false, followsOriginalAuthor: false) }
        case .tag(let tag):
            return try Int64.fetchAll(db.cachedStatement(sql: "SELECT account_id FROM tag_follows WHERE tag = ?"), arguments: [tag])
                .map { SourceReader(id: $0, followsRepliedTo: false, followsOriginalAuthor: false) }
        case .direct(let account):
            return [SourceReader(id: account, followsRepliedTo: false, followsOriginalAuthor: false)]
        }
    }
}
