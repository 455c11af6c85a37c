import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// A status regardless of who asks (for rules about posts, never shown as is).
    public func statusRecord(id: Int64) async throws -> StatusRecord? {
        try await read { try await $0.record(StatusRecord.self, "SELECT * FROM statuses WHERE id = \(id)") }
    }

    public func hydrate(ids: [Int64], viewerID: Int64) async throws -> [HydratedStatus] {
        guard !ids.isEmpty else { return [] }
        return try await read { connection in try await self.hydrate(connection, ids: ids, viewerID: viewerID) }
    }

    /// A status if `viewerID` may see it; nil otherwise (callers answer 404,
    /// never revealing that a hidden post exists).
    public func visibleStatus(id: Int64, viewerID: Int64) async throws -> StatusRecord? {
        try await read { connection in try await self.visibleStatus(connection, id: id, viewerID: viewerID) }
    }

    /// Deletes a status and everything that hangs on it (reblogs, favourites,
    /// notifications, search terms go by cascade); replies stay.
    public func deleteStatus(id: Int64, actorID: Int64) async throws {
        let removed = try await write { connection in
            guard let status = try await connection.record(StatusRecord.self, "SELECT * FROM statuses WHERE id = \(id) FOR UPDATE") else {
                throw ChorusError.notFound()
            }
            let mentioned = try await connection.column(Int64.self, "SELECT account_id FROM mentions WHERE status_id = \(id) ORDER BY account_id")
            let reblogs = try await connection.query("SELECT id, account_id FROM statuses WHERE reblog_of_id = \(id) ORDER BY account_id, id",
                                                     logger: PostgresConnection.quiet)
                .collect().map { try $0.decode((Int64, Int64).self) }
            try await connection.run("UPDATE accounts SET statuses_count = GREATEST(0, statuses_count - 1) WHERE id = \(status.accountId)")
            for (_, account) in reblogs {
                try await connection.run("UPDATE accounts SET statuses_count = GREATEST(0, statuses_count - 1) WHERE id = \(account)")
            }
            if let parent = status.inReplyToId {
                try await connection.run("UPDATE statuses SET replies_count = GREATEST(0, replies_count - 1) WHERE id = \(parent)")
            }
            if let original = status.reblogOfId {
                try await connection.run("UPDATE statuses SET reblogs_count = GREATEST(0, reblogs_count - 1) WHERE id = \(original)")
                try await connection.run("""
                    DELETE FROM notifications WHERE type = 'reblog' AND status_id = \(original) AND from_account_id = \(status.accountId)
                    """)
            }
            if let quoted = status.quoteOfId {
                try await connection.run("UPDATE statuses SET quotes_count = GREATEST(0, quotes_count - 1) WHERE id = \(quoted)")
            }
            try await connection.run("DELETE FROM status_search WHERE status_id = \(id)")
            try await connection.run("DELETE FROM statuses WHERE id = \(id)")
            // What went out to the brand channels comes back with it.
            try await self.retractNominationsOfDeletedStatus(connection, statusID: id, actorID: actorID)
            for (reblogID, account) in reblogs {
                try await self.appendEvent(connection, type: "status.deleted", payload: [
                    "status_id": reblogID, "account_id": account, "visibility": "company", "mentioned": [Int64](), "reblog": true,
                ])
            }
            var payload: [String: any Sendable] = [
                "status_id": id, "account_id": status.accountId, "visibility": status.visibility.rawValue, "mentioned": mentioned,
            ]
            if let teamID = status.teamId { payload["team_id"] = teamID }
            if status.reblogOfId != nil { payload["reblog"] = true }
            try await self.appendEvent(connection, type: "status.deleted", payload: payload)
            return Set([id] + reblogs.map(\.0))
        }
        feeds.didRemove(removed)
    }

    /// The open nominations of a deleted post are retracted inside the
    /// deletion's transaction, as `retractNomination` does one: pending and
    /// failed exports never tried are cancelled, the others move to
    /// `retracting` for the worker.
    private func retractNominationsOfDeletedStatus(_ connection: PostgresConnection, statusID: Int64, actorID: Int64) async throws {
        let now = now()
        let open = try await connection.column(Int64.self, """
            SELECT id FROM brand_nominations WHERE status_id = \(statusID) AND state IN ('pending', 'approved') ORDER BY id
            """)
        for id in open {
            try await connection.run("UPDATE brand_nominations SET state = 'retracted' WHERE id = \(id)")
            try await connection.run("""
                UPDATE brand_exports SET state = 'cancelled', lease_until = NULL
                WHERE nomination_id = \(id) AND state IN ('pending', 'failed') AND external_id IS NULL AND attempts = 0
                """)
            try await connection.run("""
                UPDATE brand_exports SET state = 'retracting', attempts = 0, next_attempt_at = \(now), last_error = NULL
                WHERE nomination_id = \(id) AND state IN ('published', 'failed', 'pending')
                """)
            try await appendAudit(connection, actorID: actorID, action: "bridge.retracted", subject: "nomination:\(id)",
                                  detail: ["reason": "The post was deleted"])
        }
    }

    // MARK: Favourites

    /// Favourites a status (idempotent) and notifies its author.
    public func favourite(statusID: Int64, accountID: Int64) async throws {
        let now = now()
        try await write(turns: [.status(statusID)]) { connection in
            guard let status = try await connection.record(StatusRecord.self, "SELECT * FROM statuses WHERE id = \(statusID)") else {
                throw ChorusError.notFound()
            }
            let added = try await connection.run("""
                INSERT INTO favourites (account_id, status_id, created_at) VALUES (\(accountID), \(statusID), \(now))
                ON CONFLICT DO NOTHING RETURNING id
                """)
            guard added > 0 else { return }
            try await connection.run("UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = \(statusID)")
            if status.accountId != accountID {
                try await self.notify(connection, accountID: status.accountId, type: "favourite", from: accountID, statusID: statusID)
            }
            try await self.appendEvent(connection, type: "favourite.created", payload: ["status_id": statusID, "account_id": accountID])
        }
    }

    /// Removes a favourite (idempotent) and its notification.
    public func unfavourite(statusID: Int64, accountID: Int64) async throws {
        try await write(turns: [.status(statusID)]) { connection in
            let removed = try await connection.run("""
                DELETE FROM favourites WHERE account_id = \(accountID) AND status_id = \(statusID) RETURNING id
                """)
            guard removed > 0 else { return }
            try await connection.run("UPDATE statuses SET favourites_count = GREATEST(0, favourites_count - 1) WHERE id = \(statusID)")
            try await connection.run("""
                DELETE FROM notifications WHERE type = 'favourite' AND status_id = \(statusID) AND from_account_id = \(accountID)
                """)
        }
    }

    // MARK: Reblogs

    /// Reblogs a company post; returns the reblog's id (the existing one if
    /// the account already reblogged it). Two concurrent reblogs by one
    /// account cannot both insert: the transaction is SERIALIZABLE, so the
    /// second is retried and finds the first.
    public func reblog(original: StatusRecord, accountID: Int64) async throws -> Int64 {
        let id = ids.next()
        let now = now()
        let (storedID, isNew) = try await write(turns: [.status(original.id), .account(accountID)]) { connection in
            if let existing = try await connection.scalar(Int64.self, """
                SELECT id FROM statuses WHERE reblog_of_id = \(original.id) AND account_id = \(accountID) ORDER BY id LIMIT 1
                """) {
                return (existing, false)
            }
            let reblog = StatusRecord(id: id, accountId: accountID, text: "", contentHtml: "", visibility: .company,
                                      reblogOfId: original.id, createdAt: now)
            try await self.insertStatus(connection, reblog)
            try await connection.run("UPDATE statuses SET reblogs_count = reblogs_count + 1 WHERE id = \(original.id)")
            try await connection.run("""
                UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = \(now) WHERE id = \(accountID)
                """)
            if original.accountId != accountID {
                try await self.notify(connection, accountID: original.accountId, type: "reblog", from: accountID, statusID: original.id)
            }
            try await self.appendEvent(connection, type: "status.created", payload: ["status_id": id, "account_id": accountID])
            return (id, true)
        }
        if isNew { feeds.didReblog(id: id, by: accountID, original: original) }
        return storedID
    }

    /// The id of `accountID`'s reblog of `originalID`, if any.
    public func reblogID(originalID: Int64, accountID: Int64) async throws -> Int64? {
        try await read { connection in
            try await connection.scalar(Int64.self, """
                SELECT id FROM statuses WHERE reblog_of_id = \(originalID) AND account_id = \(accountID) ORDER BY id LIMIT 1
                """)
        }
    }

    // MARK: Idempotency

    /// Forgets idempotency keys older than an hour.
    public func pruneIdempotencyKeys() async throws {
        let cutoff = now().addingTimeInterval(-3600)
        try await write { connection in try await connection.run("DELETE FROM idempotency_keys WHERE created_at < \(cutoff)") }
    }

    /// Writes a statuses row with every column of the record.
    func insertStatus(_ connection: PostgresConnection, _ status: StatusRecord) async throws {
        try await connection.run("""
            INSERT INTO statuses (id, account_id, text, content_html, visibility, spoiler_text, sensitive, language, in_reply_to_id,
                                  in_reply_to_account_id, reblog_of_id, quote_of_id, application_name, created_at, edited_at,
                                  replies_count, reblogs_count, favourites_count, quotes_count, team_id, kind, best_answer_id)
            VALUES (\(status.id), \(status.accountId), \(status.text), \(status.contentHtml), \(status.visibility.rawValue),
                    \(status.spoilerText), \(status.sensitive), \(status.language), \(status.inReplyToId), \(status.inReplyToAccountId),
                    \(status.reblogOfId), \(status.quoteOfId), \(status.applicationName), \(status.createdAt), \(status.editedAt),
                    \(status.repliesCount), \(status.reblogsCount), \(status.favouritesCount), \(status.quotesCount), \(status.teamId),
                    \(status.kind.rawValue), \(status.bestAnswerId))
            """)
    }
}
