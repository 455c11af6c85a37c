import ChorusCore
import Foundation
import GRDB

/// A hashtag with its use count.
public struct TagRecord: Sendable, Equatable {
    public var name: String
    public var display: String
    public var usesCount: Int
    public var lastUsedAt: Date
}

extension AppDatabase {
    /// Active accounts whose username starts with, or display name contains, `query`.
    public func searchAccounts(_ query: String, limit: Int, offset: Int) async throws -> [AccountRecord] {
        let term = query.hasPrefix("@") ? String(query.dropFirst()) : query
        let escaped = AppDatabase.escapeLike(term)
        return try await read { db in
            try AccountRecord.fetchAll(db, sql: """
                SELECT * FROM accounts WHERE is_active = 1
                AND (username LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\')
                ORDER BY (username = ? COLLATE NOCASE) DESC, followers_count DESC, username LIMIT ? OFFSET ?
                """, arguments: [escaped + "%", "%" + escaped + "%", term, limit, offset])
        }
    }

    /// Hashtags whose normalized name starts with the normalized query.
    public func searchTags(_ query: String, limit: Int, offset: Int) async throws -> [TagRecord] {
        let name = Hashtag.normalize(query)
        guard !name.isEmpty else { return [] }
        return try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT name, display_name, uses_count, last_used_at FROM tags WHERE name >= ? AND name < ?
                ORDER BY (name = ?) DESC, uses_count DESC LIMIT ? OFFSET ?
                """, arguments: [name, name + "\u{10FFFF}", name, limit, offset])
                .map(TagRecord.init(row:))
        }
    }

    public func tag(name: String) async throws -> TagRecord? {
        try await read { db in try self.tag(db, name: name) }
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
                arguments = ["%" + AppDatabase.escapeLike(needle) + "%"]
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

extension AppDatabase {
    /// Follows a hashtag: new company posts with it reach the home feed.
    public func followTag(accountID: Int64, name: String, display: String) async throws -> TagRecord {
        let now = now()
        let result = try await write { db in
            try db.execute(sql: """
                INSERT INTO tags (name, display_name, created_at, last_used_at, uses_count) VALUES (?, ?, ?, ?, 0)
                ON CONFLICT (name) DO NOTHING
                """, arguments: [name, display, now, now])
            try db.execute(sql: "INSERT OR IGNORE INTO tag_follows (account_id, tag, created_at) VALUES (?, ?, ?)", arguments: [accountID, name, now])
            return try self.tag(db, name: name)!
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

    /// The hashtags an account follows, most recently followed first.
    public func followedTags(accountID: Int64) async throws -> [TagRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.name, t.display_name, t.uses_count, t.last_used_at FROM tag_follows f JOIN tags t ON t.name = f.tag
                WHERE f.account_id = ? ORDER BY f.created_at DESC LIMIT 200
                """, arguments: [accountID]).map(TagRecord.init(row:))
        }
    }

    /// True if the account follows the hashtag.
    public func isFollowingTag(accountID: Int64, name: String) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM tag_follows WHERE account_id = ? AND tag = ?)", arguments: [accountID, name]) ?? false
        }
    }

    func tag(_ db: Database, name: String) throws -> TagRecord? {
        try Row.fetchOne(db, sql: "SELECT name, display_name, uses_count, last_used_at FROM tags WHERE name = ?", arguments: [name]).map(TagRecord.init(row:))
    }
}

extension TagRecord {
    init(row: Row) {
        self.init(name: row["name"], display: row["display_name"], usesCount: row["uses_count"], lastUsedAt: row["last_used_at"])
    }
}
