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

/// A reader's home timeline without a cache: the entries of their sources
/// that `HomeTimelineRule` admits, merged newest first and paginated like
/// SQLite's HomeMerge (the same acceptance, de-duplication and limits), each
/// source read from the database as the merge reaches it.
struct PostgresHomeMerge {
    let viewerID: Int64
    let follows: Set<Int64>
    let sources: [FeedSource]
    /// The most entries looked at for one page, as in SQLite's HomeMerge.
    static let maxScanned = 5_000

    init(_ connection: PostgresConnection, viewerID: Int64) async throws {
        self.viewerID = viewerID
        follows = Set(try await connection.column(Int64.self, "SELECT target_account_id FROM follows WHERE account_id = \(viewerID)"))
        let teams = try await connection.column(Int64.self, "SELECT team_id FROM team_members WHERE account_id = \(viewerID) ORDER BY team_id")
        let tags = try await connection.column(String.self, "SELECT tag FROM tag_follows WHERE account_id = \(viewerID) ORDER BY tag")
        sources = HomeTimelineRule.sources(ofReader: viewerID, follows: follows, teams: teams, tags: tags)
    }

    /// Whether an entry of `source` belongs in this reader's home (`HomeTimelineRule`).
    func accepts(_ entry: FeedEntry, from source: FeedSource) -> Bool {
        HomeTimelineRule.admits(entry, from: source, reader: viewerID, followsRepliedTo: follows.contains(entry.replyTo),
                                followsOriginalAuthor: follows.contains(entry.reblogOfAuthor))
    }

    /// The ids of one page.
    func ids(_ connection: PostgresConnection, page: Page) async throws -> [Int64] {
        if let minID = page.minID {
            return try await ascendingIDs(connection, after: minID, before: page.maxID ?? Int64.max, limit: page.limit)
        }
        return try await descendingIDs(connection, before: page.maxID ?? Int64.max, after: page.sinceID ?? 0, limit: page.limit)
    }

    /// One source read newest first, a chunk at a time.
    private struct Cursor {
        let source: FeedSource
        var entries: [FeedEntry]
        var index = 0
        var exhausted: Bool
        var head: FeedEntry? { index < entries.count ? entries[index] : nil }
    }

    private func descendingIDs(_ connection: PostgresConnection, before: Int64, after: Int64, limit: Int) async throws -> [Int64] {
        guard limit > 0 else { return [] }
        var cursors: [Cursor] = []
        cursors.reserveCapacity(sources.count)
        for source in sources {
            let entries = try await PostgresFeedSources.load(source, connection, before: before, limit: limit)
            let cursor = Cursor(source: source, entries: entries, exhausted: entries.count < limit)
            if cursor.head != nil { cursors.append(cursor) }
        }
        // The head id of each cursor (Int64.min once it is done).
        var heads = cursors.map { $0.head?.id ?? Int64.min }
        var result: [Int64] = []
        var shown = Set<Int64>()
        var scanned = 0
        while result.count < limit, scanned < PostgresHomeMerge.maxScanned {
            var best = -1
            var bestID = after
            for (index, head) in heads.enumerated() where head > bestID {
                best = index
                bestID = head
            }
            guard best >= 0 else { break }
            scanned += 1
            // One post can come from several sources (a followed person's direct post that
            // mentions the reader): it belongs if any of them lets it in. Each moves on.
            var accepted = false
            var entry = cursors[best].entries[cursors[best].index]
            for index in heads.indices where heads[index] == bestID {
                if !accepted, let head = cursors[index].head, accepts(head, from: cursors[index].source) {
                    accepted = true
                    entry = head
                }
                cursors[index].index += 1
                if cursors[index].head == nil, !cursors[index].exhausted {
                    let more = try await PostgresFeedSources.load(cursors[index].source, connection, before: bestID, limit: 2 * limit)
                    cursors[index] = Cursor(source: cursors[index].source, entries: more, exhausted: more.count < 2 * limit)
                }
                heads[index] = cursors[index].head?.id ?? Int64.min
            }
            if accepted, firstShowing(entry, &shown) { result.append(entry.id) }
        }
        return result
    }

    /// A page above `min_id`: the oldest entries first, returned newest first.
    private func ascendingIDs(_ connection: PostgresConnection, after: Int64, before: Int64, limit: Int) async throws -> [Int64] {
        guard limit > 0 else { return [] }
        var candidates: [FeedEntry] = []
        var scanned = 0
        for source in sources {
            // Up to `limit` accepted entries of each source: the page's oldest are among them.
            var taken = 0
            var bound = after
            while taken < limit, scanned < PostgresHomeMerge.maxScanned {
                let chunk = try await PostgresFeedSources.load(source, connection, after: bound, limit: limit)
                scanned += chunk.count
                for entry in chunk where entry.id < before && accepts(entry, from: source) {
                    candidates.append(entry)
                    taken += 1
                }
                guard chunk.count == limit, let last = chunk.last, last.id < before else { break }
                bound = last.id
            }
        }
        candidates.sort { $0.id < $1.id }
        var result: [Int64] = []
        var shown = Set<Int64>()
        for entry in candidates where result.count < limit && result.last != entry.id {
            if firstShowing(entry, &shown) { result.append(entry.id) }
        }
        return result.reversed()
    }

    /// False for a reblog of a post already on the page (as itself or reblogged).
    private func firstShowing(_ entry: FeedEntry, _ shown: inout Set<Int64>) -> Bool {
        let original = entry.reblogOf != 0 ? entry.reblogOf : entry.id
        return shown.insert(original).inserted || entry.reblogOf == 0
    }
}
