import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import Testing

/// Disabling a channel: it takes nothing new, holds what was approved for
/// it, and never stops a retraction.
extension BridgeServiceTests {
    /// A post by lily, nominated by the editor for `channels` and approved by the administrator.
    func approved(_ w: World, _ text: String, for channels: [BrandChannelRecord]) async throws -> NominationView {
        let post = try await w.fixture.post(w.lily, text)
        let nomination = try await w.bridge.nominate(statusID: post.status.id, channelIDs: channels.map { $0.id! }, note: "", by: w.editor)
        return try await w.bridge.approve(id: nomination.nomination.id!, publishAt: nil, by: w.admin)
    }

    func export(_ w: World, of view: NominationView) async throws -> ExportRecord {
        try #require(try await w.bridge.nomination(id: view.nomination.id!, by: w.admin).exports.first)
    }

    // MARK: Tests

    @Test func aDisabledChannelTakesNoNominationsAndNoApprovals() async throws {
        let w = try await world()
        // Given a nomination waiting for review, and then the channel disabled
        let waiting = try await w.fixture.post(w.lily, "发布会之前提名")
        let nominated = try await w.bridge.nominate(statusID: waiting.status.id, channelIDs: [w.mastodon.id!], note: "", by: w.editor)
        let disabled = try await w.bridge.setChannelDisabled(id: w.mastodon.id!, true, by: w.admin)
        #expect(disabled.isDisabled)

        // Then nothing new can be nominated for it, alone or with another channel
        let later = try await w.fixture.post(w.lily, "发布会之后提名")
        let refusal = ChorusError.unprocessable("The channel 品牌微博 is disabled: it takes no nominations until an administrator enables it again")
        await #expect(throws: refusal) {
            try await w.bridge.nominate(statusID: later.status.id, channelIDs: [w.mastodon.id!], note: "", by: w.lily)
        }
        await #expect(throws: refusal) {
            try await w.bridge.nominate(statusID: later.status.id, channelIDs: [w.atom.id!, w.mastodon.id!], note: "", by: w.lily)
        }
        // And the waiting nomination shows why it cannot be approved, and is refused
        let problem = "The channel 品牌微博 is disabled: nothing can be approved for it until an administrator enables it again"
        #expect(try await w.bridge.preview(nominated).first?.problem == problem)
        await #expect(throws: ChorusError.unprocessable(problem)) {
            try await w.bridge.approve(id: nominated.nomination.id!, publishAt: nil, by: w.admin)
        }
        #expect(try await w.bridge.nomination(id: nominated.nomination.id!, by: w.admin).exports.isEmpty)
        // The other channels go on as before.
        _ = try await w.bridge.nominate(statusID: later.status.id, channelIDs: [w.atom.id!], note: "", by: w.lily)

        // When it is enabled again, the waiting nomination can be approved.
        #expect(try await w.bridge.setChannelDisabled(id: w.mastodon.id!, false, by: w.admin).isDisabled == false)
        #expect(try await w.bridge.preview(nominated).first?.problem == nil)
        let approved = try await w.bridge.approve(id: nominated.nomination.id!, publishAt: nil, by: w.admin)
        #expect(approved.exports.map(\.state) == [.pending])
    }

    @Test func anExportApprovedBeforeTheChannelWasDisabledWaitsAndGoesOutWhenEnabled() async throws {
        let w = try await world()
        w.transport.script(Self.external + "/api/v1/statuses", [.status(200, body: #"{"id":"4242"}"#)])
        // Given an approved export, and its channel disabled before the worker got to it
        let view = try await approved(w, "停用期间等待", for: [w.mastodon])
        _ = try await w.bridge.setChannelDisabled(id: w.mastodon.id!, true, by: w.admin)
        // When the worker runs, again and again
        #expect(try await w.worker().sendDue() == 0)
        try await w.send()
        // Then nothing was sent, and the export waits: not attempted, not failed
        #expect(w.transport.sent.isEmpty)
        let held = try await export(w, of: view)
        #expect(held.state == .pending && held.attempts == 0 && held.lastError == nil)

        // When the channel is enabled again, it goes out once, with its key
        _ = try await w.bridge.setChannelDisabled(id: w.mastodon.id!, false, by: w.admin)
        try await w.send()
        #expect(w.transport.sent.map(\.method) == ["POST"])
        #expect(w.transport.sent.first?.headers["idempotency-key"] == held.idempotencyKey)
        let sent = try await export(w, of: view)
        #expect(sent.state == .published && sent.externalId == "4242" && sent.attempts == 1)
    }

    @Test func aRetractionRunsWhileTheChannelIsDisabled() async throws {
        let w = try await world()
        w.transport.script(Self.external + "/api/v1/statuses", [.status(200, body: #"{"id":"9001"}"#)])
        // Given a post published on the Mastodon channel and the Atom feed, and both channels disabled since
        let view = try await approved(w, "停用之后撤回", for: [w.mastodon, w.atom])
        try await w.send()
        #expect(try await w.bridge.nomination(id: view.nomination.id!, by: w.admin).exports.map(\.state) == [.published, .published])
        _ = try await w.bridge.setChannelDisabled(id: w.mastodon.id!, true, by: w.admin)
        _ = try await w.bridge.setChannelDisabled(id: w.atom.id!, true, by: w.admin)
        // When an editor retracts it
        _ = try await w.bridge.retract(id: view.nomination.id!, reason: "撤回", by: w.editor)
        try await w.send()
        // Then the external copy is deleted all the same
        #expect(w.transport.sent.last?.method == "DELETE" && w.transport.sent.last?.url == Self.external + "/api/v1/statuses/9001")
        #expect(try await w.bridge.nomination(id: view.nomination.id!, by: w.admin).exports.map(\.state) == [.retracted, .retracted])
    }

    @Test func aDisabledAtomChannelHasNoFeed() async throws {
        let w = try await world()
        _ = try await approved(w, "订阅源里的帖子", for: [w.atom])
        try await w.send()
        #expect(try await w.bridge.feed(slug: "news").entries.count == 1)
        _ = try await w.bridge.setChannelDisabled(id: w.atom.id!, true, by: w.admin)
        await #expect(throws: ChorusError.notFound("Feed not found")) { try await w.bridge.feed(slug: "news") }
        _ = try await w.bridge.setChannelDisabled(id: w.atom.id!, false, by: w.admin)
        #expect(try await w.bridge.feed(slug: "news").entries.map(\.text) == ["订阅源里的帖子"])
    }

    @Test func onlyAdministratorsDisableAChannelAndEachChangeIsAudited() async throws {
        let w = try await world()
        let refusal = ChorusError.forbidden("Only administrators manage brand channels and the leak guard")
        for actor in [w.editor, w.lily] {
            await #expect(throws: refusal) { try await w.bridge.setChannelDisabled(id: w.mastodon.id!, true, by: actor) }
        }
        #expect(try await w.fixture.database.channel(id: w.mastodon.id!)?.isDisabled == false)
        await #expect(throws: ChorusError.notFound("Channel not found")) { try await w.bridge.setChannelDisabled(id: 999, true, by: w.admin) }

        // Disabling twice keeps the first time and records it once; an edit leaves it disabled.
        _ = try await w.bridge.setChannelDisabled(id: w.mastodon.id!, true, by: w.admin)
        let first = try #require(try await w.fixture.database.channel(id: w.mastodon.id!)?.disabledAt)
        let again = try await w.bridge.setChannelDisabled(id: w.mastodon.id!, true, by: w.admin)
        #expect(again.disabledAt == first)
        let edited = try await w.bridge.updateChannel(id: w.mastodon.id!, ChannelSettings(accessToken: "new-token"), by: w.admin)
        #expect(edited.isDisabled && edited.accessToken == "new-token")
        // An edit that read the channel before it was disabled does not enable it again.
        var stale = w.mastodon
        stale.name = "品牌账号"
        #expect(try await w.fixture.database.updateChannel(stale, actorID: w.admin.id).isDisabled)
        #expect(try await w.fixture.database.channel(id: w.mastodon.id!)?.isDisabled == true)
        _ = try await w.bridge.setChannelDisabled(id: w.mastodon.id!, false, by: w.admin)
        let actions = try await w.bridge.audit(by: w.admin, page: Page(limit: 40))
            .filter { $0.subject == "channel:\(w.mastodon.id!)" }.map(\.action)
        #expect(actions == ["bridge.channel_enabled", "bridge.channel_updated", "bridge.channel_updated", "bridge.channel_disabled",
                            "bridge.channel_created"])
    }
}
