import ChorusCore
import Foundation
import Testing

@Suite("Visibility, scopes and ids")
struct ModelTests {
    @Test func mapsMastodonVisibilities() {
        #expect(Visibility(apiValue: "public") == .company)
        #expect(Visibility(apiValue: "unlisted") == .company)
        #expect(Visibility(apiValue: "private") == .followers)
        #expect(Visibility(apiValue: "direct") == .direct)
        #expect(Visibility(apiValue: "everyone") == nil)
        #expect(Visibility.followers.mastodonValue == "private")
    }

    @Test func aReplyIsNeverMoreVisibleThanItsParent() {
        #expect(Visibility.company.narrowed(toParent: .followers) == .followers)
        #expect(Visibility.company.narrowed(toParent: .direct) == .direct)
        #expect(Visibility.followers.narrowed(toParent: .direct) == .direct)
        #expect(Visibility.direct.narrowed(toParent: .company) == .direct)
        #expect(Visibility.company.narrowed(toParent: .team) == .team)
    }

    @Test func visibilityRule() {
        let post = StatusAccess.Facts(authorID: 1, visibility: .followers, mentionedIDs: [3])
        #expect(StatusAccess.canSee(viewerID: 1, post: post, viewerFollowsAuthor: false))
        #expect(StatusAccess.canSee(viewerID: 2, post: post, viewerFollowsAuthor: true))
        #expect(!StatusAccess.canSee(viewerID: 2, post: post, viewerFollowsAuthor: false))
        #expect(StatusAccess.canSee(viewerID: 3, post: post, viewerFollowsAuthor: false))
        let direct = StatusAccess.Facts(authorID: 1, visibility: .direct, mentionedIDs: [3])
        #expect(!StatusAccess.canSee(viewerID: 2, post: direct, viewerFollowsAuthor: true))
    }

    @Test func scopesGrantTheirSubScopes() throws {
        let scopes = try ScopeSet(parsing: "read write:statuses follow")
        #expect(scopes.allows("read:notifications"))
        #expect(scopes.allows("write:statuses"))
        #expect(!scopes.allows("write:favourites"))
        #expect(scopes.allows("write:follows"))
        #expect(!scopes.allows("admin:read"))
        #expect(throws: ChorusError.self) { try ScopeSet(parsing: "read sudo") }
        #expect(try ScopeSet(parsing: nil).scopes == ["read"])
    }

    @Test func snowflakesIncreaseEvenWithinOneMillisecond() {
        let fixed = Date(timeIntervalSince1970: 1_800_000_000)
        let generator = SnowflakeGenerator(now: { fixed })
        let ids = (0..<1000).map { _ in generator.next() }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == 1000)
        #expect(ids[0] >= SnowflakeGenerator.lowestID(at: fixed))
    }

    @Test func snowflakesOfTwoNodesNeverMeetEvenInTheSameMillisecond() {
        let fixed = Date(timeIntervalSince1970: 1_800_000_000)
        let first = SnowflakeGenerator(node: 1, now: { fixed })
        let second = SnowflakeGenerator(node: 2, now: { fixed })
        let a = (0..<3000).map { _ in first.next() }
        let b = (0..<3000).map { _ in second.next() }
        #expect(a == a.sorted() && b == b.sorted())
        #expect(Set(a).isDisjoint(with: b))
        #expect(Set(a).count == 3000 && Set(b).count == 3000)
        #expect(first.node == 1 && second.node == 2)
    }

    @Test func aNodeNumberTakenOverStartsAfterItsPreviousHoldersNewestMillisecond() {
        let fixed = Date(timeIntervalSince1970: 1_800_000_000)
        let ahead = Int64(fixed.timeIntervalSince1970 * 1000) + 5_000
        let generator = SnowflakeGenerator(node: 3, notBefore: ahead, now: { fixed })
        #expect(generator.next() >> 16 == ahead)
        generator.reassign(node: 4, notBefore: ahead + 10)
        let moved = generator.next()
        #expect(moved >> 16 == ahead + 11 && (moved >> 10) & 63 == 4)
    }
}
