import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    /// Active accounts whose username starts with, or display name contains, `query`.
    public func searchAccounts(_ query: String, limit: Int, offset: Int) async throws -> [AccountRecord] {
        let term = query.hasPrefix("@") ? String(query.dropFirst()) : query
        let escaped = SQLiteDatabase.escapeLike(term)
        return try await read { db in
            try AccountRecord.fetchAll(db, sql: """
                SELECT * FROM accounts WHERE is_active = 1
                AND (username LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\')
                ORDER BY (username = ? COLLATE NOCASE) DESC, followers_count DESC, username LIMIT ? OFFSET ?
                """, arguments: [escaped + "%", "%" + escaped + "%", term, limit, offset])
        }
    }

    /// Hashtags whose normalized name starts with the normalized query and
    /// that a post the viewer may see carries: the exact name first, then in
    /// name order. Not by how often they are used: that count would include
    /// posts the viewer may not see. In name order the walk over the tags'
    /// key stops as soon as the page is full.
    public func searchTags(_ query: String, viewerID: Int64, limit: Int, offset: Int) async throws -> [TagRecord] {
        let name = Hashtag.normalize(query)
        guard !name.isEmpty else { return [] }
        return try await read { db in
            let exact = try self.visibleTag(db, name: name, viewerID: viewerID).map { [$0] } ?? []
            let longer = try Row.fetchAll(db, sql: """
                SELECT t.name, t.display_name, 1 AS seen FROM tags t
                WHERE t.name > ? AND t.name < ? AND \(tagVisibleToViewerSQL("t.name", viewerID: viewerID))
                ORDER BY t.name LIMIT ?
                """, arguments: [name, name + "\u{10FFFF}", offset + limit]).map(TagRecord.init(row:))
            return Array((exact + longer).dropFirst(offset).prefix(limit))
        }
    }

    /// The hashtag as the viewer sees it: nil unless a post they may see
    /// carries it or they follow it (answered exactly as for a tag nobody used).
    public func tag(name: String, viewerID: Int64) async throws -> TagRecord? {
        try await read { db in try self.tag(db, name: name, viewerID: viewerID) }
    }

    /// The tag page's summary: the tag, how many posts with it the viewer
    /// may see (up to `maxCounted`), and whether they follow it.
    public func tagSummary(name: String, viewerID: Int64, maxCounted: Int) async throws -> TagSummary {
        try await read { db in
            guard let tag = try self.tag(db, name: name, viewerID: viewerID) else {
                return TagSummary(tag: nil, uses: 0, usesCapped: false, following: false)
            }
            let uses = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM (SELECT 1 FROM status_tags st JOIN statuses s ON s.id = st.status_id
                WHERE st.tag = ? AND \(visibleToViewerSQL("s", viewerID: viewerID)) LIMIT ?)
                """, arguments: [name, maxCounted + 1]) ?? 0
            return TagSummary(tag: tag, uses: min(uses, maxCounted), usesCapped: uses > maxCounted,
                              following: try self.isFollowingTag(db, accountID: viewerID, name: name))
        }
    }

    /// Statuses the viewer may see that match `query`, newest first. Uses the
    /// bigram index; a lone CJK character falls back to a substring scan.
    public func searchStatuses(_ query: String, viewerID: Int64, accountID: Int64?, limit: Int, offset: Int, maxID: Int64?) async throws -> [HydratedStatus] {
        let match = SearchTokens.matchExpression(query)
        let needle = query.trimmingCharacters(in: .whitespaces)
        guard match != nil || !needle.isEmpty else { return [] }
        return try await read { db in
            var sql: String
            var arguments: StatementArguments
            // Newest first. With the index, order by the FTS rowid (the status
            // id) so FTS5 walks its matches backwards and stops at the limit,
            // instead of sorting every match.
            let order: String
            if let match {
                sql = "SELECT s.id FROM status_search ss JOIN statuses s ON s.id = ss.rowid WHERE status_search MATCH ?"
                arguments = [match]
                order = "ss.rowid"
            } else {
                sql = "SELECT s.id FROM statuses s WHERE s.reblog_of_id IS NULL AND s.text LIKE ? ESCAPE '\\'"
                arguments = ["%" + SQLiteDatabase.escapeLike(needle) + "%"]
                order = "s.id"
            }
            sql += " AND \(visibleToViewerSQL("s", viewerID: viewerID))"
            if let accountID {
                sql += " AND s.account_id = ?"
                arguments += [accountID]
            }
            if let maxID {
                sql += " AND \(order) < ?"
                arguments += [maxID]
            }
            sql += " ORDER BY \(order) DESC LIMIT ? OFFSET ?"
            arguments += [limit, offset]
            let ids = try Int64.fetchAll(db, sql: sql, arguments: arguments)
            return try self.hydrate(db, ids: ids, viewerID: viewerID)
        }
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}

extension SQLiteDatabase {
    /// Follows a hashtag: new company posts with it reach the home feed.
    /// Returns the tag as the follower sees it.
    public func followTag(accountID: Int64, name: String, display: String) async throws -> TagRecord {
        let now = now()
        let result = try await write { db in
            try db.execute(sql: """
                INSERT INTO tags (name, display_name, created_at, last_used_at, uses_count) VALUES (?, ?, ?, ?, 0)
                ON CONFLICT (name) DO NOTHING
                """, arguments: [name, display, now, now])
            try db.execute(sql: "INSERT OR IGNORE INTO tag_follows (account_id, tag, created_at) VALUES (?, ?, ?)", arguments: [accountID, name, now])
            return try self.tag(db, name: name, viewerID: accountID)!
        }
        feeds.relationsChanged(viewerID: accountID)
        return result
    }

    /// Stops following a hashtag (its posts already in the feed stay).
    public func unfollowTag(accountID: Int64, name: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM tag_follows WHERE account_id = ? AND tag = ?", arguments: [accountID, name])
        }
        feeds.relationsChanged(viewerID: accountID)
    }

    /// The hashtags an account follows, most recently followed first, as that account sees them.
    public func followedTags(accountID: Int64) async throws -> [TagRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.name, t.display_name, \(tagVisibleToViewerSQL("t.name", viewerID: accountID)) AS seen
                FROM tag_follows f JOIN tags t ON t.name = f.tag
                WHERE f.account_id = ? ORDER BY f.created_at DESC LIMIT 200
                """, arguments: [accountID]).map(TagRecord.init(row:))
        }
    }

    /// True if the account follows the hashtag.
    public func isFollowingTag(accountID: Int64, name: String) async throws -> Bool {
        try await read { db in try self.isFollowingTag(db, accountID: accountID, name: name) }
    }

    func isFollowingTag(_ db: Database, accountID: Int64, name: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM tag_follows WHERE account_id = ? AND tag = ?)", arguments: [accountID, name]) ?? false
    }

    /// The tag if a post the viewer may see carries it or the viewer follows it.
    func tag(_ db: Database, name: String, viewerID: Int64) throws -> TagRecord? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT t.name, t.display_name, \(tagVisibleToViewerSQL("t.name", viewerID: viewerID)) AS seen,
                   EXISTS (SELECT 1 FROM tag_follows f WHERE f.account_id = ? AND f.tag = t.name) AS followed
            FROM tags t WHERE t.name = ?
            """, arguments: [viewerID, name]) else { return nil }
        let seen: Bool = row["seen"], followed: Bool = row["followed"]
        return seen || followed ? TagRecord(row: row) : nil
    }

    /// The tag if a post the viewer may see carries it.
    func visibleTag(_ db: Database, name: String, viewerID: Int64) throws -> TagRecord? {
        try Row.fetchOne(db, sql: """
            SELECT t.name, t.display_name, 1 AS seen FROM tags t WHERE t.name = ? AND \(tagVisibleToViewerSQL("t.name", viewerID: viewerID))
            """, arguments: [name]).map(TagRecord.init(row:))
    }
}

extension TagRecord {
    /// From a row of `name`, `display_name` and `seen` (whether the reader may see a post with the tag).
    init(row: Row) {
        let seen: Bool = row["seen"]
        self.init(name: row["name"], display: seen ? row["display_name"] : row["name"])
    }
}
