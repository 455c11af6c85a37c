import ChorusCore
import GRDB

/// One stream a home timeline is merged from.
enum FeedSource: Hashable, Sendable {
    /// An account's own posts outside teams (originals, replies, reblogs, direct).
    case author(Int64)
    /// Every post of a team's feed.
    case team(Int64)
    /// Company-visible original posts carrying a hashtag.
    case tag(String)
    /// Direct posts that mention an account.
    case direct(Int64)
}

/// What the merge needs to know of a post to decide whether it belongs in a
/// reader's home timeline, without loading the post.
struct FeedEntry: Sendable {
    var id: Int64
    /// The account a reply answers (0 for none).
    var replyTo: Int64
    /// For a reblog, the original and its author (0 for none).
    var reblogOf: Int64
    var reblogOfAuthor: Int64
    var visibility: Visibility

    init(id: Int64, replyTo: Int64?, reblogOf: Int64?, reblogOfAuthor: Int64?, visibility: Visibility) {
        self.id = id
        self.replyTo = replyTo ?? 0
        self.reblogOf = reblogOf ?? 0
        self.reblogOfAuthor = reblogOfAuthor ?? 0
        self.visibility = visibility
    }

    init(row: Row) {
        self.init(id: row[0], replyTo: row[1], reblogOf: row[2], reblogOfAuthor: row[3],
                  visibility: Visibility(rawValue: row[4]) ?? .direct)
    }
}

extension FeedCache {
    // MARK: Reading sources from SQLite

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
