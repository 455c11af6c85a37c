import ChorusCore
import ChorusServices
import ChorusStore
@testable import ChorusStorePostgres
import ChorusStoreSQLite
import ChorusTestSupport
import Foundation
import Testing

/// `chorus copy-data`: a company moved from SQLite to PostgreSQL reads the
/// same to everyone afterwards, and goes on working.
@Suite("Copying a SQLite company into PostgreSQL",
       .enabled(if: TestDatabase.postgres != nil, "needs the private PostgreSQL server of `make test`"))
struct CopyDataTests {
    /// What one person sees, with times at the millisecond (both backends keep that much).
    struct View: Equatable {
        var account: AccountRecord
        var home: [StatusRecord]
        var company: [StatusRecord]
        var notifications: [NotificationRecord]
        var search: [Int64]
        var tag: [Int64]
    }

    static func millis(_ date: Date) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000) }

    static func view(of username: String, in services: Services) async throws -> View {
        var account = try await services.accounts.account(username: username)
        account.createdAt = millis(account.createdAt)
        account.lastStatusAt = account.lastStatusAt.map(millis)
        func statuses(_ hydrated: [HydratedStatus]) -> [StatusRecord] {
            hydrated.map { item in
                var status = item.status
                status.createdAt = millis(status.createdAt)
                status.editedAt = status.editedAt.map(millis)
                return status
            }
        }
        let notifications = try await services.notifications.list(viewer: account, page: Page(limit: 40), types: [], excludeTypes: [])
            .map { item in
                var notification = item.notification
                notification.createdAt = millis(notification.createdAt)
                notification.readAt = notification.readAt.map(millis)
                return notification
            }
        return View(account: account,
                    home: statuses(try await services.timelines.home(viewer: account, page: Page(limit: 40))),
                    company: statuses(try await services.timelines.company(viewer: account, page: Page(limit: 40))),
                    notifications: notifications,
                    search: try await services.search.search("发布", kind: .statuses, viewer: account, accountID: nil, limit: 40, offset: 0,
                                                             maxID: nil).statuses.map(\.status.id),
                    tag: try await services.timelines.tag("发布会", viewer: account, page: Page(limit: 40)).map(\.status.id))
    }

    @Test func everyoneReadsTheSameAfterTheCopyAndTheCompanyGoesOnWorking() async throws {
        let source = try SQLiteDatabase.inMemory()
        let before = try await TestFixture(database: source)
        _ = try await DemoCompany.seed(before.services)
        let people = try await source.listAccounts().map(\.username)
        var views: [String: View] = [:]
        for username in people { views[username] = try await Self.view(of: username, in: before.services) }
        // The company has something of each to compare.
        #expect(views.values.contains { !$0.home.isEmpty && !$0.notifications.isEmpty && !$0.search.isEmpty && !$0.tag.isEmpty })

        let target = try await TestDatabase.makePostgres()
        let copied = try await target.copyData(from: source)
        let after = try await TestFixture(database: target)
        for table in copied {
            #expect(table.rows == (try await source.rowCount(table: table.name)), "\(table.name)")
        }
        #expect(copied.first { $0.name == "statuses" }.map { $0.rows > 10 } == true)
        for username in people {
            #expect(try await Self.view(of: username, in: after.services) == views[username], "\(username)")
        }
        #expect(try await target.latestEventID() == (try await source.latestEventID()), "consumers' positions carry over")

        // New rows take new ids: the identity sequences were moved past the copied ones.
        let lihua = try await after.services.accounts.account(username: "lihua")
        let newcomer = try await after.user("newcomer")
        _ = try await after.services.follows.follow(lihua.id, by: newcomer)
        let post = try await after.post(newcomer, "第一天上班 #发布会#")
        _ = try await after.services.statuses.favourite(id: post.status.id, by: lihua)
        _ = try await after.token(for: newcomer)
        #expect(try await after.services.timelines.home(viewer: newcomer, page: Page(limit: 5)).first?.status.id == post.status.id)
        #expect(try await after.services.search.search("上班", kind: .statuses, viewer: lihua, accountID: nil, limit: 5, offset: 0,
                                                       maxID: nil).statuses.map(\.status.id) == [post.status.id])
    }

    @Test func aDatabaseThatHoldsDataIsRefusedAndKeptAsItWas() async throws {
        let source = try SQLiteDatabase.inMemory()
        let before = try await TestFixture(database: source)
        try await before.user("alice")
        let target = try await TestDatabase.makePostgres()
        let existing = try await TestFixture(database: target)
        try await existing.user("bob")
        await #expect {
            try await target.copyData(from: source)
        } throws: { error in
            (error as? ChorusError)?.kind == .conflict && (error as? ChorusError)?.message.contains("already holds data") == true
        }
        #expect(try await target.listAccounts().map(\.username) == ["bob"])
    }
}
