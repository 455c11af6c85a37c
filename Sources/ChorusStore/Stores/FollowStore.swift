import ChorusCore
import Foundation

/// How two accounts relate, from the viewer's side.
public struct RelationshipRecord: Sendable, Equatable {
    public var accountID: Int64
    public var following: Bool
    public var followedBy: Bool

    public init(accountID: Int64, following: Bool, followedBy: Bool) {
        self.accountID = accountID
        self.following = following
        self.followedBy = followedBy
    }
}

/// Who follows whom.
public protocol FollowStore: Sendable {
    /// Follows `targetID` (immediate inside the company; idempotent): counts,
    /// a notification and an outbox event. The target's posts are in the
    /// follower's home timeline from then on, old ones included.
    func follow(accountID: Int64, targetID: Int64) async throws -> RelationshipRecord

    /// Unfollows (idempotent); the target's posts leave the home timeline with it.
    func unfollow(accountID: Int64, targetID: Int64) async throws -> RelationshipRecord

    /// Relationships of the viewer with each of `ids` (unknown ids are skipped).
    func relationships(viewerID: Int64, ids: [Int64]) async throws -> [RelationshipRecord]

    /// Who follows an account, most recent first, with the follow id as cursor.
    func followers(of accountID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)]

    /// Whom an account follows, most recent first, with the follow id as cursor.
    func following(of accountID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)]

    /// Ids of everyone who follows `accountID` (for live-stream checks).
    func followerIDs(of accountID: Int64) async throws -> Set<Int64>
}
