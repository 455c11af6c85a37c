/// Who may see a team and its posts.
public enum TeamPrivacy: String, Sendable, Codable, CaseIterable {
    /// Everyone in the company may read the team and its posts; members post.
    case `public`
    /// Invisible (404) to everyone who is not a member.
    case `private`
}

/// How people become members.
public enum TeamJoinPolicy: String, Sendable, Codable, CaseIterable {
    /// Joining is immediate.
    case open
    /// Joining asks the owners and admins, who approve or reject.
    case request
    /// Only owners and admins add people.
    case invite
}

/// A member's role in a team.
public enum TeamRole: String, Sendable, Codable, CaseIterable, Comparable {
    case member, admin, owner

    /// Owners and admins run the team.
    public var canManage: Bool { self != .member }

    var rank: Int {
        switch self {
        case .member: 0
        case .admin: 1
        case .owner: 2
        }
    }

    public static func < (lhs: TeamRole, rhs: TeamRole) -> Bool { lhs.rank < rhs.rank }
}

/// What a post is for in a team feed.
public enum PostKind: String, Sendable, Codable, CaseIterable {
    case status, question, announcement
}
