import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    /// Follows `targetID` (immediate inside the company; idempotent): counts,
    /// a notification and an outbox event. The target's posts are in the
    /// follower's home timeline from then on, old ones included.
    public func follow(accountID: Int64, targetID: Int64) async throws -> RelationshipRecord {
        let now = now()
        let result = try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO follows (account_id, target_account_id, created_at) VALUES (?, ?, ?)",
                           arguments: [accountID, targetID, now])
            if db.changesCount > 0 {
                try db.execute(sql: "UPDATE accounts SET following_count = following_count + 1 WHERE id = ?", arguments: [accountID])
                try db.execute(sql: "UPDATE accounts SET followers_count = followers_count + 1 WHERE id = ?", arguments: [targetID])
                try self.notify(db, accountID: targetID, type: "follow", from: accountID, statusID: nil)
                try self.appendEvent(db, type: "follow.created", payload: ["account_id": accountID, "target_account_id": targetID])
            }
            return try self.relationship(db, viewerID: accountID, targetID: targetID)
        }
        feeds.relationsChanged(viewerID: accountID)
        return result
    }

    /// Unfollows (idempotent); the target's posts leave the home timeline with it.
    public func unfollow(accountID: Int64, targetID: Int64) async throws -> RelationshipRecord {
        let result = try await write { db in
            try db.execute(sql: "DELETE FROM follows WHERE account_id = ? AND target_account_id = ?", arguments: [accountID, targetID])
            if db.changesCount > 0 {
                try db.execute(sql: "UPDATE accounts SET following_count = max(0, following_count - 1) WHERE id = ?", arguments: [accountID])
                try db.execute(sql: "UPDATE accounts SET followers_count = max(0, followers_count - 1) WHERE id = ?", arguments: [targetID])
                try self.appendEvent(db, type: "follow.deleted", payload: ["account_id": accountID, "target_account_id": targetID])
            }
            return try self.relationship(db, viewerID: accountID, targetID: targetID)
        }
        feeds.relationsChanged(viewerID: accountID)
        return result
    }

    func relationship(_ db: Database, viewerID: Int64, targetID: Int64) throws -> RelationshipRecord {
        let following = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM follows WHERE account_id = ? AND target_account_id = ?)", arguments: [viewerID, targetID]) ?? false
        let followedBy = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM follows WHERE account_id = ? AND target_account_id = ?)", arguments: [targetID, viewerID]) ?? false
        return RelationshipRecord(accountID: targetID, following: following, followedBy: followedBy)
    }

    /// Relationships of the viewer with each of `ids` (unknown ids are skipped).
    public func relationships(viewerID: Int64, ids: [Int64]) async throws -> [RelationshipRecord] {
        try await read { db in
            let known = try AccountRecord.fetchAll(db, keys: ids).map(\.id)
            return try known.map { try self.relationship(db, viewerID: viewerID, targetID: $0) }
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
        try await read { db in
            let query = PageQuery(page, column: "f.id")
            let rows = try Row.fetchAll(db, sql: "SELECT f.id AS cursor, a.* FROM follows f JOIN accounts a ON a.id = \(join) WHERE \(column) = ?"
                                        + query.andConditions + query.tail, arguments: [accountID] + query.arguments)
            return try query.ordered(rows).map { ($0["cursor"], try AccountRecord(row: $0)) }
        }
    }

    /// Ids of everyone who follows `accountID` (for live-stream checks).
    public func followerIDs(of accountID: Int64) async throws -> Set<Int64> {
        try await read { db in Set(try Int64.fetchAll(db, sql: "SELECT account_id FROM follows WHERE target_account_id = ?", arguments: [accountID])) }
    }
}
