import Foundation

/// An installed app: its bot, its subscription and its secrets.
public struct AppRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var name: String
    public var description: String
    public var botAccountId: Int64
    public var teamId: Int64?
    public var installedBy: Int64
    public var tokenId: Int64?
    public var scopes: String
    public var webhookUrl: String?
    public var events: String
    public var webhookSecret: String
    public var previousSecret: String?
    public var previousExpiresAt: Date?
    public var disabledAt: Date?
    public var disabledReason: String?
    public var incomingHash: String?
    public var createdAt: Date
    public var updatedAt: Date

    /// Every stored field, as a backend reads them back.
    public init(id: Int64?, name: String, description: String, botAccountId: Int64, teamId: Int64?, installedBy: Int64,
                tokenId: Int64?, scopes: String, webhookUrl: String?, events: String, webhookSecret: String,
                previousSecret: String?, previousExpiresAt: Date?, disabledAt: Date?, disabledReason: String?,
                incomingHash: String?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.botAccountId = botAccountId
        self.teamId = teamId
        self.installedBy = installedBy
        self.tokenId = tokenId
        self.scopes = scopes
        self.webhookUrl = webhookUrl
        self.events = events
        self.webhookSecret = webhookSecret
        self.previousSecret = previousSecret
        self.previousExpiresAt = previousExpiresAt
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
        self.incomingHash = incomingHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public init(name: String, description: String, botAccountId: Int64, teamId: Int64?, installedBy: Int64, scopes: String,
                webhookUrl: String?, events: [String], webhookSecret: String, incomingHash: String?, createdAt: Date) {
        self.init(id: nil, name: name, description: description, botAccountId: botAccountId, teamId: teamId,
                  installedBy: installedBy, tokenId: nil, scopes: scopes, webhookUrl: webhookUrl,
                  events: events.joined(separator: " "), webhookSecret: webhookSecret, previousSecret: nil,
                  previousExpiresAt: nil, disabledAt: nil, disabledReason: nil, incomingHash: incomingHash, createdAt: createdAt,
                  updatedAt: createdAt)
    }


    /// The subscribed event types.
    public var eventList: [String] { events.split(separator: " ").map(String.init) }

    public func subscribes(to type: String) -> Bool { eventList.contains(type) }

    /// The secrets that sign a delivery at `now`: the current one, and the
    /// previous one during the 24 hours after a rotation.
    public func signingSecrets(at now: Date) -> [String] {
        if let previous = previousSecret, let until = previousExpiresAt, until > now { return [webhookSecret, previous] }
        return [webhookSecret]
    }
}

/// A slash command an app answers.
public struct AppCommandRecord: Codable, Sendable, Equatable {
    public var appId: Int64
    public var name: String
    public var description: String
    /// The app's team id, or 0 for a company-wide app.
    public var scope: Int64

    public init(appId: Int64, name: String, description: String, scope: Int64) {
        self.appId = appId
        self.name = name
        self.description = description
        self.scope = scope
    }
}

/// One event queued for one app, and how its delivery went.
public struct DeliveryRecord: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case pending, delivered, failed
    }

    public var id: Int64?
    public var appId: Int64
    public var eventId: Int64?
    /// The `webhook-id` header: the same on every attempt.
    public var messageId: String
    public var eventType: String
    public var body: String
    public var state: State
    public var attempts: Int
    public var lastStatus: Int?
    public var lastError: String?
    public var nextAttemptAt: Date?
    public var leaseUntil: Date?
    public var createdAt: Date
    public var deliveredAt: Date?
    /// The post and the team the event is about (nil for a ping, a follow).
    public var statusId: Int64?
    public var teamId: Int64?

    /// Every stored field, as a backend reads them back.
    public init(id: Int64?, appId: Int64, eventId: Int64?, messageId: String, eventType: String, body: String, state: State,
                attempts: Int, lastStatus: Int?, lastError: String?, nextAttemptAt: Date?, leaseUntil: Date?, createdAt: Date,
                deliveredAt: Date?, statusId: Int64?, teamId: Int64?) {
        self.id = id
        self.appId = appId
        self.eventId = eventId
        self.messageId = messageId
        self.eventType = eventType
        self.body = body
        self.state = state
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.leaseUntil = leaseUntil
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.statusId = statusId
        self.teamId = teamId
    }

    public init(appId: Int64, eventId: Int64?, messageId: String, eventType: String, body: String, createdAt: Date) {
        self.init(id: nil, appId: appId, eventId: eventId, messageId: messageId, eventType: eventType, body: body,
                  state: .pending, attempts: 0, lastStatus: nil, lastError: nil, nextAttemptAt: createdAt, leaseUntil: nil,
                  createdAt: createdAt, deliveredAt: nil, statusId: nil, teamId: nil)
    }

}

/// A delivery ready to send: what to send and where, with the secrets that
/// sign it. Taken under a lease so no two workers send it at once.
public struct ClaimedDelivery: Sendable {
    public var delivery: DeliveryRecord
    public var url: String
    public var secrets: [String]
    /// Why it must not be sent after all (the bot lost sight of what it is
    /// about since it was queued), or nil.
    public var withheldReason: String?

    public init(delivery: DeliveryRecord, url: String, secrets: [String], withheldReason: String?) {
        self.delivery = delivery
        self.url = url
        self.secrets = secrets
        self.withheldReason = withheldReason
    }
}

/// What one attempt came to.
public enum DeliveryOutcome: Sendable, Equatable {
    /// A 2xx answer.
    case delivered(status: Int)
    /// Try again at `retryAt`, or give up when nil.
    case failed(status: Int?, error: String, retryAt: Date?)
    /// 410 Gone: the receiver asked never to be called again.
    case gone
    /// Not sent, for `reason`: the bot may no longer see what it is about.
    case withheld(reason: String)
}
