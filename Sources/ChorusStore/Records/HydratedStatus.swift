import ChorusCore
import Foundation

/// A status with everything a presenter needs: its author, the post it
/// reblogs or quotes, mentions, tags and the viewer's own flags.
public struct HydratedStatus: Sendable {
    public var status: StatusRecord
    public var account: AccountRecord
    public var mentions: [AccountRecord]
    public var tags: [TagRef]
    public var favourited: Bool
    public var reblogged: Bool
    public var nested: [HydratedStatus]
    /// What the viewer may know of the quoted post.
    public var quoteState: QuoteState?
    /// The team whose feed holds the post.
    public var team: TeamRecord?
    /// True if the post is pinned in its team's feed.
    public var pinned: Bool

    public init(status: StatusRecord, account: AccountRecord, mentions: [AccountRecord], tags: [TagRef], favourited: Bool,
                reblogged: Bool, nested: [HydratedStatus], quoteState: QuoteState?, team: TeamRecord?, pinned: Bool) {
        self.status = status
        self.account = account
        self.mentions = mentions
        self.tags = tags
        self.favourited = favourited
        self.reblogged = reblogged
        self.nested = nested
        self.quoteState = quoteState
        self.team = team
        self.pinned = pinned
    }

    /// The original post when this status is a reblog.
    public var reblog: HydratedStatus? { status.reblogOfId == nil ? nil : nested.first }
    /// The quoted post, when the viewer may see it.
    public var quoted: HydratedStatus? {
        guard status.quoteOfId != nil, quoteState == .accepted else { return nil }
        return status.reblogOfId == nil ? nested.first : nil
    }

    /// Mastodon 4.5 quote states Chorus uses.
    public enum QuoteState: String, Sendable {
        case accepted, deleted, unauthorized
    }
}

/// A hashtag as attached to a status.
public struct TagRef: Sendable, Equatable {
    public var name: String
    public var display: String

    public init(name: String, display: String) {
        self.name = name
        self.display = display
    }
}
