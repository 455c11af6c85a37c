import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Apps: install, events under visibility, signed deliveries with retries, commands, incoming hooks")
struct AppServiceTests {
    static let hookURL = "https://hooks.example.com/chorus"

    /// A fixture whose outbound calls are recorded; retries are due at once.
    func fixture(delays: [TimeInterval] = [0, 0, 0]) async throws -> (TestFixture, RecordingTransport) {
        let transport = RecordingTransport()
        return (try await TestFixture(transport: transport, retrySchedule: RetrySchedule(delays: delays, jitter: 0)), transport)
    }

    func install(_ fixture: TestFixture, by actor: AccountRecord, url: String = hookURL, events: [AppEventType] = AppEventType.allCases,
                 teamID: Int64? = nil, commands: [(name: String, description: String)] = [], incoming: Bool = false) async throws -> AppInstallation {
        var manifest = AppManifest(name: "Helper", webhookURL: url, events: events.map(\.rawValue))
        manifest.teamID = teamID
        manifest.commands = commands
        manifest.incoming = incoming
        return try await fixture.services.apps.install(manifest, by: actor)
    }

    func deliveries(_ fixture: TestFixture, _ installation: AppInstallation) async throws -> [DeliveryRecord] {
        try await fixture.database.deliveries(appID: installation.installed.app.id!, page: Page(limit: 40))
    }

    func team(_ fixture: TestFixture, owner: AccountRecord, slug: String, privacy: TeamPrivacy) async throws -> TeamRecord {
        try await fixture.services.teams.createTeam(by: owner, .init(name: slug, slug: slug, privacy: privacy, joinPolicy: .open)).team
    }

    func teamPost(_ fixture: TestFixture, _ author: AccountRecord, _ team: TeamRecord, _ text: String) async throws -> HydratedStatus {
        var draft = StatusService.Draft(text: text, visibility: .team)
        draft.teamID = team.id
        return try await fixture.services.statuses.createStatus(by: author, draft)
    }

    // MARK: Install

    @Test func installMakesABotAScopedTokenAndSecretsShownOnce() async throws {
        let (fixture, _) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let installation = try await install(fixture, by: admin, commands: [("faq", "Answers questions")], incoming: true)
        let bot = installation.installed.bot
        #expect(bot.isBot && bot.username == "helper_bot" && bot.displayName == "Helper" && bot.passwordHash == nil)
        #expect(installation.webhookSecret.hasPrefix("whsec_"))
        #expect(Data(base64Encoded: String(installation.webhookSecret.dropFirst(6)))!.count >= 24)
        #expect(installation.incomingURL?.hasPrefix(TestFixture.baseURL + "/hooks/") == true)
        let principal = try await fixture.services.oauth.authenticate(bearer: installation.accessToken)
        #expect(principal.account?.id == bot.id)
        #expect(principal.scopes.allows("write:statuses") && !principal.scopes.allows("write:follows") && principal.teamID == nil)
        // A second app with the same name gets the next username; the command is taken.
        let second = try await fixture.services.apps.install(AppManifest(name: "Helper"), by: admin)
        #expect(second.installed.bot.username == "helper_bot2")
        await #expect(throws: ChorusError.conflict("Another app already answers /faq here")) {
            try await install(fixture, by: admin, commands: [("faq", "")])
        }
    }

    @Test func onlyAdminsInstallCompanyWideAndTeamManagersInTheirTeam() async throws {
        let (fixture, _) = try await fixture()
        let owner = try await fixture.user("owner")
        let member = try await fixture.user("member")
        let falcon = try await team(fixture, owner: owner, slug: "falcon", privacy: .private)
        _ = try await fixture.services.teams.addMember(teamID: falcon.id, accountID: member.id, role: .member, by: owner)
        await #expect(throws: ChorusError.forbidden("Only administrators install company-wide apps")) { try await install(fixture, by: owner) }
        await #expect(throws: ChorusError.forbidden("Only the team's owners and admins install apps in it")) {
            try await install(fixture, by: member, teamID: falcon.id)
        }
        let installation = try await install(fixture, by: owner, teamID: falcon.id, commands: [("faq", "")])
        // The bot joins the team; its token is limited to it.
        #expect(try await fixture.database.teamRole(teamID: falcon.id, accountID: installation.installed.bot.id) == .member)
        #expect(try await fixture.services.oauth.authenticate(bearer: installation.accessToken).teamID == falcon.id)
        // Another team may use the same command name.
        let hawk = try await team(fixture, owner: owner, slug: "hawk", privacy: .public)
        _ = try await install(fixture, by: owner, teamID: hawk.id, commands: [("faq", "")])
        // The member cannot see or manage it; the owner lists it.
        await #expect(throws: ChorusError.notFound("App not found")) {
            try await fixture.services.apps.app(id: installation.installed.app.id!, by: member)
        }
        #expect(try await fixture.services.apps.apps(by: owner).count == 2)
        #expect(try await fixture.services.apps.apps(by: member).isEmpty)
    }

    @Test func aTeamsAppsAreListedForItsManagersOnly() async throws {
        let (fixture, _) = try await fixture()
        let owner = try await fixture.user("owner")
        let teamAdmin = try await fixture.user("lead")
        let member = try await fixture.user("member")
        let companyAdmin = try await fixture.user("ada", role: .admin)
        for privacy in TeamPrivacy.allCases {
            let team = try await team(fixture, owner: owner, slug: "t-\(privacy.rawValue)", privacy: privacy)
            _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: teamAdmin.id, role: .admin, by: owner)
            _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: member.id, role: .member, by: owner)
            let installed = try await install(fixture, by: owner, teamID: team.id)
            _ = try await install(fixture, by: companyAdmin)
            for manager in [owner, teamAdmin] {
                #expect(try await fixture.services.apps.apps(inTeam: team.id, by: manager).map(\.app.id) == [installed.installed.app.id], "\(privacy)")
            }
            // A member, and a company administrator outside the team: the same 404, whatever the team's privacy.
            for outsider in [member, companyAdmin] {
                await #expect(throws: ChorusError.notFound("Team not found"), "\(privacy)") {
                    try await fixture.services.apps.apps(inTeam: team.id, by: outsider)
                }
            }
        }
    }

    @Test func manifestsAreChecked() async throws {
        let (fixture, _) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let apps = fixture.services.apps
        func refused(_ manifest: AppManifest) async -> String? {
            do { _ = try await apps.install(manifest, by: admin); return nil } catch let error as ChorusError { return error.message } catch { return "\(error)" }
        }
        #expect(await refused(AppManifest(name: " ")) != nil)
        #expect(await refused(AppManifest(name: "X", webhookURL: Self.hookURL, events: ["post.exploded"]))?.contains("Unknown event: post.exploded") == true)
        #expect(await refused(AppManifest(name: "X", events: ["post.created"]))?.contains("need a webhook_url") == true)
        #expect(await refused(AppManifest(name: "X", scopes: ["admin:write"]))?.contains("administration scopes") == true)
        #expect(await refused(AppManifest(name: "X", scopes: ["launch:rockets"])) != nil)
        #expect(await refused(AppManifest(name: "X", webhookURL: "ftp://hooks.example.com/x"))?.contains("Only http and https") == true)
        #expect(await refused(AppManifest(name: "X", webhookURL: Self.hookURL, commands: [("Bad Name", "")]))?.contains("command names") == true)
        #expect(await refused(AppManifest(name: "X", webhookURL: Self.hookURL, commands: [("a", ""), ("a", "")]))?.contains("listed twice") == true)
    }

    // MARK: Events and visibility

    @Test func aPrivateTeamsPostsNeverReachACompanyWideApp() async throws {
        let (fixture, transport) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let lily = try await fixture.user("lily")
        let secret = try await team(fixture, owner: lily, slug: "secret", privacy: .private)
        let company = try await install(fixture, by: admin, events: [.postCreated, .postDeleted])
        let inTeam = try await install(fixture, by: lily, url: "https://hooks.example.com/team", events: [.postCreated, .postDeleted], teamID: secret.id)
        let open = try await fixture.post(lily, "公司公告 for everyone")
        let hidden = try await teamPost(fixture, lily, secret, "机密项目 details")
        let followersOnly = try await fixture.post(lily, "for my followers", visibility: .followers)
        try await fixture.deliverAppEvents()
        _ = try await fixture.services.statuses.deleteStatus(id: hidden.status.id, by: lily)
        try await fixture.deliverAppEvents()

        let companySent = transport.sent(to: Self.hookURL)
        #expect(companySent.map(\.type) == ["post.created"])
        let status = try #require(companySent.first?.json["data"] as? [String: Any])["status"] as? [String: Any]
        #expect(status?["id"] as? String == String(open.status.id))
        #expect(!companySent.contains { String(decoding: $0.body, as: UTF8.self).contains("机密") })
        #expect(!companySent.contains { String(decoding: $0.body, as: UTF8.self).contains(String(followersOnly.status.id)) })
        let teamSent = transport.sent(to: "https://hooks.example.com/team")
        #expect(teamSent.map(\.type) == ["post.created", "post.deleted"])
        #expect(String(decoding: teamSent[0].body, as: UTF8.self).contains("机密项目"))
        #expect(try await deliveries(fixture, company).count == 1)
        #expect(try await deliveries(fixture, inTeam).allSatisfy { $0.state == .delivered })
    }

    @Test func mentionsFavouritesFollowsAndMembershipAreEvents() async throws {
        let (fixture, transport) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let lily = try await fixture.user("lily")
        let sam = try await fixture.user("sam")
        let app = try await install(fixture, by: admin, events: [.postMentioned, .postFavourited, .followCreated, .teamMemberJoined, .teamMemberLeft])
        let post = try await fixture.post(lily, "@helper_bot 帮我查一下")
        _ = try await fixture.services.statuses.favourite(id: post.status.id, by: sam)
        _ = try await fixture.services.follows.follow(lily.id, by: sam)
        let open = try await team(fixture, owner: lily, slug: "open", privacy: .public)
        let closed = try await team(fixture, owner: lily, slug: "closed", privacy: .private)
        _ = try await fixture.services.teams.join(id: open.id, by: sam)
        _ = try await fixture.services.teams.addMember(teamID: closed.id, accountID: sam.id, role: .member, by: lily)
        // The bot's own post is not sent back to it.
        _ = try await fixture.services.statuses.createStatus(by: app.installed.bot, .init(text: "@lily 好的"))
        try await fixture.deliverAppEvents()
        let types = transport.sent.map(\.type)
        // Private team membership is not told to a company-wide app whose bot is outside it.
        try #require(types == ["post.mentioned", "post.favourited", "follow.created", "team.member.joined"])
        let favourite = try #require(transport.sent[1].json["data"] as? [String: Any])
        #expect((favourite["account"] as? [String: Any])?["username"] as? String == "sam")
        let joined = try #require(transport.sent[3].json["data"] as? [String: Any])
        #expect((joined["team"] as? [String: Any])?["slug"] as? String == "open")
    }

    @Test func aPostMentioningTheBotIsBothCreatedAndMentioned() async throws {
        let (fixture, transport) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let lily = try await fixture.user("lily")
        let sam = try await fixture.user("sam")
        let before = try await fixture.services.teams.createTeam(by: lily, .init(name: "Before", slug: "before", privacy: .public, joinPolicy: .open))
        _ = try await fixture.services.teams.join(id: before.team.id, by: sam)
        try await Task.sleep(for: .milliseconds(5))
        _ = try await install(fixture, by: admin, events: [.postCreated, .postMentioned, .teamMemberJoined])
        _ = try await fixture.post(lily, "@helper_bot 在吗")
        try await fixture.deliverAppEvents()
        // Both events of the post; nothing from before the install.
        #expect(transport.sent.map(\.type) == ["post.created", "post.mentioned"])
        #expect(Set(transport.sent.map { $0.headers["webhook-id"] }).count == 2)
    }

    // MARK: Delivery

    @Test func deliveriesAreSignedAndRetriedWithTheSameID() async throws {
        let (fixture, transport) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let app = try await install(fixture, by: admin, events: [.postCreated])
        transport.script(Self.hookURL, [.status(500), .error(.timedOut(seconds: 10)), .status(204)])
        _ = try await fixture.post(admin, "第一条")
        try await fixture.deliverAppEvents()
        var log = try await deliveries(fixture, app)
        #expect(log.count == 1 && log[0].state == .pending && log[0].attempts == 1 && log[0].lastStatus == 500)
        #expect(log[0].lastError == "The receiver answered 500")
        try await fixture.deliverAppEvents()
        log = try await deliveries(fixture, app)
        #expect(log[0].state == .pending && log[0].attempts == 2 && log[0].lastError == "No answer within 10 s" && log[0].lastStatus == nil)
        try await fixture.deliverAppEvents()
        log = try await deliveries(fixture, app)
        #expect(log[0].state == .delivered && log[0].attempts == 3 && log[0].deliveredAt != nil)

        let sent = transport.sent
        #expect(sent.count == 3)
        #expect(Set(sent.map { $0.headers["webhook-id"] }).count == 1)
        #expect(sent[0].headers["webhook-id"] == log[0].messageId)
        for attempt in sent {
            let timestamp = try #require(attempt.headers["webhook-timestamp"].flatMap(Int.init))
            #expect(WebhookSigner.verify(id: attempt.headers["webhook-id"]!, timestamp: timestamp, body: attempt.body,
                                         header: attempt.headers["webhook-signature"]!, secret: app.webhookSecret))
            #expect(attempt.timeout == .seconds(10))
        }
        #expect(sent[0].json["type"] as? String == "post.created" && sent[0].json["timestamp"] is String)
    }

    @Test func queuingAnEventTwiceAfterACrashMakesOneDelivery() async throws {
        let (fixture, _) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let app = try await install(fixture, by: admin, events: [.postCreated])
        let event = QueuedDelivery(appID: app.installed.app.id!, eventID: 42, eventType: "post.created", body: "{}")
        try await fixture.database.queueDeliveries([event], cursor: "apps", to: 42, messageID: AppEventBody.newMessageID)
        try await fixture.database.queueDeliveries([event], cursor: "apps", to: 42, messageID: AppEventBody.newMessageID)
        #expect(try await deliveries(fixture, app).count == 1)
        #expect(try await fixture.database.outboxCursor("apps") == 42)
    }

    @Test func aDeliveryIsGivenUpAfterTheLastRetryAndCanBeRedelivered() async throws {
        let (fixture, transport) = try await fixture(delays: [0])
        let admin = try await fixture.user("admin", role: .admin)
        let app = try await install(fixture, by: admin, events: [.postCreated])
        transport.script(Self.hookURL, [.status(502), .status(503), .status(200)])
        _ = try await fixture.post(admin, "会失败")
        try await fixture.deliverAppEvents()
        try await fixture.deliverAppEvents()
        try await fixture.deliverAppEvents()
        var log = try await deliveries(fixture, app)
        #expect(log[0].state == .failed && log[0].attempts == 2 && log[0].lastStatus == 503)
        #expect(transport.sent.count == 2)
        _ = try await fixture.services.apps.redeliver(appID: app.installed.app.id!, deliveryID: log[0].id!, by: admin)
        try await fixture.deliverAppEvents()
        log = try await deliveries(fixture, app)
        #expect(log[0].state == .delivered && log[0].attempts == 3)
        #expect(Set(transport.sent.map { $0.headers["webhook-id"] }).count == 1)
    }

    @Test func goneDisablesTheEndpointUntilItsURLChanges() async throws {
        let (fixture, transport) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let app = try await install(fixture, by: admin, events: [.postCreated])
        let appID = app.installed.app.id!
        transport.script(Self.hookURL, [.status(410)])
        _ = try await fixture.post(admin, "一")
        try await fixture.deliverAppEvents()
        let disabled = try await fixture.services.apps.app(id: appID, by: admin).app
        #expect(disabled.disabledAt != nil && disabled.disabledReason == "The receiver answered 410 Gone")
        _ = try await fixture.post(admin, "二")
        try await fixture.deliverAppEvents()
        #expect(transport.sent.count == 1)
        #expect(try await deliveries(fixture, app).map(\.state) == [.failed])
        let newURL = "https://hooks.example.com/v2"
        let updated = try await fixture.services.apps.update(id: appID, AppChanges(webhookURL: .some(newURL)), by: admin)
        #expect(updated.app.disabledAt == nil)
        _ = try await fixture.post(admin, "三")
        try await fixture.deliverAppEvents()
        #expect(transport.sent(to: newURL).count == 1)
    }

    @Test func retryAfterIsHonouredOn429And503() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let schedule = RetrySchedule.standard
        let limited = DeliveryWorker.outcome(of: WebhookResponse(status: 429, retryAfter: "120"), attempts: 1, schedule: schedule, now: now)
        #expect(limited == .failed(status: 429, error: "The receiver answered 429", retryAt: now.addingTimeInterval(120)))
        let busy = DeliveryWorker.outcome(of: WebhookResponse(status: 503, retryAfter: "Fri, 15 Jan 2027 08:02:00 GMT"), attempts: 1,
                                            schedule: schedule, now: now)
        #expect(busy == .failed(status: 503, error: "The receiver answered 503", retryAt: now.addingTimeInterval(120)))
        // Elsewhere Retry-After is ignored and the schedule (5 s + up to 20 %) applies.
        if case .failed(_, _, let retryAt?) = DeliveryWorker.outcome(of: WebhookResponse(status: 500, retryAfter: "999"), attempts: 1, schedule: schedule, now: now) {
            #expect(retryAt.timeIntervalSince(now) >= 5 && retryAt.timeIntervalSince(now) <= 6)
        } else {
            Issue.record("expected a retry")
        }
        #expect(DeliveryWorker.outcome(of: WebhookResponse(status: 301), attempts: 7, schedule: schedule, now: now)
            == .failed(status: 301, error: "The receiver answered 301 (redirects are not followed)", retryAt: nil))
        #expect(DeliveryWorker.outcome(of: WebhookResponse(status: 204), attempts: 1, schedule: schedule, now: now) == .delivered(status: 204))
    }

    @Test func aRotatedSecretSignsAlongsideTheOldOneFor24Hours() async throws {
        let (fixture, transport) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let app = try await install(fixture, by: admin, events: [.postCreated])
        let rotated = try await fixture.services.apps.rotateSecret(id: app.installed.app.id!, by: admin)
        #expect(rotated.secret != app.webhookSecret)
        #expect(abs(rotated.previousValidUntil.timeIntervalSinceNow - 24 * 3600) < 60)
        _ = try await fixture.post(admin, "轮换之后")
        try await fixture.deliverAppEvents()
        let sent = try #require(transport.sent.first)
        let signature = try #require(sent.headers["webhook-signature"])
        #expect(signature.split(separator: " ").count == 2)
        let timestamp = Int(sent.headers["webhook-timestamp"]!)!
        for secret in [app.webhookSecret, rotated.secret] {
            #expect(WebhookSigner.verify(id: sent.headers["webhook-id"]!, timestamp: timestamp, body: sent.body, header: signature, secret: secret))
        }
    }

    @Test func uninstallRevokesTheTokenAndStopsEverything() async throws {
        let (fixture, transport) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let app = try await install(fixture, by: admin, events: [.postCreated], commands: [("faq", "")], incoming: true)
        _ = try await fixture.post(admin, "排队中")
        try await fixture.dispatchAppEvents()
        try await fixture.services.apps.uninstall(id: app.installed.app.id!, by: admin)
        try await fixture.deliverAppEvents()
        #expect(transport.sent.isEmpty)
        await #expect(throws: ChorusError.self) { try await fixture.services.oauth.authenticate(bearer: app.accessToken) }
        let secret = String(app.incomingURL!.split(separator: "/").last!)
        await #expect(throws: ChorusError.notFound("Unknown hook")) {
            try await fixture.services.apps.postIncoming(secret: secret, text: "还在吗", teamSlug: nil)
        }
        #expect(try await fixture.database.account(id: app.installed.bot.id)?.isActive == false)
    }

    // MARK: Commands

    @Test func aSlashCommandIsAnsweredNotPublished() async throws {
        let (fixture, transport) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let lily = try await fixture.user("lily")
        let app = try await install(fixture, by: admin, events: [], commands: [("faq", "Answers")])
        transport.script(Self.hookURL, [.status(200, body: #"{"text":"退货请在七天内申请","visibility":"ephemeral"}"#),
                                        .status(200, body: #"{"text":"退货流程见公告","visibility":"public"}"#)])
        let before = try await fixture.services.timelines.company(viewer: lily, page: Page(limit: 40)).count
        guard case .command(let ephemeral) = try await fixture.compose.submit(by: lily, .init(text: "/faq 退货")) else {
            Issue.record("expected a command"); return
        }
        #expect(ephemeral.visibility == .ephemeral && ephemeral.text == "退货请在七天内申请" && ephemeral.status == nil)
        #expect(try await fixture.services.timelines.company(viewer: lily, page: Page(limit: 40)).count == before)
        let request = try #require(transport.sent.first)
        #expect(request.type == "command.invoked" && request.timeout == .seconds(3))
        let data = try #require(request.json["data"] as? [String: Any])
        #expect(data["command"] as? String == "faq" && data["text"] as? String == "退货")
        #expect((data["account"] as? [String: Any])?["username"] as? String == "lily")
        #expect(WebhookSigner.verify(id: request.headers["webhook-id"]!, timestamp: Int(request.headers["webhook-timestamp"]!)!,
                                     body: request.body, header: request.headers["webhook-signature"]!, secret: app.webhookSecret))

        guard case .command(let answer) = try await fixture.compose.submit(by: lily, .init(text: "/FAQ 退货")) else {
            Issue.record("expected a command"); return
        }
        let posted = try #require(answer.status)
        #expect(answer.visibility == .public && posted.account.id == app.installed.bot.id && posted.status.text == "退货流程见公告")

        await #expect(throws: ChorusError.unprocessable("No app answers /deploy here. To post text that starts with a slash, begin it with //")) {
            try await fixture.compose.submit(by: lily, .init(text: "/deploy now"))
        }
        guard case .posted(let literal) = try await fixture.compose.submit(by: lily, .init(text: "//deploy now")) else {
            Issue.record("expected a post"); return
        }
        #expect(literal.status.text == "/deploy now")
        guard case .posted(let path) = try await fixture.compose.submit(by: lily, .init(text: "/etc/hosts 又坏了")) else {
            Issue.record("expected a post"); return
        }
        #expect(path.status.text == "/etc/hosts 又坏了")
    }

    @Test func commandFailuresAreClearErrors() async throws {
        let (fixture, transport) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        _ = try await install(fixture, by: admin, events: [], commands: [("faq", "")])
        transport.script(Self.hookURL, [.error(.timedOut(seconds: 3)), .status(500), .status(200, body: "not json"),
                                        .status(200, body: #"{"text":"\#(String(repeating: "长", count: 141))","visibility":"public"}"#)])
        func kind() async -> ChorusError.Kind? {
            do { _ = try await fixture.compose.submit(by: admin, .init(text: "/faq x")); return nil } catch let error as ChorusError { return error.kind } catch { return nil }
        }
        #expect(await kind() == .gatewayTimeout)
        #expect(await kind() == .badGateway)
        #expect(await kind() == .badGateway)
        #expect(await kind() == .badGateway)
    }

    @Test func aTeamCommandWinsInItsTeamAndATeamTokenStaysInItsTeam() async throws {
        let (fixture, transport) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let lily = try await fixture.user("lily")
        let falcon = try await team(fixture, owner: lily, slug: "falcon", privacy: .private)
        _ = try await install(fixture, by: admin, events: [], commands: [("faq", "")])
        let teamApp = try await install(fixture, by: lily, url: "https://hooks.example.com/falcon", events: [], teamID: falcon.id, commands: [("faq", "")])
        var draft = StatusService.Draft(text: "/faq 发票")
        draft.teamID = falcon.id
        _ = try await fixture.compose.submit(by: lily, draft)
        #expect(transport.sent.map(\.url) == ["https://hooks.example.com/falcon"])
        // The team app's bot posts in its team only.
        let bot = teamApp.installed.bot
        guard case .posted(let post) = try await fixture.compose.submit(by: bot, .init(text: "构建成功"), restrictedTo: falcon.id) else {
            Issue.record("expected a post"); return
        }
        #expect(post.status.teamId == falcon.id && post.status.visibility == .team)
        let open = try await fixture.post(lily, "公司帖子")
        await #expect(throws: ChorusError.forbidden("This token may post only in its own team")) {
            try await fixture.compose.submit(by: bot, .init(text: "回复", inReplyToID: open.status.id), restrictedTo: falcon.id)
        }
    }

    @Test func aCompanyWideCommandDoesNotRunInAPrivateTeamItIsNotIn() async throws {
        let (fixture, transport) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let lily = try await fixture.user("lily")
        let vault = try await team(fixture, owner: lily, slug: "vault", privacy: .private)
        let app = try await install(fixture, by: admin, events: [], commands: [("faq", "")])
        var draft = StatusService.Draft(text: "/faq 报销")
        draft.teamID = vault.id
        await #expect(throws: ChorusError.unprocessable("No app answers /faq here. To post text that starts with a slash, begin it with //")) {
            try await fixture.compose.submit(by: lily, draft)
        }
        #expect(transport.sent.isEmpty)
        // Once the team takes the bot in, the command runs there.
        _ = try await fixture.services.teams.addMember(teamID: vault.id, accountID: app.installed.bot.id, role: .member, by: lily)
        _ = try await fixture.compose.submit(by: lily, draft)
        #expect(transport.sent.count == 1)
    }

    // MARK: Incoming hooks

    @Test func incomingHooksPostAsTheBot() async throws {
        let (fixture, _) = try await fixture()
        let admin = try await fixture.user("admin", role: .admin)
        let lily = try await fixture.user("lily")
        let ops = try await team(fixture, owner: lily, slug: "ops", privacy: .private)
        let app = try await fixture.services.apps.install(AppManifest(name: "CI", incoming: true), by: admin)
        let secret = String(app.incomingURL!.split(separator: "/").last!)
        let posted = try await fixture.services.apps.postIncoming(secret: secret, text: "构建 #42 通过 ✅", teamSlug: nil)
        #expect(posted.account.id == app.installed.bot.id && posted.status.visibility == .company && posted.status.applicationName == "CI")
        await #expect(throws: ChorusError.self) {
            try await fixture.services.apps.postIncoming(secret: secret, text: String(repeating: "长", count: 141), teamSlug: nil)
        }
        // Into a private team only once the bot is a member; the team is not found before.
        await #expect(throws: ChorusError.notFound("Team not found")) {
            try await fixture.services.apps.postIncoming(secret: secret, text: "部署完成", teamSlug: "ops")
        }
        _ = try await fixture.services.teams.addMember(teamID: ops.id, accountID: app.installed.bot.id, role: .member, by: lily)
        let inTeam = try await fixture.services.apps.postIncoming(secret: secret, text: "部署完成", teamSlug: "ops")
        #expect(inTeam.status.teamId == ops.id)
        await #expect(throws: ChorusError.notFound("Unknown hook")) {
            try await fixture.services.apps.postIncoming(secret: "nope", text: "x", teamSlug: nil)
        }
    }

    @Test func incomingHooksAreRateLimited() async throws {
        let limiter = SlidingWindowLimiter(limit: 3, window: 60)
        let now = Date()
        for _ in 0..<3 { try limiter.take("app:1", message: "slow down", now: now) }
        #expect(throws: ChorusError.tooManyRequests("slow down")) { try limiter.take("app:1", message: "slow down", now: now) }
        try limiter.take("app:2", message: "slow down", now: now)
        try limiter.take("app:1", message: "slow down", now: now.addingTimeInterval(61))
    }
}

/// A transport whose answers to one URL wait until the test opens a gate,
/// counting how many of those requests are in flight at once.
final class GatedTransport: WebhookTransport {
    let slowURL: String
    private let state = Mutex<(open: Bool, inFlight: Int, maxInFlight: Int, sent: [String])>((false, 0, 0, []))

    init(slowURL: String) { self.slowURL = slowURL }

    func open() { state.withLock { $0.open = true } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    func send(_ method: String, url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) async throws(WebhookTransportError) -> WebhookResponse {
        guard url == slowURL else { return WebhookResponse(status: 200) }
        state.withLock { $0.inFlight += 1; $0.maxInFlight = max($0.maxInFlight, $0.inFlight) }
        // Held until the test opens the gate (at most a minute: on a loaded machine the healthy
        // app's deliveries alone can take longer than ten seconds).
        for _ in 0..<6000 where !state.withLock({ $0.open }) { try? await Task.sleep(for: .milliseconds(10)) }
        state.withLock { $0.inFlight -= 1 }
        return WebhookResponse(status: 200)
    }

    func check(url: String) async throws(WebhookTransportError) {}
}

extension AppServiceTests {
    @Test func aStuckReceiverDelaysNoOtherApp() async throws {
        let transport = GatedTransport(slowURL: "https://stuck.example.com/")
        let fixture = try await TestFixture(transport: transport)
        let admin = try await fixture.user("admin", role: .admin)
        let stuck = try await install(fixture, by: admin, url: "https://stuck.example.com/", events: [.postCreated])
        let healthy = try await install(fixture, by: admin, url: "https://healthy.example.com/", events: [.postCreated])
        for n in 0..<10 { _ = try await fixture.post(admin, "第 \(n) 条") }
        try await fixture.dispatchAppEvents()
        let worker = DeliveryWorker(database: fixture.database, transport: transport, schedule: .standard, wakeup: Wakeup(),
                                    logger: Logger(label: "test"), concurrency: 32, perApp: 4, idle: .milliseconds(20))
        let running = Task { try await worker.run() }
        defer { transport.open(); running.cancel() }
        func delivered(_ app: AppInstallation) async throws -> Int {
            try await deliveries(fixture, app).filter { $0.state == .delivered }.count
        }
        // Bounded wait: the healthy app's ten events all arrive while the stuck one holds its four slots.
        for _ in 0..<500 where try await delivered(healthy) < 10 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await delivered(healthy) == 10)
        #expect(try await delivered(stuck) == 0)
        #expect(transport.maxInFlight == 4)
        transport.open()
        for _ in 0..<500 where try await delivered(stuck) < 10 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await delivered(stuck) == 10)
        #expect(transport.maxInFlight <= 4)
    }
}
