import ChorusCore
import ChorusServices
import ChorusStore
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
        #expect(a.follows == b.follows && a.posts == b.posts && a.homeFeedRows == b.homeFeedRows)
        #expect(a.posts == 800)
    }

    @Test func homeFeedsHoldOnlyWhatTheirReadersMaySee() async throws {
        let (path, _) = try seeded(seed: 3)
        defer { remove(path) }
        let database = try AppDatabase.open(path: path)
        let services = Services(config: ChorusConfig(baseURL: "http://127.0.0.1:8080"), database: database)
        let principal = try await services.oauth.authenticate(bearer: "bench-user-1")
        let reader = try #require(principal.account)
        #expect(reader.username == "user1")
        let home = try await services.timelines.home(viewer: reader, page: Page(limit: 40))
        #expect(!home.isEmpty)
        // Hydration drops what the reader may not see: a full page means every entry was visible.
        for person in try await database.listAccounts().prefix(20) {
            let raw = try await database.homeTimelineIDs(viewerID: person.id, limit: 40)
            let visible = try await database.hydrate(ids: raw, viewerID: person.id)
            #expect(visible.count == raw.count, "\(person.username)")
        }
        let search = try await services.search.search("发布", kind: .statuses, viewer: reader, accountID: nil, limit: 5, offset: 0, maxID: nil)
        #expect(!search.statuses.isEmpty)
    }

    @Test func refusesADatabaseWithPeople() throws {
        let (path, _) = try seeded(seed: 1)
        defer { remove(path) }
        #expect(throws: ChorusError.self) {
            try BulkSeeder.run(path: path, plan: SeedPlan(users: 5, posts: 5, follows: 1), passwordHash: "x", tokenHash: { $0 }) { _, _ in }
        }
    }
}

@Suite("Home feeds are capped and continue from the follow graph")
struct HomeFeedCapTests {
    @Test func trimsToTheCapAndPagesPastIt() async throws {
        let fixture = try TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        var ids: [Int64] = []
        for i in 0..<(AppDatabase.homeFeedCap + 15) { ids.append(try await fixture.post(alice, "post \(i)").status.id) }
        #expect(try await fixture.database.trimHomeFeeds() == 30)
        #expect(try await fixture.database.trimHomeFeeds() == 0)
        // Walk bob's whole home timeline page by page: every post, in order, once.
        var seen: [Int64] = []
        var maxID: Int64?
        for _ in 0..<100 {
            let page = try await fixture.services.timelines.home(viewer: bob, page: Page(maxID: maxID, limit: 40))
            guard let last = page.last else { break }
            seen += TestFixture.ids(page)
            maxID = last.status.id
        }
        #expect(seen == ids.reversed())
    }
}
