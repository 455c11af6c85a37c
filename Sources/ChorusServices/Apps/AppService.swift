import ChorusCore
import ChorusStore
import Foundation

/// What an administrator or team manager asks to install.
public struct AppManifest: Sendable {
    public var name: String
    public var description: String
    public var webhookURL: String?
    public var events: [String]
    public var scopes: [String]
    public var commands: [(name: String, description: String)]
    public var incoming: Bool
    /// Install into this team only (a team owner or admin may do that).
    public var teamID: Int64?

    public init(name: String, description: String = "", webhookURL: String? = nil, events: [String] = [], scopes: [String] = [],
                commands: [(name: String, description: String)] = [], incoming: Bool = false, teamID: Int64? = nil) {
        self.name = name
        self.description = description
        self.webhookURL = webhookURL
        self.events = events
        self.scopes = scopes
        self.commands = commands
        self.incoming = incoming
        self.teamID = teamID
    }
}

/// An install's answer: the secrets are in it once and never again.
public struct AppInstallation: Sendable {
    public var installed: InstalledApp
    public var accessToken: String
    public var webhookSecret: String
    public var incomingURL: String?
}

/// The changes `update` accepts; nil leaves a field as it is.
public struct AppChanges: Sendable {
    public var description: String?
    /// `.some(nil)` removes the URL.
    public var webhookURL: String??
    public var events: [String]?

    public init(description: String? = nil, webhookURL: String?? = nil, events: [String]? = nil) {
        self.description = description
        self.webhookURL = webhookURL
        self.events = events
    }
}

/// Installing and managing apps; their delivery log
/// (`AppService+Deliveries.swift`), the outbound allowlist
/// (`+Allowlist`), the posts apps make through incoming hooks
/// (`+Incoming`) and the rules an install must satisfy (`+Rules`).
public struct AppService: Sendable {
    let database: any ChorusDatabase
    let statuses: StatusService
    let config: ChorusConfig
    let clock: any ChorusClock
    let policy: OutboundPolicy
    let transport: any WebhookTransport
    let incomingLimiter: SlidingWindowLimiter

    /// Scopes an app may hold when the manifest names none.
    public static let defaultScopes = ["read", "write:statuses"]

    public init(database: any ChorusDatabase, statuses: StatusService, config: ChorusConfig, clock: any ChorusClock,
                policy: OutboundPolicy, transport: any WebhookTransport,
                incomingLimiter: SlidingWindowLimiter = SlidingWindowLimiter(limit: 60, window: 60)) {
        self.database = database
        self.statuses = statuses
        self.config = config
        self.clock = clock
        self.policy = policy
        self.transport = transport
        self.incomingLimiter = incomingLimiter
    }

    // MARK: Install and manage

    public func install(_ manifest: AppManifest, by actor: AccountRecord) async throws -> AppInstallation {
        try await requireManager(teamID: manifest.teamID, actor: actor)
        // Only after the role check, so an outsider learns nothing of a private team.
        if let teamID = manifest.teamID, try await database.team(id: teamID)?.isArchived == true {
            throw ChorusError.unprocessable("This team is archived")
        }
        let name = manifest.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...60).contains(name.count) else { throw ChorusError.unprocessable("Validation failed: the app needs a name of at most 60 characters") }
        let description = try Self.validDescription(manifest.description)
        let events = try AppEventType.parseList(manifest.events).map(\.rawValue)
        let scopes = try Self.validScopes(manifest.scopes)
        let commands = try Self.validCommands(manifest.commands)
        let url = try await validURL(manifest.webhookURL)
        if url == nil, !events.isEmpty || !commands.isEmpty {
            throw ChorusError.unprocessable("Validation failed: events and commands need a webhook_url")
        }
        let token = SecretGenerator.token()
        let secret = WebhookSigner.newSecret()
        let incoming = manifest.incoming ? SecretGenerator.token() : nil
        let installed = try await database.installApp(NewApp(
            name: name, description: description, botUsername: Self.botUsername(for: name), teamID: manifest.teamID, installedBy: actor.id,
            scopes: scopes.description, webhookURL: url, events: events, commands: commands, webhookSecret: secret,
            tokenHash: SecretGenerator.sha256Hex(token), incomingHash: incoming.map(SecretGenerator.sha256Hex)))
        return AppInstallation(installed: installed, accessToken: token, webhookSecret: secret,
                               incomingURL: incoming.map { "\(config.baseURL)/hooks/\($0)" })
    }

    /// The apps `actor` manages: the company-wide ones for an administrator,
    /// and the apps of the teams they own or run. A company administrator has
    /// no say over (and no sight of) a team's apps unless they run the team.
    public func apps(by actor: AccountRecord) async throws -> [InstalledApp] {
        let managed = try await database.teams(viewerID: actor.id, mine: true, includeArchived: true)
            .filter { $0.role?.canManage == true }.map(\.team.id)
        let inTeams = try await database.installedApps(teamIDs: managed)
        guard actor.role == .admin else { return inTeams }
        let companyWide = try await database.installedApps(companyWideOnly: true)
        return (companyWide + inTeams).sorted { ($0.app.id ?? 0) < ($1.app.id ?? 0) }
    }

    /// The addresses of the teams these apps are installed in (for their
    /// cards: `apps(by:)` only lists apps of teams their reader runs).
    public func teamSlugs(of apps: [InstalledApp]) async throws -> [Int64: String] {
        let teams = try await database.teams(ids: Array(Set(apps.compactMap(\.app.teamId))))
        return Dictionary(uniqueKeysWithValues: teams.map { ($0.id, $0.slug) })
    }

    /// The apps installed in one team, for the team's owners and admins.
    /// Anyone else, a company administrator who does not run the team
    /// included, gets the 404 they get for one of the team's apps.
    public func apps(inTeam teamID: Int64, by actor: AccountRecord) async throws -> [InstalledApp] {
        try await requireManagerOrNotFound(teamID: teamID, actor: actor, "Team not found")
        return try await database.installedApps(teamIDs: [teamID])
    }

    public func app(id: Int64, by actor: AccountRecord) async throws -> InstalledApp {
        guard let installed = try await database.installedApp(id: id) else { throw ChorusError.notFound("App not found") }
        try await requireManagerOrNotFound(teamID: installed.app.teamId, actor: actor, "App not found")
        return installed
    }

    public func update(id: Int64, _ changes: AppChanges, by actor: AccountRecord) async throws -> InstalledApp {
        var app = try await app(id: id, by: actor).app
        if let description = changes.description { app.description = try Self.validDescription(description) }
        if let events = changes.events { app.events = try AppEventType.parseList(events).map(\.rawValue).joined(separator: " ") }
        if let url = changes.webhookURL {
            app.webhookUrl = try await validURL(url)
            app.disabledAt = nil
            app.disabledReason = nil
        }
        let hasCommands = !(try await database.installedApp(id: id)?.commands.isEmpty ?? true)
        if app.webhookUrl == nil, !app.events.isEmpty || hasCommands {
            throw ChorusError.unprocessable("Validation failed: events and commands need a webhook_url")
        }
        _ = try await database.updateApp(app, actorID: actor.id)
        return try await self.app(id: id, by: actor)
    }

    /// A new signing secret; deliveries carry signatures with both secrets
    /// for 24 hours, so the receiver can switch without missing one.
    public func rotateSecret(id: Int64, by actor: AccountRecord) async throws -> (secret: String, previousValidUntil: Date) {
        _ = try await app(id: id, by: actor)
        let secret = WebhookSigner.newSecret()
        // Whole milliseconds, as the database keeps it (the answer and the app's page agree).
        let until = Date(timeIntervalSince1970: ((clock.now().timeIntervalSince1970 + 24 * 3600) * 1000).rounded(.down) / 1000)
        try await database.rotateAppSecret(appID: id, newSecret: secret, previousUntil: until, actorID: actor.id)
        return (secret, until)
    }

    public func uninstall(id: Int64, by actor: AccountRecord) async throws {
        _ = try await app(id: id, by: actor)
        try await database.uninstallApp(appID: id, actorID: actor.id)
    }
}
