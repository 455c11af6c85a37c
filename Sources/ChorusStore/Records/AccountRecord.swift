import ChorusCore
import Foundation
import GRDB

/// An employee or app bot account.
public struct AccountRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "accounts"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64
    public var username: String
    public var displayName: String
    public var email: String?
    public var note: String
    public var role: Role
    public var passwordHash: String?
    public var isBot: Bool
    public var isActive: Bool
    public var locale: String?
    public var createdAt: Date
    public var followersCount: Int
    public var followingCount: Int
    public var statusesCount: Int
    public var lastStatusAt: Date?

    public enum Columns {
        public static let id = Column("id")
        public static let username = Column("username")
        public static let email = Column("email")
        public static let isActive = Column("is_active")
    }

    public init(id: Int64, username: String, displayName: String, email: String?, note: String = "", role: Role,
                passwordHash: String?, isBot: Bool = false, isActive: Bool = true, locale: String? = nil, createdAt: Date) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.email = email
        self.note = note
        self.role = role
        self.passwordHash = passwordHash
        self.isBot = isBot
        self.isActive = isActive
        self.locale = locale
        self.createdAt = createdAt
        self.followersCount = 0
        self.followingCount = 0
        self.statusesCount = 0
        self.lastStatusAt = nil
    }
}
