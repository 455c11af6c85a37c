import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    /// A status if `viewerID` may see it; nil otherwise (callers answer 404,
    /// never revealing that a hidden post exists).
    public func visibleStatus(id: Int64, viewerID: Int64) async throws -> StatusRecord? {
        try await read { db in try self.visibleStatus(db, id: id, viewerID: viewerID) }
    }

    func visibleStatus(_ db: Database, id: Int64, viewerID: Int64) throws -> StatusRecord? {
        try StatusRecord.fetchOne(db, sql: "SELECT s.* FROM statuses s WHERE s.id = ? AND \(visibleToViewerSQL("s", viewerID: viewerID))",
                                  arguments: [id])
    }

    /// Deletes a status and everything that hangs on it (reblogs, feed
    /// entries, favourites, notifications, search terms); replies stay.
    public func deleteStatus(id: Int64, actorID: Int64) async throws {
        let removed = try await write { db -> Set<Int64> in
            guard let status = try StatusRecord.fetchOne(db, key: id) else { throw ChorusError.notFound() }
            let mentioned = try Int64.fetchAll(db, sql: "SELECT account_id FROM mentions WHERE status_id = ?", arguments: [id])
            let reblogs = try Row.fetchAll(db, sql: "SELECT id, account_id FROM statuses WHERE reblog_of_id = ?", arguments: [id])
            try db.execute(sql: "UPDATE accounts SET statuses_count = max(0, statuses_count - 1) WHERE id = ?", arguments: [status.accountId])
            for reblog in reblogs {
                try db.execute(sql: "UPDATE accounts SET statuses_count = max(0, statuses_count - 1) WHERE id = ?", arguments: [reblog["account_id"] as Int64])
            }
            if let parent = status.inReplyToId {
                try db.execute(sql: "UPDATE statuses SET replies_count = max(0, replies_count - 1) WHERE id = ?", arguments: [parent])
            }
            if let original = status.reblogOfId {
                try db.execute(sql: "UPDATE statuses SET reblogs_count = max(0, reblogs_count - 1) WHERE id = ?", arguments: [original])
                try db.execute(sql: "DELETE FROM notifications WHERE type = 'reblog' AND status_id = ? AND from_account_id = ?",
                               arguments: [original, status.accountId])
            }
            if let quoted = status.quoteOfId {
                try db.execute(sql: "UPDATE statuses SET quotes_count = max(0, quotes_count - 1) WHERE id = ?", arguments: [quoted])
            }
            try db.execute(sql: "DELETE FROM status_search WHERE rowid = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM statuses WHERE id = ?", arguments: [id])
            // What went out to the brand channels comes back with it.
            try self.retractNominations(db, statusID: id, actorID: actorID)
            for reblog in reblogs {
                try self.appendEvent(db, type: "status.deleted", payload: [
                    "status_id": reblog["id"] as Int64, "account_id": reblog["account_id"] as Int64, "visibility": "company", "mentioned": [Int64](),
                    "reblog": true,
                ])
            }
            var payload: [String: any Sendable] = [
                "status_id": id, "account_id": status.accountId, "visibility": status.visibility.rawValue, "mentioned": mentioned,
            ]
            if let teamID = status.teamId { payload["team_id"] = teamID }
            if status.reblogOfId != nil { payload["reblog"] = true }
            try self.appendEvent(db, type: "status.deleted", payload: payload)
            return Set([id] + reblogs.map { $0["id"] as Int64 })
        }
        feeds.didRemove(removed)
    }

    // MARK: Favourites

    /// Favourites a status (idempotent) and notifies its author.
    public func favourite(statusID: Int64, accountID: Int64) async throws {
        let now = now()
        try await write { db in
            guard let status = try StatusRecord.fetchOne(db, key: statusID) else { throw ChorusError.notFound() }
            try db.run("INSERT OR IGNORE INTO favourites (account_id, status_id, created_at) VALUES (?, ?, ?)",
                           arguments: [accountID, statusID, now])
            guard db.changesCount > 0 else { return }
            try db.run("UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = ?", arguments: [statusID])
            if status.accountId != accountID {
                try self.notify(db, accountID: status.accountId, type: "favourite", from: accountID, statusID: statusID)
            }
            try self.appendEvent(db, type: "favourite.created", payload: ["status_id": statusID, "account_id": accountID])
        }
    }

    /// Removes a favourite (idempotent) and its notification.
    public func unfavourite(statusID: Int64, accountID: Int64) async throws {
        try await write { db in
            try db.run("DELETE FROM favourites WHERE account_id = ? AND status_id = ?", arguments: [accountID, statusID])
            guard db.changesCount > 0 else { return }
            try db.run("UPDATE statuses SET favourites_count = max(0, favourites_count - 1) WHERE id = ?", arguments: [statusID])
            try db.run("DELETE FROM notifications WHERE type = 'favourite' AND status_id = ? AND from_account_id = ?",
                           arguments: [statusID, accountID])
        }
    }

    // MARK: Reblogs

    /// Reblogs a company post; returns the reblog's id (the existing one if
    /// the account already reblogged it).
    public func reblog(original: StatusRecord, accountID: Int64) async throws -> Int64 {
        let id = ids.next()
        let now = now()
        let (storedID, isNew) = try await write { db -> (Int64, Bool) in
            if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM statuses WHERE reblog_of_id = ? AND account_id = ?",
                                                 arguments: [original.id, accountID]) {
                return (existing, false)
            }
            let reblog = StatusRecord(id: id, accountId: accountID, text: "", contentHtml: "", visibility: .company,
                                      reblogOfId: original.id, createdAt: now)
            try reblog.insert(db)
            try db.run("UPDATE statuses SET reblogs_count = reblogs_count + 1 WHERE id = ?", arguments: [original.id])
            try db.run("UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = ? WHERE id = ?", arguments: [now, accountID])
            if original.accountId != accountID {
                try self.notify(db, accountID: original.accountId, type: "reblog", from: accountID, statusID: original.id)
            }
            try self.appendEvent(db, type: "status.created", payload: ["status_id": id, "account_id": accountID])
            return (id, true)
        }
        if isNew { feeds.didReblog(id: id, by: accountID, original: original) }
        return storedID
    }

    /// The id of `accountID`'s reblog of `originalID`, if any.
    public func reblogID(originalID: Int64, accountID: Int64) async throws -> Int64? {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM statuses WHERE reblog_of_id = ? AND account_id = ?", arguments: [originalID, accountID])
        }
    }

    // MARK: Idempotency

    /// Forgets idempotency keys older than an hour.
    public func pruneIdempotencyKeys() async throws {
        let cutoff = now().addingTimeInterval(-3600)
        try await write { db in try db.execute(sql: "DELETE FROM idempotency_keys WHERE created_at < ?", arguments: [cutoff]) }
    }
}
