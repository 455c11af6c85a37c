/// What a person may do with a post: one rule per action, each answering
/// with the refusal (nil when allowed). Services enforce these before they
/// act, and return `capabilities` with the post, so a page offers a button
/// exactly when the action would be accepted.
public enum PostRules {
    /// What the rules need to know about a post (the original, for a repost).
    public struct Facts: Sendable, Equatable {
        public var authorID: Int64
        public var visibility: Visibility
        public var kind: PostKind
        public var teamID: Int64?
        public var isRepost: Bool
        public var isReply: Bool
        /// Whether the post it replies to is company-wide (true when there
        /// is none, or it is gone); nil when the caller does not know (then
        /// it is not offered for nomination).
        public var parentIsCompanyWide: Bool?
        /// The same of the post it quotes.
        public var quotedIsCompanyWide: Bool?

        public init(authorID: Int64, visibility: Visibility, kind: PostKind = .status, teamID: Int64? = nil, isRepost: Bool = false,
                    isReply: Bool = false, parentIsCompanyWide: Bool? = nil, quotedIsCompanyWide: Bool? = nil) {
            self.authorID = authorID
            self.visibility = visibility
            self.kind = kind
            self.teamID = teamID
            self.isRepost = isRepost
            self.isReply = isReply
            self.parentIsCompanyWide = parentIsCompanyWide
            self.quotedIsCompanyWide = quotedIsCompanyWide
        }
    }

    /// Who acts: their account, and their role in the post's team if any.
    public struct Actor: Sendable, Equatable {
        public var id: Int64
        public var teamRole: TeamRole?

        public init(id: Int64, teamRole: TeamRole? = nil) {
            self.id = id
            self.teamRole = teamRole
        }
    }

    /// Only company-visible posts travel beyond their audience.
    public static func reblog(_ post: Facts) -> ChorusError? {
        post.visibility == .company ? nil : ChorusError.unprocessable("Only company-visible posts can be reposted")
    }

    /// A quote shows the quoted post to the quoter's readers: company posts
    /// only, and never a repost (quote the original).
    public static func quote(_ post: Facts) -> ChorusError? {
        post.visibility == .company && !post.isRepost ? nil : ChorusError.unprocessable("Only company-visible posts can be quoted")
    }

    /// Only the author deletes a post.
    public static func delete(_ post: Facts, by actor: Actor) -> ChorusError? {
        post.authorID == actor.id ? nil : ChorusError.forbidden("You can only delete your own posts")
    }

    /// A team's owners and admins pin its top-level posts.
    public static func pin(_ post: Facts, by actor: Actor) -> ChorusError? {
        guard post.teamID != nil else { return ChorusError.notFound("That post is not in this team") }
        guard actor.teamRole?.canManage == true else { return ChorusError.forbidden("Only the team's owners and admins can do this") }
        return post.isReply ? ChorusError.unprocessable("Only top-level posts can be pinned") : nil
    }

    /// The asker of a question, or an owner or admin of its team, chooses its best answer.
    public static func chooseBestAnswer(_ post: Facts, by actor: Actor) -> ChorusError? {
        guard post.kind == .question else { return ChorusError.unprocessable("Only questions have a best answer") }
        let allowed = post.authorID == actor.id || (post.teamID != nil && actor.teamRole?.canManage == true)
        return allowed ? nil : ChorusError.forbidden("Only the asker or a team admin can choose the best answer")
    }

    /// Anyone may propose an original company post for the brand channels,
    /// unless it answers or quotes something that is not company-wide.
    public static func nominate(_ post: Facts) -> ChorusError? {
        if post.isRepost { return ChorusError.unprocessable("A repost cannot be nominated: nominate the original post") }
        if post.teamID != nil { return ChorusError.unprocessable("Team posts stay in their team: they cannot be nominated") }
        if post.visibility != .company { return ChorusError.unprocessable("Only company-visible posts can be nominated") }
        if post.parentIsCompanyWide != true { return ChorusError.unprocessable("A reply to a post that is not company-visible cannot be nominated") }
        if post.quotedIsCompanyWide != true {
            return ChorusError.unprocessable("A post quoting a post that is not company-visible cannot be nominated")
        }
        return nil
    }

    /// Every action at once, for a page to show the buttons that will work.
    public static func capabilities(_ post: Facts, for actor: Actor) -> StatusCapabilities {
        StatusCapabilities(reblog: reblog(post) == nil, quote: quote(post) == nil, delete: delete(post, by: actor) == nil,
                           pin: pin(post, by: actor) == nil, chooseBestAnswer: chooseBestAnswer(post, by: actor) == nil,
                           nominate: nominate(post) == nil)
    }
}

/// What the reader of a post may do with it (see `PostRules`).
public struct StatusCapabilities: Sendable, Equatable {
    public var reblog: Bool
    public var quote: Bool
    public var delete: Bool
    public var pin: Bool
    public var chooseBestAnswer: Bool
    public var nominate: Bool

    public init(reblog: Bool = false, quote: Bool = false, delete: Bool = false, pin: Bool = false, chooseBestAnswer: Bool = false,
                nominate: Bool = false) {
        self.reblog = reblog
        self.quote = quote
        self.delete = delete
        self.pin = pin
        self.chooseBestAnswer = chooseBestAnswer
        self.nominate = nominate
    }
}
