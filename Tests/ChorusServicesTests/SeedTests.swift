import ChorusCore
import ChorusServices
import ChorusStore
@testable import ChorusStoreSQLite
import GRDB
import ChorusTestSupport
import Foundation
import Testing

@Suite("chorus seed: a benchmark database that obeys the live rules")
struct SeedTests {
    func seeded(seed: UInt64) throws -> (path: String, summary: BulkSeeder.Summary) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).sqlite").path
        let summary = try BulkSeeder.run(path: path, plan: SeedPlan(users: 60, posts: 800, follows: 15, seed: seed, teams: 4, benchTokens: 10),
                                         passwordHash: "x", tokenHash: SecretGenerator.sha256Hex) { _, _ in }
        return (path, summary)
    }

    func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    // MARK: Tests

    @Test func sameSeedSameDatabase() throws {
        let (first, a) = try seeded(seed: 7)
        let (second, b) = try seeded(seed: 7)
        defer { remove(first); remove(second) }
        #expect(a.follows == b.follows && a.posts == b.posts)
        #expect(a.posts == 800)
    }

    @Test func homeTimelinesAgreeWithTheRulesWrittenAsOneQuery() async throws {
        let (path, _) = try seeded(seed: 3)
        defer { remove(path) }
        let database = try SQLiteDatabase.open(path: path)
        let services = Services(config: ChorusConfig(baseURL: "http://127.0.0.1:8080"), database: database)
        let principal = try await services.oauth.authenticate(bearer: "bench-user-1")
        let reader = try #require(principal.account)
        #expect(reader.username == "user1")
        #expect(!(try await services.timelines.home(viewer: reader, page: Page(limit: 40))).isEmpty)
        var compared = 0
        for person in try await database.listAccounts().prefix(25) {
            let expected = try await database.writer.read { db in try Self.referenceHome(db, viewerID: person.id, limit: 160) }
            // Twice: the first walk loads the cached sources, the second reads them.
            for _ in 0..<2 {
                var merged: [Int64] = []
                var maxID: Int64?
                for _ in 0..<4 {
                    let page = try await database.homeTimelineIDs(viewerID: person.id, page: Page(maxID: maxID, limit: 40))
                    // Hydration drops what the reader may not see: nothing is dropped.
                    #expect(try await database.hydrate(ids: page, viewerID: person.id).count == page.count, "\(person.username)")
                    merged += page
                    guard let last = page.last else { break }
                    maxID = last
                }
                // Newest first, each once; every non-reblog of the reference is there, and nothing else
                // (a reblog may be left out when its original is already on the page).
                #expect(merged == merged.sorted(by: >) && Set(merged).count == merged.count, "\(person.username)")
                let window = merged.last.map { last in expected.filter { $0.id >= last } } ?? []
                #expect(Set(merged).isSubset(of: Set(expected.map(\.id))), "\(person.username)")
                #expect(window.filter { !$0.isReblog }.map(\.id) == merged.filter { id in window.contains { $0.id == id && !$0.isReblog } },
                        "\(person.username)")
                compared += merged.count
            }
        }
        #expect(compared > 1_000)
        let search = try await services.search.search("发布", kind: .statuses, viewer: reader, accountID: nil, limit: 5, offset: 0, maxID: nil)
        #expect(!search.statuses.isEmpty)
    }

    /// The home-timeline rules as one plain (slow) query: an oracle for the merge.
    static func referenceHome(_ db: Database, viewerID: Int64, limit: Int) throws -> [(id: Int64, isReblog: Bool)] {
        try Row.fetchAll(db, sql: """
            SELECT s.id, s.reblog_of_id IS NOT NULL AS is_reblog FROM statuses s
            WHERE (s.account_id = :v AND s.team_id IS NULL)
               OR s.team_id IN (SELECT team_id FROM team_members WHERE account_id = :v)
               OR (s.visibility = 'direct' AND EXISTS (SELECT 1 FROM mentions m WHERE m.status_id = s.id AND m.account_id = :v))
               OR (s.visibility = 'company' AND s.reblog_of_id IS NULL AND s.in_reply_to_id IS NULL AND EXISTS (
                   SELECT 1 FROM status_tags st JOIN tag_follows tf ON tf.tag = st.tag WHERE st.status_id = s.id AND tf.account_id = :v))
               OR (s.team_id IS NULL AND s.visibility IN ('company', 'followers')
                   AND s.account_id IN (SELECT target_account_id FROM follows WHERE account_id = :v)
                   AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id IN (s.account_id, :v)
                        OR s.in_reply_to_account_id IN (SELECT target_account_id FROM follows WHERE account_id = :v))
                   AND (s.reblog_of_id IS NULL OR NOT EXISTS (SELECT 1 FROM statuses o WHERE o.id = s.reblog_of_id AND (o.account_id = :v
                        OR o.account_id IN (SELECT target_account_id FROM follows WHERE account_id = :v)))))
            ORDER BY s.id DESC LIMIT :limit
            """, arguments: ["v": viewerID, "limit": limit]).map { ($0["id"], $0["is_reblog"]) }
    }

    @Test func refusesADatabaseWithPeople() throws {
        let (path, _) = try seeded(seed: 1)
        defer { remove(path) }
        #expect(throws: ChorusError.self) {
            try BulkSeeder.run(path: path, plan: SeedPlan(users: 5, posts: 5, follows: 1), passwordHash: "x", tokenHash: { $0 }) { _, _ in }
        }
    }
}

@Suite("Home timelines merged on read stay right as posts come and go")
struct HomeMergeTests {
    @Test func pagesPastTheCachedWindowsInOrderOnce() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let carol = try await fixture.user("carol")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        _ = try await fixture.services.follows.follow(carol.id, by: bob)
        var ids: [Int64] = []
        for i in 0..<(FeedCache.maxEntries + 40) {
            ids.append(try await fixture.post(i % 3 == 0 ? carol : alice, "post \(i)").status.id)
            // Read now and then, so later posts land in already cached sources.
            if i % 50 == 0 { _ = try await fixture.services.timelines.home(viewer: bob, page: Page()) }
        }
        var seen: [Int64] = []
        var maxID: Int64?
        for _ in 0..<100 {
            let page = try await fixture.services.timelines.home(viewer: bob, page: Page(maxID: maxID, limit: 40))
            guard let last = page.last else { break }
            seen += TestFixture.ids(page)
            maxID = last.status.id
        }
        #expect(seen == ids.reversed())
        // And upwards from the oldest with min_id.
        var upward: [Int64] = []
        var minID = ids[0]
        for _ in 0..<100 {
            let page = try await fixture.services.timelines.home(viewer: bob, page: Page(minID: minID, limit: 40))
            guard let newest = page.first else { break }
            upward = TestFixture.ids(page) + upward
            minID = newest.status.id
        }
        #expect(upward == Array(ids.dropFirst().reversed()))
    }

    @Test func warmedSourcesServeTheSameTimeline() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        let first = try await fixture.post(alice, "before warming")
        #expect(try await fixture.database.warmHomeFeeds() == 1)
        let second = try await fixture.post(alice, "after warming")
        #expect(TestFixture.ids(try await fixture.services.timelines.home(viewer: bob, page: Page())) == [second.status.id, first.status.id])
    }

    @Test func aRememberedFirstPageNeverHidesChanges() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let carol = try await fixture.user("carol")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        let fromCarol = try await fixture.post(carol, "carol's")
        var posts: [Int64] = []
        for i in 0..<6 { posts.append(try await fixture.post(alice, "alice \(i)").status.id) }
        func home(_ limit: Int = 20) async throws -> [Int64] {
            TestFixture.ids(try await fixture.services.timelines.home(viewer: bob, page: Page(limit: limit)))
        }
        #expect(try await home() == posts.reversed())
        // Read again (remembered), shorter: a prefix of the same page.
        #expect(try await home(3) == Array(posts.reversed().prefix(3)))
        // A new source: following someone shows their older post at once.
        _ = try await fixture.services.follows.follow(carol.id, by: bob)
        #expect(try await home() == posts.reversed() + [fromCarol.status.id])
        // A new post in a source.
        let newer = try await fixture.post(carol, "newer")
        #expect(try await home().first == newer.status.id)
        // Unfollowing takes the source away again.
        _ = try await fixture.services.follows.unfollow(carol.id, by: bob)
        #expect(try await home() == posts.reversed())
    }

    @Test func deletedPostsLeaveCachedFeeds() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        let kept = try await fixture.post(alice, "kept")
        let gone = try await fixture.post(alice, "gone")
        #expect(TestFixture.ids(try await fixture.services.timelines.home(viewer: bob, page: Page())) == [gone.status.id, kept.status.id])
        _ = try await fixture.services.statuses.deleteStatus(id: gone.status.id, by: alice)
        #expect(TestFixture.ids(try await fixture.services.timelines.home(viewer: bob, page: Page())) == [kept.status.id])
    }

    @Test func reblogsShowOnceAndNotForFollowedAuthors() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let carol = try await fixture.user("carol")
        let reader = try await fixture.user("reader")
        _ = try await fixture.services.follows.follow(bob.id, by: reader)
        _ = try await fixture.services.follows.follow(carol.id, by: reader)
        let original = try await fixture.post(alice, "worth sharing")
        let first = try await fixture.services.statuses.reblog(id: original.status.id, by: bob)
        _ = try await fixture.services.statuses.reblog(id: original.status.id, by: carol)
        // Two people the reader follows reblogged it: it shows once, as the newest reblog... of either; once.
        let home = try await fixture.services.timelines.home(viewer: reader, page: Page())
        #expect(home.count == 1 && home[0].status.reblogOfId == original.status.id)
        // Following the original's author: the post itself shows, the reblogs don't.
        _ = try await fixture.services.follows.follow(alice.id, by: reader)
        #expect(TestFixture.ids(try await fixture.services.timelines.home(viewer: reader, page: Page())) == [original.status.id])
        #expect(first.status.reblogOfId == original.status.id)
    }

    @Test func followedTagsAndTeamsJoinTheMerge() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let reader = try await fixture.user("reader")
        let tagged = try await fixture.post(alice, "#发布会# 周五见")
        _ = try await fixture.post(alice, "no tag here")
        #expect(try await fixture.services.timelines.home(viewer: reader, page: Page()).isEmpty)
        _ = try await fixture.services.search.followTag("发布会", by: reader)
        #expect(TestFixture.ids(try await fixture.services.timelines.home(viewer: reader, page: Page())) == [tagged.status.id])
        let later = try await fixture.post(alice, "又一个 #发布会")
        #expect(TestFixture.ids(try await fixture.services.timelines.home(viewer: reader, page: Page())) == [later.status.id, tagged.status.id])
    }
}
