import ChorusCore
import Testing

@Suite("The home-timeline rule: which posts belong on whose home")
struct HomeTimelineRuleTests {
    // People: the reader, someone they follow, someone they don't, and a
    // second followed person to reply to and reblog.
    static let reader: Int64 = 1
    static let followed: Int64 = 2
    static let stranger: Int64 = 3
    static let alsoFollowed: Int64 = 4
    static let readersTeam: Int64 = 50
    static let otherTeam: Int64 = 51

    static let me = HomeTimelineRule.Reader(id: reader, follows: [followed, alsoFollowed], teams: [readersTeam], tags: ["launch"])

    /// A post by `author`.
    static func post(_ author: Int64, _ visibility: Visibility = .company, replyTo: Int64? = nil, reblogOf originalAuthor: Int64? = nil,
                     team: Int64? = nil, tags: [String] = [], mentions: [Int64] = []) -> HomeTimelineRule.Post {
        let entry = FeedEntry(id: 100, replyTo: replyTo, reblogOf: originalAuthor.map { _ in 99 }, reblogOfAuthor: originalAuthor,
                              visibility: team == nil ? visibility : .team)
        return HomeTimelineRule.Post(entry, author: author, teamID: team, isReply: replyTo != nil, tags: tags, mentionIDs: mentions)
    }

    static let cases: [(String, HomeTimelineRule.Post, Bool)] = [
        ("own post", post(reader), true),
        ("own followers-only post", post(reader, .followers), true),
        ("own direct post to someone else", post(reader, .direct, mentions: [stranger]), true),
        ("own reply to a stranger", post(reader, replyTo: stranger), true),
        ("own reblog of a followed person", post(reader, reblogOf: followed), true),
        ("followed person's post", post(followed), true),
        ("followed person's followers-only post", post(followed, .followers), true),
        ("stranger's post", post(stranger), false),
        ("stranger's followers-only post that mentions me", post(stranger, .followers, mentions: [reader]), false),
        ("direct post to me from a stranger", post(stranger, .direct, mentions: [reader]), true),
        ("followed person's direct post to someone else", post(followed, .direct, mentions: [stranger]), false),
        ("followed person's direct post to me", post(followed, .direct, mentions: [reader, stranger]), true),
        ("post in my team by a stranger", post(stranger, team: readersTeam), true),
        ("followed person's post in a team I'm not in", post(followed, team: otherTeam), false),
        ("reply in my team", post(stranger, replyTo: followed, team: readersTeam), true),
        ("followed person's reblog of a stranger", post(followed, reblogOf: stranger), true),
        ("followed person's reblog of someone else I follow", post(followed, reblogOf: alsoFollowed), false),
        ("followed person's reblog of me", post(followed, reblogOf: reader), false),
        ("stranger's reblog", post(stranger, reblogOf: followed), false),
        ("followed person's reply to a stranger", post(followed, replyTo: stranger), false),
        ("followed person's reply to someone I follow", post(followed, replyTo: alsoFollowed), true),
        ("followed person's reply to me", post(followed, replyTo: reader), true),
        ("followed person's reply to themselves", post(followed, replyTo: followed), true),
        ("stranger's reply to me", post(stranger, replyTo: reader), false),
        ("stranger's post with a tag I follow", post(stranger, tags: ["launch"]), true),
        ("stranger's post with another tag", post(stranger, tags: ["other"]), false),
        ("stranger's reply with a tag I follow", post(stranger, replyTo: stranger, tags: ["launch"]), false),
        ("stranger's followers-only post with a tag I follow", post(stranger, .followers, tags: ["launch"]), false),
        ("team post with a tag I follow, in a team I'm not in", post(stranger, team: otherTeam, tags: ["launch"]), false),
    ]

    // MARK: Tests

    @Test func tablesTheCases() {
        for (label, post, expected) in Self.cases {
            #expect(HomeTimelineRule.belongs(post, to: Self.me) == expected, "\(label)")
        }
    }

    /// The live stream reads the two follows only for readers of another
    /// person's `.author` source; the rule must not ask for them elsewhere.
    @Test func asksAboutFollowsOnlyForAFollowedAuthorsSource() {
        let sources: [FeedSource] = [.author(Self.reader), .author(Self.followed), .team(Self.readersTeam), .tag("launch"), .direct(Self.reader)]
        for (label, post, _) in Self.cases {
            for source in sources {
                var asked = false
                func ask() -> Bool {
                    asked = true
                    return true
                }
                _ = HomeTimelineRule.admits(post.entry, from: source, reader: Self.reader, followsRepliedTo: ask(), followsOriginalAuthor: ask())
                let mayAsk = source == .author(Self.followed)
                #expect(!asked || mayAsk, "\(label) from \(source)")
            }
        }
    }

    @Test func listsAPostInTheSourcesItsReadersMergeFrom() {
        func sources(_ post: HomeTimelineRule.Post) -> [FeedSource] {
            HomeTimelineRule.sources(ofPostBy: post.author, visibility: post.entry.visibility, teamID: post.teamID, isReply: post.isReply,
                                     isReblog: post.entry.reblogOf != 0, tags: post.tags, mentionIDs: { post.mentionIDs })
        }
        #expect(sources(Self.post(Self.stranger, team: Self.readersTeam, tags: ["launch"])) == [.team(Self.readersTeam)])
        #expect(sources(Self.post(Self.stranger, tags: ["launch"])) == [.author(Self.stranger), .tag("launch")])
        #expect(sources(Self.post(Self.stranger, reblogOf: Self.followed, tags: ["launch"])) == [.author(Self.stranger)])
        #expect(sources(Self.post(Self.stranger, .direct, mentions: [Self.reader])) == [.author(Self.stranger), .direct(Self.reader)])
        let mine = HomeTimelineRule.sources(ofReader: Self.reader, follows: [Self.followed], teams: [Self.readersTeam], tags: ["launch"])
        #expect(mine == [.author(Self.reader), .direct(Self.reader), .author(Self.followed), .team(Self.readersTeam), .tag("launch")])
    }
}
