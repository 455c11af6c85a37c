/// One stream a home timeline is merged from.
public enum FeedSource: Hashable, Sendable {
    /// An account's own posts outside teams (originals, replies, reblogs, direct).
    case author(Int64)
    /// Every post of a team's feed.
    case team(Int64)
    /// Company-visible original posts carrying a hashtag.
    case tag(String)
    /// Direct posts that mention an account.
    case direct(Int64)
}

/// What the home-timeline rule needs to know of a post listed in a source,
/// so the merge can decide without loading the post (the home-feed cache
/// keeps these, 40 bytes each).
public struct FeedEntry: Sendable {
    public var id: Int64
    /// The account a reply answers (0 for none).
    public var replyTo: Int64
    /// For a reblog, the original and its author (0 for none).
    public var reblogOf: Int64
    public var reblogOfAuthor: Int64
    public var visibility: Visibility

    public init(id: Int64, replyTo: Int64?, reblogOf: Int64?, reblogOfAuthor: Int64?, visibility: Visibility) {
        self.id = id
        self.replyTo = replyTo ?? 0
        self.reblogOf = reblogOf ?? 0
        self.reblogOfAuthor = reblogOfAuthor ?? 0
        self.visibility = visibility
    }
}

/// Which posts belong on a person's home timeline. A post belongs on
/// reader V's home timeline when one of the sources it is listed in
/// (`sources(ofPostBy:…)`) is one of V's sources (`sources(ofReader:…)`)
/// and `admits` it for V. The rules are Mastodon's: a followed person's
/// reply to someone else shows only when V follows that person too; a
/// reblog shows only when V does not follow the original's author; team
/// posts come from team sources only; direct posts reach only the people
/// they mention. `belongs` puts the three together.
///
/// The home merge (`HomeMerge`) applies it to the entries of V's sources;
/// the live `user` stream (`StatusStore.statusRouting`) to the readers of a
/// new post's sources. (The merge also shows a reblog only once per page:
/// that is about a page, not about one post.)
public enum HomeTimelineRule {
    /// The sources a reader's home timeline is merged from: their own posts,
    /// the direct posts that mention them, each followed person's posts, each
    /// of their teams' feeds and each followed hashtag.
    public static func sources(ofReader reader: Int64, follows: Set<Int64>, teams: [Int64], tags: [String]) -> [FeedSource] {
        [.author(reader), .direct(reader)] + follows.map(FeedSource.author) + teams.map(FeedSource.team) + tags.map(FeedSource.tag)
    }

    /// The sources a new post is listed in: a team post only in its team's
    /// feed; any other in its author's, a company original (not a reply or
    /// a reblog) also in its hashtags', and a direct post also in those of
    /// the people it mentions (`mentionIDs` is asked only for a direct post).
    public static func sources(ofPostBy author: Int64, visibility: Visibility, teamID: Int64?, isReply: Bool, isReblog: Bool,
                               tags: [String], mentionIDs: () throws -> [Int64]) rethrows -> [FeedSource] {
        if let teamID { return [.team(teamID)] }
        var sources: [FeedSource] = [.author(author)]
        if visibility == .company, !isReply, !isReblog { sources += tags.map(FeedSource.tag) }
        if visibility == .direct { sources += try mentionIDs().map(FeedSource.direct) }
        return sources
    }

    /// Whether `reader` takes `entry` from `source`, one of the reader's
    /// sources that lists the entry. The two follows are asked only for
    /// another person's `.author` source (tests hold it to that, since the
    /// live stream reads them for those readers only).
    @inlinable
    public static func admits(_ entry: FeedEntry, from source: FeedSource, reader: Int64,
                              followsRepliedTo: @autoclosure () -> Bool, followsOriginalAuthor: @autoclosure () -> Bool) -> Bool {
        // A tag's source is cached once for every reader who follows the tag,
        // so it may only bring what every reader may see (team posts reach
        // members through their team's source).
        if case .tag = source { return entry.visibility == .company }
        guard case .author(let author) = source, author != reader else { return true }
        guard entry.visibility == .company || entry.visibility == .followers else { return false }
        if entry.replyTo != 0, entry.replyTo != author, entry.replyTo != reader, !followsRepliedTo() { return false }
        if entry.reblogOf != 0, entry.reblogOfAuthor == reader || followsOriginalAuthor() { return false }
        return true
    }

    /// A post, as plain facts.
    public struct Post: Sendable {
        public var entry: FeedEntry
        public var author: Int64
        public var teamID: Int64?
        /// True for a reply (its parent may be gone since: `entry.replyTo` stays).
        public var isReply: Bool
        public var tags: [String]
        public var mentionIDs: [Int64]

        public init(_ entry: FeedEntry, author: Int64, teamID: Int64? = nil, isReply: Bool = false, tags: [String] = [], mentionIDs: [Int64] = []) {
            self.entry = entry
            self.author = author
            self.teamID = teamID
            self.isReply = isReply
            self.tags = tags
            self.mentionIDs = mentionIDs
        }
    }

    /// A reader, as the relationships their home timeline is merged from.
    public struct Reader: Sendable {
        public var id: Int64
        public var follows: Set<Int64>
        public var teams: [Int64]
        public var tags: [String]

        public init(id: Int64, follows: Set<Int64> = [], teams: [Int64] = [], tags: [String] = []) {
            self.id = id
            self.follows = follows
            self.teams = teams
            self.tags = tags
        }
    }

    /// Whether `post` belongs on `reader`'s home timeline: the whole rule in one call.
    public static func belongs(_ post: Post, to reader: Reader) -> Bool {
        let readerSources = Set(sources(ofReader: reader.id, follows: reader.follows, teams: reader.teams, tags: reader.tags))
        let entry = post.entry
        return sources(ofPostBy: post.author, visibility: entry.visibility, teamID: post.teamID, isReply: post.isReply,
                       isReblog: entry.reblogOf != 0, tags: post.tags, mentionIDs: { post.mentionIDs })
            .contains { source in
                readerSources.contains(source)
                    && admits(entry, from: source, reader: reader.id, followsRepliedTo: reader.follows.contains(entry.replyTo),
                              followsOriginalAuthor: reader.follows.contains(entry.reblogOfAuthor))
            }
    }
}
