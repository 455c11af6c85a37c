/// Who may read a post.
public enum Visibility: String, Sendable, Codable, CaseIterable {
    /// Every signed-in employee.
    case company
    /// The author's followers (and the people it mentions).
    case followers
    /// Members of one team only.
    case team
    /// The people it mentions only.
    case direct

    /// Reads Chorus names and Mastodon's (`public` and `unlisted` mean
    /// `company`, `private` means `followers`).
    public init?(apiValue: String) {
        switch apiValue {
        case "company", "public", "unlisted": self = .company
        case "followers", "private": self = .followers
        case "team": self = .team
        case "direct": self = .direct
        default: return nil
        }
    }

    /// The value Mastodon clients understand.
    public var mastodonValue: String {
        switch self {
        case .company: "public"
        case .followers, .team: "private"
        case .direct: "direct"
        }
    }

    /// How widely a post may travel; a reply may not rank above its parent.
    public var reach: Int {
        switch self {
        case .company: 3
        case .followers: 2
        case .team: 1
        case .direct: 0
        }
    }

    /// The visibility a reply gets: the requested one, narrowed to the parent's.
    public func narrowed(toParent parent: Visibility) -> Visibility {
        if parent == .team { return .team }
        if self == .team { return .team }
        return reach > parent.reach ? parent : self
    }
}
