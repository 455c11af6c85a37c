import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Testing

@Suite("Search and notifications")
struct SearchAndNotificationTests {
    // MARK: Tests

    @Test func findsTwoAndFourCharacterChineseWords() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let hit = try await fixture.post(alice, "新版本的发布会定在周五下午")
        _ = try await fixture.post(alice, "发现一个布会") // has 布会 but not 发布会
        let two = try await fixture.services.search.search("发布", kind: .statuses, viewer: alice, accountID: nil, limit: 10, offset: 0, maxID: nil)
        #expect(TestFixture.ids(two.statuses) == [hit.status.id])
        let four = try await fixture.services.search.search("发布会定", kind: .statuses, viewer: alice, accountID: nil, limit: 10, offset: 0, maxID: nil)
        #expect(TestFixture.ids(four.statuses) == [hit.status.id])
    }

    @Test func findsOneCharacterQueriesBySubstring() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let hit = try await fixture.post(alice, "今天吃饺子")
        _ = try await fixture.post(alice, "nothing here")
        let found = try await fixture.services.search.search("饺", kind: .statuses, viewer: alice, accountID: nil, limit: 10, offset: 0, maxID: nil)
        #expect(TestFixture.ids(found.statuses) == [hit.status.id])
    }

    @Test func findsLatinWordsByPrefixAndPeopleAndTags() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        try await fixture.user("alicia")
        let hit = try await fixture.post(alice, "Deployment finished #Release2026")
        let results = try await fixture.services.search.search("deploy", kind: nil, viewer: alice, accountID: nil, limit: 10, offset: 0, maxID: nil)
        #expect(TestFixture.ids(results.statuses) == [hit.status.id])
        let people = try await fixture.services.search.search("ali", kind: .accounts, viewer: alice, accountID: nil, limit: 10, offset: 0, maxID: nil)
        #expect(Set(people.accounts.map(\.username)) == ["alice", "alicia"])
        let tags = try await fixture.services.search.search("#release", kind: .hashtags, viewer: alice, accountID: nil, limit: 10, offset: 0, maxID: nil)
        #expect(tags.hashtags.map(\.display) == ["Release2026"])
    }

    @Test func aWordWithUnderscoresMatchesItsPartsSideBySide() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let exact = try await fixture.post(alice, "deploy foo_bar today")
        let spaced = try await fixture.post(alice, "the Foo bar lamp")
        let longer = try await fixture.post(alice, "foo_barrel is new")
        _ = try await fixture.post(alice, "foo and bar")
        _ = try await fixture.post(alice, "bar foo")
        func search(_ query: String) async throws -> Set<Int64> {
            Set(TestFixture.ids(try await fixture.services.search.search(query, kind: .statuses, viewer: alice, accountID: nil, limit: 10,
                                                                         offset: 0, maxID: nil).statuses))
        }
        // The last word is a prefix, as everywhere: "foo_bar" also finds foo_barrel.
        #expect(try await search("foo_bar") == [exact.status.id, spaced.status.id, longer.status.id])
        #expect(try await search("foo_bar today") == [exact.status.id])
    }

    @Test func emptyQueryIsABadRequest() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        await #expect(throws: ChorusError.self) {
            try await fixture.services.search.search("  ", kind: nil, viewer: alice, accountID: nil, limit: 10, offset: 0, maxID: nil)
        }
    }

    @Test func mentionFollowAndDismiss() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(bob.id, by: alice)
        _ = try await fixture.post(alice, "hi @bob and @nobody")
        let list = try await fixture.services.notifications.list(viewer: bob, page: Page(), types: [], excludeTypes: [])
        #expect(list.map(\.notification.type) == ["mention", "follow"])
        #expect(try await fixture.services.notifications.unreadCount(viewer: bob) == 2)
        try await fixture.services.notifications.dismiss(list[0].notification.id, viewer: bob)
        await #expect(throws: ChorusError.self) { try await fixture.services.notifications.dismiss(list[1].notification.id, viewer: alice) }
        try await fixture.services.notifications.clear(viewer: bob)
        #expect(try await fixture.services.notifications.list(viewer: bob, page: Page(), types: [], excludeTypes: []).isEmpty)
    }

    @Test func selfActionsDoNotNotify() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let post = try await fixture.post(alice, "@alice talking to myself")
        _ = try await fixture.services.statuses.favourite(id: post.status.id, by: alice)
        #expect(try await fixture.services.notifications.list(viewer: alice, page: Page(), types: [], excludeTypes: []).isEmpty)
    }
}

@Suite("Followed hashtags")
struct FollowedTagTests {
    @Test func companyPostsWithAFollowedTagReachTheHomeFeed() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let reader = try await fixture.user("reader")
        let followed = try await fixture.services.search.followTag("#发布会", by: reader)
        #expect(followed.name == "发布会")
        let open = try await fixture.post(alice, "#发布会# 周五见")
        _ = try await fixture.post(alice, "#发布会 内部", visibility: .followers)
        _ = try await fixture.post(alice, "无关")
        #expect(TestFixture.ids(try await fixture.services.timelines.home(viewer: reader, page: Page())) == [open.status.id])
        #expect(try await fixture.services.search.followedTags(of: reader).map(\.name) == ["发布会"])
        _ = try await fixture.services.search.unfollowTag("发布会", by: reader)
        _ = try await fixture.post(alice, "#发布会 again")
        // Like unfollowing a person, unfollowing a tag takes its posts out of the home timeline.
        #expect(try await fixture.services.timelines.home(viewer: reader, page: Page()).isEmpty)
        await #expect(throws: ChorusError.self) { try await fixture.services.search.followTag("not a tag!", by: reader) }
    }
}
