import Foundation

// Mastodon API entities as Chorus serves them. Keys are camelCase here and
// snake_case on the wire; ids are strings, as Mastodon sends them.

struct AccountEntity: Encodable, Sendable, Equatable {
    var id: String
    var username: String
    var acct: String
    var displayName: String
    var locked = false
    var bot: Bool
    var discoverable = true
    var indexable = false
    var group = false
    var noindex = true
    var createdAt: String
    var note: String
    var url: String
    var uri: String
    var avatar: String
    var avatarStatic: String
    var header: String
    var headerStatic: String
    var followersCount: Int
    var followingCount: Int
    var statusesCount: Int
    @Nullable var lastStatusAt: String?
    var emojis: [String] = []
    var fields: [String] = []
    /// Only on the signed-in person's own account (`verify_credentials`).
    var source: SourceEntity?
    var role: RoleEntity?
    var chorus: AccountExtension
}

struct SourceEntity: Encodable, Sendable, Equatable {
    var note: String
    var fields: [String] = []
    var privacy: String
    var sensitive = false
    @Nullable var language: String?
    var followRequestsCount = 0
}

struct RoleEntity: Encodable, Sendable, Equatable {
    var id: String
    var name: String
    var permissions: String
    var color = ""
    var highlighted: Bool
}

/// Chorus additions to an account.
struct AccountExtension: Encodable, Sendable, Equatable {
    var role: String
    var active: Bool
}

struct StatusEntity: Encodable, Sendable, Equatable {
    let id: String
    let uri: String
    let url: String
    let createdAt: String
    let account: AccountEntity
    let content: String
    let visibility: String
    let sensitive: Bool
    let spoilerText: String
    let mediaAttachments: [String] = []
    @Nullable var application: ApplicationEntity?
    let mentions: [MentionEntity]
    let tags: [TagEntity]
    let emojis: [String] = []
    let reblogsCount: Int
    let favouritesCount: Int
    let repliesCount: Int
    let quotesCount: Int
    @Nullable var inReplyToId: String?
    @Nullable var inReplyToAccountId: String?
    @Nullable var reblog: Indirect<StatusEntity>?
    @Nullable var poll: String?
    @Nullable var card: String?
    @Nullable var language: String?
    /// The source text; only in the answer to a delete (for "delete and redraft").
    @Nullable var text: String?
    @Nullable var editedAt: String?
    let favourited: Bool
    let reblogged: Bool
    let muted = false
    let bookmarked = false
    let pinned = false
    let filtered: [String] = []
    @Nullable var quote: QuoteEntity?
    let chorus: StatusExtension

    init(id: String, uri: String, url: String, createdAt: String, account: AccountEntity, content: String, visibility: String,
         sensitive: Bool, spoilerText: String, application: ApplicationEntity?, mentions: [MentionEntity], tags: [TagEntity],
         reblogsCount: Int, favouritesCount: Int, repliesCount: Int, quotesCount: Int, inReplyToId: String?, inReplyToAccountId: String?,
         reblog: Indirect<StatusEntity>?, language: String?, text: String?, editedAt: String?, favourited: Bool, reblogged: Bool,
         quote: QuoteEntity?, chorus: StatusExtension) {
        self.id = id
        self.uri = uri
        self.url = url
        self.createdAt = createdAt
        self.account = account
        self.content = content
        self.visibility = visibility
        self.sensitive = sensitive
        self.spoilerText = spoilerText
        self.application = application
        self.mentions = mentions
        self.tags = tags
        self.reblogsCount = reblogsCount
        self.favouritesCount = favouritesCount
        self.repliesCount = repliesCount
        self.quotesCount = quotesCount
        self.inReplyToId = inReplyToId
        self.inReplyToAccountId = inReplyToAccountId
        self.reblog = reblog
        self.language = language
        self.text = text
        self.editedAt = editedAt
        self.favourited = favourited
        self.reblogged = reblogged
        self.quote = quote
        self.chorus = chorus
    }
}

/// Chorus additions to a status.
struct StatusExtension: Encodable, Sendable, Equatable {
    /// The Chorus visibility (`company`, `followers`, `team`, `direct`).
    var visibility: String
    /// The team whose feed holds the post.
    @Nullable var team: TeamRefEntity?
    /// `status`, `question` or `announcement`.
    var kind: String
    /// Pinned in its team's feed.
    var pinned: Bool
    /// For a question: the id of the reply chosen as best answer.
    @Nullable var bestAnswerId: String?
}

struct TeamRefEntity: Encodable, Sendable, Equatable {
    var id: String
    var name: String
    var slug: String
}

/// A team (`/api/v1/chorus/teams`).
struct TeamEntity: Encodable, Sendable {
    var id: String
    var name: String
    var slug: String
    var description: String
    var privacy: String
    var joinPolicy: String
    var membersCount: Int
    /// The caller's role: `owner`, `admin`, `member`, or null.
    @Nullable var role: String?
    /// True while the caller's join request waits.
    var requested: Bool
    var archived: Bool
    var createdAt: String
    var url: String
}

struct TeamMemberEntity: Encodable, Sendable {
    var account: AccountEntity
    var role: String
    var since: String
}

/// Mastodon 4.5's quote: the quoted post, or only its id one level down.
struct QuoteEntity: Encodable, Sendable, Equatable {
    var state: String
    @Nullable var quotedStatus: Indirect<StatusEntity>?
    var quotedStatusId: String?
}

struct ApplicationEntity: Encodable, Sendable, Equatable {
    var name: String
    @Nullable var website: String?
}

struct MentionEntity: Encodable, Sendable, Equatable {
    var id: String
    var username: String
    var url: String
    var acct: String
}

struct TagEntity: Encodable, Sendable, Equatable {
    var name: String
    var url: String
    var history: [TagHistoryEntity]?
    var following: Bool?
}

struct TagHistoryEntity: Encodable, Sendable, Equatable {
    var day: String
    var uses: String
    var accounts: String
}

struct NotificationEntity: Encodable, Sendable {
    var id: String
    var type: String
    var createdAt: String
    var groupKey: String
    var account: AccountEntity
    var status: StatusEntity?
}

struct RelationshipEntity: Encodable, Sendable {
    var id: String
    var following: Bool
    var showingReblogs: Bool
    var notifying = false
    var languages: [String]? = nil
    var followedBy: Bool
    var blocking = false
    var blockedBy = false
    var muting = false
    var mutingNotifications = false
    var requested = false
    var requestedBy = false
    var domainBlocking = false
    var endorsed = false
    var note = ""
}

struct SearchEntity: Encodable, Sendable {
    var accounts: [AccountEntity]
    var statuses: [StatusEntity]
    var hashtags: [TagEntity]
}

struct ContextEntity: Encodable, Sendable {
    var ancestors: [StatusEntity]
    var descendants: [StatusEntity]
}

/// Holds a value by reference so an entity can contain its own type
/// (a reblog holds a status, a quote holds a status).
final class Indirect<Value: Encodable & Sendable>: Encodable, Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

extension Indirect: Equatable where Value: Equatable {
    static func == (lhs: Indirect, rhs: Indirect) -> Bool { lhs === rhs || lhs.value == rhs.value }
}
