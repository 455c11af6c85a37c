import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Testing

/// A hashtag is seen only through the posts a reader may see: its name, its
/// existence, its spelling and the order of search results; and a tag
/// timeline shows every post with the tag that the reader may see.
@Suite("Hashtags: seen only through visible posts")
struct TagVisibilityTests {
    /// A private team (`owner` and `member`), an `outsider`, and a way to post in the team.
    struct World {
        let fixture: TestFixture
        let owner: AccountRecord
        let member: AccountRecord
        let outsider: AccountRecord
        let teamID: Int64

        var services: Services { fixture.services }

        func teamPost(_ text: String) async throws -> HydratedStatus {
            var draft = StatusService.Draft(text: text)
            draft.teamID = teamID
            return try await services.statuses.createStatus(by: owner, draft)
        }

        func hashtags(_ query: String, viewer: AccountRecord) async throws -> [String] {
            try await services.search.search(query, kind: .hashtags, viewer: viewer, accountID: nil, limit: 20, offset: 0, maxID: nil).hashtags.map(\.name)
        }

        /// The error a lookup of `name` throws for `viewer` (nil if it is found).
        func lookupError(_ name: String, viewer: AccountRecord) async -> ChorusError? {
            do {
                _ = try await services.search.tag(name, viewer: viewer)
                return nil
            } catch {
                return error as? ChorusError
            }
        }
    }

    static func world() async throws -> World {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("olivia")
        let member = try await fixture.user("mia")
        let outsider = try await fixture.user("nora")
        let team = try await fixture.services.teams.createTeam(by: owner, .init(name: "Deals", slug: "deals", privacy: .private)).team
        _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: member.id, role: .member, by: owner)
        return World(fixture: fixture, owner: owner, member: member, outsider: outsider, teamID: team.id)
    }

    // MARK: Tests

    @Test func hashtagSearchListsOnlyTagsOnPostsTheReaderMaySee() async throws {
        let world = try await Self.world()
        _ = try await world.teamPost("#收购# 谈判进展 #AcmeDeal")
        #expect(try await world.hashtags("收购", viewer: world.outsider).isEmpty)
        #expect(try await world.hashtags("#acme", viewer: world.outsider).isEmpty)
        #expect(try await world.hashtags("收购", viewer: world.member) == ["收购"])
        #expect(try await world.hashtags("#acme", viewer: world.member) == ["acmedeal"])
        // The people search of a mixed query does not list it either.
        let all = try await world.services.search.search("acme", kind: nil, viewer: world.outsider, accountID: nil, limit: 20, offset: 0, maxID: nil)
        #expect(all.hashtags.isEmpty)
    }

    @Test func anInvisibleTagIsNotFoundExactlyLikeAMissingOne() async throws {
        let world = try await Self.world()
        _ = try await world.teamPost("#收购# 谈判进展")
        let missing = await world.lookupError("不存在", viewer: world.outsider)
        #expect(missing == ChorusError.notFound())
        #expect(await world.lookupError("收购", viewer: world.outsider) == missing)
        #expect(await world.lookupError("收购", viewer: world.member) == nil)
        // Unfollowing it is the same 404 as unfollowing a tag nobody used.
        await #expect(throws: ChorusError.notFound()) { try await world.services.search.unfollowTag("收购", by: world.outsider) }
    }

    @Test func hashtagSearchOrderIgnoresPostsTheReaderCannotSee() async throws {
        let world = try await Self.world()
        _ = try await world.fixture.post(world.owner, "#launchday is here")
        _ = try await world.fixture.post(world.owner, "#launchpad one")
        _ = try await world.fixture.post(world.owner, "#launchpad two")
        let before = try await world.hashtags("launch", viewer: world.outsider)
        #expect(Set(before) == ["launchday", "launchpad"])
        for n in 0..<3 { _ = try await world.teamPost("#launchday secret \(n)") }
        #expect(try await world.hashtags("launch", viewer: world.outsider) == before)
    }

    @Test func followingATagRevealsNothingOfItsPrivateUse() async throws {
        let world = try await Self.world()
        _ = try await world.teamPost("#Acquisition of Acme")
        let hidden = try await world.services.search.followTag("ACQUISITION", by: world.outsider)
        let unused = try await world.services.search.followTag("MERGER", by: world.outsider)
        // Both answer as a tag nobody used: the normalized name, not someone's spelling.
        #expect(hidden.display == "acquisition" && unused.display == "merger")
        #expect(Set(try await world.services.search.followedTags(of: world.outsider).map(\.display)) == ["acquisition", "merger"])
        // The reader's own follow is theirs to see and undo.
        #expect(await world.lookupError("acquisition", viewer: world.outsider) == nil)
        _ = try await world.services.search.unfollowTag("acquisition", by: world.outsider)
        #expect(await world.lookupError("acquisition", viewer: world.outsider) == ChorusError.notFound())
        // The member, who may read the post, sees it as written.
        #expect(try await world.services.search.followTag("acquisition", by: world.member).display == "Acquisition")
    }

    @Test func tagTimelineShowsEveryPostWithTheTagTheReaderMaySee() async throws {
        let world = try await Self.world()
        let team = try await world.teamPost("#收购# 谈判进展")
        let company = try await world.fixture.post(world.owner, "#收购# 公开说明")
        let mine = try await world.fixture.post(world.outsider, "#收购# 我的想法", visibility: .followers)
        let timeline = { (viewer: AccountRecord) in
            TestFixture.ids(try await world.services.timelines.tag("收购", viewer: viewer, page: Page()))
        }
        #expect(try await timeline(world.member) == [company.status.id, team.status.id])
        #expect(try await timeline(world.outsider) == [mine.status.id, company.status.id])
        _ = try await world.services.follows.follow(world.outsider.id, by: world.member)
        #expect(try await timeline(world.member) == [mine.status.id, company.status.id, team.status.id])
        // Pages go through the same rule.
        let older = try await world.services.timelines.tag("收购", viewer: world.member, page: Page(maxID: company.status.id, limit: 5))
        #expect(TestFixture.ids(older) == [team.status.id])
    }

    @Test func aFollowedTagBringsTeamPostsOnlyToMembersHomes() async throws {
        let world = try await Self.world()
        _ = try await world.services.search.followTag("收购", by: world.outsider)
        _ = try await world.services.search.followTag("收购", by: world.member)
        // The outsider's home is merged (and its followed-tag source cached) before the posts arrive.
        #expect(try await world.services.timelines.home(viewer: world.outsider, page: Page()).isEmpty)
        let team = try await world.teamPost("#收购# 谈判进展")
        let company = try await world.fixture.post(world.owner, "#收购# 公开说明")
        #expect(TestFixture.ids(try await world.services.timelines.home(viewer: world.outsider, page: Page())) == [company.status.id])
        #expect(TestFixture.ids(try await world.services.timelines.home(viewer: world.member, page: Page())) == [company.status.id, team.status.id])
        #expect(TestFixture.ids(try await world.services.timelines.home(viewer: world.outsider, page: Page())) == [company.status.id])
    }
}
