import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// Active accounts whose username starts with, or display name contains, `query`.
    public func searchAccounts(_ query: String, limit: Int, offset: Int) async throws -> [AccountRecord] {
        let term = query.hasPrefix("@") ? String(query.dropFirst()) : query
        let escaped = Self.escapeLike(term)
        return try await read { connection in
            try await connection.records(AccountRecord.self, """
                SELECT * FROM accounts WHERE is_active
                AND (lower(username) LIKE lower(\(escaped + "%")) ESCAPE '\\' OR display_name ILIKE \("%" + escaped + "%") ESCAPE '\\')
                ORDER BY (lower(username) = lower(\(term))) DESC, followers_count DESC, lower(username) LIMIT \(limit) OFFSET \(offset)
                """)
        }
    }

    /// Hashtags whose normalized name starts with the normalized query and
    /// that a post the viewer may see carries: the exact name first, then in
    /// name order (the walk over the tags' key stops when the page is full).
    public func searchTags(_ query: String, viewerID: Int64, limit: Int, offset: Int) async throws -> [TagRecord] {
        let name = Hashtag.normalize(query)
        guard !name.isEmpty else { return [] }
        return try await read { connection in
            let exact = try await self.visibleTag(connection, name: name, viewerID: viewerID).map { [$0] } ?? []
            let longer = try await connection.query("""
                SELECT t.name, t.display_name, true AS seen FROM tags t
                WHERE t.name > \(name) AND t.name < \(name + "\u{10FFFF}")
                  AND \(unescaped: tagVisibleToViewerSQL("t.name", viewerID: viewerID))
                ORDER BY t.name LIMIT \(offset + limit)
                """, logger: PostgresConnection.quiet).collect().map { try TagRecord(tagRow: $0) }
            return Array((exact + longer).dropFirst(offset).prefix(limit))
        }
    }

    /// The hashtag as the viewer sees it: nil unless a post they may see
    /// carries it or they follow it (answered exactly as for a tag nobody used).
    public func tag(name: String, viewerID: Int64) async throws -> TagRecord? {
        try await read { connection in try await self.tag(connection, name: name, viewerID: viewerID) }
    }

    /// The tag page's summary: the tag, how many posts with it the viewer
    /// may see (up to `maxCounted`), and whether they follow it.
    public func tagSummary(name: String, viewerID: Int64, maxCounted: Int) async throws -> TagSummary {
        try await read { connection in
            guard let tag = try await self.tag(connection, name: name, viewerID: viewerID) else {
                return TagSummary(tag: nil, uses: 0, usesCapped: false, following: false)
            }
            let uses = try await connection.count("""
                SELECT count(*) FROM (SELECT 1 FROM status_tags st JOIN statuses s ON s.id = st.status_id
                WHERE st.tag = \(name) AND \(unescaped: visibleToViewerSQL("s", viewerID: viewerID)) LIMIT \(maxCounted + 1)) AS capped
                """)
            return TagSummary(tag: tag, uses: min(uses, maxCounted), usesCapped: uses > maxCounted,
                              following: try await self.isFollowingTag(connection, accountID: viewerID, name: name))
        }
    }

    /// Statuses the viewer may see that match `query`, newest first. Uses the
    /// term and prefix indexes; a lone CJK character falls back to a
    /// substring scan.
    public func searchStatuses(_ query: String, viewerID: Int64, accountID: Int64?, limit: Int, offset: Int, maxID: Int64?) async throws -> [HydratedStatus] {
        let match = PostgresSearchTerms.query(query)
        let needle = query.trimmingCharacters(in: .whitespaces)
        guard match != nil || !needle.isEmpty else { return [] }
        // A query of separators only ("__") has no term to look for: FTS5 finds nothing.
        if let match, match.whole.isEmpty, match.prefix == nil { return [] }
        // Built with numbered parameters, since the conditions depend on the query.
        var binds = PostgresBindings()
        func parameter(_ value: some PostgresEncodable) throws -> String {
            try binds.append(value)
            return "$\(binds.count)"
        }
        var sql: String
        // Newest first, ordered by the id the condition is on, so a common
        // term walks the key backwards and stops at the limit.
        let order: String
        if let match {
            sql = "SELECT s.id FROM status_search ss JOIN statuses s ON s.id = ss.status_id WHERE true"
            if !match.whole.isEmpty { sql += " AND ss.terms @> \(try parameter(match.whole))::text[]" }
            if let prefix = match.prefix { sql += " AND array_to_tsvector(ss.terms) @@ \(try parameter(prefix))::tsquery" }
            for run in match.runs { sql += " AND strpos(s.text || ' ' || s.spoiler_text, \(try parameter(run))) > 0" }
            for sequence in match.sequences {
                // The parts next to each other, from some position i of the stored terms.
                var parts: [String] = []
                for (k, term) in sequence.terms.enumerated() {
                    let isPrefix = sequence.lastIsPrefix && k == sequence.terms.count - 1
                    parts.append(isPrefix ? "starts_with(ss.terms[i + \(k)], \(try parameter(term)))" : "ss.terms[i + \(k)] = \(try parameter(term))")
                }
                sql += " AND EXISTS (SELECT 1 FROM generate_subscripts(ss.terms, 1) AS i WHERE \(parts.joined(separator: " AND ")))"
            }
            order = "ss.status_id"
        } else {
            sql = "SELECT s.id FROM statuses s WHERE s.reblog_of_id IS NULL AND s.text ILIKE \(try parameter("%" + Self.escapeLike(needle) + "%")) ESCAPE '\\'"
            order = "s.id"
        }
        sql += " AND \(visibleToViewerSQL("s", viewerID: viewerID))"
        if let accountID { sql += " AND s.account_id = \(try parameter(accountID))" }
        if let maxID { sql += " AND \(order) < \(try parameter(maxID))" }
        sql += " ORDER BY \(order) DESC LIMIT \(try parameter(limit)) OFFSET \(try parameter(offset))"
        let statement = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await read { connection in
            let ids = try await connection.column(Int64.self, statement)
            return try await self.hydrate(connection, ids: ids, viewerID: viewerID)
        }
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    // MARK: Followed tags

    /// Follows a hashtag: new company posts with it reach the home feed.
    /// Returns the tag as the follower sees it.
    public func followTag(accountID: Int64, name: String, display: String) async throws -> TagRecord {
        let now = now()
        let result = try await write { connection in
            try await connection.run("""
                INSERT INTO tags (name, display_name, created_at, last_used_at, uses_count) VALUES (\(name), \(display), \(now), \(now), 0)
                ON CONFLICT (name) DO NOTHING
                """)
            try await connection.run("""
                INSERT INTO tag_follows (account_id, tag, created_at) VALUES (\(accountID), \(name), \(now)) ON CONFLICT DO NOTHING
                """)
            guard let tag = try await self.tag(connection, name: name, viewerID: accountID) else { throw ChorusError.notFound() }
            return tag
        }
        feeds.relationsChanged(viewerID: accountID)
        return result
    }

    /// Stops following a hashtag (its posts already in the feed stay).
    public func unfollowTag(accountID: Int64, name: String) async throws {
        try await write { connection in
            try await connection.run("DELETE FROM tag_follows WHERE account_id = \(accountID) AND tag = \(name)")
        }
        feeds.relationsChanged(viewerID: accountID)
    }

    /// The hashtags an account follows, most recently followed first, as that account sees them.
    public func followedTags(accountID: Int64) async throws -> [TagRecord] {
        try await read { connection in
            try await connection.query("""
                SELECT t.name, t.display_name, \(unescaped: tagVisibleToViewerSQL("t.name", viewerID: accountID)) AS seen
                FROM tag_follows f JOIN tags t ON t.name = f.tag
                WHERE f.account_id = \(accountID) ORDER BY f.created_at DESC LIMIT 200
                """, logger: PostgresConnection.quiet).collect().map { try TagRecord(tagRow: $0) }
        }
    }

    /// True if the account follows the hashtag.
    public func isFollowingTag(accountID: Int64, name: String) async throws -> Bool {
        try await read { connection in try await self.isFollowingTag(connection, accountID: accountID, name: name) }
    }

    func isFollowingTag(_ connection: PostgresConnection, accountID: Int64, name: String) async throws -> Bool {
        try await connection.count("SELECT count(*) FROM tag_follows WHERE account_id = \(accountID) AND tag = \(name)") > 0
    }

    /// The tag if a post the viewer may see carries it or the viewer follows it.
    func tag(_ connection: PostgresConnection, name: String, viewerID: Int64) async throws -> TagRecord? {
        guard let row = try await connection.query("""
            SELECT t.name, t.display_name, \(unescaped: tagVisibleToViewerSQL("t.name", viewerID: viewerID)) AS seen,
                   EXISTS (SELECT 1 FROM tag_follows f WHERE f.account_id = \(viewerID) AND f.tag = t.name) AS followed
            FROM tags t WHERE t.name = \(name)
            """, logger: PostgresConnection.quiet).collect().first else { return nil }
        let (_, _, seen, followed) = try row.decode((String, String, Bool, Bool).self)
        return try seen || followed ? TagRecord(tagRow: row) : nil
    }

    /// The tag if a post the viewer may see carries it.
    func visibleTag(_ connection: PostgresConnection, name: String, viewerID: Int64) async throws -> TagRecord? {
        try await connection.query("""
            SELECT t.name, t.display_name, true AS seen FROM tags t
            WHERE t.name = \(name) AND \(unescaped: tagVisibleToViewerSQL("t.name", viewerID: viewerID))
            """, logger: PostgresConnection.quiet).collect().first.map { try TagRecord(tagRow: $0) }
    }
}

/// True when a post the viewer may see carries the hashtag `tag` (an SQL
/// expression for a normalized name, such as `t.name`), as on SQLite.
func tagVisibleToViewerSQL(_ tag: String, viewerID: Int64) -> String {
    """
    EXISTS (SELECT 1 FROM status_tags vst JOIN statuses vs ON vs.id = vst.status_id \
    WHERE vst.tag = \(tag) AND \(visibleToViewerSQL("vs", viewerID: viewerID)))
    """
}

extension TagRecord {
    /// From a row whose first three columns are `name`, `display_name` and
    /// `seen` (whether the reader may see a post with the tag).
    init(tagRow row: PostgresRow) throws {
        let (name, display, seen) = try row.decode((String, String, Bool).self)
        self.init(name: name, display: seen ? display : name)
    }
}
