import ChorusCore
import ChorusServices
import ChorusStore
import Foundation

/// An installed app (`/api/v1/chorus/apps`). Secrets never appear here.
struct InstalledAppEntity: Encodable, Sendable {
    struct Command: Encodable, Sendable {
        var name: String
        var description: String
    }

    var id: String
    var name: String
    var description: String
    @Nullable var teamId: String?
    var bot: AccountEntity
    var scopes: [String]
    @Nullable var webhookUrl: String?
    var events: [String]
    var commands: [Command]
    var incoming: Bool
    /// Set when the receiver answered 410 Gone; updating the URL clears it.
    @Nullable var disabledAt: String?
    @Nullable var disabledReason: String?
    @Nullable var previousSecretExpiresAt: String?
    var createdAt: String
    var updatedAt: String
}

/// The answer to an install: the app and, once only, its secrets.
struct AppInstallationEntity: Encodable, Sendable {
    var app: InstalledAppEntity
    var accessToken: String
    var webhookSecret: String
    @Nullable var incomingUrl: String?
}

/// One entry of an app's delivery log.
struct DeliveryEntity: Encodable, Sendable {
    var id: String
    /// The `webhook-id` header, the same on every attempt.
    var webhookId: String
    var eventType: String
    /// `pending`, `delivered` or `failed`.
    var state: String
    var attempts: Int
    @Nullable var lastStatusCode: Int?
    @Nullable var lastError: String?
    @Nullable var nextAttemptAt: String?
    @Nullable var deliveredAt: String?
    var createdAt: String
}

/// The answer to a slash command (`POST /api/v1/statuses` with `/name …`).
struct CommandAnswerEntity: Encodable, Sendable {
    var command: String
    var app: AppRefEntity
    var text: String
    var visibility: String
    /// The bot's post, for a public answer.
    @Nullable var status: StatusEntity?
}

struct AppRefEntity: Encodable, Sendable {
    var id: String
    var name: String
}

extension MastodonPresenter {
    func app(_ installed: InstalledApp) -> InstalledAppEntity {
        let app = installed.app
        return InstalledAppEntity(
            id: String(app.id ?? 0), name: app.name, description: app.description, teamId: app.teamId.map(String.init),
            bot: account(installed.bot), scopes: app.scopes.split(separator: " ").map(String.init), webhookUrl: app.webhookUrl,
            events: app.eventList, commands: installed.commands.map { InstalledAppEntity.Command(name: $0.name, description: $0.description) },
            incoming: app.incomingHash != nil, disabledAt: app.disabledAt.map(JSON.timestamp), disabledReason: app.disabledReason,
            previousSecretExpiresAt: app.previousSecret == nil ? nil : app.previousExpiresAt.map(JSON.timestamp),
            createdAt: JSON.timestamp(app.createdAt), updatedAt: JSON.timestamp(app.updatedAt))
    }

    func delivery(_ record: DeliveryRecord) -> DeliveryEntity {
        DeliveryEntity(id: String(record.id ?? 0), webhookId: record.messageId, eventType: record.eventType, state: record.state.rawValue,
                       attempts: record.attempts, lastStatusCode: record.lastStatus, lastError: record.lastError,
                       nextAttemptAt: record.state == .pending ? record.nextAttemptAt.map(JSON.timestamp) : nil,
                       deliveredAt: record.deliveredAt.map(JSON.timestamp), createdAt: JSON.timestamp(record.createdAt))
    }

    func commandAnswer(_ answer: CommandAnswer) -> CommandAnswerEntity {
        CommandAnswerEntity(command: answer.command, app: AppRefEntity(id: String(answer.app.id ?? 0), name: answer.app.name),
                            text: answer.text, visibility: answer.visibility.rawValue, status: answer.status.map { status($0) })
    }
}

/// Event payloads rendered exactly as the API presents the entities.
struct AppPayloads: AppPayloadRenderer {
    let presenter: MastodonPresenter

    func status(_ status: HydratedStatus) -> String { write(presenter.status(status)) }

    func account(_ account: AccountRecord) -> String { write(presenter.account(account)) }

    func team(_ team: TeamRecord) -> String {
        let entity = presenter.team(TeamView(team: team, role: nil, requested: false))
        return (try? String(decoding: JSON.encoder().encode(entity), as: UTF8.self)) ?? "null"
    }

    private func write<T: JSONWritable>(_ value: T) -> String {
        var writer = JSONWriter()
        value.write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// The payload renderer the background workers use (for tests that drive them directly).
public func makeAppPayloadRenderer(config: ChorusConfig) -> any AppPayloadRenderer {
    AppPayloads(presenter: MastodonPresenter(config: config))
}
