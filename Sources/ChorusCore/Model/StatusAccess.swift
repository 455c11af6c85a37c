/// The visibility rule for one post and one reader. The store's SQL filter
/// (`visibleToViewerSQL` in each backend) implements the same rule in a query;
/// tests hold the two to each other.
public enum StatusAccess {
    /// What the rule needs to know about a post.
    public struct Facts: Sendable {
        public var authorID: Int64
        public var visibility: Visibility
        public var mentionedIDs: Set<Int64>

        public init(authorID: Int64, visibility: Visibility, mentionedIDs: Set<Int64>) {
            self.authorID = authorID
            self.visibility = visibility
            self.mentionedIDs = mentionedIDs
        }
    }

    /// True if `viewerID` may read the post. `viewerFollowsAuthor`,
    /// `viewerIsTeamMember` and `teamIsPublic` are looked up by the caller.
    /// A team post follows the team alone: a member who leaves or is removed
    /// loses access at once, to their own past posts there too.
    public static func canSee(viewerID: Int64, post: Facts, viewerFollowsAuthor: Bool,
                              viewerIsTeamMember: Bool = false, teamIsPublic: Bool = false) -> Bool {
        if post.visibility == .team { return teamIsPublic || viewerIsTeamMember }
        if post.authorID == viewerID { return true }
        switch post.visibility {
        case .company: return true
        case .followers: return viewerFollowsAuthor || post.mentionedIDs.contains(viewerID)
        case .direct: return post.mentionedIDs.contains(viewerID)
        case .team: return teamIsPublic || viewerIsTeamMember
        }
    }
}
