import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Testing

@Suite("Visibility: the SQL filter and the Swift rule agree")
struct VisibilityTests {
    // MARK: Tests

    @Test(arguments: Visibility.allCases.filter { $0 != .team })
    func everyReaderSeesExactlyWhatTheRuleAllows(visibility: Visibility) async throws {
        let fixture = try await TestFixture()
        let author = try await fixture.user("author")
        let follower = try await fixture.user("follower")
        let mentioned = try await fixture.user("mentioned")
        let stranger = try await fixture.user("stranger")
        _ = try await fixture.services.follows.follow(author.id, by: follower)
        let post = try await fixture.post(author, "hello @mentioned", visibility: visibility)
        let facts = StatusAccess.Facts(authorID: author.id, visibility: visibility, mentionedIDs: [mentioned.id])
        for reader in [author, follower, mentioned, stranger] {
            let expected = StatusAccess.canSee(viewerID: reader.id, post: facts, viewerFollowsAuthor: reader.id == follower.id)
            let actual = try await fixture.database.visibleStatus(id: post.status.id, viewerID: reader.id) != nil
            #expect(actual == expected, "\(visibility) for \(reader.username)")
            let searchable = try await fixture.services.search.search("hello", kind: .statuses, viewer: reader, accountID: nil, limit: 5, offset: 0, maxID: nil)
            #expect(searchable.statuses.isEmpty == !expected, "search: \(visibility) for \(reader.username)")
        }
    }

    @Test func notificationsAboutPostsNoLongerVisibleAreHidden() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        let limited = try await fixture.post(alice, "for followers", visibility: .followers)
        _ = try await fixture.services.statuses.favourite(id: limited.status.id, by: bob)
        let aliceSees = try await fixture.services.notifications.list(viewer: alice, page: Page(), types: ["favourite"], excludeTypes: [])
        #expect(aliceSees.count == 1)
        // Bob was mentioned in a followers-only post; he can see it while he follows.
        let mention = try await fixture.post(alice, "@bob look", visibility: .direct)
        let bobSees = try await fixture.services.notifications.list(viewer: bob, page: Page(), types: ["mention"], excludeTypes: [])
        #expect(bobSees.map(\.status?.status.id) == [mention.status.id])
    }
}
