import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// Apps that receive webhooks now (a URL, not disabled).
    public func subscribedApps() async throws -> [AppRecord] {
        try await read { connection in
            try await connection.records(AppRecord.self, """
                SELECT * FROM apps WHERE webhook_url IS NOT NULL AND disabled_at IS NULL AND events <> '' ORDER BY id
                """)
        }
    }

    /// Where the durable consumer `name` has got to in the outbox.
    public func outboxCursor(_ name: String) async throws -> Int64 {
        try await read { try await $0.scalar(Int64.self, "SELECT event_id FROM outbox_cursors WHERE name = \(name)") ?? 0 }
    }

    /// Queues deliveries and moves the cursor past them in one transaction.
    /// Queuing the same event for the same app twice does nothing, so a crash
    /// between rendering and this write repeats the work without duplicates.
    public func queueDeliveries(_ deliveries: [QueuedDelivery], cursor name: String, to eventID: Int64,
                                messageID: @escaping @Sendable () -> String) async throws {
        let now = now()
        try await write { connection in
            for delivery in deliveries {
                try await connection.run("""
                    INSERT INTO app_deliveries (app_id, event_id, message_id, event_type, body, created_at, next_attempt_at, status_id, team_id)
                    VALUES (\(delivery.appID), \(delivery.eventID), \(messageID()), \(delivery.eventType), \(delivery.body), \(now), \(now),
                            \(delivery.statusID), \(delivery.teamID))
                    ON CONFLICT DO NOTHING
                    """)
            }
            try await connection.run("""
                INSERT INTO outbox_cursors (name, event_id) VALUES (\(name), \(eventID))
                ON CONFLICT (name) DO UPDATE SET event_id = excluded.event_id
                """)
        }
    }

    /// Queues one delivery outside the outbox (a test ping); returns it.
    public func queueDelivery(appID: Int64, eventType: String, body: String, messageID: String) async throws -> DeliveryRecord {
        let now = now()
        return try await write { connection in
            var delivery = DeliveryRecord(appId: appID, eventId: nil, messageId: messageID, eventType: eventType, body: body, createdAt: now)
            delivery.id = try await connection.scalar(Int64.self, """
                INSERT INTO app_deliveries (app_id, event_id, message_id, event_type, body, state, attempts, last_status, last_error,
                                            next_attempt_at, lease_until, created_at, delivered_at, status_id, team_id)
                VALUES (\(delivery.appId), \(delivery.eventId), \(delivery.messageId), \(delivery.eventType), \(delivery.body),
                        \(delivery.state.rawValue), \(delivery.attempts), \(delivery.lastStatus), \(delivery.lastError),
                        \(delivery.nextAttemptAt), \(delivery.leaseUntil), \(delivery.createdAt), \(delivery.deliveredAt),
                        \(delivery.statusId), \(delivery.teamId))
                RETURNING id
                """)
            return delivery
        }
    }

    /// Takes up to `limit` deliveries that are due, skipping apps in
    /// `busyApps` and apps whose endpoint is disabled, and leases them until
    /// `leaseUntil` so no other worker sends them meanwhile. The rows are
    /// locked with SKIP LOCKED: a worker on another node claiming at the same
    /// moment passes over them and takes others, so no delivery is claimed
    /// twice. A worker that dies leaves the lease to run out; the delivery
    /// is then taken again.
    public func claimDueDeliveries(limit: Int, busyApps: Set<Int64>, leaseUntil: Date) async throws -> [ClaimedDelivery] {
        let now = now()
        // Most polls find nothing: look first without a write transaction.
        let due = try await read { connection in
            try await connection.scalar(Bool.self, """
                SELECT EXISTS (SELECT 1 FROM app_deliveries
                               WHERE state = 'pending' AND next_attempt_at <= \(now) AND (lease_until IS NULL OR lease_until <= \(now)))
                """) ?? false
        }
        guard due else { return [] }
        let busy = Array(busyApps)
        return try await write { connection in
            let rows = try await connection.query("""
                SELECT d.*, a.webhook_url AS target_url, a.webhook_secret AS target_secret,
                       a.previous_secret AS target_previous, a.previous_expires_at AS target_previous_until,
                       \(unescaped: Self.withheldReasonSQL) AS withheld_reason
                FROM app_deliveries d JOIN apps a ON a.id = d.app_id
                WHERE d.state = 'pending' AND d.next_attempt_at <= \(now) AND (d.lease_until IS NULL OR d.lease_until <= \(now))
                  AND a.webhook_url IS NOT NULL AND a.disabled_at IS NULL AND d.app_id <> ALL(\(busy))
                ORDER BY d.next_attempt_at, d.id LIMIT \(limit)
                FOR UPDATE OF d SKIP LOCKED
                """, logger: PostgresConnection.quiet).collect()
            let claimed = try rows.map { row -> ClaimedDelivery in
                let row = row.makeRandomAccess()
                var secrets: [String] = [try row.value("target_secret")]
                if let previous = try row.value("target_previous", as: String?.self),
                   let until = try row.value("target_previous_until", as: Date?.self), until > now {
                    secrets.append(previous)
                }
                return ClaimedDelivery(delivery: try DeliveryRecord(row), url: try row.value("target_url"), secrets: secrets,
                                       withheldReason: try row.value("withheld_reason"))
            }
            let ids = claimed.compactMap(\.delivery.id)
            if !ids.isEmpty {
                try await connection.run("UPDATE app_deliveries SET lease_until = \(leaseUntil) WHERE id = ANY(\(ids))")
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
          WHEN NOT EXISTS (SELECT 1 FROM accounts b WHERE b.id = a.bot_account_id AND b.is_active)
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
        try await write { connection in
            _ = try await connection.run("UPDATE app_deliveries SET lease_until = NULL WHERE id = ANY(\(deliveryIDs))")
        }
    }

    /// Records one attempt. A 410 also disables the app's endpoint.
    public func recordAttempt(deliveryID: Int64, outcome: DeliveryOutcome) async throws {
        let now = now()
        try await write { connection in
            switch outcome {
            case .delivered(let status):
                try await connection.run("""
                    UPDATE app_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = \(status), last_error = NULL,
                           next_attempt_at = NULL, lease_until = NULL, delivered_at = \(now) WHERE id = \(deliveryID)
                    """)
            case .failed(let status, let error, let retryAt):
                let state = retryAt == nil ? "failed" : "pending"
                try await connection.run("""
                    UPDATE app_deliveries SET state = \(state), attempts = attempts + 1, last_status = \(status), last_error = \(error),
                           next_attempt_at = \(retryAt), lease_until = NULL WHERE id = \(deliveryID)
                    """)
            case .withheld(let reason):
                // Not an attempt: nothing was sent. Redelivery checks again.
                try await connection.run("""
                    UPDATE app_deliveries SET state = 'failed', last_status = NULL, last_error = \("Not sent: " + reason),
                           next_attempt_at = NULL, lease_until = NULL
                    WHERE id = \(deliveryID)
                    """)
            case .gone:
                try await connection.run("""
                    UPDATE app_deliveries SET state = 'failed', attempts = attempts + 1, last_status = 410,
                           last_error = 'The receiver answered 410 Gone: endpoint disabled', next_attempt_at = NULL, lease_until = NULL
                    WHERE id = \(deliveryID)
                    """)
                try await connection.run("""
                    UPDATE apps SET disabled_at = \(now), disabled_reason = 'The receiver answered 410 Gone'
                    WHERE id = (SELECT app_id FROM app_deliveries WHERE id = \(deliveryID))
                    """)
            }
        }
    }

    /// An app's deliveries, newest first.
    public func deliveries(appID: Int64, page: Page) async throws -> [DeliveryRecord] {
        let query = PageQuery(page, column: "id")
        return query.ordered(try await read { connection in
            try await connection.records(DeliveryRecord.self, """
                SELECT * FROM app_deliveries WHERE app_id = \(appID)\(unescaped: query.andConditions)\(unescaped: query.tail)
                """)
        })
    }

    public func delivery(id: Int64, appID: Int64) async throws -> DeliveryRecord? {
        try await read { connection in
            try await connection.record(DeliveryRecord.self, "SELECT * FROM app_deliveries WHERE id = \(id) AND app_id = \(appID)")
        }
    }

    /// Sends a delivery again soon, with the same webhook-id.
    public func redeliver(deliveryID: Int64, appID: Int64) async throws -> DeliveryRecord {
        let now = now()
        return try await write { connection in
            guard let delivery = try await connection.record(DeliveryRecord.self, """
                UPDATE app_deliveries SET state = 'pending', next_attempt_at = \(now), lease_until = NULL, delivered_at = NULL
                WHERE id = \(deliveryID) AND app_id = \(appID) RETURNING *
                """) else { throw ChorusError.notFound("Delivery not found") }
            return delivery
        }
    }

    // MARK: Who may hear of an event

    /// What `StatusAccess.canSee` needs about `viewerID` for a post by
    /// `authorID` (in `teamID`), for a post that may no longer exist.
    public func accessFacts(viewerID: Int64, authorID: Int64, teamID: Int64?) async throws -> (followsAuthor: Bool, isTeamMember: Bool, teamIsPublic: Bool) {
        try await read { connection in
            let follows = try await connection.scalar(Bool.self, """
                SELECT EXISTS (SELECT 1 FROM follows WHERE account_id = \(viewerID) AND target_account_id = \(authorID))
                """) ?? false
            guard let teamID else { return (follows, false, false) }
            let member = try await connection.scalar(Bool.self, """
                SELECT EXISTS (SELECT 1 FROM team_members WHERE team_id = \(teamID) AND account_id = \(viewerID))
                """) ?? false
            let isPublic = try await connection.scalar(String.self, "SELECT privacy FROM teams WHERE id = \(teamID)") == "public"
            return (follows, member, isPublic)
        }
    }
}
