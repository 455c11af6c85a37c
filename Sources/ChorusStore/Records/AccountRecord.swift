import ChorusCore
import Foundation

/// An employee or app bot account.
public struct AccountRecord: Codable, Sendable, Equatable {
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

    /// Every stored field, as a backend reads them back.
    public init(id: Int64, username: String, displayName: String, email: String?, note: String, role: Role,
                passwordHash: String?, isBot: Bool, isActive: Bool, locale: String?, createdAt: Date, followersCount: Int,
                followingCount: Int, statusesCount: Int, lastStatusAt: Date?) {
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
        self.followersCount = followersCount
        self.followingCount = followingCount
        self.statusesCount = statusesCount
        self.lastStatusAt = lastStatusAt
    }

    public init(id: Int64, username: String, displayName: String, email: String?, note: String = "", role: Role,
                passwordHash: String?, isBot: Bool = false, isActive: Bool = true, locale: String? = nil, createdAt: Date) {
        self.init(id: id, username: username, displayName: displayName, email: email, note: note, role: role,
                  passwordHash: passwordHash, isBot: isBot, isActive: isActive, locale: locale, createdAt: createdAt,
                  followersCount: 0, followingCount: 0, statusesCount: 0, lastStatusAt: nil)
    }
}
