import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Testing

@Suite("Timelines: home fan-out, company, tags, accounts, pagination")
struct TimelineTests {
    // MARK: Tests

    @Test func homeHoldsOwnAndFollowedPosts() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let carol = try await fixture.user("carol")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        let fromAlice = try await fixture.post(alice, "from alice")
        let fromCarol = try await fixture.post(carol, "from carol")
        let own = try await fixture.post(bob, "my own")
        let home = TestFixture.ids(try await fixture.services.timelines.home(viewer: bob, page: Page()))
        #expect(home == [own.status.id, fromAlice.status.id])
        #expect(!home.contains(fromCarol.status.id))
    }

    @Test func followBackfillsAndUnfollowRemoves() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let old = try await fixture.post(alice, "before the follow")
        let hidden = try await fixture.post(alice, "followers", visibility: .followers)
        let relationship = try await fixture.services.follows.follow(alice.id, by: bob)
        #expect(relationship.following)
        #expect(TestFixture.ids(try await fixture.services.timelines.home(viewer: bob, page: Page())) == [hidden.status.id, old.status.id])
        _ = try await fixture.services.follows.unfollow(alice.id, by: bob)
        #expect(try await fixture.services.timelines.home(viewer: bob, page: Page()).isEmpty)
        #expect(try await fixture.services.accounts.account(id: alice.id).followersCount == 0)
    }

    @Test func repliesReachOnlyFollowersOfBothPeople() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let reader = try await fixture.user("reader")
        let other = try await fixture.user("other")
        _ = try await fixture.services.follows.follow(bob.id, by: reader)
        _ = try await fixture.services.follows.follow(bob.id, by: other)
        _ = try await fixture.services.follows.follow(alice.id, by: other)
        let root = try await fixture.post(alice, "question")
        let reply = try await fixture.post(bob, "answer", replyTo: root.status.id)
        #expect(!TestFixture.ids(try await fixture.services.timelines.home(viewer: reader, page: Page())).contains(reply.status.id))
        #expect(TestFixture.ids(try await fixture.services.timelines.home(viewer: other, page: Page())).contains(reply.status.id))
    }

    @Test func directPostsReachOnlyTheMentioned() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let follower = try await fixture.user("follower")
        _ = try await fixture.services.follows.follow(alice.id, by: follower)
        let dm = try await fixture.post(alice, "@bob 私信", visibility: .direct)
        #expect(TestFixture.ids(try await fixture.services.timelines.home(viewer: bob, page: Page())) == [dm.status.id])
        #expect(try await fixture.services.timelines.home(viewer: follower, page: Page()).isEmpty)
        await #expect(throws: ChorusError.self) { try await fixture.services.statuses.status(id: dm.status.id, viewer: follower) }
    }

    @Test func companyTimelineHasOnlyCompanyOriginals() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let open = try await fixture.post(alice, "for everyone")
        _ = try await fixture.post(alice, "followers", visibility: .followers)
        _ = try await fixture.services.statuses.reblog(id: open.status.id, by: bob)
        #expect(TestFixture.ids(try await fixture.services.timelines.company(viewer: bob, page: Page())) == [open.status.id])
    }

    @Test func tagTimelineMatchesChineseAndCaseInsensitiveLatin() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let a = try await fixture.post(alice, "#发布会# 周五")
        let b = try await fixture.post(alice, "今天的 #发布会")
        let c = try await fixture.post(alice, "#SwiftLang rocks")
        let d = try await fixture.post(alice, "#发布会 secret", visibility: .followers)
        let bob = try await fixture.user("bob")
        // Each reader sees the posts with the tag they may see: alice her own followers-only post, bob (no follower) not.
        #expect(TestFixture.ids(try await fixture.services.timelines.tag("发布会", viewer: alice, page: Page())) == [d.status.id, b.status.id, a.status.id])
        #expect(TestFixture.ids(try await fixture.services.timelines.tag("发布会", viewer: bob, page: Page())) == [b.status.id, a.status.id])
        #expect(TestFixture.ids(try await fixture.services.timelines.tag("swiftlang", viewer: alice, page: Page())) == [c.status.id])
    }

    @Test func paginatesWithMaxSinceAndMinIDs() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        var ids: [Int64] = []
        for i in 0..<7 { ids.append(try await fixture.post(alice, "post \(i)").status.id) }
        let newestFirst = Array(ids.reversed())
        let firstPage = try await fixture.services.timelines.home(viewer: alice, page: Page(limit: 3))
        #expect(TestFixture.ids(firstPage) == Array(newestFirst[0..<3]))
        let next = try await fixture.services.timelines.home(viewer: alice, page: Page(maxID: newestFirst[2], limit: 3))
        #expect(TestFixture.ids(next) == Array(newestFirst[3..<6]))
        let since = try await fixture.services.timelines.home(viewer: alice, page: Page(sinceID: ids[1], limit: 2))
        #expect(TestFixture.ids(since) == [ids[6], ids[5]])
        let min = try await fixture.services.timelines.home(viewer: alice, page: Page(minID: ids[1], limit: 2))
        #expect(TestFixture.ids(min) == [ids[3], ids[2]])
        #expect(Page(limit: 500).limit == 40)
    }

    @Test func accountStatusesRespectVisibilityAndFilters() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let open = try await fixture.post(alice, "open")
        let limited = try await fixture.post(alice, "limited", visibility: .followers)
        let reply = try await fixture.post(alice, "reply to bob", replyTo: try await fixture.post(bob, "root").status.id)
        #expect(TestFixture.ids(try await fixture.services.timelines.account(alice.id, viewer: bob, filter: .init(), page: Page())) == [reply.status.id, open.status.id])
        var filter = AccountStatusesFilter()
        filter.excludeReplies = true
        #expect(TestFixture.ids(try await fixture.services.timelines.account(alice.id, viewer: alice, filter: filter, page: Page())) == [limited.status.id, open.status.id])
        // Paging binds positional values after the named ones.
        #expect(TestFixture.ids(try await fixture.services.timelines.account(alice.id, viewer: bob, filter: .init(), page: Page(maxID: reply.status.id))) == [open.status.id])
        var tagged = AccountStatusesFilter()
        tagged.tagged = "Nothing"
        #expect(try await fixture.services.timelines.account(alice.id, viewer: bob, filter: tagged, page: Page(sinceID: 1)).isEmpty)
        await #expect(throws: ChorusError.self) { try await fixture.services.timelines.account(999, viewer: bob, filter: .init(), page: Page()) }
    }
}
