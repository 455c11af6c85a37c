import ChorusCore
import ChorusStore
@testable import ChorusStorePostgres
import ChorusTestSupport
import Foundation
import Testing

/// Bursts of writers on one row (everyone likes the same post, everyone
/// follows the CEO, a topic everyone posts about) must all land on
/// PostgreSQL as they do on SQLite's single writer, counters exact.
@Suite("PostgreSQL hot rows: a burst of writers on one row all land",
       .enabled(if: TestDatabase.postgres != nil, "needs the private PostgreSQL server of `make test`"))
struct PostgresHotRowTests {
    static let burst = 40

    static func people(_ database: PostgresDatabase, _ count: Int) async throws -> [AccountRecord] {
        var people: [AccountRecord] = []
        for n in 0..<count {
            people.append(try await database.createAccount(NewAccount(username: "p\(n)", displayName: "P \(n)", email: nil, role: .member,
                                                                      passwordHash: nil), actorID: nil, inviteHash: nil, onlyIfEmpty: false))
        }
        return people
    }

    /// Runs `body` for every person at once; returns how many calls threw.
    static func atOnce(_ people: [AccountRecord], _ body: @escaping @Sendable (AccountRecord) async throws -> Void) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            for person in people {
                group.addTask { (try? await body(person)) != nil }
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
        let people = try await Self.people(database, Self.burst)
        let postID = try await Self.post(database, by: people[0], "全员大会 10:00")
        let failedFavourites = await Self.atOnce(people) { try await database.favourite(statusID: postID, accountID: $0.id) }
        let failedReplies = await Self.atOnce(people) { _ = try await Self.post(database, by: $0, "收到", replyTo: postID) }
        #expect(failedFavourites == 0)
        #expect(failedReplies == 0)
        let status = try #require(try await database.statusRecord(id: postID))
        #expect(status.favouritesCount == Self.burst)
        #expect(status.repliesCount == Self.burst)
    }

    @Test func everyoneFollowingOnePersonAndPostingOneTopicCountsEveryOne() async throws {
        let database = try await TestDatabase.makePostgres()
        let people = try await Self.people(database, Self.burst + 1)
        let ceo = people[0]
        let staff = Array(people.dropFirst())
        let topic = Hashtag(display: "年会", source: "#年会#")
        let failedFollows = await Self.atOnce(staff) { _ = try await database.follow(accountID: $0.id, targetID: ceo.id) }
        let failedPosts = await Self.atOnce(staff) { _ = try await Self.post(database, by: $0, "#年会# 见", tags: [topic]) }
        // One author posting from several devices at once.
        let failedBurst = await Self.atOnce(staff) { _ in _ = try await Self.post(database, by: ceo, "谢谢大家") }
        #expect(failedFollows == 0)
        #expect(failedPosts == 0)
        #expect(failedBurst == 0)
        #expect(try await database.account(id: ceo.id)?.followersCount == Self.burst)
        #expect(try await database.account(id: ceo.id)?.statusesCount == Self.burst)
        let uses = try await database.read { try await $0.scalar(Int.self, "SELECT uses_count FROM tags WHERE name = \(topic.name)") }
        #expect(uses == Self.burst)
    }
}
