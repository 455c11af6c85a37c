import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    // MARK: Install and manage

    /// Installs an app in one transaction: a bot account (the username gets
    /// a number when taken), a token limited to the scopes (and the team),
    /// membership of the team for a team install, the commands, and an audit
    /// entry. A command name already taken in the same scope is a conflict.
    public func installApp(_ new: NewApp) async throws -> InstalledApp {
        let botID = ids.next()
        let now = now()
        let installed = try await write(turns: new.teamID.map { [HotRow.team($0)] } ?? []) { connection in
            var username = new.botUsername
            var suffix = 1
            while try await connection.count("SELECT count(*) FROM accounts WHERE lower(username) = lower(\(username))") > 0 {
                suffix += 1
                guard suffix < 1000 else { throw ChorusError.conflict("No free username for the app's bot") }
                username = "\(new.botUsername)\(suffix)"
            }
            let bot = AccountRecord(id: botID, username: username, displayName: new.name, email: nil, note: new.description,
                                    role: .member, passwordHash: nil, isBot: true, createdAt: now)
            try await connection.run("""
                INSERT INTO accounts (id, username, display_name, email, note, role, password_hash, is_bot, is_active, locale, created_at)
                VALUES (\(bot.id), \(bot.username), \(bot.displayName), \(bot.email), \(bot.note), \(bot.role.rawValue),
                        \(bot.passwordHash), \(bot.isBot), \(bot.isActive), \(bot.locale), \(bot.createdAt))
                """)
            let token = AccessTokenRecord(tokenHash: new.tokenHash, appId: nil, accountId: botID, scopes: new.scopes, createdAt: now,
                                          teamId: new.teamID)
            var app = AppRecord(name: new.name, description: new.description, botAccountId: botID, teamId: new.teamID,
                                installedBy: new.installedBy, scopes: new.scopes, webhookUrl: new.webhookURL, events: new.events,
                                webhookSecret: new.webhookSecret, incomingHash: new.incomingHash, createdAt: now)
            app.tokenId = try await self.insertToken(connection, token)
            guard let appID = try await connection.scalar(Int64.self, """
                INSERT INTO apps (name, description, bot_account_id, team_id, installed_by, token_id, scopes, webhook_url, events,
                                  webhook_secret, previous_secret, previous_expires_at, disabled_at, disabled_reason, incoming_hash,
                                  created_at, updated_at)
                VALUES (\(app.name), \(app.description), \(app.botAccountId), \(app.teamId), \(app.installedBy), \(app.tokenId),
                        \(app.scopes), \(app.webhookUrl), \(app.events), \(app.webhookSecret), \(app.previousSecret),
                        \(app.previousExpiresAt), \(app.disabledAt), \(app.disabledReason), \(app.incomingHash), \(app.createdAt),
                        \(app.updatedAt))
                RETURNING id
                """) else { throw ChorusError(.unavailable, "The app was not stored") }
            app.id = appID
            var commands: [AppCommandRecord] = []
            for command in new.commands {
                let record = AppCommandRecord(appId: appID, name: command.name, description: command.description, scope: new.teamID ?? 0)
                if try await connection.count("""
                    SELECT count(*) FROM app_commands WHERE scope = \(record.scope) AND name = \(record.name)
                    """) > 0 {
                    throw ChorusError.conflict("Another app already answers /\(command.name) here")
                }
                try await connection.run("""
                    INSERT INTO app_commands (app_id, name, description, scope)
                    VALUES (\(record.appId), \(record.name), \(record.description), \(record.scope))
                    """)
                commands.append(record)
            }
            if let teamID = new.teamID {
                try await connection.run("""
                    INSERT INTO team_members (team_id, account_id, role, created_at) VALUES (\(teamID), \(botID), 'member', \(now))
                    """)
                try await connection.run("UPDATE teams SET members_count = members_count + 1 WHERE id = \(teamID)")
                try await self.appendEvent(connection, type: "team.member.joined", payload: ["team_id": teamID, "account_id": botID])
            }
            try await self.appendAudit(connection, actorID: new.installedBy, action: "app.installed", subject: "app:\(appID)",
                                       detail: ["name": new.name, "bot": username, "team_id": new.teamID ?? 0, "scopes": new.scopes])
            return InstalledApp(app: app, bot: bot, commands: commands)
        }
        if new.teamID != nil { feeds.relationsChanged(viewerID: botID) }
        return installed
    }

    /// Every app, the company-wide ones, or those installed in `teamIDs`.
    public func installedApps(teamIDs: [Int64]?, companyWideOnly: Bool) async throws -> [InstalledApp] {
        try await read { connection in
            let apps: [AppRecord]
            if companyWideOnly {
                apps = try await connection.records(AppRecord.self, "SELECT * FROM apps WHERE team_id IS NULL ORDER BY id")
            } else if let teamIDs {
                guard !teamIDs.isEmpty else { return [] }
                apps = try await connection.records(AppRecord.self, "SELECT * FROM apps WHERE team_id = ANY(\(teamIDs)) ORDER BY id")
            } else {
                apps = try await connection.records(AppRecord.self, "SELECT * FROM apps ORDER BY id")
            }
            var installed: [InstalledApp] = []
            for app in apps { installed.append(try await self.installed(connection, app)) }
            return installed
        }
    }

    public func installedApp(id: Int64) async throws -> InstalledApp? {
        try await read { connection in
            guard let app = try await connection.record(AppRecord.self, "SELECT * FROM apps WHERE id = \(id)") else { return nil }
            return try await self.installed(connection, app)
        }
    }

    private func installed(_ connection: PostgresConnection, _ app: AppRecord) async throws -> InstalledApp {
        guard let bot = try await connection.record(AccountRecord.self, "SELECT * FROM accounts WHERE id = \(app.botAccountId)") else {
            throw ChorusError.notFound("App not found")
        }
        let commands = try await connection.records(AppCommandRecord.self, "SELECT * FROM app_commands WHERE app_id = \(app.id) ORDER BY name")
        return InstalledApp(app: app, bot: bot, commands: commands)
    }

    /// Saves changed fields of an app (subscription, URL, description) and
    /// audits it. A new URL re-enables an endpoint that answered 410.
    public func updateApp(_ app: AppRecord, actorID: Int64) async throws -> AppRecord {
        let now = now()
        return try await write { connection in
            var app = app
            app.updatedAt = now
            let updated = try await connection.run("""
                UPDATE apps SET name = \(app.name), description = \(app.description), bot_account_id = \(app.botAccountId),
                       team_id = \(app.teamId), installed_by = \(app.installedBy), token_id = \(app.tokenId), scopes = \(app.scopes),
                       webhook_url = \(app.webhookUrl), events = \(app.events), webhook_secret = \(app.webhookSecret),
                       previous_secret = \(app.previousSecret), previous_expires_at = \(app.previousExpiresAt),
                       disabled_at = \(app.disabledAt), disabled_reason = \(app.disabledReason), incoming_hash = \(app.incomingHash),
                       created_at = \(app.createdAt), updated_at = \(app.updatedAt)
                WHERE id = \(app.id) RETURNING id
                """)
            guard updated == 1 else { throw ChorusError.notFound("App not found") }
            try await self.appendAudit(connection, actorID: actorID, action: "app.updated", subject: "app:\(app.id ?? 0)",
                                       detail: ["events": app.events, "webhook_url_set": app.webhookUrl != nil])
            return app
        }
    }

    /// Replaces the signing secret; the old one keeps signing until `previousUntil`.
    public func rotateAppSecret(appID: Int64, newSecret: String, previousUntil: Date, actorID: Int64) async throws {
        let now = now()
        try await write { connection in
            let updated = try await connection.run("""
                UPDATE apps SET previous_secret = webhook_secret, previous_expires_at = \(previousUntil), webhook_secret = \(newSecret),
                       updated_at = \(now)
                WHERE id = \(appID) RETURNING id
                """)
            guard updated == 1 else { throw ChorusError.notFound("App not found") }
            try await self.appendAudit(connection, actorID: actorID, action: "app.secret_rotated", subject: "app:\(appID)")
        }
    }

    /// Uninstalls: the token is revoked, the bot deactivated and taken out of
    /// its teams, queued deliveries dropped, the incoming hook forgotten.
    /// The bot's posts stay.
    public func uninstallApp(appID: Int64, actorID: Int64) async throws {
        let bot = try await write { connection in
            guard let app = try await connection.record(AppRecord.self, "SELECT * FROM apps WHERE id = \(appID)") else {
                throw ChorusError.notFound("App not found")
            }
            let bot = app.botAccountId
            try await connection.run("DELETE FROM access_tokens WHERE account_id = \(bot)")
            try await connection.run("UPDATE accounts SET is_active = false WHERE id = \(bot)")
            let teamIDs = try await connection.column(Int64.self, "DELETE FROM team_members WHERE account_id = \(bot) RETURNING team_id")
            for teamID in teamIDs.sorted() {
                try await connection.run("UPDATE teams SET members_count = GREATEST(0, members_count - 1) WHERE id = \(teamID)")
                try await self.appendEvent(connection, type: "team.member.left", payload: ["team_id": teamID, "account_id": bot])
            }
            try await connection.run("DELETE FROM apps WHERE id = \(appID)")
            try await self.appendEvent(connection, type: "account.sessions_revoked", payload: ["account_id": bot])
            try await self.appendAudit(connection, actorID: actorID, action: "app.uninstalled", subject: "app:\(appID)", detail: ["name": app.name])
            return bot
        }
        feeds.relationsChanged(viewerID: bot)
    }

    /// The app whose incoming hook has this secret hash, with its bot.
    public func app(incomingHash: String) async throws -> InstalledApp? {
        try await read { connection in
            guard let app = try await connection.record(AppRecord.self, "SELECT * FROM apps WHERE incoming_hash = \(incomingHash)") else {
                return nil
            }
            return try await self.installed(connection, app)
        }
    }

    /// The app answering `/name` for a post in `teamID` (nil: outside teams):
    /// the team's own app first, then a company-wide one.
    public func commandApp(name: String, teamID: Int64?) async throws -> InstalledApp? {
        try await read { connection in
            let scopes: [Int64] = teamID.map { [$0, 0] } ?? [0]
            for scope in scopes {
                if let app = try await connection.record(AppRecord.self, """
                    SELECT a.* FROM app_commands c JOIN apps a ON a.id = c.app_id WHERE c.scope = \(scope) AND c.name = \(name)
                    """) {
                    return try await self.installed(connection, app)
                }
            }
            return nil
        }
    }
}
