@testable import ChorusHTTP
import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Installing, rotating and uninstalling apps from the browser: the
/// administrators' company-wide apps and a team's own, for its managers only.
extension WebPagesTests {
    static let faqManifest = #"{"name": "FAQ", "description": "客服快速回复", "webhook_url": "https://hooks.example.com/faq", "events": ["post.created"], "commands": [{"name": "faq", "description": "查常见问题"}], "incoming": true}"#

    /// Opens `page` and posts `fields` to `action` with the page's form token, as the browser does.
    func postForm(_ client: any TestClientProtocol, _ page: String, to action: String, _ fields: [String: String], cookie: String,
                  language: String = "zh-CN") async throws -> ChorusTestSupport.TestResponse {
        let opened = try await client.call(.get, page, headers: [.cookie: cookie])
        let token = try #require(csrf(in: opened), "no form token on \(page) (\(opened.status))")
        return try await client.call(.post, action, form: fields.merging(["csrf": token]) { $1 },
                                     headers: [.cookie: cookie, .acceptLanguage: language])
    }

    /// The one app of the database (a test installs at most one at a time).
    func onlyApp(_ fixture: TestFixture) async throws -> InstalledApp {
        let apps = try await fixture.database.installedApps()
        try #require(apps.count == 1, "expected one app, found \(apps.count)")
        return apps[0]
    }

    // MARK: Tests

    @Test func anAdministratorInstallsFromAManifestAndSeesItsSecretsOnce() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        _ = try await fixture.user("admin", role: .admin)
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "admin")
            let page = try await client.call(.get, "/admin/apps", headers: [.cookie: cookie, .acceptLanguage: "zh-CN"])
            #expect(page.status == 200 && page.text.contains("安装应用") && page.text.contains(#"enctype="multipart/form-data""#))
            let installed = try await postForm(client, "/admin/apps", to: "/admin/apps", ["manifest": Self.faqManifest], cookie: cookie)
            #expect(installed.status == 200)
            let app = try await onlyApp(fixture)
            #expect(app.app.teamId == nil && app.app.name == "FAQ" && app.commands.map(\.name) == ["faq"])
            // The three secrets, each once, with the notice that says so.
            let token = try #require(installed.text.firstMatch(of: /id="bot-token" readonly value="([^"]+)"/)?.1)
            let hook = try #require(installed.text.firstMatch(of: /id="incoming-url" readonly value="([^"]+)"/)?.1)
            #expect(installed.text.contains(#"id="webhook-secret" readonly value="\#(app.app.webhookSecret)""#))
            #expect(installed.text.contains("只显示这一次") && installed.text.contains("/admin/apps/\(app.app.id!)"))
            #expect(hook.hasPrefix("\(TestFixture.baseURL)/hooks/"))
            // The token is the bot's: it posts as the bot.
            let posted = try await client.call(.post, "/api/v1/statuses", token: String(token), form: ["status": "FAQ 上线了"])
            #expect(posted.status == 200 && (posted.object?["account"] as? [String: Any])?["username"] as? String == app.bot.username)
            // A reload of the app's page or the list shows none of them.
            for path in ["/admin/apps/\(app.app.id!)", "/admin/apps"] {
                let again = try await client.call(.get, path, headers: [.cookie: cookie])
                #expect(again.status == 200 && again.text.contains("FAQ"))
                #expect(!again.text.contains(app.app.webhookSecret) && !again.text.contains(String(token)) && !again.text.contains(String(hook)))
                #expect(!again.text.contains(#"id="webhook-secret""#))
            }

            // The same from an uploaded file.
            let form = try await client.call(.get, "/admin/apps", headers: [.cookie: cookie])
            // A browser sends the empty text field too; the file wins.
            let uploaded = try await client.upload("/admin/apps", fields: ["csrf": try #require(csrf(in: form)), "manifest": ""],
                                                   files: [("manifest_file", "app.json", #"{"name": "巡检", "scopes": "read"}"#)],
                                                   headers: [.cookie: cookie])
            #expect(uploaded.status == 200 && uploaded.text.contains(#"id="webhook-secret""#))
            let apps = try await fixture.database.installedApps()
            #expect(apps.map(\.app.name) == ["FAQ", "巡检"] && apps.last?.app.scopes == "read")
        }
    }

    @Test func anInvalidManifestShowsTheServicesReasonAndKeepsTheText() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        _ = try await fixture.user("admin", role: .admin)
        let team = try await fixture.services.teams.createTeam(by: try await fixture.user("olivia"), .init(name: "客服组", slug: "support"))
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "admin")
            let noURL = #"{"name": "FAQ", "events": ["post.created"]}"#
            let refused = try await postForm(client, "/admin/apps", to: "/admin/apps", ["manifest": noURL], cookie: cookie)
            #expect(refused.status == 422 && refused.text.contains("订阅事件或命令时必须提供 webhook_url"))
            #expect(refused.text.contains(#"role="alert""#) && refused.text.contains("&quot;events&quot;: [&quot;post.created&quot;]"))
            // A reason the catalogue does not hold is shown as the service wrote it.
            let unknown = try await postForm(client, "/admin/apps", to: "/admin/apps",
                                             ["manifest": #"{"name": "FAQ", "webhook_url": "https://hooks.example.com/faq", "events": ["post.exploded"]}"#],
                                             cookie: cookie, language: "en")
            #expect(unknown.status == 422 && unknown.text.contains("Unknown event: post.exploded"))
            let broken = try await postForm(client, "/admin/apps", to: "/admin/apps", ["manifest": #"{"name": "FAQ""#], cookie: cookie, language: "en")
            #expect(broken.status == 422 && broken.text.contains("The manifest is not a JSON object."))
            let admin = try await postForm(client, "/admin/apps", to: "/admin/apps", ["manifest": #"{"name": "x", "scopes": ["admin:write"]}"#],
                                           cookie: cookie, language: "en")
            #expect(admin.status == 422 && admin.text.contains("apps cannot hold administration scopes"))
            // The administrators' page installs company-wide: a manifest naming a team is refused, not moved.
            let elsewhere = try await postForm(client, "/admin/apps", to: "/admin/apps",
                                               ["manifest": #"{"name": "FAQ", "team_id": "\#(team.team.id)"}"#], cookie: cookie)
            #expect(elsewhere.status == 422 && elsewhere.text.contains("team_id 与本页面不符"))
            #expect(try await fixture.database.installedApps().isEmpty)
        }
    }

    @Test func aMemberCannotOpenTheInstallPageNorPostItsForm() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        _ = try await fixture.user("carol")
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "carol")
            let page = try await client.call(.get, "/admin/apps", headers: [.cookie: cookie, .acceptLanguage: "en"])
            #expect(page.status == 403 && !page.text.contains("id=\"manifest\""))
            // With a valid form token of their own session: still refused, nothing installed.
            let posted = try await postForm(client, "/", to: "/admin/apps", ["manifest": Self.faqManifest], cookie: cookie)
            #expect(posted.status == 403 && !posted.text.contains("whsec_"))
            #expect(try await fixture.database.installedApps().isEmpty)
        }
    }

    @Test func aTeamOwnerInstallsIntoTheirTeamFromItsAppsPage() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let owner = try await fixture.user("olivia")
        let member = try await fixture.user("mia")
        let team = try await fixture.services.teams.createTeam(by: owner, .init(name: "客服组", slug: "support", privacy: .private)).team
        let other = try await fixture.services.teams.createTeam(by: owner, .init(name: "Other", slug: "other")).team
        _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: member.id, role: .member, by: owner)
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "olivia")
            let teamPage = try await client.call(.get, "/teams/support", headers: [.cookie: cookie])
            #expect(teamPage.text.contains(#"href="/teams/support/apps""#))
            let memberCookie = try await signIn(client, "mia")
            #expect(!(try await client.call(.get, "/teams/support", headers: [.cookie: memberCookie])).text.contains("/teams/support/apps"))

            let page = try await client.call(.get, "/teams/support/apps", headers: [.cookie: cookie, .acceptLanguage: "zh-CN"])
            #expect(page.status == 200 && page.text.contains("客服组") && page.text.contains(#"action="/teams/support/apps""#))
            // A manifest for another team is refused here.
            let elsewhere = try await postForm(client, "/teams/support/apps", to: "/teams/support/apps",
                                               ["manifest": #"{"name": "FAQ", "team_id": "\#(other.id)"}"#], cookie: cookie)
            #expect(elsewhere.status == 422 && elsewhere.text.contains("team_id 与本页面不符"))
            let installed = try await postForm(client, "/teams/support/apps", to: "/teams/support/apps", ["manifest": Self.faqManifest], cookie: cookie)
            #expect(installed.status == 200)
            let app = try await onlyApp(fixture)
            #expect(app.app.teamId == team.id)
            #expect(installed.text.contains(#"value="\#(app.app.webhookSecret)""#) && installed.text.contains(#"id="bot-token""#))
            #expect(try await fixture.database.teamRole(teamID: team.id, accountID: app.bot.id) == .member)
            // Its page lives under the team, with the same card and forms as the administrators'.
            let path = "/teams/support/apps/\(app.app.id!)"
            let shown = try await client.call(.get, path, headers: [.cookie: cookie])
            #expect(shown.status == 200 && shown.text.contains("/faq") && shown.text.contains(#"action="\#(path)/rotate""#)
                && shown.text.contains(#"action="\#(path)/uninstall""#) && !shown.text.contains(app.app.webhookSecret))
            let list = try await client.call(.get, "/teams/support/apps", headers: [.cookie: cookie])
            #expect(list.text.contains(#"href="\#(path)""#))
            // Not under another team's address, and a plain member of the team gets a 404.
            #expect(try await client.call(.get, "/teams/other/apps/\(app.app.id!)", headers: [.cookie: cookie]).status == 404)
            #expect(try await client.call(.get, "/teams/support/apps", headers: [.cookie: memberCookie]).status == 404)
            #expect(try await client.call(.get, path, headers: [.cookie: memberCookie]).status == 404)
        }
    }

    @Test func aCompanyAdministratorWhoDoesNotRunTheTeamGetsNotFoundOnItsAppPages() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let owner = try await fixture.user("olivia")
        let admin = try await fixture.user("ada", role: .admin)
        for privacy in TeamPrivacy.allCases {
            let slug = "t-\(privacy.rawValue)"
            let team = try await fixture.services.teams.createTeam(by: owner, .init(name: slug, slug: slug, privacy: privacy)).team
            // In the public team the administrator is even a member, just not an owner or admin.
            if privacy == .public { _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: admin.id, role: .member, by: owner) }
            let app = try await fixture.services.apps.install(AppManifest(name: "Bot \(slug)", webhookURL: "https://hooks.example.com/\(slug)",
                                                                          events: ["post.created"], teamID: team.id), by: owner).installed.app
            try await TestAPI(fixture).run { client in
                let cookie = try await signIn(client, "ada")
                let base = "/teams/\(slug)/apps", path = "\(base)/\(app.id!)"
                #expect(try await client.call(.get, base, headers: [.cookie: cookie]).status == 404, "\(privacy)")
                #expect(try await client.call(.get, path, headers: [.cookie: cookie]).status == 404, "\(privacy)")
                #expect(try await client.call(.get, "/admin/apps/\(app.id!)", headers: [.cookie: cookie]).status == 404, "\(privacy)")
                for action in [base, "\(path)/rotate", "\(path)/enable", "\(path)/uninstall", "\(path)/deliveries/1/redeliver",
                               "/admin/apps/\(app.id!)/rotate", "/admin/apps/\(app.id!)/uninstall"] {
                    let posted = try await postForm(client, "/", to: action, ["manifest": Self.faqManifest, "confirm": "true"], cookie: cookie)
                    #expect(posted.status == 404, "\(privacy) \(action)")
                    #expect(!posted.text.contains("whsec_"))
                }
                let list = try await client.call(.get, "/admin/apps", headers: [.cookie: cookie])
                #expect(!list.text.contains("Bot \(slug)"))
            }
            let after = try #require(try await fixture.database.installedApps(teamIDs: [team.id]).first?.app)
            #expect(after.webhookSecret == app.webhookSecret && after.previousSecret == nil, "\(privacy)")
        }
        #expect(try await fixture.database.installedApps().count == 2)
    }

    @Test func rotatingShowsTheNewSecretAndUntilWhenTheOldOneSigns() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("admin", role: .admin)
        let old = try await fixture.services.apps.install(AppManifest(name: "巡检机器人", webhookURL: "https://hooks.example.com/x",
                                                                      events: ["post.created"]), by: admin)
        let id = old.installed.app.id!
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "admin")
            let page = try await client.call(.get, "/admin/apps/\(id)", headers: [.cookie: cookie])
            #expect(page.text.contains(#"id="rotate-button""#) && !page.text.contains(#"id="previous-until""#))
            let rotated = try await postForm(client, "/admin/apps/\(id)", to: "/admin/apps/\(id)/rotate", [:], cookie: cookie)
            #expect(rotated.status == 200)
            let app = try await onlyApp(fixture).app
            let until = try #require(app.previousExpiresAt)
            #expect(app.webhookSecret != old.webhookSecret && app.previousSecret == old.webhookSecret)
            #expect(rotated.text.contains(#"id="webhook-secret" readonly value="\#(app.webhookSecret)""#) && rotated.text.contains("只显示这一次"))
            #expect(!rotated.text.contains(#"id="bot-token""#) && !rotated.text.contains(old.webhookSecret))
            let exact = JSON.timestamp(until).prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
            #expect(rotated.text.contains(#"id="rotated-until""#) && rotated.text.contains(exact))
            #expect(abs(until.timeIntervalSinceNow - 24 * 3600) < 60)
            // A reload: no secret, but the page still says until when the old one signs.
            let again = try await client.call(.get, "/admin/apps/\(id)", headers: [.cookie: cookie])
            #expect(!again.text.contains(app.webhookSecret) && !again.text.contains(#"id="rotated-until""#))
            #expect(again.text.contains(#"id="previous-until""#) && again.text.contains(exact))
        }
    }

    @Test func uninstallingNeedsTheBoxTickedThenRemovesTheAppAndSilencesItsBot() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let owner = try await fixture.user("olivia")
        let team = try await fixture.services.teams.createTeam(by: owner, .init(name: "客服组", slug: "support")).team
        let installation = try await fixture.services.apps.install(AppManifest(name: "FAQ", incoming: true, teamID: team.id), by: owner)
        let id = installation.installed.app.id!
        let hook = try #require(installation.incomingURL?.replacingOccurrences(of: TestFixture.baseURL, with: ""))
        try await TestAPI(fixture).run { client in
            #expect(try await client.call(.post, hook, json: #"{"text": "还在"}"#).status == 201)
            let cookie = try await signIn(client, "olivia")
            let path = "/teams/support/apps/\(id)"
            let page = try await client.call(.get, path, headers: [.cookie: cookie, .acceptLanguage: "en"])
            #expect(page.text.contains("Uninstall FAQ") && page.text.contains(#"name="confirm" value="true" required"#))
            let unticked = try await postForm(client, path, to: "\(path)/uninstall", [:], cookie: cookie)
            #expect(unticked.status == 422 && unticked.text.contains("请先勾选确认框"))
            #expect(try await fixture.database.installedApp(id: id) != nil)

            let removed = try await postForm(client, path, to: "\(path)/uninstall", ["confirm": "true"], cookie: cookie)
            #expect(removed.status == 303 && removed.headers[.location] == "/teams/support/apps?uninstalled=1")
            let list = try await client.call(.get, "/teams/support/apps?uninstalled=1", headers: [.cookie: cookie])
            #expect(list.text.contains("应用已卸载") && !list.text.contains(#"href="\#(path)""#))
            #expect(try await fixture.database.installedApp(id: id) == nil)
            #expect(try await client.call(.get, path, headers: [.cookie: cookie]).status == 404)
            // Its bot can no longer post, neither through the hook nor with its token.
            #expect(try await client.call(.post, hook, json: #"{"text": "还在吗"}"#).status == 404)
            let tokenPost = try await client.call(.post, "/api/v1/statuses", token: installation.accessToken, form: ["status": "还在吗"])
            #expect(tokenPost.status == 401)
        }
    }

    @Test func aDisabledEndpointIsReenabledFromItsPage() async throws {
        let transport = RecordingTransport()
        let fixture = try await TestFixture(transport: transport)
        let admin = try await fixture.user("admin", role: .admin)
        transport.script("https://hooks.example.com/gone", [.status(410)])
        let id = try await fixture.services.apps.install(AppManifest(name: "Gone", webhookURL: "https://hooks.example.com/gone",
                                                                     events: ["post.created"]), by: admin).installed.app.id!
        _ = try await fixture.post(admin, "一条动态")
        try await fixture.deliverAppEvents()
        #expect(try await onlyApp(fixture).app.disabledAt != nil)
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "admin")
            let page = try await client.call(.get, "/admin/apps/\(id)", headers: [.cookie: cookie])
            #expect(page.text.contains(#"id="enable-button""#))
            let enabled = try await postForm(client, "/admin/apps/\(id)", to: "/admin/apps/\(id)/enable", [:], cookie: cookie)
            #expect(enabled.status == 303 && enabled.headers[.location] == "/admin/apps/\(id)")
            #expect(try await onlyApp(fixture).app.disabledAt == nil)
            #expect(!(try await client.call(.get, "/admin/apps/\(id)", headers: [.cookie: cookie])).text.contains(#"id="enable-button""#))
        }
    }

    @Test func appFormsWithoutTheFormTokenAreRefused() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("admin", role: .admin)
        let owner = try await fixture.user("olivia")
        _ = try await fixture.services.teams.createTeam(by: owner, .init(name: "客服组", slug: "support"))
        let company = try await fixture.services.apps.install(AppManifest(name: "Company", incoming: true), by: admin)
        let companyID = company.installed.app.id!
        try await TestAPI(fixture).run { client in
            let adminCookie = try await signIn(client, "admin")
            let ownerCookie = try await signIn(client, "olivia")
            let forms: [(String, String)] = [
                ("/admin/apps", adminCookie), ("/admin/apps/\(companyID)/rotate", adminCookie), ("/admin/apps/\(companyID)/uninstall", adminCookie),
                ("/admin/apps/\(companyID)/enable", adminCookie), ("/teams/support/apps", ownerCookie),
            ]
            for (action, cookie) in forms {
                let forged = try await client.call(.post, action, form: ["manifest": Self.faqManifest, "confirm": "true", "csrf": "0"],
                                                   headers: [.cookie: cookie])
                #expect(forged.status == 403, "\(action)")
                #expect(!forged.text.contains("whsec_"))
            }
            let apps = try await fixture.database.installedApps()
            #expect(apps.map(\.app.id) == [companyID] && apps[0].app.webhookSecret == company.webhookSecret)
        }
    }
}
