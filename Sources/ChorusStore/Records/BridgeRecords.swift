import Foundation
import GRDB

/// An external channel the brand posts to.
public struct BrandChannelRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "brand_channels"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

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

    public init(name: String, slug: String, kind: Kind, maxCharacters: Int, mentionsAsNames: Bool, createdAt: Date) {
        self.name = name
        self.slug = slug
        self.kind = kind
        self.maxCharacters = maxCharacters
        self.mentionsAsNames = mentionsAsNames
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// A disabled channel takes no nominations or approvals, holds its
    /// approved exports and has no feed; its retractions still run.
    public var isDisabled: Bool { disabledAt != nil }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A post proposed for the brand channels.
public struct NominationRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "brand_nominations"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

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

    public init(statusId: Int64, authorId: Int64, nominatedBy: Int64, note: String, text: String, createdAt: Date) {
        self.statusId = statusId
        self.authorId = authorId
        self.nominatedBy = nominatedBy
        self.note = note
        self.text = text
        self.state = .pending
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One approved post on its way to (or on) one channel.
public struct ExportRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "brand_exports"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

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

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A leak-guard rule as stored.
public struct LeakRuleRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "leak_rules"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64?
    public var kind: String
    public var value: String
    public var note: String
    public var createdBy: Int64
    public var createdAt: Date

    public init(kind: String, value: String, note: String, createdBy: Int64, createdAt: Date) {
        self.kind = kind
        self.value = value
        self.note = note
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A nomination with its channels and exports.
public struct NominationView: Sendable {
    public var nomination: NominationRecord
    public var channelIDs: [Int64]
    public var exports: [ExportRecord]
}

/// An export ready to send, with its channel.
public struct ClaimedExport: Sendable {
    public var export: ExportRecord
    public var channel: BrandChannelRecord
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
