import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// Follows `targetID` (immediate inside the company; idempotent): counts,
    /// a notification and an outbox event, only when the follow is new.
    public func follow(accountID: Int64, targetID: Int64) async throws -> RelationshipRecord {
        let now = now()
        let result = try await write(turns: [.account(accountID), .account(targetID)]) { connection in
            let inserted = try await connection.run("""
                INSERT INTO follows (account_id, target_account_id, created_at) VALUES (\(accountID), \(targetID), \(now))
                ON CONFLICT DO NOTHING RETURNING id
                """)
            if inserted > 0 {
                try await connection.run("UPDATE accounts SET following_count = following_count + 1 WHERE id = \(accountID)")
                try await connection.run("UPDATE accounts SET followers_count = followers_count + 1 WHERE id = \(targetID)")
                try await self.insertFollowNotification(connection, accountID: targetID, from: accountID)
                try await self.appendEvent(connection, type: "follow.created", payload: ["account_id": accountID, "target_account_id": targetID])
            }
            return try await self.relationship(connection, viewerID: accountID, targetID: targetID)
        }
        feeds.relationsChanged(viewerID: accountID)
        return result
    }

    /// Unfollows (idempotent); counts and the event only when a follow went.
    public func unfollow(accountID: Int64, targetID: Int64) async throws -> RelationshipRecord {
        let result = try await write(turns: [.account(accountID), .account(targetID)]) { connection in
            let deleted = try await connection.run("""
                DELETE FROM follows WHERE account_id = \(accountID) AND target_account_id = \(targetID) RETURNING id
                """)
            if deleted > 0 {
                try await connection.run("UPDATE accounts SET following_count = GREATEST(0, following_count - 1) WHERE id = \(accountID)")
                try await connection.run("UPDATE accounts SET followers_count = GREATEST(0, followers_count - 1) WHERE id = \(targetID)")
                try await self.appendEvent(connection, type: "follow.deleted", payload: ["account_id": accountID, "target_account_id": targetID])
            }
            return try await self.relationship(connection, viewerID: accountID, targetID: targetID)
        }
        feeds.relationsChanged(viewerID: accountID)
        return result
    }

    func relationship(_ connection: PostgresConnection, viewerID: Int64, targetID: Int64) async throws -> RelationshipRecord {
        let rows = try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM follows WHERE account_id = \(viewerID) AND target_account_id = \(targetID)),
                   EXISTS (SELECT 1 FROM follows WHERE account_id = \(targetID) AND target_account_id = \(viewerID))
            """, logger: PostgresConnection.quiet).collect()
        let (following, followedBy) = try rows.first?.decode((Bool, Bool).self) ?? (false, false)
        return RelationshipRecord(accountID: targetID, following: following, followedBy: followedBy)
    }

    /// Relationships of the viewer with each of `ids` (unknown ids are
    /// skipped), in id order as SQLite's key lookup answers them.
    public func relationships(viewerID: Int64, ids: [Int64]) async throws -> [RelationshipRecord] {
        try await read { connection in
            let rows = try await connection.query("""
                SELECT a.id,
                       EXISTS (SELECT 1 FROM follows WHERE account_id = \(viewerID) AND target_account_id = a.id),
                       EXISTS (SELECT 1 FROM follows WHERE account_id = a.id AND target_account_id = \(viewerID))
                FROM accounts a WHERE a.id = ANY(\(ids)) ORDER BY a.id
                """, logger: PostgresConnection.quiet).collect()
            return try rows.map { row in
                let (id, following, followedBy) = try row.decode((Int64, Bool, Bool).self)
                return RelationshipRecord(accountID: id, following: following, followedBy: followedBy)
            }
        }
    }

    /// Who follows an account, most recent first, with the follow id as cursor.
    public func followers(of accountID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        try await followList(join: "f.account_id", where: "f.target_account_id", accountID: accountID, page: page)
    }

    /// Whom an account follows, most recent first, with the follow id as cursor.
    public func following(of accountID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        try await followList(join: "f.target_account_id", where: "f.account_id", accountID: accountID, page: page)
    }

    private func followList(join: String, where column: String, accountID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        let query = PageQuery(page, column: "f.id")
        let rows = try await read { connection in
            try await connection.query("""
                SELECT f.id AS cursor, a.* FROM follows f JOIN accounts a ON a.id = \(unescaped: join)
                WHERE \(unescaped: column) = \(accountID)\(unescaped: query.andConditions)\(unescaped: query.tail)
                """, logger: PostgresConnection.quiet).collect()
        }
        return try query.ordered(rows).map { row in
            let row = row.makeRandomAccess()
            return (try row.value("cursor", as: Int64.self), try AccountRecord(row))
        }
    }

    /// Ids of everyone who follows `accountID` (for live-stream checks).
    public func followerIDs(of accountID: Int64) async throws -> Set<Int64> {
        try await read { connection in
            Set(try await connection.column(Int64.self, "SELECT account_id FROM follows WHERE target_account_id = \(accountID)"))
        }
    }

    /// The follow notification and its event, as SQLite's `notify` writes
    /// them (kept here until the notifications area has a shared helper).
    private func insertFollowNotification(_ connection: PostgresConnection, accountID: Int64, from: Int64) async throws {
        let id = ids.next()
        try await connection.run("""
            INSERT INTO notifications (id, account_id, type, from_account_id, status_id, created_at)
            VALUES (\(id), \(accountID), 'follow', \(from), NULL, \(now()))
            """)
        try await appendEvent(connection, type: "notification.created", payload: ["notification_id": id, "account_id": accountID])
    }
}
