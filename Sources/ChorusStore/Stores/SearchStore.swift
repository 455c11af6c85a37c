import ChorusCore
import Foundation

/// A hashtag as one reader sees it.
public struct TagRecord: Sendable, Equatable {
    /// The matching key (see `Hashtag.normalize`).
    public var name: String
    /// The spelling of the tag's first use when the reader may see a post
    /// with it; otherwise the name, as that spelling may come from a post the
    /// reader may not see.
    public var display: String

    public init(name: String, display: String) {
        self.name = name
        self.display = display
    }
}

/// What the tag page shows of a hashtag to one reader.
public struct TagSummary: Sendable, Equatable {
    /// The tag as the reader sees it; nil when they may not see it (the page
    /// is then the page of a tag nobody used).
    public var tag: TagRecord?
    /// How many posts with the tag the reader may see, counted up to a cap.
    public var uses: Int
    /// True when there are more than `uses` (counting stopped at the cap).
    public var usesCapped: Bool
    public var following: Bool

    public init(tag: TagRecord?, uses: Int, usesCapped: Bool, following: Bool) {
        self.tag = tag
        self.uses = uses
        self.usesCapped = usesCapped
        self.following = following
    }
}

/// Search over people, hashtags and posts, and followed hashtags.
public protocol SearchStore: Sendable {
    /// Active accounts whose username starts with, or display name contains, `query`.
    func searchAccounts(_ query: String, limit: Int, offset: Int) async throws -> [AccountRecord]

    /// Hashtags whose normalized name starts with the normalized query and
    /// that a post the viewer may see carries: the exact name first, then in
    /// name order. Not by how often they are used: that count would include
    /// posts the viewer may not see. In name order the walk over the tags'
    /// key stops as soon as the page is full.
    func searchTags(_ query: String, viewerID: Int64, limit: Int, offset: Int) async throws -> [TagRecord]

    /// The hashtag as the viewer sees it: nil unless a post they may see
    /// carries it or they follow it (answered exactly as for a tag nobody used).
    func tag(name: String, viewerID: Int64) async throws -> TagRecord?

    /// The tag page's summary: the tag, how many posts with it the viewer
    /// may see (up to `maxCounted`), and whether they follow it.
    func tagSummary(name: String, viewerID: Int64, maxCounted: Int) async throws -> TagSummary

    /// Statuses the viewer may see that match `query`, newest first. Uses the
    /// bigram index; a lone CJK character falls back to a substring scan.
    func searchStatuses(_ query: String, viewerID: Int64, accountID: Int64?, limit: Int, offset: Int, maxID: Int64?) async throws -> [HydratedStatus]

    /// Follows a hashtag: new company posts with it reach the home feed.
    /// Returns the tag as the follower sees it.
    func followTag(accountID: Int64, name: String, display: String) async throws -> TagRecord

    /// Stops following a hashtag (its posts already in the feed stay).
    func unfollowTag(accountID: Int64, name: String) async throws

    /// The hashtags an account follows, most recently followed first, as that account sees them.
    func followedTags(accountID: Int64) async throws -> [TagRecord]

    /// True if the account follows the hashtag.
    func isFollowingTag(accountID: Int64, name: String) async throws -> Bool
}
