import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Testing

@Suite("Posts: create, reply, quote, reblog, favourite, delete")
struct StatusServiceTests {
    // MARK: Tests

    @Test func storesNormalizedTextAndRenderedHTML() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        try await fixture.user("bob")
        let status = try await fixture.post(alice, "  你好 @bob #发布会# <b>  ")
        #expect(status.status.text == "你好 @bob #发布会# <b>")
        #expect(status.status.contentHtml.contains("&lt;b&gt;"))
        #expect(status.mentions.map(\.username) == ["bob"])
        #expect(status.tags == [TagRef(name: "发布会", display: "发布会")])
    }

    @Test func aReplyIsNarrowedToItsParentsVisibility() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        let parent = try await fixture.post(alice, "followers only", visibility: .followers)
        let reply = try await fixture.post(bob, "a public reply?", visibility: .company, replyTo: parent.status.id)
        #expect(reply.status.visibility == .followers)
        #expect(reply.status.inReplyToAccountId == alice.id)
        #expect(try await fixture.services.statuses.status(id: parent.status.id, viewer: alice).status.repliesCount == 1)
    }

    @Test func cannotReplyToAPostOneCannotSee() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let eve = try await fixture.user("eve")
        let hidden = try await fixture.post(alice, "for followers", visibility: .followers)
        await #expect(throws: ChorusError.notFound("The post you reply to does not exist")) {
            try await fixture.post(eve, "hi", replyTo: hidden.status.id)
        }
    }

    @Test func onlyCompanyPostsCanBeRebloggedOrQuoted() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        let limited = try await fixture.post(alice, "followers only", visibility: .followers)
        await #expect(throws: ChorusError.self) { try await fixture.services.statuses.reblog(id: limited.status.id, by: bob) }
        await #expect(throws: ChorusError.self) {
            try await fixture.services.statuses.createStatus(by: bob, .init(text: "quote", quotedStatusID: limited.status.id))
        }
    }

    @Test func quoteWithCommentNotifiesTheQuotedAuthor() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let original = try await fixture.post(alice, "原帖")
        let quote = try await fixture.services.statuses.createStatus(by: bob, .init(text: "转发评论：说得好", quotedStatusID: original.status.id))
        #expect(quote.quoted?.status.id == original.status.id)
        #expect(quote.quoteState == .accepted)
        let notifications = try await fixture.services.notifications.list(viewer: alice, page: Page(), types: ["quote"], excludeTypes: [])
        #expect(notifications.map(\.notification.statusId) == [quote.status.id])
        // The quoted post goes away: the quote says so.
        _ = try await fixture.services.statuses.deleteStatus(id: original.status.id, by: alice)
        #expect(try await fixture.services.statuses.status(id: quote.status.id, viewer: bob).quoteState == .deleted)
    }

    @Test func reblogIsIdempotentAndCountsOnce() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let original = try await fixture.post(alice, "share me")
        let first = try await fixture.services.statuses.reblog(id: original.status.id, by: bob)
        let second = try await fixture.services.statuses.reblog(id: original.status.id, by: bob)
        #expect(first.status.id == second.status.id)
        #expect(first.reblog?.status.reblogsCount == 1)
        #expect(first.reblog?.reblogged == true)
        let undone = try await fixture.services.statuses.unreblog(id: original.status.id, by: bob)
        #expect(undone.status.reblogsCount == 0)
        #expect(!undone.reblogged)
    }

    @Test func favouriteNotifiesOnceAndUnfavouriteUndoes() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let status = try await fixture.post(alice, "like me")
        _ = try await fixture.services.statuses.favourite(id: status.status.id, by: bob)
        let again = try await fixture.services.statuses.favourite(id: status.status.id, by: bob)
        #expect(again.status.favouritesCount == 1)
        #expect(again.favourited)
        #expect(try await fixture.services.notifications.list(viewer: alice, page: Page(), types: ["favourite"], excludeTypes: []).count == 1)
        _ = try await fixture.services.statuses.unfavourite(id: status.status.id, by: bob)
        #expect(try await fixture.services.notifications.list(viewer: alice, page: Page(), types: ["favourite"], excludeTypes: []).isEmpty)
    }

    @Test func idempotencyKeyReturnsTheSameStatus() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        var draft = StatusService.Draft(text: "once")
        draft.idempotencyKey = "key-1"
        let first = try await fixture.services.statuses.createStatus(by: alice, draft)
        let second = try await fixture.services.statuses.createStatus(by: alice, draft)
        #expect(first.status.id == second.status.id)
        #expect(try await fixture.services.accounts.account(id: alice.id).statusesCount == 1)
    }

    @Test func deleteRemovesThePostEverywhereButKeepsReplies() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        let status = try await fixture.post(alice, "short-lived #temp")
        let reply = try await fixture.post(bob, "reply", replyTo: status.status.id)
        _ = try await fixture.services.statuses.reblog(id: status.status.id, by: bob)
        await #expect(throws: ChorusError.self) { try await fixture.services.statuses.deleteStatus(id: status.status.id, by: bob) }
        let deleted = try await fixture.services.statuses.deleteStatus(id: status.status.id, by: alice)
        #expect(deleted.status.text == "short-lived #temp")
        #expect(!TestFixture.ids(try await fixture.services.timelines.home(viewer: bob, page: Page())).contains(status.status.id))
        #expect(try await fixture.services.timelines.tag("temp", viewer: bob, page: Page()).isEmpty)
        #expect(try await fixture.services.statuses.status(id: reply.status.id, viewer: bob).status.inReplyToId == nil)
        #expect(try await fixture.services.accounts.account(id: bob.id).statusesCount == 1)
    }

    @Test func contextShowsOnlyVisibleThreadPosts() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let eve = try await fixture.user("eve")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        let root = try await fixture.post(alice, "root")
        let open = try await fixture.post(bob, "open reply", replyTo: root.status.id)
        let hidden = try await fixture.post(alice, "followers reply", visibility: .followers, replyTo: open.status.id)
        let forBob = try await fixture.services.statuses.context(id: root.status.id, viewer: bob)
        #expect(TestFixture.ids(forBob.descendants) == [open.status.id, hidden.status.id])
        let forEve = try await fixture.services.statuses.context(id: root.status.id, viewer: eve)
        #expect(TestFixture.ids(forEve.descendants) == [open.status.id])
        let up = try await fixture.services.statuses.context(id: hidden.status.id, viewer: bob)
        #expect(TestFixture.ids(up.ancestors) == [root.status.id, open.status.id])
    }
}
