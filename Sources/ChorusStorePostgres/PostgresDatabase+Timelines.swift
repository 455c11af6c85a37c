import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// The viewer's home timeline, merged on read from the sources it is
    /// made of (see `HomeMerge`), newest first.
    public func homeTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        try await read { connection in
            let ids = try await self.feeds.homeIDs(viewerID: viewerID, page: page, PostgresFeedReader(connection: connection))
            return try await self.hydrate(connection, ids: ids, viewerID: viewerID)
        }
    }

    /// Loads the newest posts of the most recently active people into the
    /// home-feed cache, a few at a time; returns how many people.
    public func warmHomeFeeds() async throws -> Int {
        let authors = try await read { connection in
            try await connection.column(Int64.self, """
                SELECT id FROM accounts WHERE is_active AND statuses_count > 0 ORDER BY last_status_at DESC NULLS LAST, id
                LIMIT \(FeedCache.maxSources / 2)
                """)
        }
        try await feeds.warm(authors: authors, PostgresPoolFeedReader(database: self))
        return authors.count
    }

    /// The ids of a home-timeline page, before hydration (for checks and tools).
    public func homeTimelineIDs(viewerID: Int64, page: Page) async throws -> [Int64] {
        try await read { connection in try await self.feeds.homeIDs(viewerID: viewerID, page: page, PostgresFeedReader(connection: connection)) }
    }

    /// Every company-visible original post, newest first.
    public func companyTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        let query = PageQuery(page, column: "id")
        return try await read { connection in
            let ids = try await connection.column(Int64.self, """
                SELECT id FROM statuses WHERE visibility = 'company' AND reblog_of_id IS NULL\(unescaped: query.andConditions)\(unescaped: query.tail)
                """)
            return try await self.hydrate(connection, ids: query.ordered(ids), viewerID: viewerID)
        }
    }

    /// Every post carrying a hashtag that the viewer may see (`tag` is the
    /// normalized name), team posts of their teams included, newest first.
    public func tagTimeline(tag: String, viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        let query = PageQuery(page, column: "st.status_id")
        return try await read { connection in
            let ids = try await connection.column(Int64.self, """
                SELECT st.status_id FROM status_tags st JOIN statuses s ON s.id = st.status_id
                WHERE st.tag = \(tag) AND \(unescaped: visibleToViewerSQL("s", viewerID: viewerID))\(unescaped: query.andConditions)\(unescaped: query.tail)
                """)
            return try await self.hydrate(connection, ids: query.ordered(ids), viewerID: viewerID)
        }
    }

    /// One account's statuses that the viewer may see; nil if there is no such account.
    public func accountStatuses(accountID: Int64, viewerID: Int64, filter: AccountStatusesFilter, page: Page) async throws -> [HydratedStatus]? {
        let query = PageQuery(page, column: "s.id")
        return try await read { connection in
            guard try await connection.count("SELECT count(*) FROM accounts WHERE id = \(accountID)") > 0 else { return nil }
            var conditions = ""
            if filter.excludeReplies { conditions += " AND (s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id)" }
            if filter.excludeReblogs { conditions += " AND s.reblog_of_id IS NULL" }
            let ids: [Int64]
            if let tag = filter.tagged {
                ids = try await connection.column(Int64.self, """
                    SELECT s.id FROM statuses s WHERE s.account_id = \(accountID) AND \(unescaped: visibleToViewerSQL("s", viewerID: viewerID))\
                    \(unescaped: conditions) AND EXISTS (SELECT 1 FROM status_tags st WHERE st.status_id = s.id AND st.tag = \(tag))\
                    \(unescaped: query.andConditions)\(unescaped: query.tail)
                    """)
            } else {
                ids = try await connection.column(Int64.self, """
                    SELECT s.id FROM statuses s WHERE s.account_id = \(accountID) AND \(unescaped: visibleToViewerSQL("s", viewerID: viewerID))\
                    \(unescaped: conditions)\(unescaped: query.andConditions)\(unescaped: query.tail)
                    """)
            }
            return try await self.hydrate(connection, ids: query.ordered(ids), viewerID: viewerID)
        }
    }

    /// Statuses the viewer favourited, most recent favourite first; each with
    /// the favourite's id, which is what this list paginates by.
    public func favouritedStatuses(viewerID: Int64, page: Page) async throws -> [(cursor: Int64, status: HydratedStatus)] {
        let query = PageQuery(page, column: "f.id")
        return try await read { connection in
            let rows = try await connection.query("""
                SELECT f.id, f.status_id FROM favourites f WHERE f.account_id = \(viewerID)\(unescaped: query.andConditions)\(unescaped: query.tail)
                """, logger: PostgresConnection.quiet).collect().map { try $0.decode((Int64, Int64).self) }
            let ordered = query.ordered(rows)
            let statuses = try await self.hydrate(connection, ids: ordered.map(\.1), viewerID: viewerID)
            let byID = Dictionary(statuses.map { ($0.status.id, $0) }, uniquingKeysWith: { first, _ in first })
            return ordered.compactMap { row in byID[row.1].map { (row.0, $0) } }
        }
    }

    /// A thread around a status: the ancestors (oldest first) and the
    /// descendants (in reply order), each filtered by visibility.
    public func context(statusID: Int64, viewerID: Int64) async throws -> (ancestors: [HydratedStatus], descendants: [HydratedStatus]) {
        try await read { connection in
            let ancestors = try await connection.column(Int64.self, """
                WITH RECURSIVE up(id, parent, depth) AS (
                    SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = \(statusID)
                    UNION ALL
                    SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s JOIN up ON s.id = up.parent WHERE up.depth < 100
                )
                SELECT id FROM up WHERE depth > 0 ORDER BY depth DESC
                """)
            let descendants = try await connection.column(Int64.self, """
                WITH RECURSIVE down(id, depth) AS (
                    SELECT id, 0 FROM statuses WHERE id = \(statusID)
                    UNION ALL
                    SELECT s.id, down.depth + 1 FROM statuses s JOIN down ON s.in_reply_to_id = down.id WHERE down.depth < 100
                )
                SELECT id FROM down WHERE depth > 0 ORDER BY id LIMIT 4000
                """)
            return (try await self.hydrate(connection, ids: ancestors, viewerID: viewerID),
                    try await self.hydrate(connection, ids: descendants, viewerID: viewerID))
        }
    }

    /// Accounts that favourited a status, most recent first, with the cursor.
    public func favouritedBy(statusID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        let query = PageQuery(page, column: "f.id")
        return try await read { connection in
            let rows = try await connection.query("""
                SELECT f.id AS cursor, a.* FROM favourites f JOIN accounts a ON a.id = f.account_id
                WHERE f.status_id = \(statusID)\(unescaped: query.andConditions)\(unescaped: query.tail)
                """, logger: PostgresConnection.quiet).collect()
            return try query.ordered(rows).map { row in
                let access = row.makeRandomAccess()
                return (try access.value("cursor", as: Int64.self), try AccountRecord(access))
            }
        }
    }

    /// Accounts that reblogged a status, most recent first, with the cursor.
    public func rebloggedBy(statusID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        let query = PageQuery(page, column: "s.id")
        return try await read { connection in
            let rows = try await connection.query("""
                SELECT s.id AS cursor, a.* FROM statuses s JOIN accounts a ON a.id = s.account_id
                WHERE s.reblog_of_id = \(statusID)\(unescaped: query.andConditions)\(unescaped: query.tail)
                """, logger: PostgresConnection.quiet).collect()
            return try query.ordered(rows).map { row in
                let access = row.makeRandomAccess()
                return (try access.value("cursor", as: Int64.self), try AccountRecord(access))
            }
        }
    }
}
