import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    /// Apps that receive webhooks now (a URL, not disabled).
    public func subscribedApps() async throws -> [AppRecord] {
        try await read { db in
            try AppRecord.fetchAll(db, sql: "SELECT * FROM apps WHERE webhook_url IS NOT NULL AND disabled_at IS NULL AND events <> '' ORDER BY id")
        }
    }

    /// Where the durable consumer `name` has got to in the outbox.
    public func outboxCursor(_ name: String) async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT event_id FROM outbox_cursors WHERE name = ?", arguments: [name]) ?? 0 }
    }

    /// Queues deliveries and moves the cursor past them in one transaction.
    /// Queuing the same event for the same app twice does nothing, so a crash
    /// between rendering and this write repeats the work without duplicates.
    public func queueDeliveries(_ deliveries: [QueuedDelivery], cursor name: String, to eventID: Int64,
                                messageID: @escaping @Sendable () -> String) async throws {
        let now = now()
        try await write { db in
            for delivery in deliveries {
                try db.run("""
                    INSERT OR IGNORE INTO app_deliveries (app_id, event_id, message_id, event_type, body, created_at, next_attempt_at,
                                                          status_id, team_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [delivery.appID, delivery.eventID, messageID(), delivery.eventType, delivery.body, now, now,
                                     delivery.statusID, delivery.teamID])
            }
            try db.run("INSERT INTO outbox_cursors (name, event_id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET event_id = excluded.event_id",
                       arguments: [name, eventID])
        }
    }

    /// Queues one delivery outside the outbox (a test ping); returns it.
    public func queueDelivery(appID: Int64, eventType: String, body: String, messageID: String) async throws -> DeliveryRecord {
        let now = now()
        return try await write { db in
            var delivery = DeliveryRecord(appId: appID, eventId: nil, messageId: messageID, eventType: eventType, body: body, createdAt: now)
            try delivery.insert(db)
            return delivery
        }
    }

    /// Takes up to `limit` deliveries that are due, skipping apps in
    /// `busyApps` and apps whose endpoint is disabled, and leases them until
    /// `leaseUntil` so no other worker sends them meanwhile. A worker that
    /// dies leaves the lease to run out; the delivery is then taken again.
    public func claimDueDeliveries(limit: Int, busyApps: Set<Int64>, leaseUntil: Date) async throws -> [ClaimedDelivery] {
        let now = now()
        // Most polls find nothing: look first without taking the write lock.
        let due = try await read { db in
            try Int.fetchOne(db, sql: """
                SELECT 1 FROM app_deliveries WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?) LIMIT 1
                """, arguments: [now, now]) != nil
        }
        guard due else { return [] }
        return try await write { db in
            var sql = """
                SELECT d.*, a.webhook_url AS target_url, a.webhook_secret AS target_secret,
                       a.previous_secret AS target_previous, a.previous_expires_at AS target_previous_until,
                       \(Self.withheldReasonSQL) AS withheld_reason
                FROM app_deliveries d JOIN apps a ON a.id = d.app_id
                WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until <= ?)
                  AND a.webhook_url IS NOT NULL AND a.disabled_at IS NULL
                """
            var arguments: StatementArguments = [now, now]
            if !busyApps.isEmpty {
                sql += " AND d.app_id NOT IN (\(databaseQuestionMarks(count: busyApps.count)))"
                arguments += StatementArguments(Array(busyApps))
            }
            sql += " ORDER BY d.next_attempt_at, d.id LIMIT ?"
            arguments += [limit]
            let claimed = try Row.fetchAll(db, sql: sql, arguments: arguments).map { row -> ClaimedDelivery in
                var secrets: [String] = [row["target_secret"]]
                if let previous: String = row["target_previous"], let until: Date = row["target_previous_until"], until > now {
                    secrets.append(previous)
                }
                return ClaimedDelivery(delivery: try DeliveryRecord(row: row), url: row["target_url"], secrets: secrets,
                                       withheldReason: row["withheld_reason"])
            }
            for item in claimed {
                try db.execute(sql: "UPDATE app_deliveries SET lease_until = ? WHERE id = ?", arguments: [leaseUntil, item.delivery.id])
            }
            return claimed
        }
    }

    /// Why a claimed delivery's frozen body may no longer be sent (NULL
    /// when it may), decided with the claim, as close to the attempt as can
    /// be: the body was rendered as the bot saw things when the event was
    /// queued, and a retry hours later or a redelivery days later must not
    /// send what the bot has lost sight of since. The post is checked with
    /// the visibility rule for the bot (and, for a team install, must be in
    /// its team); a team event needs the bot still in the team (a
    /// company-wide app sees a public team without joining it).
    static let withheldReasonSQL = """
        CASE
          WHEN NOT EXISTS (SELECT 1 FROM accounts b WHERE b.id = a.bot_account_id AND b.is_active = 1)
            THEN 'the app''s bot is deactivated'
          WHEN d.status_id IS NOT NULL AND d.event_type <> 'post.deleted' AND NOT EXISTS (
              SELECT 1 FROM statuses s WHERE s.id = d.status_id AND (a.team_id IS NULL OR s.team_id = a.team_id)
                AND \(visibleToViewerSQL("s", viewer: "a.bot_account_id")))
            THEN 'the post was deleted or the bot may no longer see it'
          WHEN d.team_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = d.team_id AND m.account_id = a.bot_account_id)
              AND (a.team_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM teams t WHERE t.id = d.team_id AND t.privacy = 'public'))
            THEN 'the bot is no longer a member of the team'
        END
        """

    /// Gives back deliveries claimed but not sent.
    public func releaseLeases(deliveryIDs: [Int64]) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE app_deliveries SET lease_until = NULL WHERE id IN (\(databaseQuestionMarks(count: deliveryIDs.count)))",
                           arguments: StatementArguments(deliveryIDs))
        }
    }

    /// Records one attempt. A 410 also disables the app's endpoint.
    public func recordAttempt(deliveryID: Int64, outcome: DeliveryOutcome) async throws {
        let now = now()
        try await write { db in
            switch outcome {
            case .delivered(let status):
                try db.execute(sql: """
                    UPDATE app_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL,
                           next_attempt_at = NULL, lease_until = NULL, delivered_at = ? WHERE id = ?
                    """, arguments: [status, now, deliveryID])
            case .failed(let status, let error, let retryAt):
                try db.execute(sql: """
                    UPDATE app_deliveries SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?,
                           next_attempt_at = ?, lease_until = NULL WHERE id = ?
                    """, arguments: [retryAt == nil ? "failed" : "pending", status, error, retryAt, deliveryID])
            case .withheld(let reason):
                // Not an attempt: nothing was sent. Redelivery checks again.
                try db.execute(sql: """
                    UPDATE app_deliveries SET state = 'failed', last_status = NULL, last_error = ?, next_attempt_at = NULL, lease_until = NULL
                    WHERE id = ?
                    """, arguments: ["Not sent: " + reason, deliveryID])
            case .gone:
                try db.execute(sql: """
                    UPDATE app_deliveries SET state = 'failed', attempts = attempts + 1, last_status = 410,
                           last_error = 'The receiver answered 410 Gone: endpoint disabled', next_attempt_at = NULL, lease_until = NULL
                    WHERE id = ?
                    """, arguments: [deliveryID])
                try db.execute(sql: """
                    UPDATE apps SET disabled_at = ?, disabled_reason = 'The receiver answered 410 Gone'
                    WHERE id = (SELECT app_id FROM app_deliveries WHERE id = ?)
                    """, arguments: [now, deliveryID])
            }
        }
    }

    /// An app's deliveries, newest first.
    public func deliveries(appID: Int64, page: Page) async throws -> [DeliveryRecord] {
        try await read { db in
            let query = PageQuery(page, column: "id")
            return query.ordered(try DeliveryRecord.fetchAll(db, sql: "SELECT * FROM app_deliveries WHERE app_id = ?\(query.andConditions)\(query.tail)",
                                                             arguments: [appID] + query.arguments))
        }
    }

    public func delivery(id: Int64, appID: Int64) async throws -> DeliveryRecord? {
        try await read { db in
            try DeliveryRecord.fetchOne(db, sql: "SELECT * FROM app_deliveries WHERE id = ? AND app_id = ?", arguments: [id, appID])
        }
    }

    /// Sends a delivery again soon, with the same webhook-id.
    public func redeliver(deliveryID: Int64, appID: Int64) async throws -> DeliveryRecord {
        let now = now()
        return try await write { db in
            try db.execute(sql: """
                UPDATE app_deliveries SET state = 'pending', next_attempt_at = ?, lease_until = NULL, delivered_at = NULL
                WHERE id = ? AND app_id = ?
                """, arguments: [now, deliveryID, appID])
            guard db.changesCount == 1, let delivery = try DeliveryRecord.fetchOne(db, key: deliveryID) else {
                throw ChorusError.notFound("Delivery not found")
            }
            return delivery
        }
    }

    // MARK: Who may hear of an event

    /// What `StatusAccess.canSee` needs about `viewerID` for a post by
    /// `authorID` (in `teamID`), for a post that may no longer exist.
    public func accessFacts(viewerID: Int64, authorID: Int64, teamID: Int64?) async throws -> (followsAuthor: Bool, isTeamMember: Bool, teamIsPublic: Bool) {
        try await read { db in
            let follows = try Int.fetchOne(db, sql: "SELECT 1 FROM follows WHERE account_id = ? AND target_account_id = ?", arguments: [viewerID, authorID]) != nil
            guard let teamID else { return (follows, false, false) }
            let member = try self.role(db, teamID: teamID, accountID: viewerID) != nil
            let isPublic = try String.fetchOne(db, sql: "SELECT privacy FROM teams WHERE id = ?", arguments: [teamID]) == "public"
            return (follows, member, isPublic)
        }
    }
}
