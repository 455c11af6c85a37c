import ChorusCore
import ChorusStore
import PostgresNIO

/// The home-feed sources of `HomeTimelineRule` in SQL, as SQLite's
/// FeedSource+SQL has them: the entries a source lists (for the merge) and
/// the readers merged from a source (for the live stream). The conditions
/// on tag and direct sources are those of `HomeTimelineRule.sources(ofPostBy:…)`;
/// the readers those of `HomeTimelineRule.sources(ofReader:…)`.
enum PostgresFeedSources {
    /// Entries of `source` older than `before`, newest first.
    static func load(_ source: FeedSource, _ connection: PostgresConnection, before: Int64, limit: Int) async throws -> [FeedEntry] {
        try await fetch(source, connection, bound: before, ascending: false, limit: limit)
    }

    /// Entries of `source` newer than `after`, oldest first.
    static func load(_ source: FeedSource, _ connection: PostgresConnection, after: Int64, limit: Int) async throws -> [FeedEntry] {
        try await fetch(source, connection, bound: after, ascending: true, limit: limit)
    }

    private static func fetch(_ source: FeedSource, _ connection: PostgresConnection, bound: Int64, ascending: Bool, limit: Int) async throws -> [FeedEntry] {
        let columns = "s.id, s.in_reply_to_account_id, s.reblog_of_id, o.account_id, s.visibility"
        let original = "LEFT JOIN statuses o ON o.id = s.reblog_of_id"
        let (comparison, order) = ascending ? (">", "ASC") : ("<", "DESC")
        let query: PostgresQuery
        switch source {
        case .author(let id):
            query = """
                SELECT \(unescaped: columns) FROM statuses s \(unescaped: original)
                WHERE s.account_id = \(id) AND s.team_id IS NULL AND s.id \(unescaped: comparison) \(bound)
                ORDER BY s.id \(unescaped: order) LIMIT \(limit)
                """
        case .team(let id):
            query = """
                SELECT \(unescaped: columns) FROM statuses s \(unescaped: original)
                WHERE s.team_id = \(id) AND s.id \(unescaped: comparison) \(bound) ORDER BY s.id \(unescaped: order) LIMIT \(limit)
                """
        case .tag(let name):
            query = """
                SELECT \(unescaped: columns) FROM status_tags st JOIN statuses s ON s.id = st.status_id \(unescaped: original)
                WHERE st.tag = \(name) AND st.status_id \(unescaped: comparison) \(bound)
                  AND s.visibility = 'company' AND s.reblog_of_id IS NULL AND s.in_reply_to_id IS NULL
                ORDER BY st.status_id \(unescaped: order) LIMIT \(limit)
                """
        case .direct(let id):
            query = """
                SELECT \(unescaped: columns) FROM mentions m JOIN statuses s ON s.id = m.status_id \(unescaped: original)
                WHERE m.account_id = \(id) AND m.direct AND m.status_id \(unescaped: comparison) \(bound) AND s.visibility = 'direct'
                ORDER BY m.status_id \(unescaped: order) LIMIT \(limit)
                """
        }
        return try await connection.query(query, logger: PostgresConnection.quiet).collect().map { row in
            let (id, replyTo, reblogOf, reblogOfAuthor, visibility) = try row.decode((Int64, Int64?, Int64?, Int64?, String).self)
            return FeedEntry(id: id, replyTo: replyTo, reblogOf: reblogOf, reblogOfAuthor: reblogOfAuthor,
                             visibility: Visibility(rawValue: visibility) ?? .direct)
        }
    }

    /// A reader whose home timeline is merged from a source, with the two
    /// follows `HomeTimelineRule.admits` may ask about for one entry.
    struct Reader {
        var id: Int64
        var followsRepliedTo: Bool
        var followsOriginalAuthor: Bool
    }

    /// The readers whose home timelines are merged from `source`. The rule
    /// asks about follows only for another person's `.author` source, so
    /// they are read for those readers only.
    static func readers(of source: FeedSource, entry: FeedEntry, _ connection: PostgresConnection) async throws -> [Reader] {
        switch source {
        case .author(let author):
            let replied: Int64? = entry.replyTo == 0 ? nil : entry.replyTo
            let original: Int64? = entry.reblogOf == 0 ? nil : entry.reblogOfAuthor
            let rows = try await connection.query("""
                SELECT f.account_id,
                       CASE WHEN \(replied)::bigint IS NULL THEN false ELSE EXISTS (
                           SELECT 1 FROM follows g WHERE g.account_id = f.account_id AND g.target_account_id = \(replied)::bigint) END,
                       CASE WHEN \(original)::bigint IS NULL THEN false ELSE EXISTS (
                           SELECT 1 FROM follows g WHERE g.account_id = f.account_id AND g.target_account_id = \(original)::bigint) END
                FROM follows f WHERE f.target_account_id = \(author)
                """, logger: PostgresConnection.quiet).collect().map { try $0.decode((Int64, Bool, Bool).self) }
            return [Reader(id: author, followsRepliedTo: false, followsOriginalAuthor: false)]
                + rows.map { Reader(id: $0.0, followsRepliedTo: $0.1, followsOriginalAuthor: $0.2) }
        case .team(let teamID):
            return try await connection.column(Int64.self, "SELECT account_id FROM team_members WHERE team_id = \(teamID)")
                .map { Reader(id: $0, followsRepliedTo: false, followsOriginalAuthor: false) }
        case .tag(let tag):
            return try await connection.column(Int64.self, "SELECT account_id FROM tag_follows WHERE tag = \(tag)")
                .map { Reader(id: $0, followsRepliedTo: false, followsOriginalAuthor: false) }
        case .direct(let account):
            return [Reader(id: account, followsRepliedTo: false, followsOriginalAuthor: false)]
        }
    }
}

/// The home merge's reads on PostgreSQL, on one connection of the pool.
struct PostgresFeedReader: FeedReader {
    let connection: PostgresConnection

    func relations(of viewerID: Int64) async throws -> FeedRelations {
        FeedRelations(
            follows: Set(try await connection.column(Int64.self, "SELECT target_account_id FROM follows WHERE account_id = \(viewerID)")),
            teams: try await connection.column(Int64.self, "SELECT team_id FROM team_members WHERE account_id = \(viewerID) ORDER BY team_id"),
            tags: try await connection.column(String.self, "SELECT tag FROM tag_follows WHERE account_id = \(viewerID) ORDER BY tag"))
    }

    func entries(of source: FeedSource, before: Int64, limit: Int) async throws -> [FeedEntry] {
        try await PostgresFeedSources.load(source, connection, before: before, limit: limit)
    }

    func entries(of source: FeedSource, after: Int64, limit: Int) async throws -> [FeedEntry] {
        try await PostgresFeedSources.load(source, connection, after: after, limit: limit)
    }
}

/// The same reads, each on a connection of its own from the pool (for
/// warming the cache, where no request holds one).
struct PostgresPoolFeedReader: FeedReader {
    let database: PostgresDatabase

    func relations(of viewerID: Int64) async throws -> FeedRelations {
        try await database.read { try await PostgresFeedReader(connection: $0).relations(of: viewerID) }
    }

    func entries(of source: FeedSource, before: Int64, limit: Int) async throws -> [FeedEntry] {
        try await database.read { try await PostgresFeedSources.load(source, $0, before: before, limit: limit) }
    }

    func entries(of source: FeedSource, after: Int64, limit: Int) async throws -> [FeedEntry] {
        try await database.read { try await PostgresFeedSources.load(source, $0, after: after, limit: limit) }
    }
}
