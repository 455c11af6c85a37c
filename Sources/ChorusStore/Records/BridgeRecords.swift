import Foundation

/// An external channel the brand posts to.
public struct BrandChannelRecord: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case mastodon, webhook, atom
    }

    public var id: Int64?
    public var name: String
    public var slug: String
    public var kind: Kind
    public var maxCharacters: Int
    public var mentionsAsNames: Bool
    public var baseUrl: String?
    /// Never returned by the API.
    public var accessToken: String?
    public var url: String?
    /// Never returned by the API after creation.
    public var secret: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// When an administrator disabled the channel; nil while it is enabled.
    public var disabledAt: Date?

    /// Every stored field, as a backend reads them back.
    public init(id: Int64?, name: String, slug: String, kind: Kind, maxCharacters: Int, mentionsAsNames: Bool, baseUrl: String?,
                accessToken: String?, url: String?, secret: String?, createdAt: Date, updatedAt: Date, disabledAt: Date?) {
        self.id = id
        self.name = name
        self.slug = slug
        self.kind = kind
        self.maxCharacters = maxCharacters
        self.mentionsAsNames = mentionsAsNames
        self.baseUrl = baseUrl
        self.accessToken = accessToken
        self.url = url
        self.secret = secret
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.disabledAt = disabledAt
    }

    public init(name: String, slug: String, kind: Kind, maxCharacters: Int, mentionsAsNames: Bool, createdAt: Date) {
        self.init(id: nil, name: name, slug: slug, kind: kind, maxCharacters: maxCharacters, mentionsAsNames: mentionsAsNames,
                  baseUrl: nil, accessToken: nil, url: nil, secret: nil, createdAt: createdAt, updatedAt: createdAt,
                  disabledAt: nil)
    }

    /// A disabled channel takes no nominations or approvals, holds its
    /// approved exports and has no feed; its retractions still run.
    public var isDisabled: Bool { disabledAt != nil }

}

/// A post proposed for the brand channels.
public struct NominationRecord: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case pending, approved, rejected, retracted
    }

    public var id: Int64?
    public var statusId: Int64
    public var authorId: Int64
    public var nominatedBy: Int64
    public var note: String
    /// The post's text when it was nominated: what is reviewed and exported.
    public var text: String
    public var state: State
    public var reviewedBy: Int64?
    public var reviewReason: String?
    public var reviewedAt: Date?
    public var publishAt: Date?
    public var createdAt: Date

    /// Every stored field, as a backend reads them back.
    public init(id: Int64?, statusId: Int64, authorId: Int64, nominatedBy: Int64, note: String, text: String, state: State,
                reviewedBy: Int64?, reviewReason: String?, reviewedAt: Date?, publishAt: Date?, createdAt: Date) {
        self.id = id
        self.statusId = statusId
        self.authorId = authorId
        self.nominatedBy = nominatedBy
        self.note = note
        self.text = text
        self.state = state
        self.reviewedBy = reviewedBy
        self.reviewReason = reviewReason
        self.reviewedAt = reviewedAt
        self.publishAt = publishAt
        self.createdAt = createdAt
    }

    public init(statusId: Int64, authorId: Int64, nominatedBy: Int64, note: String, text: String, createdAt: Date) {
        self.init(id: nil, statusId: statusId, authorId: authorId, nominatedBy: nominatedBy, note: note, text: text,
                  state: .pending, reviewedBy: nil, reviewReason: nil, reviewedAt: nil, publishAt: nil, createdAt: createdAt)
    }

}

/// One approved post on its way to (or on) one channel.
public struct ExportRecord: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        /// Waiting to be published (at `next_attempt_at`).
        case pending
        case published
        /// Gave up; an editor may retry it.
        case failed
        /// The external copy is being deleted.
        case retracting
        case retracted
        /// Retracted before anything went out.
        case cancelled
    }

    public var id: Int64?
    public var nominationId: Int64
    public var channelId: Int64
    public var text: String
    public var idempotencyKey: String
    public var state: State
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: Date
    public var leaseUntil: Date?
    public var externalId: String?
    public var externalUrl: String?
    public var publishedAt: Date?
    public var retractedAt: Date?
    public var createdAt: Date

    /// Every stored field, as a backend reads them back.
    public init(id: Int64?, nominationId: Int64, channelId: Int64, text: String, idempotencyKey: String, state: State,
                attempts: Int, lastError: String?, nextAttemptAt: Date, leaseUntil: Date?, externalId: String?,
                externalUrl: String?, publishedAt: Date?, retractedAt: Date?, createdAt: Date) {
        self.id = id
        self.nominationId = nominationId
        self.channelId = channelId
        self.text = text
        self.idempotencyKey = idempotencyKey
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.leaseUntil = leaseUntil
        self.externalId = externalId
        self.externalUrl = externalUrl
        self.publishedAt = publishedAt
        self.retractedAt = retractedAt
        self.createdAt = createdAt
    }

}

/// A leak-guard rule as stored.
public struct LeakRuleRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var kind: String
    public var value: String
    public var note: String
    public var createdBy: Int64
    public var createdAt: Date

    /// Every stored field, as a backend reads them back.
    public init(id: Int64?, kind: String, value: String, note: String, createdBy: Int64, createdAt: Date) {
        self.id = id
        self.kind = kind
        self.value = value
        self.note = note
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public init(kind: String, value: String, note: String, createdBy: Int64, createdAt: Date) {
        self.init(id: nil, kind: kind, value: value, note: note, createdBy: createdBy, createdAt: createdAt)
    }

}

/// A nomination with its channels and exports.
public struct NominationView: Sendable {
    public var nomination: NominationRecord
    public var channelIDs: [Int64]
    public var exports: [ExportRecord]

    public init(nomination: NominationRecord, channelIDs: [Int64], exports: [ExportRecord]) {
        self.nomination = nomination
        self.channelIDs = channelIDs
        self.exports = exports
    }
}

/// An export ready to send, with its channel.
public struct ClaimedExport: Sendable {
    public var export: ExportRecord
    public var channel: BrandChannelRecord

    public init(export: ExportRecord, channel: BrandChannelRecord) {
        self.export = export
        self.channel = channel
    }
}

/// What one attempt at an export (or its retraction) came to.
public enum ExportOutcome: Sendable, Equatable {
    case published(externalID: String?, url: String?)
    case retracted
    /// Try again at `at`.
    case retry(error: String, at: Date)
    /// Give up: the export is marked failed and the editors are told.
    case failed(error: String)
}
