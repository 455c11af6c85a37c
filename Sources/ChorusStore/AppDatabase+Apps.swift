import ChorusCore
import Foundation
import GRDB

/// What an install writes: the app, its bot, its token and its commands.
public struct NewApp: Sendable {
    public var name: String
    public var description: String
    public var botUsername: String
    public var teamID: Int64?
    public var installedBy: Int64
    public var scopes: String
    public var webhookURL: String?
    public var events: [String]
    public var commands: [(name: String, description: String)]
    public var webhookSecret: String
    public var tokenHash: String
    public var incomingHash: String?

    public init(name: String, description: String, botUsername: String, teamID: Int64?, installedBy: Int64, scopes: String,
                webhookURL: String?, events: [String], commands: [(name: String, description: String)], webhookSecret: String,
                tokenHash: String, incomingHash: String?) {
        self.name = name
        self.description = description
        self.botUsername = botUsername
        self.teamID = teamID
        self.installedBy = installedBy
        self.scopes = scopes
        self.webhookURL = webhookURL
        self.events = events
        self.commands = commands
        self.webhookSecret = webhookSecret
        self.tokenHash = tokenHash
        self.incomingHash = incomingHash
    }
}

/// An app with its bot account and commands, as listed.
public struct InstalledApp: Sendable {
    public var app: AppRecord
    public var bot: AccountRecord
    public var commands: [AppCommandRecord]
}

/// An outbox event turned into one delivery for one app.
public struct QueuedDelivery: Sendable {
    public var appID: Int64
    public var eventID: Int64
    public var eventType: String
    public var body: String
    /// The post and the team the event is about, checked again before each attempt.
    public var statusID: Int64?
    public var teamID: Int64?

    public init(appID: Int64, eventID: Int64, eventType: String, body: String, statusID: Int64? = nil, teamID: Int64? = nil) {
        self.appID = appID
        self.eventID = eventID
        self.eventType = eventType
        self.body = body
        self.statusID = statusID
        self.teamID = teamID
    }
}

extension AppDatabase {
    // MARK: Install and manage

    /// Installs an app in one transaction: a bot account (the username gets
    /// a number when taken), a token limited to the scopes (and the team),
    /// membership of the team for a team install, the commands, and an audit
    /// entry. A command name already taken in the same scope is a conflict.
    public func installApp(_ new: NewApp) async throws -> InstalledApp {
        let botID = ids.next()
        let now = now()
        let installed = try await write { db -> InstalledApp in
            var username = new.botUsername
            var suffix = 1
            while try Int.fetchOne(db, sql: "SELECT 1 FROM accounts WHERE username = ? COLLATE NOCASE", arguments: [username]) != nil {
                suffix += 1
                guard suffix < 1000 else { throw ChorusError.conflict("No free username for the app's bot") }
                username = "\(new.botUsername)\(suffix)"
            }
            let bot = AccountRecord(id: botID, username: username, displayName: new.name, email: nil, note: new.description,
                                    role: .member, passwordHash: nil, isBot: true, createdAt: now)
            try bot.insert(db)
            var token = AccessTokenRecord(tokenHash: new.tokenHash, appId: nil, accountId: botID, scopes: new.scopes, createdAt: now, teamId: new.teamID)
            try token.insert(db)
            var app = AppRecord(name: new.name, description: new.description, botAccountId: botID, teamId: new.teamID, installedBy: new.installedBy,
                                scopes: new.scopes, webhookUrl: new.webhookURL, events: new.events, webhookSecret: new.webhookSecret,
                                incomingHash: new.incomingHash, createdAt: now)
            app.tokenId = token.id
            try app.insert(db)
            let appID = app.id!
            var commands: [AppCommandRecord] = []
            for command in new.commands {
                let record = AppCommandRecord(appId: appID, name: command.name, description: command.description, scope: new.teamID ?? 0)
                if try AppCommandRecord.fetchOne(db, key: ["scope": record.scope, "name": record.name]) != nil {
                    throw ChorusError.conflict("Another app already answers /\(command.name) here")
                }
                try record.insert(db)
                commands.append(record)
            }
            if let teamID = new.teamID {
                try db.execute(sql: "INSERT INTO team_members (team_id, account_id, role, created_at) VALUES (?, ?, 'member', ?)",
                               arguments: [teamID, botID, now])
                try db.execute(sql: "UPDATE teams SET members_count = members_count + 1 WHERE id = ?", arguments: [teamID])
                try self.appendEvent(db, type: "team.member.joined", payload: ["team_id": teamID, "account_id": botID])
            }
            try self.appendAudit(db, actorID: new.installedBy, action: "app.installed", subject: "app:\(appID)",
                                 detail: ["name": new.name, "bot": username, "team_id": new.teamID ?? 0, "scopes": new.scopes])
            return InstalledApp(app: app, bot: bot, commands: commands)
        }
        if new.teamID != nil { feeds.relationsChanged(viewerID: botID) }
        return installed
    }

    /// Every installed app (with `teamIDs`, only those installed in these teams).
    /// Every app, the company-wide ones, or those installed in `teamIDs`.
    public func installedApps(teamIDs: [Int64]? = nil, companyWideOnly: Bool = false) async throws -> [InstalledApp] {
        try await read { db in
            var sql = "SELECT * FROM apps"
            var arguments: StatementArguments = []
            if companyWideOnly {
                sql += " WHERE team_id IS NULL"
            } else if let teamIDs {
                guard !teamIDs.isEmpty else { return [] }
                sql += " WHERE team_id IN (\(databaseQuestionMarks(count: teamIDs.count)))"
                arguments = StatementArguments(teamIDs)
            }
            sql += " ORDER BY id"
            return try AppRecord.fetchAll(db, sql: sql, arguments: arguments).map { try self.installed(db, $0) }
        }
    }

    public func installedApp(id: Int64) async throws -> InstalledApp? {
        try await read { db in
            try AppRecord.fetchOne(db, key: id).map { try self.installed(db, $0) }
        }
    }

    private func installed(_ db: Database, _ app: AppRecord) throws -> InstalledApp {
        guard let bot = try AccountRecord.fetchOne(db, key: app.botAccountId) else { throw ChorusError.notFound("App not found") }
        let commands = try AppCommandRecord.fetchAll(db, sql: "SELECT * FROM app_commands WHERE app_id = ? ORDER BY name", arguments: [app.id])
        return InstalledApp(app: app, bot: bot, commands: commands)
    }

    /// Saves changed fields of an app (subscription, URL, description) and
    /// audits it. A new URL re-enables an endpoint that answered 410.
    public func updateApp(_ app: AppRecord, actorID: Int64) async throws -> AppRecord {
        let now = now()
        return try await write { db in
            var app = app
            app.updatedAt = now
            try app.update(db)
            try self.appendAudit(db, actorID: actorID, action: "app.updated", subject: "app:\(app.id ?? 0)",
                                 detail: ["events": app.events, "webhook_url_set": app.webhookUrl != nil])
            return app
        }
    }

    /// Replaces the signing secret; the old one keeps signing until `previousUntil`.
    public func rotateAppSecret(appID: Int64, newSecret: String, previousUntil: Date, actorID: Int64) async throws {
        let now = now()
        try await write { db in
            try db.execute(sql: """
                UPDATE apps SET previous_secret = webhook_secret, previous_expires_at = ?, webhook_secret = ?, updated_at = ? WHERE id = ?
                """, arguments: [previousUntil, newSecret, now, appID])
            guard db.changesCount == 1 else { throw ChorusError.notFound("App not found") }
            try self.appendAudit(db, actorID: actorID, action: "app.secret_rotated", subject: "app:\(appID)")
        }
    }

    /// Uninstalls: the token is revoked, the bot deactivated and taken out of
    /// its teams, queued deliveries dropped, the incoming hook forgotten.
    /// The bot's posts stay.
    public func uninstallApp(appID: Int64, actorID: Int64) async throws {
        let botID = try await write { db -> Int64 in
            guard let app = try AppRecord.fetchOne(db, key: appID) else { throw ChorusError.notFound("App not found") }
            let bot = app.botAccountId
            try db.execute(sql: "DELETE FROM access_tokens WHERE account_id = ?", arguments: [bot])
            try db.execute(sql: "UPDATE accounts SET is_active = 0 WHERE id = ?", arguments: [bot])
            for teamID in try Int64.fetchAll(db, sql: "SELECT team_id FROM team_members WHERE account_id = ?", arguments: [bot]) {
                try db.execute(sql: "DELETE FROM team_members WHERE team_id = ? AND account_id = ?", arguments: [teamID, bot])
                try db.execute(sql: "UPDATE teams SET members_count = max(0, members_count - 1) WHERE id = ?", arguments: [teamID])
                try self.appendEvent(db, type: "team.member.left", payload: ["team_id": teamID, "account_id": bot])
            }
            try db.execute(sql: "DELETE FROM apps WHERE id = ?", arguments: [appID])
            try self.appendEvent(db, type: "account.sessions_revoked", payload: ["account_id": bot])
            try self.appendAudit(db, actorID: actorID, action: "app.uninstalled", subject: "app:\(appID)", detail: ["name": app.name])
            return bot
        }
        feeds.relationsChanged(viewerID: botID)
    }

    /// The app whose incoming hook has this secret hash, with its bot.
    public func app(incomingHash: String) async throws -> InstalledApp? {
        try await read { db in
            try AppRecord.fetchOne(db, sql: "SELECT * FROM apps WHERE incoming_hash = ?", arguments: [incomingHash]).map { try self.installed(db, $0) }
        }
    }

    /// The app answering `/name` for a post in `teamID` (nil: outside teams):
    /// the team's own app first, then a company-wide one.
    public func commandApp(name: String, teamID: Int64?) async throws -> InstalledApp? {
        try await read { db in
            let scopes: [Int64] = teamID.map { [$0, 0] } ?? [0]
            for scope in scopes {
                if let app = try AppRecord.fetchOne(db, sql: """
                    SELECT a.* FROM app_commands c JOIN apps a ON a.id = c.app_id WHERE c.scope = ? AND c.name = ?
                    """, arguments: [scope, name]) {
                    return try self.installed(db, app)
                }
            }
            return nil
        }
    }

    // MARK: Deliveries

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

    // MARK: Settings

    public func setting(_ key: String) async throws -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key]) }
    }

    public func setSetting(_ key: String, value: String, actorID: Int64) async throws {
        try await write { db in
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
            try self.appendAudit(db, actorID: actorID, action: "setting.changed", subject: "setting:\(key)", detail: ["value": value])
        }
    }
}
