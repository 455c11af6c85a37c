import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
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
}
