import ChorusCore
import ChorusStore
@testable import ChorusStorePostgres
import ChorusTestSupport
import Foundation
import Testing

/// Bursts of writers on one row (everyone likes the same post, everyone
/// follows the CEO, a topic everyone posts about) must all land on
/// PostgreSQL as they do on SQLite's single writer, counters exact. The
/// writers come through 20 nodes (views of the database with their own
/// turns), so the turns between nodes are what keeps them from failing
/// each other.
@Suite("PostgreSQL hot rows: a burst of writers on one row all land",
       .enabled(if: TestDatabase.postgres != nil, "needs the private PostgreSQL server of `make test`"))
struct PostgresHotRowTests {
    static let burst = 40

    static func nodes(_ database: PostgresDatabase) async throws -> [PostgresDatabase] {
        var nodes = [database]
        for _ in 1..<20 { nodes.append(try await database.anotherNode()) }
        return nodes
    }

    static func people(_ database: PostgresDatabase, _ count: Int) async throws -> [AccountRecord] {
        var people: [AccountRecord] = []
        for n in 0..<count {
            people.append(try await database.createAccount(NewAccount(username: "p\(n)", displayName: "P \(n)", email: nil, role: .member,
                                                                      passwordHash: nil), actorID: nil, inviteHash: nil, onlyIfEmpty: false))
        }
        return people
    }

    /// Runs `body` for every person at once, spread over the nodes; returns
    /// how many calls threw.
    static func atOnce(_ people: [AccountRecord], _ nodes: [PostgresDatabase],
                       _ body: @escaping @Sendable (PostgresDatabase, AccountRecord) async throws -> Void) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            for (index, person) in people.enumerated() {
                let node = nodes[index % nodes.count]
                group.addTask { (try? await body(node, person)) != nil }
            }
            var failed = 0
            for await landed in group where !landed { failed += 1 }
            return failed
        }
    }

    static func post(_ database: PostgresDatabase, by author: AccountRecord, _ text: String, tags: [Hashtag] = [],
                     replyTo: Int64? = nil) async throws -> Int64 {
        var new = NewStatus(accountID: author.id, text: text, contentHTML: "<p>\(text)</p>", visibility: .company,
                            mentionedUsernames: [], tags: tags)
        new.inReplyToID = replyTo
        return try await database.createStatus(new)
    }

    @Test func everyoneFavouritingAndReplyingToOnePostCountsEveryOne() async throws {
        let database = try await TestDatabase.makePostgres()
        let nodes = try await Self.nodes(database)
        let people = try await Self.people(database, Self.burst)
        let postID = try await Self.post(database, by: people[0], "全员大会 10:00")
        let failedFavourites = await Self.atOnce(people, nodes) { try await $0.favourite(statusID: postID, accountID: $1.id) }
        let failedReplies = await Self.atOnce(people, nodes) { _ = try await Self.post($0, by: $1, "收到", replyTo: postID) }
        #expect(failedFavourites == 0)
        #expect(failedReplies == 0)
        let status = try #require(try await database.statusRecord(id: postID))
        #expect(status.favouritesCount == Self.burst)
        #expect(status.repliesCount == Self.burst)
    }

    @Test func everyoneFollowingOnePersonAndPostingOneTopicCountsEveryOne() async throws {
        let database = try await TestDatabase.makePostgres()
        let nodes = try await Self.nodes(database)
        let people = try await Self.people(database, Self.burst + 1)
        let ceo = people[0]
        let staff = Array(people.dropFirst())
        let topic = Hashtag(display: "年会", source: "#年会#")
        let failedFollows = await Self.atOnce(staff, nodes) { _ = try await $0.follow(accountID: $1.id, targetID: ceo.id) }
        let failedPosts = await Self.atOnce(staff, nodes) { _ = try await Self.post($0, by: $1, "#年会# 见", tags: [topic]) }
        // One author posting from several devices at once.
        let failedBurst = await Self.atOnce(staff, nodes) { node, _ in _ = try await Self.post(node, by: ceo, "谢谢大家") }
        #expect(failedFollows == 0)
        #expect(failedPosts == 0)
        #expect(failedBurst == 0)
        #expect(try await database.account(id: ceo.id)?.followersCount == Self.burst)
        #expect(try await database.account(id: ceo.id)?.statusesCount == Self.burst)
        let uses = try await database.read { try await $0.scalar(Int.self, "SELECT uses_count FROM tags WHERE name = \(topic.name)") }
        #expect(uses == Self.burst)
    }

    @Test func aWriterCancelledOnTheWayGivesItsTurnBack() async throws {
        let database = try await TestDatabase.makePostgres()
        let other = try await database.anotherNode()
        let people = try await Self.people(database, 2)
        let postID = try await Self.post(database, by: people[0], "明天放假")
        // Requests whose clients go away at any moment of the write.
        for _ in 0..<30 {
            let write = Task { try await database.favourite(statusID: postID, accountID: people[1].id) }
            try await Task.sleep(for: .microseconds(Int.random(in: 0...4_000)))
            write.cancel()
            _ = await write.result
        }
        // No session holds the post's turn, so the other node's writer gets it at once
        // (a turn left behind would keep it waiting until the lock timeout).
        let key = try #require(HotRow.keys([.status(postID)], schema: database.schema).first)
        let held = try await database.read { connection in
            try await connection.count("""
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
                AND classid::bigint = \((key >> 32) & 0xFFFF_FFFF) AND objid::bigint = \(key & 0xFFFF_FFFF)
                """)
        }
        #expect(held == 0)
        let started = ContinuousClock.now
        try await other.favourite(statusID: postID, accountID: people[0].id)
        #expect(ContinuousClock.now - started < .seconds(HotRowTestsBounds.turnWait))
    }
}

enum HotRowTestsBounds {
    /// Far below the lock timeout (15 s), far above a busy machine's wait for a free turn.
    static let turnWait: Int64 = 10
}

