import ChorusCore
import ChorusStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Renders entities into the JSON of event payloads, exactly as the API
/// presents them (the HTTP layer supplies it).
public protocol AppPayloadRenderer: Sendable {
    func status(_ status: HydratedStatus) -> String
    func account(_ account: AccountRecord) -> String
    func team(_ team: TeamRecord) -> String
}

/// The envelope of every event: `{"type", "timestamp", "data"}`.
public enum AppEventBody {
    public static func make(type: String, at date: Date, data: String) -> String {
        #"{"type":"\#(type)","timestamp":"\#(timestamp(date))","data":\#(data)}"#
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// A `webhook-id`: unique per message, the same on every attempt.
    public static func newMessageID() -> String { "msg_" + SecretGenerator.base64URL(SecretGenerator.randomBytes(16)) }

    /// A JSON string literal.
    static func string(_ value: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [value], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}

/// Turns outbox events into deliveries for the apps that subscribed to
/// them and may see them. It keeps its place in the outbox in the
/// database, so after a restart it carries on where it stopped; queuing
/// is idempotent per app and event, so repeating a batch is harmless.
///
/// Who sees what: an event about a post reaches an app only if the app's
/// bot may read the post under the visibility rules (so a company-wide app
/// never hears of a private team's posts), and a team install hears only of
/// its own team. Events the bot itself caused are not sent back to it.
public struct AppEventDispatcher: Service {
    public static let cursorName = "apps"
    let database: any ChorusDatabase
    let statuses: StatusService
    let renderer: any AppPayloadRenderer
    let wakeup: Wakeup?
    let logger: Logger
    let interval: Duration
    let progress = Progress()

    /// Where the dispatcher is, when that is ahead of the stored cursor.
    final class Progress: Sendable {
        let state = Mutex<(cursor: Int64?, saved: ContinuousClock.Instant)>((nil, .now))
    }

    public init(database: any ChorusDatabase, statuses: StatusService, renderer: any AppPayloadRenderer, wakeup: Wakeup? = nil,
                logger: Logger, interval: Duration = .milliseconds(100)) {
        self.database = database
        self.statuses = statuses
        self.renderer = renderer
        self.wakeup = wakeup
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if try await drain() == 0 { try? await Task.sleep(for: interval) }
            } catch {
                logger.error("app event dispatch failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        try? await saveCursor()
    }

    /// Stores a cursor kept only in memory (at shutdown).
    public func saveCursor() async throws {
        guard let cursor = progress.state.withLock({ $0.cursor }) else { return }
        try await database.queueDeliveries([], cursor: Self.cursorName, to: cursor, messageID: AppEventBody.newMessageID)
        progress.state.withLock { $0 = (nil, .now) }
    }

    /// Queues deliveries for the next batch of events; returns how many
    /// events it went through.
    @discardableResult
    public func drain(batch: Int = 200) async throws -> Int {
        var cursor = try await database.outboxCursor(Self.cursorName)
        if let ahead = progress.state.withLock({ $0.cursor }) { cursor = max(cursor, ahead) }
        let events = try await database.events(after: cursor, limit: batch)
        guard let last = events.last?.id else { return 0 }
        let apps = try await database.subscribedApps()
        var queued: [QueuedDelivery] = []
        if !apps.isEmpty {
            var bots: [Int64: AccountRecord] = [:]
            for account in try await database.accounts(ids: apps.map(\.botAccountId)) { bots[account.id] = account }
            // A deactivated bot hears of nothing (its app was uninstalled, or an administrator stopped it).
            let subscribers = apps.compactMap { app in bots[app.botAccountId].map { (app: app, bot: $0) } }.filter { $0.bot.isActive }
            for event in events {
                // An app hears of what happened after it was installed.
                queued += try await deliveries(for: event, subscribers: subscribers.filter { $0.app.createdAt <= event.createdAt })
            }
        }
        // With nothing to queue the cursor is stored at most once a second:
        // posting at full speed would otherwise pay a transaction per batch.
        // After a crash the few events since are read again, and queue
        // nothing again (or, for an app installed meanwhile, what it may see).
        let due = progress.state.withLock { ContinuousClock.now - $0.saved >= .seconds(1) }
        if queued.isEmpty && !due {
            progress.state.withLock { $0.cursor = last }
        } else {
            try await database.queueDeliveries(queued, cursor: Self.cursorName, to: last, messageID: AppEventBody.newMessageID)
            progress.state.withLock { $0 = (nil, .now) }
        }
        if !queued.isEmpty { await wakeup?.signal() }
        return events.count
    }

    typealias Subscriber = (app: AppRecord, bot: AccountRecord)

    func deliveries(for event: OutboxEvent, subscribers: [Subscriber]) async throws -> [QueuedDelivery] {
        guard let eventID = event.id, let data = event.payload.data(using: .utf8),
              let payload = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        func int(_ key: String) -> Int64? { (payload[key] as? NSNumber)?.int64Value }
        var result: [QueuedDelivery] = []
        func queue(_ app: AppRecord, _ type: AppEventType, _ data: String) {
            result.append(QueuedDelivery(appID: app.id!, eventID: eventID, eventType: type.rawValue,
                                         body: AppEventBody.make(type: type.rawValue, at: event.createdAt, data: data),
                                         statusID: int("status_id"), teamID: int("team_id")))
        }
        switch event.type {
        case "status.created":
            guard let statusID = int("status_id") else { return [] }
            for (app, bot) in subscribers where int("account_id") != bot.id
                && (app.subscribes(to: AppEventType.postCreated.rawValue) || app.subscribes(to: AppEventType.postMentioned.rawValue)) {
                guard let status = try await visible(statusID, to: bot, app: app), status.status.reblogOfId == nil else { continue }
                let json = #"{"status":\#(renderer.status(status))}"#
                if app.subscribes(to: AppEventType.postCreated.rawValue) { queue(app, .postCreated, json) }
                if app.subscribes(to: AppEventType.postMentioned.rawValue), status.mentions.contains(where: { $0.id == bot.id }) {
                    queue(app, .postMentioned, json)
                }
            }
        case "status.deleted":
            guard let statusID = int("status_id"), let authorID = int("account_id"), payload["reblog"] == nil,
                  let visibility = (payload["visibility"] as? String).flatMap(Visibility.init(rawValue:)) else { return [] }
            let teamID = int("team_id")
            let mentioned = Set(((payload["mentioned"] as? [Any]) ?? []).compactMap { ($0 as? NSNumber)?.int64Value })
            for (app, bot) in subscribers where authorID != bot.id && app.subscribes(to: AppEventType.postDeleted.rawValue) {
                if let own = app.teamId, own != teamID { continue }
                let facts = try await database.accessFacts(viewerID: bot.id, authorID: authorID, teamID: teamID)
                guard StatusAccess.canSee(viewerID: bot.id, post: .init(authorID: authorID, visibility: visibility, mentionedIDs: mentioned),
                                          viewerFollowsAuthor: facts.followsAuthor, viewerIsTeamMember: facts.isTeamMember,
                                          teamIsPublic: facts.teamIsPublic) else { continue }
                queue(app, .postDeleted, #"{"status_id":"\#(statusID)","account_id":"\#(authorID)"}"#)
            }
        case "favourite.created":
            guard let statusID = int("status_id"), let accountID = int("account_id") else { return [] }
            let interested = subscribers.filter { $0.bot.id != accountID && $0.app.subscribes(to: AppEventType.postFavourited.rawValue) }
            guard !interested.isEmpty, let account = try await database.account(id: accountID) else { return [] }
            for (app, bot) in interested {
                guard let status = try await visible(statusID, to: bot, app: app) else { continue }
                queue(app, .postFavourited, #"{"status":\#(renderer.status(status)),"account":\#(renderer.account(account))}"#)
            }
        case "follow.created":
            guard let followerID = int("account_id"), let targetID = int("target_account_id") else { return [] }
            // A team install hears only of follows of its own bot.
            let interested = subscribers.filter { app, bot in
                bot.id != followerID && app.subscribes(to: AppEventType.followCreated.rawValue) && (app.teamId == nil || targetID == bot.id)
            }
            guard !interested.isEmpty, let follower = try await database.account(id: followerID),
                  let target = try await database.account(id: targetID) else { return [] }
            for (app, _) in interested {
                queue(app, .followCreated, #"{"account":\#(renderer.account(follower)),"target_account":\#(renderer.account(target))}"#)
            }
        case "team.member.joined", "team.member.left":
            guard let teamID = int("team_id"), let accountID = int("account_id"),
                  let type = AppEventType(rawValue: event.type) else { return [] }
            let interested = subscribers.filter { app, bot in
                bot.id != accountID && app.subscribes(to: type.rawValue) && (app.teamId == nil || app.teamId == teamID)
            }
            guard !interested.isEmpty, let team = try await database.team(id: teamID),
                  let account = try await database.account(id: accountID) else { return [] }
            for (app, bot) in interested {
                // A company-wide app hears of a private team only if its bot is a member.
                if app.teamId == nil, team.privacy != .public,
                   try await database.teamRole(teamID: teamID, accountID: bot.id) == nil { continue }
                queue(app, type, #"{"team":\#(renderer.team(team)),"account":\#(renderer.account(account))}"#)
            }
        default:
            break
        }
        return result
    }

    /// The post as the app's bot sees it, if it may, and if it is in the
    /// app's team for a team install.
    func visible(_ statusID: Int64, to bot: AccountRecord, app: AppRecord) async throws -> HydratedStatus? {
        guard let record = try await database.visibleStatus(id: statusID, viewerID: bot.id) else { return nil }
        if let own = app.teamId, record.teamId != own { return nil }
        return try? await statuses.status(id: statusID, viewer: bot)
    }
}
