import ChorusCore
import ChorusServices
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP: OAuth flows, admin actions, invites")
struct OAuthHTTPTests {
    func registerApp(_ client: some TestClientProtocol, redirect: String = "urn:ietf:wg:oauth:2.0:oob") async throws -> (id: String, secret: String) {
        let response = try await client.call(.post, "/api/v1/apps", form: ["client_name": "Test", "redirect_uris": redirect, "scopes": "read write follow"])
        #expect(response.status == 200)
        return (response.object?["client_id"] as? String ?? "", response.object?["client_secret"] as? String ?? "")
    }

    // MARK: Tests

    @Test func passwordGrantThenVerifyCredentials() async throws {
        let fixture = try await TestFixture()
        try await fixture.user("alice")
        try await TestAPI(fixture).run { client in
            let app = try await registerApp(client)
            let token = try await client.call(.post, "/oauth/token", form: [
                "grant_type": "password", "client_id": app.id, "client_secret": app.secret,
                "username": "alice@example.com", "password": TestFixture.password, "scope": "read write",
            ])
            #expect(token.status == 200)
            #expect(token.object?["token_type"] as? String == "Bearer")
            let access = token.object?["access_token"] as? String ?? ""
            let me = try await client.call(.get, "/api/v1/accounts/verify_credentials", token: access)
            #expect(me.object?["username"] as? String == "alice")
            #expect(me.object?["source"] != nil)
            let wrong = try await client.call(.post, "/oauth/token", form: [
                "grant_type": "password", "client_id": app.id, "client_secret": app.secret, "username": "alice", "password": "nope nope",
            ])
            #expect(wrong.status == 401)
            let revoke = try await client.call(.post, "/oauth/revoke", form: ["client_id": app.id, "client_secret": app.secret, "token": access])
            #expect(revoke.status == 200)
            #expect(try await client.call(.get, "/api/v1/accounts/verify_credentials", token: access).status == 401)
        }
    }

    @Test func authorizationCodeThroughTheSignInPage() async throws {
        let fixture = try await TestFixture()
        try await fixture.user("alice")
        try await TestAPI(fixture).run { client in
            let app = try await registerApp(client, redirect: "https://app.example/callback")
            let authorizePage = "/oauth/authorize?response_type=code&client_id=\(app.id)&redirect_uri=https://app.example/callback&scope=read&state=xyz"
            let page = try await client.call(.get, authorizePage)
            #expect(page.status == 200)
            #expect(page.text.contains("name=\"password\""))
            let wrong = try await client.submit(authorizePage, to: "/oauth/authorize", form: [
                "client_id": app.id, "redirect_uri": "https://app.example/callback", "scope": "read", "state": "xyz",
                "username": "alice", "password": "wrong password",
            ], headers: [.acceptLanguage: "en"])
            #expect(wrong.status == 401)
            #expect(wrong.text.contains("Invalid username or password"))
            let wrongInChinese = try await client.submit(authorizePage, to: "/oauth/authorize", form: [
                "client_id": app.id, "redirect_uri": "https://app.example/callback", "scope": "read", "state": "xyz",
                "username": "alice", "password": "wrong password",
            ], headers: [.acceptLanguage: "zh-CN"])
            #expect(wrongInChinese.text.contains("用户名或密码不正确。"))
            let signedIn = try await client.submit(authorizePage, to: "/oauth/authorize", form: [
                "client_id": app.id, "redirect_uri": "https://app.example/callback", "scope": "read", "state": "xyz",
                "username": "alice", "password": TestFixture.password,
            ])
            #expect(signedIn.status == 302)
            let location = URLComponents(string: signedIn.headers[.location] ?? "")
            #expect(location?.host == "app.example")
            #expect(location?.queryItems?.first { $0.name == "state" }?.value == "xyz")
            let code = location?.queryItems?.first { $0.name == "code" }?.value ?? ""
            let token = try await client.call(.post, "/oauth/token", form: [
                "grant_type": "authorization_code", "client_id": app.id, "client_secret": app.secret, "code": code,
                "redirect_uri": "https://app.example/callback",
            ])
            #expect(token.status == 200)
            #expect(token.object?["scope"] as? String == "read")
        }
    }

    @Test func authorizePageRejectsUnknownClientsReadably() async throws {
        try await TestAPI(try await TestFixture()).run { client in
            let page = try await client.call(.get, "/oauth/authorize?response_type=code&client_id=nope&redirect_uri=https://x.example/")
            #expect(page.status == 400)
            #expect(page.text.contains("Unknown client_id"))
        }
    }

    @Test func adminDisableRevokesTokensImmediately() async throws {
        let fixture = try await TestFixture()
        let admin = try await fixture.user("boss", role: .admin)
        let alice = try await fixture.user("alice")
        let adminToken = try await fixture.token(for: admin, scopes: "read write admin:read admin:write")
        let aliceToken = try await fixture.token(for: alice)
        try await TestAPI(fixture).run { client in
            #expect(try await client.call(.get, "/api/v1/timelines/home", token: aliceToken).status == 200)
            let denied = try await client.call(.post, "/api/v1/admin/accounts/\(admin.id)/action", token: aliceToken, form: ["type": "disable"])
            #expect(denied.status == 403)
            let action = try await client.call(.post, "/api/v1/admin/accounts/\(alice.id)/action", token: adminToken, form: ["type": "disable"])
            #expect(action.status == 200)
            #expect(try await client.call(.get, "/api/v1/timelines/home", token: aliceToken).status == 401)
            let audit = try await client.call(.get, "/api/v1/chorus/audit", token: adminToken)
            #expect(audit.array?.contains { $0["action"] as? String == "account.deactivated" } == true)
        }
    }

    @Test func inviteLinkLetsTheInviteeSetAPassword() async throws {
        let fixture = try await TestFixture()
        let admin = try await fixture.user("boss", role: .admin)
        let adminToken = try await fixture.token(for: admin, scopes: "read write admin:read admin:write")
        try await TestAPI(fixture).run { client in
            let invite = try await client.call(.post, "/api/v1/chorus/invites", token: adminToken, form: ["role": "member"])
            #expect(invite.status == 200)
            let url = invite.object?["url"] as? String ?? ""
            let path = String(url.dropFirst(TestFixture.baseURL.count))
            #expect(try await client.call(.get, path).text.contains("name=\"password_confirmation\""))
            let mismatch = try await client.submit(path, form: ["username": "newbie", "password": TestFixture.password, "password_confirmation": "other password"])
            #expect(mismatch.status == 422)
            let accepted = try await client.submit(path, form: ["username": "newbie", "password": TestFixture.password, "password_confirmation": TestFixture.password])
            #expect(accepted.status == 200)
            #expect(try await client.call(.get, path).status == 404)
            _ = try await fixture.services.accounts.authenticate(login: "newbie", password: TestFixture.password, address: nil)
        }
    }
}
