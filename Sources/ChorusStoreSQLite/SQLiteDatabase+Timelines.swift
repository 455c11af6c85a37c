import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    /// The viewer's home timeline, merged on read from the sources it is
    /// made of (see `HomeMerge`), newest first.
    public func homeTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        let ids = try await homeTimelineIDs(viewerID: viewerID, page: page)
        return try await read { db in try self.hydrate(db, ids: ids, viewerID: viewerID) }
    }

    /// Loads the newest posts of the most recently active people into the
    /// home-feed cache, a few at a time; returns how many people.
    public func warmHomeFeeds() async throws -> Int {
        let authors = try await read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM accounts WHERE is_active = 1 AND statuses_count > 0 ORDER BY last_status_at DESC LIMIT ?",
                               arguments: [FeedCache.maxSources / 2])
        }
        try await feeds.warm(authors: authors, SQLiteFeedReader(database: self))
        return authors.count
    }

    /// The ids of a home-timeline page, before hydration (for checks and tools).
    public func homeTimelineIDs(viewerID: Int64, page: Page) async throws -> [Int64] {
        try await feeds.homeIDs(viewerID: viewerID, page: page, SQLiteFeedReader(database: self))
    }

    /// Every company-visible original post, newest first.
    public func companyTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        try await read { db in
            let query = PageQuery(page, column: "id")
            let ids = try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM statuses INDEXED BY statuses_company WHERE visibility = 'company' AND reblog_of_id IS NULL"
                                         + query.andConditions + query.tail), arguments: query.arguments)
            return try self.hydrate(db, ids: query.ordered(ids), viewerID: viewerID)
        }
    }

    /// Every post carrying a hashtag that the viewer may see (`tag` is the
    /// normalized name), team posts of their teams included: the tag's range
    /// of `status_tags`' key, newest first, each post held to the visibility rule.
    public func tagTimeline(tag: String, viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        try await read { db in
            let query = PageQuery(page, column: "st.status_id")
            let ids = try Int64.fetchAll(db, sql: """
                SELECT st.status_id FROM status_tags st JOIN statuses s ON s.id = st.status_id
                WHERE st.tag = ? AND \(visibleToViewerSQL("s", viewerID: viewerID))
                """ + query.andConditions + query.tail, arguments: [tag] + query.arguments)
            return try self.hydrate(db, ids: query.ordered(ids), viewerID: viewerID)
        }
    }

    /// One account's statuses that the viewer may see; nil if there is no such account.
    public func accountStatuses(accountID: Int64, viewerID: Int64, filter: AccountStatusesFilter, page: Page) async throws -> [HydratedStatus]? {
        try await read { db in
            guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)"), arguments: [accountID]) == true else {
                return nil
            }
            let query = PageQuery(page, column: "s.id")
            var sql = "SELECT s.id FROM statuses s WHERE s.account_id = :account AND \(visibleToViewerSQL("s", viewer: ":viewer"))"
            var arguments: StatementArguments = ["account": accountID, "viewer": viewerID]
            if filter.excludeReplies { sql += " AND (s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id)" }
            if filter.excludeReblogs { sql += " AND s.reblog_of_id IS NULL" }
            if let tag = filter.tagged {
                sql += " AND EXISTS (SELECT 1 FROM status_tags st WHERE st.status_id = s.id AND st.tag = :tag)"
                arguments += ["tag": tag]
            }
            let ids = try Int64.fetchAll(db.cachedStatement(sql: sql + query.andConditions + query.tail), arguments: arguments + query.arguments)
            return try self.hydrate(db, ids: query.ordered(ids), viewerID: viewerID)
        }
    }

    /// Statuses the viewer favourited, most recent favourite first; each with
    /// the favourite's id, which is what this list paginates by.
    public func favouritedStatuses(viewerID: Int64, page: Page) async throws -> [(cursor: Int64, status: HydratedStatus)] {
        try await read { db in
            let query = PageQuery(page, column: "f.id")
            let rows = try Row.fetchAll(db, sql: "SELECT f.id, f.status_id FROM favourites f WHERE f.account_id = ?" + query.andConditions + query.tail,
                                        arguments: [viewerID] + query.arguments)
            let ordered = query.ordered(rows)
            let statuses = try self.hydrate(db, ids: ordered.map { $0["status_id"] }, viewerID: viewerID)
            let byID = Dictionary(uniqueKeysWithValues: statuses.map { ($0.status.id, $0) })
            return ordered.compactMap { row in byID[row["status_id"]].map { (row["id"], $0) } }
        }
    }

    /// A thread around a status: the ancestors (oldest first) and the
    /// descendants (in reply order), each filtered by visibility.
    public func context(statusID: Int64, viewerID: Int64) async throws -> (ancestors: [HydratedStatus], descendants: [HydratedStatus]) {
        try await read { db in
            let ancestors = try Int64.fetchAll(db, sql: """
                WITH RECURSIVE up(id, parent, depth) AS (
                    SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = ?
                    UNION ALL
                    SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s JOIN up ON s.id = up.parent WHERE up.depth < 100
                )
                SELECT id FROM up WHERE depth > 0 ORDER BY depth DESC
                """, arguments: [statusID])
            let descendants = try Int64.fetchAll(db, sql: """
                WITH RECURSIVE down(id, depth) AS (
                    SELECT id, 0 FROM statuses WHERE id = ?
                    UNION ALL
                    SELECT s.id, down.depth + 1 FROM statuses s JOIN down ON s.in_reply_to_id = down.id WHERE down.depth < 100
                )
                SELECT id FROM down WHERE depth > 0 ORDER BY id LIMIT 4000
                """, arguments: [statusID])
            return (try self.hydrate(db, ids: ancestors, viewerID: viewerID), try self.hydrate(db, ids: descendants, viewerID: viewerID))
        }
    }

    /// Accounts that favourited a status, most recent first, with the cursor.
    public func favouritedBy(statusID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        try await read { db in
            let query = PageQuery(page, column: "f.id")
            let rows = try Row.fetchAll(db, sql: "SELECT f.id AS cursor, a.* FROM favourites f JOIN accounts a ON a.id = f.account_id WHERE f.status_id = ?"
                                        + query.andConditions + query.tail, arguments: [statusID] + query.arguments)
            return try query.ordered(rows).map { ($0["cursor"], try AccountRecord(row: $0)) }
        }
    }

    /// Accounts that reblogged a status, most recent first, with the cursor.
    public func rebloggedBy(statusID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        try await read { db in
            let query = PageQuery(page, column: "s.id")
            let rows = try Row.fetchAll(db, sql: "SELECT s.id AS cursor, a.* FROM statuses s JOIN accounts a ON a.id = s.account_id WHERE s.reblog_of_id = ?"
                                        + query.andConditions + query.tail, arguments: [statusID] + query.arguments)
            return try query.ordered(rows).map { ($0["cursor"], try AccountRecord(row: $0)) }
        }
    }
}
