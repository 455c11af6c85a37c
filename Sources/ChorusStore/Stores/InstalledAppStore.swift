import ChorusCore
import Foundation

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

    public init(app: AppRecord, bot: AccountRecord, commands: [AppCommandRecord]) {
        self.app = app
        self.bot = bot
        self.commands = commands
    }
}

/// Apps installed into Chorus: their bots, tokens, secrets and commands.
public protocol InstalledAppStore: Sendable {
    /// Installs an app in one transaction: a bot account (the username gets
    /// a number when taken), a token limited to the scopes (and the team),
    /// membership of the team for a team install, the commands, and an audit
    /// entry. A command name already taken in the same scope is a conflict.
    func installApp(_ new: NewApp) async throws -> InstalledApp

    /// Every installed app (with `teamIDs`, only those installed in these teams).
    /// Every app, the company-wide ones, or those installed in `teamIDs`.
    func installedApps(teamIDs: [Int64]?, companyWideOnly: Bool) async throws -> [InstalledApp]

    func installedApp(id: Int64) async throws -> InstalledApp?

    /// Saves changed fields of an app (subscription, URL, description) and
    /// audits it. A new URL re-enables an endpoint that answered 410.
    func updateApp(_ app: AppRecord, actorID: Int64) async throws -> AppRecord

    /// Replaces the signing secret; the old one keeps signing until `previousUntil`.
    func rotateAppSecret(appID: Int64, newSecret: String, previousUntil: Date, actorID: Int64) async throws

    /// Uninstalls: the token is revoked, the bot deactivated and taken out of
    /// its teams, queued deliveries dropped, the incoming hook forgotten.
    /// The bot's posts stay.
    func uninstallApp(appID: Int64, actorID: Int64) async throws

    /// The app whose incoming hook has this secret hash, with its bot.
    func app(incomingHash: String) async throws -> InstalledApp?

    /// The app answering `/name` for a post in `teamID` (nil: outside teams):
    /// the team's own app first, then a company-wide one.
    func commandApp(name: String, teamID: Int64?) async throws -> InstalledApp?
}
