import ChorusCore
import ChorusStore
import Foundation
import Synchronization

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

/// Installing and managing apps, their delivery log, the outbound
/// allowlist, and the posts apps make through incoming hooks.
public struct AppService: Sendable {
    let database: AppDatabase
    let statuses: StatusService
    let config: ChorusConfig
    let clock: any ChorusClock
    let policy: OutboundPolicy
    let transport: any WebhookTransport
    let incomingLimiter: SlidingWindowLimiter

    /// Scopes an app may hold when the manifest names none.
    public static let defaultScopes = ["read", "write:statuses"]

    public init(database: AppDatabase, statuses: StatusService, config: ChorusConfig, clock: any ChorusClock,
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

    public func app(id: Int64, by actor: AccountRecord) async throws -> InstalledApp {
        guard let installed = try await database.installedApp(id: id) else { throw ChorusError.notFound("App not found") }
        do {
            try await requireManager(teamID: installed.app.teamId, actor: actor)
        } catch let error as ChorusError where error.kind == .forbidden {
            // Someone who may not manage it is not told it exists.
            throw ChorusError.notFound("App not found")
        }
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

    // MARK: Delivery log

    public func deliveries(appID: Int64, by actor: AccountRecord, page: Page) async throws -> [DeliveryRecord] {
        _ = try await app(id: appID, by: actor)
        return try await database.deliveries(appID: appID, page: page)
    }

    public func redeliver(appID: Int64, deliveryID: Int64, by actor: AccountRecord) async throws -> DeliveryRecord {
        _ = try await app(id: appID, by: actor)
        return try await database.redeliver(deliveryID: deliveryID, appID: appID)
    }

    /// Queues a `ping` event, so an app author can test the receiver.
    public func ping(appID: Int64, by actor: AccountRecord) async throws -> DeliveryRecord {
        let app = try await app(id: appID, by: actor).app
        guard app.webhookUrl != nil else { throw ChorusError.unprocessable("This app has no webhook_url") }
        let body = AppEventBody.make(type: "ping", at: clock.now(), data: #"{"app_id":"\#(appID)"}"#)
        return try await database.queueDelivery(appID: appID, eventType: "ping", body: body, messageID: AppEventBody.newMessageID())
    }

    // MARK: Allowlist

    public func allowlist(by actor: AccountRecord) throws -> [String] {
        guard actor.role == .admin else { throw ChorusError.forbidden("Only administrators manage the webhook allowlist") }
        return policy.allowlist.entries
    }

    public func setAllowlist(_ entries: [String], by actor: AccountRecord) async throws -> [String] {
        guard actor.role == .admin else { throw ChorusError.forbidden("Only administrators manage the webhook allowlist") }
        guard entries.count <= 200 else { throw ChorusError.unprocessable("The allowlist holds at most 200 entries") }
        let allowlist = try HostAllowlist(parsing: entries)
        let data = try JSONSerialization.data(withJSONObject: allowlist.entries)
        try await database.setSetting(OutboundPolicy.settingKey, value: String(decoding: data, as: UTF8.self), actorID: actor.id)
        policy.allowlist = allowlist
        return allowlist.entries
    }

    /// Reads the stored allowlist into the policy (at start).
    public func loadAllowlist() async throws {
        guard let stored = try await database.setting(OutboundPolicy.settingKey),
              let entries = try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String] else { return }
        policy.allowlist = try HostAllowlist(parsing: entries)
    }

    // MARK: Incoming hooks

    /// Posts `text` as the bot of the app whose incoming hook has `secret`,
    /// in `teamSlug`'s feed if given (a team install posts in its team).
    public func postIncoming(secret: String, text: String, teamSlug: String?) async throws -> HydratedStatus {
        guard !secret.isEmpty, let installed = try await database.app(incomingHash: SecretGenerator.sha256Hex(secret)),
              installed.bot.isActive else {
            throw ChorusError.notFound("Unknown hook")
        }
        try incomingLimiter.take("app:\(installed.app.id ?? 0)", message: "This hook is posting too fast; try again in a minute")
        var teamID = installed.app.teamId
        if let slug = teamSlug?.trimmingCharacters(in: .whitespaces), !slug.isEmpty {
            guard let view = try await database.teamView(slug: slug, viewerID: installed.bot.id) else { throw ChorusError.notFound("Team not found") }
            if let own = installed.app.teamId, own != view.team.id {
                throw ChorusError.forbidden("This app is installed in another team")
            }
            teamID = view.team.id
        }
        var draft = StatusService.Draft(text: text, visibility: teamID == nil ? .company : .team)
        draft.teamID = teamID
        draft.applicationName = installed.app.name
        return try await statuses.createStatus(by: installed.bot, draft)
    }

    // MARK: Rules

    /// Only http(s) URLs the outbound policy allows; nil stays nil.
    func validURL(_ url: String?) async throws -> String? {
        guard let raw = url?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard raw.utf8.count <= 2000 else { throw ChorusError.unprocessable("Validation failed: webhook_url is too long") }
        do {
            try await transport.check(url: raw)
        } catch {
            throw ChorusError.unprocessable("Validation failed: webhook_url: \(error.message)")
        }
        return raw
    }

    /// Administrators install company-wide; a team's owners and admins, and
    /// only they, in their team: the bot joins the team and its token and
    /// webhook read it, so a company administrator gets no way in here
    /// (administrators have no special read access to private teams).
    func requireManager(teamID: Int64?, actor: AccountRecord) async throws {
        guard let teamID else {
            guard actor.role == .admin else { throw ChorusError.forbidden("Only administrators install company-wide apps") }
            return
        }
        let role = try await database.teamRole(teamID: teamID, accountID: actor.id)
        if role == nil, try await database.team(id: teamID)?.privacy != .public {
            throw ChorusError.notFound("Team not found")  // a private team is not shown to outsiders
        }
        guard role?.canManage == true else { throw ChorusError.forbidden("Only the team's owners and admins install apps in it") }
    }

    static func validDescription(_ raw: String) throws -> String {
        let description = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard description.count <= 300 else { throw ChorusError.unprocessable("Validation failed: the description is longer than 300 characters") }
        return description
    }

    /// Apps hold user-level scopes only; never administration.
    static func validScopes(_ scopes: [String]) throws -> ScopeSet {
        let set = try ScopeSet(parsing: (scopes.isEmpty ? defaultScopes : scopes).joined(separator: " "))
        if let admin = set.scopes.first(where: { $0.hasPrefix("admin") }) {
            throw ChorusError.unprocessable("Validation failed: apps cannot hold administration scopes (\(admin))")
        }
        return set
    }

    static func validCommands(_ commands: [(name: String, description: String)]) throws -> [(name: String, description: String)] {
        guard commands.count <= 20 else { throw ChorusError.unprocessable("Validation failed: at most 20 commands per app") }
        var seen = Set<String>()
        return try commands.map { command in
            let name = command.name.hasPrefix("/") ? String(command.name.dropFirst()) : command.name
            guard SlashCommand.isValidName(name) else {
                throw ChorusError.unprocessable("Validation failed: command names are 1 to 32 lowercase letters, digits, - or _ (got \(command.name))")
            }
            guard seen.insert(name).inserted else { throw ChorusError.unprocessable("Validation failed: /\(name) is listed twice") }
            let description = command.description.trimmingCharacters(in: .whitespacesAndNewlines)
            guard description.count <= 100 else { throw ChorusError.unprocessable("Validation failed: a command description is at most 100 characters") }
            return (name, description)
        }
    }

    /// `faq_bot` for "FAQ", `app_bot` for a name without Latin letters.
    static func botUsername(for name: String) -> String {
        var base = ""
        for c in name.lowercased() {
            if c.isASCII, c.isLetter || c.isNumber { base.append(c) } else if !base.isEmpty, !base.hasSuffix("_") { base.append("_") }
        }
        base = String(base.trimmingCharacters(in: CharacterSet(charactersIn: "_")).prefix(20))
        return (base.isEmpty ? "app" : base) + "_bot"
    }
}

/// Counts events per key in a sliding window and refuses past a limit.
public final class SlidingWindowLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let hits = Mutex<[String: [Date]]>([:])

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Counts one event for `key`; past the limit throws 429 with `message`
    /// and the seconds until the oldest counted event leaves the window.
    public func take(_ key: String, message: String, now: Date = Date()) throws {
        let wait = hits.withLock { table -> TimeInterval? in
            var recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
            guard recent.count < limit else {
                table[key] = recent
                return recent.first.map { window - now.timeIntervalSince($0) } ?? window
            }
            recent.append(now)
            table[key] = recent
            if table.count > 10_000 { table = table.filter { $0.value.last.map { now.timeIntervalSince($0) < window } ?? false } }
            return nil
        }
        if let wait { throw ChorusError.tooManyRequests(message, retryAfter: Int(wait.rounded(.up))) }
    }
}
