import ChorusCore
import Foundation

/// A post to store, as the service validated and rendered it. What it
/// refers to — the post it replies to, its team, the post it quotes, the
/// people it mentions — is given by id or name, and is read and checked
/// (`PostPlacement`) inside the transaction that writes the post.
public struct NewStatus: Sendable {
    public var accountID: Int64
    public var text: String
    /// The HTML, rendered before the transaction as if every mentioned
    /// name were an active account (the usual case).
    public var contentHTML: String
    /// Renders the HTML again with the names that are active accounts
    /// (lowercased); called inside the transaction only when some
    /// mentioned name is not one, so their mention stays text.
    public var renderHTML: (@Sendable (_ knownUsernames: Set<String>) -> String)?
    /// As asked: a reply is narrowed to its parent's, a team post is `team`.
    public var visibility: Visibility
    public var spoilerText: String = ""
    public var sensitive: Bool = false
    public var language: String?
    public var inReplyToID: Int64?
    public var quoteOfID: Int64?
    /// Mentioned usernames, lowercased, each once (`PostText.mentionedUsernames`).
    public var mentionedUsernames: [String]
    public var tags: [Hashtag]
    /// The team whose feed holds the post (visibility `team`); a reply
    /// is in its parent's team.
    public var teamID: Int64?
    /// The team of a team-scoped token: the post must be in that team.
    public var tokenTeamID: Int64?
    public var kind: PostKind = .status
    public var applicationName: String?
    public var idempotencyKey: String?

    public init(accountID: Int64, text: String, contentHTML: String, visibility: Visibility, mentionedUsernames: [String],
                tags: [Hashtag]) {
        self.accountID = accountID
        self.text = text
        self.contentHTML = contentHTML
        self.visibility = visibility
        self.mentionedUsernames = mentionedUsernames
        self.tags = tags
    }
}

/// What live streams need to know about a new status to route it.
public struct StatusRouting: Sendable {
    public var status: StatusRecord
    public var tags: [String]
    /// Accounts whose home timeline holds the status (`HomeTimelineRule`, as the home merge applies it).
    public var homeRecipients: Set<Int64>

    public init(status: StatusRecord, tags: [String], homeRecipients: Set<Int64>) {
        self.status = status
        self.tags = tags
        self.homeRecipients = homeRecipients
    }
}

/// Posts: creating one (with its mentions, tags, search terms,
/// notifications and outbox event in one transaction), reading, deleting,
/// favourites and reblogs, and the facts live streams route by.
public protocol StatusStore: Sendable {
    /// A status regardless of who asks (for rules about posts, never shown as is).
    func statusRecord(id: Int64) async throws -> StatusRecord?

    /// Checks and stores a post with its mentions, tags, search terms,
    /// notifications and outbox events, in one transaction, then adds it to
    /// the cached home-feed sources. The parent, the team and the author's
    /// role, the quoted post and the mentioned people are read in that
    /// transaction, so a change committed before it (someone leaving the
    /// team, a parent deleted) is always seen. With an idempotency key seen
    /// in the last hour, returns the earlier status id.
    func createStatus(_ new: NewStatus) async throws -> Int64

    /// Loads the statuses with these ids, in the given order, with everything
    /// a presenter needs. Ids the viewer may not see are dropped.
    func hydrate(ids: [Int64], viewerID: Int64) async throws -> [HydratedStatus]

    /// A status if `viewerID` may see it; nil otherwise (callers answer 404,
    /// never revealing that a hidden post exists).
    func visibleStatus(id: Int64, viewerID: Int64) async throws -> StatusRecord?

    /// Deletes a status and everything that hangs on it (reblogs, feed
    /// entries, favourites, notifications, search terms); replies stay.
    func deleteStatus(id: Int64, actorID: Int64) async throws

    /// Favourites a status (idempotent) and notifies its author.
    func favourite(statusID: Int64, accountID: Int64) async throws

    /// Removes a favourite (idempotent) and its notification.
    func unfavourite(statusID: Int64, accountID: Int64) async throws

    /// Reblogs a company post; returns the reblog's id (the existing one if
    /// the account already reblogged it).
    func reblog(original: StatusRecord, accountID: Int64) async throws -> Int64

    /// The id of `accountID`'s reblog of `originalID`, if any.
    func reblogID(originalID: Int64, accountID: Int64) async throws -> Int64?

    /// Forgets idempotency keys older than an hour.
    func pruneIdempotencyKeys() async throws

    /// Routing facts for a status, or nil if it is gone already.
    func statusRouting(id: Int64) async throws -> StatusRouting?
}
