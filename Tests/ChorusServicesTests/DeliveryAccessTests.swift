import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import Testing

/// A queued webhook body was frozen as the bot saw things then: before every
/// attempt (a retry, a redelivery) the worker checks the bot may still see
/// what it is about, and drops it with a reason otherwise.
@Suite("Apps: no delivery after the bot lost sight of its post")
struct DeliveryAccessTests {
    static let url = "https://hooks.example.com/ops"

    /// A private team "ops" (owner olivia), a team install whose receiver
    /// fails first, and a team post that was queued and tried once.
    struct World {
        let fixture: TestFixture
        let transport: RecordingTransport
        let owner: AccountRecord
        let team: TeamRecord
        let app: AppInstallation
        let post: HydratedStatus

        var appID: Int64 { app.installed.app.id! }

        func attempts() -> Int { transport.sent(to: DeliveryAccessTests.url).count }

        func deliveries() async throws -> [DeliveryRecord] {
            try await fixture.database.deliveries(appID: appID, page: Page(limit: 40)).filter { $0.eventType == "post.created" }
        }
    }

    func world(companyWide: Bool = false) async throws -> World {
        let transport = RecordingTransport()
        transport.script(Self.url, [.status(500), .status(200)])
        let fixture = try await TestFixture(transport: transport, retrySchedule: RetrySchedule(delays: [0, 0, 0], jitter: 0))
        let owner = try await fixture.user("olivia", role: companyWide ? .admin : .member)
        let team = try await fixture.services.teams.createTeam(by: owner, .init(name: "Ops", slug: "ops", privacy: .private)).team
        var manifest = AppManifest(name: "Ops", webhookURL: Self.url, events: ["post.created"])
        manifest.teamID = companyWide ? nil : team.id
        let app = try await fixture.services.apps.install(manifest, by: owner)
        if companyWide {
            _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: app.installed.bot.id, role: .member, by: owner)
        }
        var draft = StatusService.Draft(text: "the incident report, internal only", visibility: .team)
        draft.teamID = team.id
        let post = try await fixture.services.statuses.createStatus(by: owner, draft)
        try await fixture.deliverAppEvents()
        #expect(transport.sent(to: Self.url).count == 1)  // the first attempt failed: a retry is due
        return World(fixture: fixture, transport: transport, owner: owner, team: team, app: app, post: post)
    }

    // MARK: Tests

    @Test func aRetryIsNotSentOnceThePostIsDeleted() async throws {
        let world = try await world()
        _ = try await world.fixture.services.statuses.deleteStatus(id: world.post.status.id, by: world.owner)
        try await world.fixture.deliverAppEvents()
        #expect(world.attempts() == 1)
        let delivery = try #require(try await world.deliveries().first)
        #expect(delivery.state == .failed && delivery.lastError?.hasPrefix("Not sent:") == true)
    }

    @Test func aRetryIsNotSentOnceTheBotLeftThePrivateTeam() async throws {
        let world = try await world(companyWide: true)
        try await world.fixture.services.teams.removeMember(teamID: world.team.id, accountID: world.app.installed.bot.id, by: world.owner)
        try await world.fixture.deliverAppEvents()
        #expect(world.attempts() == 1)
        #expect(try await world.deliveries().first?.state == .failed)
    }

    @Test func aRetryIsNotSentOnceTheBotIsDeactivated() async throws {
        let world = try await world()
        let admin = try await world.fixture.user("ada", role: .admin)
        _ = try await world.fixture.services.accounts.deactivate(accountID: world.app.installed.bot.id, actor: admin)
        try await world.fixture.deliverAppEvents()
        #expect(world.attempts() == 1)
        // And the dispatcher queues nothing new for it.
        _ = try await world.fixture.post(world.owner, "a company post after the bot was stopped")
        try await world.fixture.deliverAppEvents()
        #expect(world.attempts() == 1)
    }

    @Test func aRedeliveryIsNotSentOnceThePostIsDeleted() async throws {
        let world = try await world()
        try await world.fixture.deliverAppEvents()  // the retry succeeds
        #expect(world.attempts() == 2)
        _ = try await world.fixture.services.statuses.deleteStatus(id: world.post.status.id, by: world.owner)
        let delivery = try #require(try await world.deliveries().first)
        #expect(delivery.state == .delivered)
        _ = try await world.fixture.services.apps.redeliver(appID: world.appID, deliveryID: delivery.id!, by: world.owner)
        try await world.fixture.deliverAppEvents()
        #expect(world.attempts() == 2)
    }

    @Test func aRetryStillGoesWhileTheBotMaySeeThePost() async throws {
        let world = try await world()
        try await world.fixture.deliverAppEvents()
        #expect(world.attempts() == 2)
        #expect(try await world.deliveries().first?.state == .delivered)
    }
}
