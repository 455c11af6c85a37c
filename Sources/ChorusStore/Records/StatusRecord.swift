import ChorusCore
import Foundation

/// A post (or a reblog, which points at the post it shares).
public struct StatusRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var accountId: Int64
    public var text: String
    public var contentHtml: String
    public var visibility: Visibility
    public var spoilerText: String
    public var sensitive: Bool
    public var language: String?
    public var inReplyToId: Int64?
    public var inReplyToAccountId: Int64?
    public var reblogOfId: Int64?
    public var quoteOfId: Int64?
    public var applicationName: String?
    public var createdAt: Date
    public var editedAt: Date?
    public var repliesCount: Int
    public var reblogsCount: Int
    public var favouritesCount: Int
    public var quotesCount: Int
    /// The team whose feed holds this post (visibility `team`).
    public var teamId: Int64?
    public var kind: PostKind
    /// For a question: the reply chosen as its best answer.
    public var bestAnswerId: Int64?

    /// Every stored field, as a backend reads them back.
    public init(id: Int64, accountId: Int64, text: String, contentHtml: String, visibility: Visibility, spoilerText: String,
                sensitive: Bool, language: String?, inReplyToId: Int64?, inReplyToAccountId: Int64?, reblogOfId: Int64?,
                quoteOfId: Int64?, applicationName: String?, createdAt: Date, editedAt: Date?, repliesCount: Int,
                reblogsCount: Int, favouritesCount: Int, quotesCount: Int, teamId: Int64?, kind: PostKind, bestAnswerId: Int64?) {
        self.id = id
        self.accountId = accountId
        self.text = text
        self.contentHtml = contentHtml
        self.visibility = visibility
        self.spoilerText = spoilerText
        self.sensitive = sensitive
        self.language = language
        self.inReplyToId = inReplyToId
        self.inReplyToAccountId = inReplyToAccountId
        self.reblogOfId = reblogOfId
        self.quoteOfId = quoteOfId
        self.applicationName = applicationName
        self.createdAt = createdAt
        self.editedAt = editedAt
        self.repliesCount = repliesCount
        self.reblogsCount = reblogsCount
        self.favouritesCount = favouritesCount
        self.quotesCount = quotesCount
        self.teamId = teamId
        self.kind = kind
        self.bestAnswerId = bestAnswerId
    }

    public init(id: Int64, accountId: Int64, text: String, contentHtml: String, visibility: Visibility,
                spoilerText: String = "", sensitive: Bool = false, language: String? = nil,
                inReplyToId: Int64? = nil, inReplyToAccountId: Int64? = nil, reblogOfId: Int64? = nil,
                quoteOfId: Int64? = nil, applicationName: String? = nil, teamId: Int64? = nil, kind: PostKind = .status,
                createdAt: Date) {
        self.init(id: id, accountId: accountId, text: text, contentHtml: contentHtml, visibility: visibility,
                  spoilerText: spoilerText, sensitive: sensitive, language: language, inReplyToId: inReplyToId,
                  inReplyToAccountId: inReplyToAccountId, reblogOfId: reblogOfId, quoteOfId: quoteOfId,
                  applicationName: applicationName, createdAt: createdAt, editedAt: nil, repliesCount: 0, reblogsCount: 0,
                  favouritesCount: 0, quotesCount: 0, teamId: teamId, kind: kind, bestAnswerId: nil)
    }
}

/// A notification for one account.
public struct NotificationRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var accountId: Int64
    public var type: String
    public var fromAccountId: Int64
    public var statusId: Int64?
    public var createdAt: Date
    public var readAt: Date?

    /// Every stored field, as a backend reads them back.
    public init(id: Int64, accountId: Int64, type: String, fromAccountId: Int64, statusId: Int64?, createdAt: Date, readAt: Date?) {
        self.id = id
        self.accountId = accountId
        self.type = type
        self.fromAccountId = fromAccountId
        self.statusId = statusId
        self.createdAt = createdAt
        self.readAt = readAt
    }

    public init(id: Int64, accountId: Int64, type: String, fromAccountId: Int64, statusId: Int64?, createdAt: Date) {
        self.init(id: id, accountId: accountId, type: type, fromAccountId: fromAccountId, statusId: statusId,
                  createdAt: createdAt, readAt: nil)
    }
}

/// A row of the outbox: a domain event written with the change it describes.
public struct OutboxEvent: Codable, Sendable, Equatable {
    public var id: Int64?
    public var type: String
    /// JSON object.
    public var payload: String
    public var createdAt: Date

    /// Every stored field, as a backend reads them back.
    public init(id: Int64?, type: String, payload: String, createdAt: Date) {
        self.id = id
        self.type = type
        self.payload = payload
        self.createdAt = createdAt
    }

    public init(type: String, payload: String, createdAt: Date) {
        self.init(id: nil, type: type, payload: payload, createdAt: createdAt)
    }
}

/// One entry of the audit log.
public struct AuditRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var actorId: Int64?
    public var action: String
    public var subject: String?
    public var detail: String
    public var ip: String?
    public var createdAt: Date

    /// Every stored field, as a backend reads them back.
    public init(id: Int64?, actorId: Int64?, action: String, subject: String?, detail: String, ip: String?, createdAt: Date) {
        self.id = id
        self.actorId = actorId
        self.action = action
        self.subject = subject
        self.detail = detail
        self.ip = ip
        self.createdAt = createdAt
    }

    public init(actorId: Int64?, action: String, subject: String?, detail: String = "{}", ip: String? = nil, createdAt: Date) {
        self.init(id: nil, actorId: actorId, action: action, subject: subject, detail: detail, ip: ip, createdAt: createdAt)
    }
}
