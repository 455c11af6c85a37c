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

@Suite("Web sessions: only a session token is a session; cookies are Secure behind https")
struct WebSessionTests {
    /// The form token a holder of `token` could compute for a cookie of it.
    func formToken(for token: String, account: AccountRecord) -> String {
        WebSession(token: token, principal: Principal(tokenID: 0, account: account, scopes: ScopeSet([]), appID: nil), account: account).csrf
    }

    // MARK: Tests

    @Test func onlySessionTokensOpenWebPages() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("admin", role: .admin)
        let member = try await fixture.user("member")
        _ = try await fixture.post(admin, "全公司内部消息")
        let team = try await fixture.services.teams.createTeam(by: admin, .init(name: "Ops", slug: "ops", privacy: .private)).team
        let bot = try await fixture.services.apps.install(AppManifest(name: "CI", incoming: true, teamID: team.id), by: admin)
        let tokens = [
            ("team bot", bot.accessToken, try await fixture.services.accounts.account(id: bot.installed.app.botAccountId)),
            ("read-only", try await fixture.token(for: member, scopes: "read"), member),
            ("admin read-only", try await fixture.token(for: admin, scopes: "read"), admin),
        ]
        try await TestAPI(fixture).run { client in
            for (name, token, account) in tokens {
                let cookie = "chorus_session=\(token)"
                for path in ["/public", "/", "/admin", "/settings"] {
                    let page = try await client.call(.get, path, headers: [.cookie: cookie])
                    #expect(page.sendsToSignIn, "\(name) \(path)")
                    #expect(!page.text.contains("全公司内部消息"), "\(name) \(path)")
                }
                // Live updates: refused at once rather than left open.
                let live = client.openStream("/live", cookie: cookie)
                #expect(await waitUntil { live.ended.isSet }, "\(name) /live")
                live.task.cancel()
                #expect(await live.task.value?.status == 401, "\(name) /live")
                let login = try await client.call(.get, "/login", headers: [.cookie: cookie])
                #expect(login.status == 200 && login.text.contains("name=\"password\""), "\(name)")
                // Even with the form token its holder can compute, the form is not run.
                let posted = try await client.call(.post, "/statuses", form: ["status": "posted by \(name)", "csrf": formToken(for: token, account: account)],
                                                   headers: [.cookie: cookie])
                #expect(posted.sendsToSignIn, "\(name)")
            }
        }
        let company = try await fixture.services.timelines.company(viewer: admin, page: Page())
        #expect(!company.contains { $0.status.text.hasPrefix("posted by") })
    }

    @Test func theFormCookieIsSecureBehindHTTPS() async throws {
        let fixture = try await TestFixture()
        try await fixture.user("alice")
        let registered = try await fixture.services.oauth.registerApp(name: "Client", redirectURIs: [OAuthService.outOfBand], scopes: "read", website: nil)
        try await TestAPI(fixture).run { client in
            let login = try await client.call(.get, "/login")
            let cookie = try #require(login.headers[.setCookie])
            #expect(cookie.hasPrefix("chorus_form=") && cookie.contains("Secure") && cookie.contains("HttpOnly"))
            let authorize = try await client.call(.get, "/oauth/authorize?response_type=code&client_id=\(registered.app.clientId)&redirect_uri=\(OAuthService.outOfBand)")
            #expect(authorize.headers[.setCookie]?.contains("Secure") == true)
        }
    }
}
