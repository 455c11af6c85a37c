import ChorusCore
import ChorusServices
import ChorusStore
@testable import ChorusStoreSQLite
import ChorusTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

@Suite("Posting: what a post refers to is read and checked in the transaction that stores it")
struct PostingTransactionTests {
    /// A Chorus on a database file, so reads run beside the writer as in
    /// production (an in-memory database serializes them behind it).
    struct FileChorus {
        let path: String
        let database: SQLiteDatabase
        let services: Services

        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("posting-\(UUID().uuidString).sqlite").path
            database = try SQLiteDatabase.open(path: path)
            services = Services(config: ChorusConfig(baseURL: TestFixture.baseURL), database: database,
                                hasher: Argon2Hasher(memoryKiB: 64, iterations: 1))
        }

        func user(_ username: String) async throws -> AccountRecord {
            try await services.accounts.createUser(.init(username: username, password: TestFixture.password, displayName: username,
                                                         email: "\(username)@example.com", role: .member))
        }

        func remove() {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    /// Holds the writer, waits until a post is queued behind it, commits
    /// `change` and lets the post run: whatever the posting service read
    /// before it queued, the change lands between that and the post's write.
    func whileThePostWaits(_ database: SQLiteDatabase, change sql: String, _ arguments: StatementArguments,
                           post: @escaping @Sendable () async throws -> Void) async throws {
        let holding = Flag()
        let holder = Task {
            try await database.write { db in
                holding.set()
                let deadline = Date().addingTimeInterval(10)
                while !database.batcher.isBusy, Date() < deadline { usleep(1000) }
                try db.execute(sql: sql, arguments: arguments)
            }
        }
        #expect(await waitUntil { holding.isSet })
        try await post()
        try await holder.value
    }

    func team(_ services: Services, owner: AccountRecord, privacy: TeamPrivacy, members: [AccountRecord]) async throws -> TeamRecord {
        let team = try await services.teams.createTeam(by: owner, .init(name: "Falcon", slug: "falcon", privacy: privacy)).team
        for member in members { _ = try await services.teams.addMember(teamID: team.id, accountID: member.id, role: .member, by: owner) }
        return team
    }

    /// A post as the service would hand it to the store.
    func newStatus(_ author: AccountRecord, _ text: String, teamID: Int64? = nil, inReplyToID: Int64? = nil,
                   quoteOfID: Int64? = nil, kind: PostKind = .status) throws -> NewStatus {
        let parsed = try PostText.validate(text)
        let renderer = HTMLRenderer(baseURL: TestFixture.baseURL)
        let segments = parsed.segments
        var new = NewStatus(accountID: author.id, text: parsed.text,
                                        contentHTML: renderer.render(segments, knownUsernames: Set(parsed.mentionedUsernames)),
                                        visibility: teamID == nil ? .company : .team, mentionedUsernames: parsed.mentionedUsernames,
                                        tags: parsed.hashtags)
        new.renderHTML = { renderer.render(segments, knownUsernames: $0) }
        new.teamID = teamID
        new.inReplyToID = inReplyToID
        new.quoteOfID = quoteOfID
        new.kind = kind
        return new
    }

    /// The SQL statements a connection ran.
    final class StatementLog: Sendable {
        private let state = Mutex<[String]>([])
        var statements: [String] { state.withLock { $0 } }
        func append(_ statement: String) { state.withLock { $0.append(statement) } }
    }

    // MARK: Tests

    @Test func aMemberRemovedWhileTheirPostWaitsForTheWriterDoesNotPostInTheTeam() async throws {
        let chorus = try FileChorus()
        defer { chorus.remove() }
        let lily = try await chorus.user("lily")
        let bob = try await chorus.user("bob")
        let falcon = try await team(chorus.services, owner: lily, privacy: .public, members: [bob])
        var asked = StatusService.Draft(text: "还在组里吗")
        asked.teamID = falcon.id
        let draft = asked
        try await whileThePostWaits(chorus.database, change: "DELETE FROM team_members WHERE team_id = ? AND account_id = ?", [falcon.id, bob.id]) {
            await #expect(throws: ChorusError.forbidden("Join the team to post in it")) {
                try await chorus.services.statuses.createStatus(by: bob, draft)
            }
        }
        let feed = try await chorus.services.teams.timeline(teamID: falcon.id, viewer: lily, filter: TeamFeedFilter(), page: Page(limit: 20))
        #expect(feed.posts.isEmpty)
    }

    @Test func aReplyToAPostHiddenWhileTheReplyWaitsIsRefused() async throws {
        let chorus = try FileChorus()
        defer { chorus.remove() }
        let lily = try await chorus.user("lily")
        let bob = try await chorus.user("bob")
        let vault = try await team(chorus.services, owner: lily, privacy: .private, members: [bob])
        var question = StatusService.Draft(text: "本周的数字？")
        question.teamID = vault.id
        let parent = try await chorus.services.statuses.createStatus(by: lily, question)
        let reply = StatusService.Draft(text: "我来回答", inReplyToID: parent.status.id)
        try await whileThePostWaits(chorus.database, change: "DELETE FROM team_members WHERE team_id = ? AND account_id = ?", [vault.id, bob.id]) {
            await #expect(throws: ChorusError.notFound("The post you reply to does not exist")) {
                try await chorus.services.statuses.createStatus(by: bob, reply)
            }
        }
        #expect(try await chorus.services.statuses.status(id: parent.status.id, viewer: lily).status.repliesCount == 0)
    }

    @Test func theStoreItselfRefusesTeamPostsOfOutsidersAndAnnouncementsOfMembers() async throws {
        let fixture = try await TestFixture()
        let lily = try await fixture.user("lily")
        let bob = try await fixture.user("bob")
        let eve = try await fixture.user("eve")
        let open = try await team(fixture.services, owner: lily, privacy: .public, members: [bob])
        let vault = try await fixture.services.teams.createTeam(by: lily, .init(name: "Vault", slug: "vault", privacy: .private)).team
        await #expect(throws: ChorusError.forbidden("Join the team to post in it")) {
            try await fixture.database.createStatus(newStatus(eve, "我不是成员", teamID: open.id))
        }
        await #expect(throws: ChorusError.notFound("Team not found")) {
            try await fixture.database.createStatus(newStatus(eve, "私有团队", teamID: vault.id))
        }
        await #expect(throws: ChorusError.forbidden("Only the team's owners and admins can post announcements")) {
            try await fixture.database.createStatus(newStatus(bob, "通知", teamID: open.id, kind: .announcement))
        }
        await #expect(throws: ChorusError.unprocessable("Announcements are posted in a team")) {
            try await fixture.database.createStatus(newStatus(lily, "通知", kind: .announcement))
        }
        _ = try await fixture.services.teams.setArchived(id: open.id, true, by: lily)
        await #expect(throws: ChorusError.unprocessable("This team is archived: it takes no new posts")) {
            try await fixture.database.createStatus(newStatus(bob, "归档了", teamID: open.id))
        }
    }

    @Test func theStoreItselfRefusesHiddenParentsAndQuotes() async throws {
        let fixture = try await TestFixture()
        let lily = try await fixture.user("lily")
        let eve = try await fixture.user("eve")
        let vault = try await fixture.services.teams.createTeam(by: lily, .init(name: "Vault", slug: "vault", privacy: .private)).team
        var secret = StatusService.Draft(text: "内部数字")
        secret.teamID = vault.id
        let hidden = try await fixture.services.statuses.createStatus(by: lily, secret)
        let followersOnly = try await fixture.post(lily, "只给关注者", visibility: .followers)
        let company = try await fixture.post(lily, "公司帖子")
        await #expect(throws: ChorusError.notFound("The post you reply to does not exist")) {
            try await fixture.database.createStatus(newStatus(eve, "回复", inReplyToID: hidden.status.id))
        }
        await #expect(throws: ChorusError.notFound("The post you quote does not exist")) {
            try await fixture.database.createStatus(newStatus(eve, "引用", quoteOfID: followersOnly.status.id))
        }
        await #expect(throws: ChorusError.unprocessable("A reply stays in its parent's team")) {
            try await fixture.database.createStatus(newStatus(lily, "回复", teamID: vault.id, inReplyToID: company.status.id))
        }
        var byTeamToken = try newStatus(lily, "团队令牌", inReplyToID: company.status.id)
        byTeamToken.tokenTeamID = vault.id
        let outOfTeam = byTeamToken
        await #expect(throws: ChorusError.forbidden("This token may post only in its own team")) {
            try await fixture.database.createStatus(outOfTeam)
        }
        // A reply to a followers post is narrowed to followers, in the same transaction.
        let reply = try await fixture.database.createStatus(newStatus(lily, "补充", inReplyToID: followersOnly.status.id))
        #expect(try await fixture.services.statuses.status(id: reply, viewer: lily).status.visibility == .followers)
    }

    /// Reads SQLite's statement trace, so it runs where fixtures are on SQLite.
    @Test(.enabled(if: !TestDatabase.fixturesOnPostgres, "traces SQLite's statements"))
    func mentionsAreResolvedInOneQueryAndOnlyReadersOfThePostAreNotified() async throws {
        let fixture = try await TestFixture()
        let lily = try await fixture.user("lily")
        let bob = try await fixture.user("bob")
        let eve = try await fixture.user("eve")
        let gone = try await fixture.user("gone")
        _ = try await fixture.services.accounts.deactivate(accountID: gone.id, actor: nil)
        let vault = try await team(fixture.services, owner: lily, privacy: .private, members: [bob])
        let log = StatementLog()
        try await #require(fixture.sqlite).writer.write { db in db.trace { log.append("\($0)") } }
        let id = try await fixture.database.createStatus(newStatus(lily, "@Bob @eve @gone @nobody 看一下", teamID: vault.id))
        try await #require(fixture.sqlite).writer.write { db in db.trace(options: [], nil) }
        // The team with the author's role, then all four names at once: two
        // reads of Chorus's own (SQLite's FTS5 reads its configuration too).
        let reads = log.statements.filter { $0.hasPrefix("SELECT") && !$0.contains("'main'.") }
        #expect(reads.count == 2, "\(reads)")
        let post = try await fixture.services.statuses.status(id: id, viewer: lily)
        #expect(Set(post.mentions.map(\.username)) == ["bob", "eve"])
        #expect(post.status.contentHtml.contains("/@Bob\""))
        #expect(post.status.contentHtml.contains("@gone") && !post.status.contentHtml.contains("/@gone"))
        #expect(!post.status.contentHtml.contains("/@nobody"))
        // Eve is mentioned but not in the private team: she is not told of it.
        #expect(try await fixture.services.notifications.list(viewer: bob, page: Page(limit: 10), types: [], excludeTypes: []).map(\.notification.type) == ["mention"])
        #expect(try await fixture.services.notifications.list(viewer: eve, page: Page(limit: 10), types: [], excludeTypes: []).isEmpty)
    }
}
