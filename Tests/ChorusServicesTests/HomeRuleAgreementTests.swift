import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Logging
import Testing

@Suite("The home timeline and the live user stream hold the same posts")
struct HomeRuleAgreementTests {
    /// The reader, who follows `followed` and `alsoFollowed` and the tag
    /// `launch`, and is in `readersTeam` (with `stranger`) but not in
    /// `otherTeam` (where `followed` is).
    struct World: Sendable {
        let fixture: TestFixture
        let reader: AccountRecord
        let followed: AccountRecord
        let alsoFollowed: AccountRecord
        let stranger: AccountRecord
        let readersTeam: Int64
        let otherTeam: Int64

        static func make() async throws -> World {
            let fixture = try await TestFixture()
            let reader = try await fixture.user("reader")
            let followed = try await fixture.user("followed")
            let alsoFollowed = try await fixture.user("also")
            let stranger = try await fixture.user("stranger")
            _ = try await fixture.services.follows.follow(followed.id, by: reader)
            _ = try await fixture.services.follows.follow(alsoFollowed.id, by: reader)
            _ = try await fixture.services.search.followTag("launch", by: reader)
            let teams = fixture.services.teams
            let readersTeam = try await teams.createTeam(by: reader, .init(name: "Readers", slug: "readers", joinPolicy: .open)).team.id
            _ = try await teams.join(id: readersTeam, by: stranger)
            let otherTeam = try await teams.createTeam(by: followed, .init(name: "Others", slug: "others", privacy: .public)).team.id
            return World(fixture: fixture, reader: reader, followed: followed, alsoFollowed: alsoFollowed, stranger: stranger,
                         readersTeam: readersTeam, otherTeam: otherTeam)
        }

        /// Posts as `author`; returns the post.
        func post(_ author: AccountRecord, _ text: String, _ visibility: Visibility? = nil, replyTo: Int64? = nil,
                  team: Int64? = nil) async throws -> HydratedStatus {
            var draft = StatusService.Draft(text: text, visibility: visibility, inReplyToID: replyTo)
            draft.teamID = team
            return try await fixture.services.statuses.createStatus(by: author, draft)
        }

        /// Replies as `author` to a new post of `parentAuthor` (in `team`, if any).
        func reply(_ author: AccountRecord, to parentAuthor: AccountRecord, _ text: String, team: Int64? = nil) async throws -> HydratedStatus {
            let parent = try await post(parentAuthor, "a thread starts", team: team)
            return try await post(author, text, replyTo: parent.status.id)
        }

        /// Reblogs, as `rebloggedBy`, a new post of `author`.
        func reblog(by rebloggedBy: AccountRecord, of author: AccountRecord) async throws -> HydratedStatus {
            let original = try await post(author, "worth sharing")
            return try await fixture.services.statuses.reblog(id: original.status.id, by: rebloggedBy)
        }
    }

    /// One kind of post, whether it belongs on the reader's home, and how to make it.
    struct Case: Sendable {
        let label: String
        let expected: Bool
        let make: @Sendable (World) async throws -> HydratedStatus

        init(_ label: String, _ expected: Bool, _ make: @escaping @Sendable (World) async throws -> HydratedStatus) {
            self.label = label
            self.expected = expected
            self.make = make
        }
    }

    static let cases: [Case] = [
        Case("own post", true) { try await $0.post($0.reader, "mine") },
        Case("own followers-only post", true) { try await $0.post($0.reader, "mine, for followers", .followers) },
        Case("own direct post to someone else", true) { try await $0.post($0.reader, "@stranger just you", .direct) },
        Case("own reply to a stranger", true) { try await $0.reply($0.reader, to: $0.stranger, "my answer") },
        Case("own reblog of a stranger", true) { try await $0.reblog(by: $0.reader, of: $0.stranger) },
        Case("followed person's post", true) { try await $0.post($0.followed, "hello") },
        Case("followed person's followers-only post", true) { try await $0.post($0.followed, "hello followers", .followers) },
        Case("followed person's post that mentions me", true) { try await $0.post($0.followed, "hi @reader") },
        Case("stranger's post", false) { try await $0.post($0.stranger, "hello") },
        Case("stranger's followers-only post that mentions me", false) { try await $0.post($0.stranger, "@reader for my followers", .followers) },
        Case("direct post to me from a stranger", true) { try await $0.post($0.stranger, "@reader psst", .direct) },
        Case("followed person's direct post to someone else", false) { try await $0.post($0.followed, "@stranger psst", .direct) },
        Case("followed person's direct post to me", true) { try await $0.post($0.followed, "@reader @stranger psst", .direct) },
        Case("stranger's post in my team", true) { try await $0.post($0.stranger, "team news", team: $0.readersTeam) },
        Case("followed person's post in a team I'm not in", false) { try await $0.post($0.followed, "other team news", team: $0.otherTeam) },
        Case("reply in my team", true) { try await $0.reply($0.stranger, to: $0.reader, "team answer", team: $0.readersTeam) },
        Case("reply in a team I'm not in", false) { try await $0.reply($0.followed, to: $0.followed, "other answer", team: $0.otherTeam) },
        Case("followed person's reblog of a stranger", true) { try await $0.reblog(by: $0.followed, of: $0.stranger) },
        Case("followed person's reblog of someone else I follow", false) { try await $0.reblog(by: $0.followed, of: $0.alsoFollowed) },
        Case("followed person's reblog of me", false) { try await $0.reblog(by: $0.followed, of: $0.reader) },
        Case("stranger's reblog of someone I follow", false) { try await $0.reblog(by: $0.stranger, of: $0.followed) },
        Case("followed person's reply to a stranger", false) { try await $0.reply($0.followed, to: $0.stranger, "answer") },
        Case("followed person's reply to someone I follow", true) { try await $0.reply($0.followed, to: $0.alsoFollowed, "answer") },
        Case("followed person's reply to me", true) { try await $0.reply($0.followed, to: $0.reader, "answer") },
        Case("followed person's reply to themselves", true) { try await $0.reply($0.followed, to: $0.followed, "and more") },
        Case("stranger's reply to me", false) { try await $0.reply($0.stranger, to: $0.reader, "answer") },
        Case("stranger's post with a tag I follow", true) { try await $0.post($0.stranger, "#launch on friday") },
        Case("stranger's post with another tag", false) { try await $0.post($0.stranger, "#lunch on friday") },
        Case("stranger's reply with a tag I follow", false) { try await $0.reply($0.stranger, to: $0.stranger, "#launch moved") },
        Case("stranger's followers-only post with a tag I follow", false) { try await $0.post($0.stranger, "#launch secrets", .followers) },
        Case("team post with a tag I follow, in a team I'm not in", false) {
            try await $0.post($0.followed, "#launch for the team", team: $0.otherTeam)
        },
    ]

    /// Every id on the reader's home timeline, page by page.
    static func home(_ world: World) async throws -> Set<Int64> {
        var ids: Set<Int64> = []
        var maxID: Int64?
        for _ in 0..<20 {
            let page = try await world.fixture.services.timelines.home(viewer: world.reader, page: Page(maxID: maxID, limit: 40))
            guard let last = page.last else { break }
            ids.formUnion(TestFixture.ids(page))
            maxID = last.status.id
        }
        return ids
    }

    /// The rule from plain facts, for a post as its author got it back.
    static func ruleSays(_ post: HydratedStatus, _ world: World) -> Bool {
        let status = post.status
        let entry = FeedEntry(id: status.id, replyTo: status.inReplyToAccountId, reblogOf: status.reblogOfId,
                              reblogOfAuthor: post.reblog?.account.id, visibility: status.visibility)
        let facts = HomeTimelineRule.Post(entry, author: status.accountId, teamID: status.teamId, isReply: status.inReplyToId != nil,
                                          tags: post.tags.map(\.name), mentionIDs: post.mentions.map(\.id))
        let reader = HomeTimelineRule.Reader(id: world.reader.id, follows: [world.followed.id, world.alsoFollowed.id],
                                             teams: [world.readersTeam], tags: ["launch"])
        return HomeTimelineRule.belongs(facts, to: reader)
    }

    // MARK: Tests

    @Test func everyCaseIsOnTheHomeTimelineExactlyWhenTheStreamTellsIt() async throws {
        // Given the reader's world, an open `user` stream, and cached home sources.
        let world = try await World.make()
        let hub = StreamHub()
        let relay = OutboxRelay(database: world.fixture.database, hub: hub, logger: Logger(label: "test"))
        let stream = try hub.subscribe(accountID: world.reader.id, tokenID: 1, kind: .user)
        var cursor = try await world.fixture.database.latestEventID()
        _ = try await Self.home(world)

        // When every case is posted (and the stream routed after each).
        var posted: [(Case, HydratedStatus)] = []
        for item in Self.cases {
            posted.append((item, try await item.make(world)))
            cursor = try await relay.drain(after: cursor)
        }
        // The relay hands each event to the hub before `drain` returns: ending the
        // stream now leaves exactly what it was told to read.
        hub.close(accountID: world.reader.id)
        var told: Set<Int64> = []
        for await message in stream {
            if case .update(let id) = message { told.insert(id) }
        }
        let home = try await Self.home(world)

        // Then the home timeline, the stream and the rule agree with the table, case by case.
        #expect(!told.isEmpty)
        for (item, post) in posted {
            let id = post.status.id
            #expect(home.contains(id) == item.expected, "home timeline: \(item.label)")
            #expect(told.contains(id) == item.expected, "user stream: \(item.label)")
            #expect(home.contains(id) == told.contains(id), "home and stream disagree: \(item.label)")
            #expect(Self.ruleSays(post, world) == item.expected, "HomeTimelineRule.belongs: \(item.label)")
        }
    }
}
