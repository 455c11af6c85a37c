import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import Logging
import Testing

@Suite("Brand bridge: nominations, review, leak guard, exactly-once exports, retraction")
struct BridgeServiceTests {
    static let external = "https://social.example.com"

    struct World {
        let fixture: TestFixture
        let transport: RecordingTransport
        let admin: AccountRecord
        let editor: AccountRecord
        let lily: AccountRecord
        let mastodon: BrandChannelRecord
        let atom: BrandChannelRecord

        var bridge: BridgeService { fixture.services.bridge }

        func worker(delays: [TimeInterval] = [0, 0]) -> BridgeWorker {
            var config = fixture.services.config
            config.bridgeRetryDelays = delays
            return BridgeWorker(database: fixture.database, transport: transport, config: config, logger: Logger(label: "test"))
        }

        func send() async throws { _ = try await worker().sendDue() }
    }

    func world() async throws -> World {
        let transport = RecordingTransport()
        let fixture = try await TestFixture(transport: transport)
        let admin = try await fixture.user("admin", role: .admin)
        let editor = try await fixture.user("editor", role: .editor)
        let lily = try await fixture.user("lily")
        let mastodon = try await fixture.services.bridge.createChannel(
            ChannelSettings(name: "品牌微博", slug: "brand", kind: .mastodon, maxCharacters: 140, baseURL: Self.external, accessToken: "ext-token"),
            by: admin).channel
        let atom = try await fixture.services.bridge.createChannel(ChannelSettings(name: "News", slug: "news", kind: .atom, maxCharacters: 500), by: admin).channel
        return World(fixture: fixture, transport: transport, admin: admin, editor: editor, lily: lily, mastodon: mastodon, atom: atom)
    }

    // MARK: Nominate

    @Test func onlyOriginalCompanyPostsCanBeNominated() async throws {
        let w = try await world()
        let ids = [w.mastodon.id!]
        func refusal(_ statusID: Int64, by actor: AccountRecord? = nil) async -> String? {
            do { _ = try await w.bridge.nominate(statusID: statusID, channelIDs: ids, note: "", by: actor ?? w.lily); return nil }
            catch let error as ChorusError { return error.message } catch { return "\(error)" }
        }
        let open = try await w.fixture.post(w.lily, "新品发布会圆满结束 #发布会#")
        let followers = try await w.fixture.post(w.lily, "只给关注者", visibility: .followers)
        let replyToFollowers = try await w.fixture.post(w.lily, "回复", replyTo: followers.status.id)
        let repost = try await w.fixture.services.statuses.reblog(id: open.status.id, by: w.editor)
        let secret = try await w.fixture.services.teams.createTeam(by: w.lily, .init(name: "机密", slug: "secret", privacy: .private)).team
        var draft = StatusService.Draft(text: "猎鹰计划内部进度")
        draft.teamID = secret.id
        let teamPost = try await w.fixture.services.statuses.createStatus(by: w.lily, draft)

        #expect(await refusal(followers.status.id) == "Only company-visible posts can be nominated")
        #expect(await refusal(replyToFollowers.status.id) == "Only company-visible posts can be nominated")
        #expect(await refusal(repost.status.id, by: w.editor)?.contains("repost") == true)
        #expect(await refusal(teamPost.status.id) == "Team posts stay in their team: they cannot be nominated")
        #expect(await refusal(teamPost.status.id, by: w.editor) == "Post not found")
        #expect(await refusal(open.status.id) == nil)
        #expect(await refusal(open.status.id)?.contains("already nominated") == true)
        await #expect(throws: ChorusError.self) { try await w.bridge.nominate(statusID: open.status.id, channelIDs: [], note: "", by: w.editor) }
    }

    // MARK: Review

    @Test func editorsApproveOthersPostsOnlyAndSeeTheOutgoingText() async throws {
        let w = try await world()
        _ = try await w.fixture.services.accounts.updateProfile(accountID: w.editor.id, displayName: "王编辑", note: nil, locale: nil)
        let post = try await w.fixture.post(w.lily, "感谢 @editor 的支持！详情 \(TestFixture.baseURL)/@lily/1 #发布会#")
        let own = try await w.fixture.post(w.editor, "我自己的帖子")
        let nominated = try await w.bridge.nominate(statusID: post.status.id, channelIDs: [w.mastodon.id!, w.atom.id!], note: "值得对外发", by: w.editor)
        let mine = try await w.bridge.nominate(statusID: own.status.id, channelIDs: [w.atom.id!], note: "", by: w.lily)
        let previews = try await w.bridge.preview(nominated)
        #expect(previews.map(\.text) == ["感谢 的支持！详情 #发布会#", "感谢 的支持！详情 #发布会#"])
        _ = try await w.bridge.updateChannel(id: w.atom.id!, ChannelSettings(mentionsAsNames: true), by: w.admin)
        #expect(try await w.bridge.preview(nominated).last?.text == "感谢 王编辑 的支持！详情 #发布会#")

        await #expect(throws: ChorusError.forbidden("Only brand editors review nominations")) {
            try await w.bridge.approve(id: nominated.nomination.id!, publishAt: nil, by: w.lily)
        }
        await #expect(throws: ChorusError.forbidden("You cannot approve your own nomination")) {
            try await w.bridge.approve(id: nominated.nomination.id!, publishAt: nil, by: w.editor)
        }
        await #expect(throws: ChorusError.forbidden("You cannot approve your own post")) {
            try await w.bridge.approve(id: mine.nomination.id!, publishAt: nil, by: w.editor)
        }
        let approved = try await w.bridge.approve(id: nominated.nomination.id!, publishAt: nil, by: w.admin)
        #expect(approved.nomination.state == .approved && approved.exports.count == 2)
        #expect(approved.exports.allSatisfy { $0.state == .pending && $0.idempotencyKey == "chorus-chorus.test-export-\($0.id!)" })
        await #expect(throws: ChorusError.conflict("This nomination is no longer pending")) {
            try await w.bridge.approve(id: nominated.nomination.id!, publishAt: nil, by: w.admin)
        }
        let rejected = try await w.bridge.reject(id: mine.nomination.id!, reason: "不适合对外", by: w.admin)
        #expect(rejected.nomination.state == .rejected && rejected.nomination.reviewReason == "不适合对外")
    }

    @Test func theLeakGuardAndTheLengthLimitBlockApproval() async throws {
        let w = try await world()
        _ = try await w.bridge.addLeakRule(kind: "word", value: "猎鹰", note: "code name", by: w.admin)
        _ = try await w.bridge.addLeakRule(kind: "pattern", value: #"[a-z0-9.-]+\.corp\.example"#, note: "internal hosts", by: w.admin)
        await #expect(throws: ChorusError.self) { try await w.bridge.addLeakRule(kind: "pattern", value: "(", note: "", by: w.admin) }
        await #expect(throws: ChorusError.self) { try await w.bridge.addLeakRule(kind: "word", value: "x", note: "", by: w.editor) }
        let codeName = try await w.fixture.post(w.lily, "猎鹰下周发布，敬请期待")
        let host = try await w.fixture.post(w.lily, "新版本已部署到 build.corp.example")
        let long = try await w.fixture.post(w.lily, String(repeating: "长", count: 140))
        _ = try await w.bridge.updateChannel(id: w.mastodon.id!, ChannelSettings(maxCharacters: 100), by: w.admin)
        for (post, expected) in [(codeName, "the word rule “猎鹰”"), (host, "the pattern rule"), (long, "Too long for 品牌微博: 140 characters, the channel takes 100")] {
            let nomination = try await w.bridge.nominate(statusID: post.status.id, channelIDs: [w.mastodon.id!], note: "", by: w.editor)
            do {
                _ = try await w.bridge.approve(id: nomination.nomination.id!, publishAt: nil, by: w.admin)
                Issue.record("approved \(post.status.text)")
            } catch let error as ChorusError {
                #expect(error.kind == .unprocessable && error.message.contains(expected), "\(error.message)")
            }
            #expect(try await w.bridge.nomination(id: nomination.nomination.id!, by: w.admin).exports.isEmpty)
        }
        try await w.send()
        #expect(w.transport.sent.isEmpty)
    }

    @Test func aLeakPatternSavedBeforeItWasCheckedCannotStallTheReview() async throws {
        let w = try await world()
        // Given a pattern that backtracks exponentially, stored before patterns were checked when saved
        _ = try await w.fixture.database.addLeakRule(LeakRuleRecord(kind: "pattern", value: "(a+)+b", note: "", createdBy: w.admin.id, createdAt: Date()))
        // (28 letters: run unguarded, the match takes about half a minute here; guarded, milliseconds)
        let post = try await w.fixture.post(w.lily, String(repeating: "a", count: 28))
        let nomination = try await w.bridge.nominate(statusID: post.status.id, channelIDs: [w.mastodon.id!], note: "", by: w.editor)
        // When an editor views the nomination
        let started = ContinuousClock.now
        let previews = try await w.bridge.preview(nomination)
        // Then the answer comes at once (the bound leaves room for a loaded database), and the rule that
        // could not be run blocks the approval (the guard fails closed).
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(previews.first?.problem?.contains("leak guard") == true, "\(previews.first?.problem ?? "no problem")")
        await #expect(throws: ChorusError.self) { try await w.bridge.approve(id: nomination.nomination.id!, publishAt: nil, by: w.admin) }
    }

    // MARK: Export

    @Test func anApprovedPostIsPublishedOnceAndRetractedWhenDeleted() async throws {
        let w = try await world()
        w.transport.script(Self.external + "/api/v1/statuses", [.status(503), .status(200, body: #"{"id":"9001","url":"https://social.example.com/@brand/9001"}"#)])
        let post = try await w.fixture.post(w.lily, "今天发布了 Chorus 3.0 #发布会#")
        let nomination = try await w.bridge.nominate(statusID: post.status.id, channelIDs: [w.mastodon.id!, w.atom.id!], note: "", by: w.lily)
        try await w.send()
        #expect(w.transport.sent.isEmpty)  // nothing before approval
        _ = try await w.bridge.approve(id: nomination.nomination.id!, publishAt: nil, by: w.editor)
        try await w.send()
        try await w.send()
        var view = try await w.bridge.nomination(id: nomination.nomination.id!, by: w.admin)
        let toMastodon = try #require(view.exports.first { $0.channelId == w.mastodon.id })
        #expect(toMastodon.state == .published && toMastodon.externalId == "9001" && toMastodon.attempts == 2)
        #expect(view.exports.first { $0.channelId == w.atom.id }?.state == .published)
        let posts = w.transport.sent.filter { $0.method == "POST" }
        #expect(posts.count == 2 && Set(posts.map { $0.headers["idempotency-key"] }).count == 1)
        #expect(posts[0].headers["authorization"] == "Bearer ext-token")
        #expect(String(decoding: posts[0].body, as: UTF8.self).contains("visibility=public"))
        let feed = try await w.bridge.feed(slug: "news")
        #expect(feed.entries.map(\.text) == ["今天发布了 Chorus 3.0 #发布会#"])

        _ = try await w.fixture.services.statuses.deleteStatus(id: post.status.id, by: w.lily)
        try await w.send()
        view = try await w.bridge.nomination(id: nomination.nomination.id!, by: w.admin)
        #expect(view.nomination.state == .retracted && view.exports.allSatisfy { $0.state == .retracted })
        #expect(w.transport.sent.last?.method == "DELETE" && w.transport.sent.last?.url == Self.external + "/api/v1/statuses/9001")
        #expect(try await w.bridge.feed(slug: "news").entries.isEmpty)
    }

    @Test func aRepeatedAttemptAfterACrashCarriesTheSameIdempotencyKey() async throws {
        let w = try await world()
        w.transport.script(Self.external + "/api/v1/statuses", [.status(200, body: #"{"id":"77","url":null}"#)])
        let post = try await w.fixture.post(w.lily, "只发一次")
        let nomination = try await w.bridge.nominate(statusID: post.status.id, channelIDs: [w.mastodon.id!], note: "", by: w.editor)
        _ = try await w.bridge.approve(id: nomination.nomination.id!, publishAt: nil, by: w.admin)
        // A worker that claims, calls out, and dies before recording: the lease runs out and the export is taken again.
        let claimed = try await w.fixture.database.claimDueExports(limit: 10, leaseUntil: Date().addingTimeInterval(-1))
        #expect(claimed.count == 1)
        _ = try await w.transport.send("POST", url: Self.external + "/api/v1/statuses",
                                       headers: [("idempotency-key", claimed[0].export.idempotencyKey)], body: Data(), timeout: .seconds(1))
        try await w.send()
        let keys = w.transport.sent.map { $0.headers["idempotency-key"] }
        #expect(keys.count == 2 && Set(keys).count == 1)
        // A second worker finds nothing left to do.
        #expect(try await w.worker().sendDue() == 0)
        #expect(try await w.bridge.nomination(id: nomination.nomination.id!, by: w.admin).exports.first?.state == .published)
    }

    /// An approved export to the Mastodon channel whose one attempt timed out, retracted since.
    func retractedAfterATimeout(_ w: World, text: String) async throws -> Int64 {
        w.transport.script(Self.external + "/api/v1/statuses", [.error(.timedOut(seconds: 10)), .status(200, body: #"{"id":"31"}"#)])
        let post = try await w.fixture.post(w.lily, text)
        let nomination = try await w.bridge.nominate(statusID: post.status.id, channelIDs: [w.mastodon.id!], note: "", by: w.lily)
        _ = try await w.bridge.approve(id: nomination.nomination.id!, publishAt: nil, by: w.editor)
        try await w.send()
        #expect(try await w.bridge.nomination(id: nomination.nomination.id!, by: w.admin).exports.first?.state == .pending)
        let retracted = try await w.bridge.retract(id: nomination.nomination.id!, reason: "", by: w.editor)
        #expect(retracted.exports.first?.state == .retracting)
        return nomination.nomination.id!
    }

    /// The channel account's own posts, newest first, as Mastodon lists them.
    func scriptOwnPosts(_ w: World, _ posts: [(id: String, html: String, at: Date)]) throws {
        w.transport.script(Self.external + "/api/v1/accounts/verify_credentials", [.status(200, body: #"{"id":"7","username":"brand"}"#)])
        let statuses: [[String: Any]] = posts.map { post in
            ["id": post.id, "created_at": post.at.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)), "content": post.html, "reblog": NSNull()]
        }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: statuses), as: UTF8.self)
        w.transport.script(Self.external + "/api/v1/accounts/7/statuses?limit=10&exclude_reblogs=true", [.status(200, body: body)])
    }

    @Test func retractingAnExportThatTimedOutNeverPostsItAgain() async throws {
        let w = try await world()
        // Given an attempt that got no answer, and a server that has forgotten its Idempotency-Key since
        // (a POST now would make a new post), and no such post on the account.
        let id = try await retractedAfterATimeout(w, text: "超时之后撤回")
        try scriptOwnPosts(w, [])
        // When the retraction runs
        try await w.send()
        // Then the post is looked up, not made again, and nothing is deleted.
        #expect(w.transport.sent.map(\.method) == ["POST", "GET", "GET"])
        #expect(try await w.bridge.nomination(id: id, by: w.admin).exports.first?.state == .retracted)
    }

    @Test func retractingAfterAnUnansweredAttemptFindsAndDeletesThePost() async throws {
        let w = try await world()
        let id = try await retractedAfterATimeout(w, text: "超时之后撤回 & <b>见</b> #发布会 https://www.example.com/a\n第二行")
        // As Mastodon shows it: HTML, hashtags and links as anchors, the scheme in a hidden span.
        let html = #"<p>超时之后撤回 &amp; &lt;b&gt;见&lt;/b&gt; <a href="https://social.example.com/tags/发布会" class="mention hashtag" rel="tag">#<span>发布会</span></a> "#
            + #"<a href="https://www.example.com/a" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="">www.example.com/a</span>"#
            + #"<span class="invisible"></span></a><br />第二行</p>"#
        try scriptOwnPosts(w, [
            (id: "40", html: "<p>别的帖子</p>", at: Date()),
            (id: "31", html: html, at: Date()),
            // The same words posted by hand before the approval are not this export.
            (id: "12", html: html, at: Date().addingTimeInterval(-86400)),
        ])
        try await w.send()
        #expect(w.transport.sent.map(\.method) == ["POST", "GET", "GET", "DELETE"])
        #expect(w.transport.sent[1].headers["authorization"] == "Bearer ext-token")
        #expect(w.transport.sent.last?.url == Self.external + "/api/v1/statuses/31")
        #expect(try await w.bridge.nomination(id: id, by: w.admin).exports.first?.state == .retracted)
        // Editors do not review their own posts or nominations, either way.
        let own = try await w.fixture.post(w.editor, "编辑自己的帖子")
        let mine = try await w.bridge.nominate(statusID: own.status.id, channelIDs: [w.atom.id!], note: "", by: w.lily)
        await #expect(throws: ChorusError.forbidden("Another editor reviews your own post or nomination")) {
            try await w.bridge.reject(id: mine.nomination.id!, reason: "不要", by: w.editor)
        }
    }

    @Test func theLookupPagesBackUntilPostsPredateTheExport() async throws {
        let w = try await world()
        let id = try await retractedAfterATimeout(w, text: "翻页找到")
        // A full page of newer posts, then the export's post on the next page, then one from before the export.
        let newer = (0..<10).map { (id: String(100 - $0), html: "<p>新帖 \($0)</p>", at: Date()) }
        try scriptOwnPosts(w, newer)
        let older: [[String: Any]] = [["id": "31", "created_at": Date().formatted(Date.ISO8601FormatStyle()), "content": "<p>翻页找到</p>"],
                                      ["id": "5", "created_at": "2020-01-01T00:00:00.000Z", "content": "<p>翻页找到</p>"]]
        w.transport.script(Self.external + "/api/v1/accounts/7/statuses?limit=10&exclude_reblogs=true&max_id=91",
                           [.status(200, body: String(decoding: try JSONSerialization.data(withJSONObject: older), as: UTF8.self))])
        try await w.send()
        #expect(w.transport.sent.map(\.method) == ["POST", "GET", "GET", "GET", "DELETE"])
        #expect(w.transport.sent.last?.url == Self.external + "/api/v1/statuses/31")
        #expect(try await w.bridge.nomination(id: id, by: w.admin).exports.first?.state == .retracted)
    }

    @Test func aPermanentFailureTellsTheEditorsAndCanBeRetried() async throws {
        let w = try await world()
        w.transport.script(Self.external + "/api/v1/statuses", [.status(401), .status(200, body: #"{"id":"5"}"#)])
        let post = try await w.fixture.post(w.lily, "令牌失效了")
        let nomination = try await w.bridge.nominate(statusID: post.status.id, channelIDs: [w.mastodon.id!], note: "", by: w.lily)
        _ = try await w.bridge.approve(id: nomination.nomination.id!, publishAt: nil, by: w.editor)
        try await w.send()
        let failed = try #require(try await w.bridge.nomination(id: nomination.nomination.id!, by: w.admin).exports.first)
        #expect(failed.state == .failed && failed.lastError == "The channel answered 401")
        let told = try await w.fixture.services.notifications.list(viewer: w.editor, page: Page(), types: [], excludeTypes: [])
        #expect(told.first?.notification.type == "chorus.export_failed")
        try await w.send()
        #expect(w.transport.sent.count == 1)
        _ = try await w.bridge.retryExport(id: failed.id!, by: w.editor)
        try await w.send()
        #expect(try await w.bridge.nomination(id: nomination.nomination.id!, by: w.admin).exports.first?.state == .published)
    }

    @Test func nothingGoesOutBeforePublishAt() async throws {
        let w = try await world()
        let post = try await w.fixture.post(w.lily, "明天早上九点发")
        let nomination = try await w.bridge.nominate(statusID: post.status.id, channelIDs: [w.atom.id!], note: "", by: w.lily)
        let approved = try await w.bridge.approve(id: nomination.nomination.id!, publishAt: Date().addingTimeInterval(3600), by: w.editor)
        #expect(approved.nomination.publishAt != nil)
        try await w.send()
        #expect(try await w.bridge.feed(slug: "news").entries.isEmpty)
        // An editor's retraction before then means it never goes out.
        let retracted = try await w.bridge.retract(id: nomination.nomination.id!, reason: "改期", by: w.editor)
        #expect(retracted.exports.map(\.state) == [.cancelled])
    }

    @Test func webhookChannelsGetSignedBrandEvents() async throws {
        let w = try await world()
        let created = try await w.bridge.createChannel(ChannelSettings(name: "Site", slug: "site", kind: .webhook, maxCharacters: 1000,
                                                                       url: "https://www.example.com/hooks/brand"), by: w.admin)
        let secret = try #require(created.secret)
        let post = try await w.fixture.post(w.lily, "官网同步")
        let nomination = try await w.bridge.nominate(statusID: post.status.id, channelIDs: [created.channel.id!], note: "", by: w.lily)
        _ = try await w.bridge.approve(id: nomination.nomination.id!, publishAt: nil, by: w.editor)
        try await w.send()
        _ = try await w.bridge.retract(id: nomination.nomination.id!, reason: "", by: w.editor)
        try await w.send()
        #expect(w.transport.sent.map(\.type) == ["brand.post.published", "brand.post.retracted"])
        for sent in w.transport.sent {
            #expect(WebhookSigner.verify(id: sent.headers["webhook-id"]!, timestamp: Int(sent.headers["webhook-timestamp"]!)!, body: sent.body,
                                         header: sent.headers["webhook-signature"]!, secret: secret))
            #expect((sent.json["data"] as? [String: Any])?["text"] as? String == "官网同步")
        }
    }
}
