import ChorusCore
import ChorusServices
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A deactivated account with its right password is answered exactly as a
/// wrong password, on every way in, so the answer does not confirm a password.
@Suite("Sign-in: a deactivated account answers like a wrong password")
struct DeactivatedSignInTests {
    /// A fixture with `alice` (deactivated) and `bob` (active).
    func fixture() async throws -> TestFixture {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        try await fixture.user("bob")
        _ = try await fixture.services.accounts.deactivate(accountID: alice.id, actor: nil)
        return fixture
    }

    /// The status and the alert of a page, or the status and body of JSON.
    func answer(_ response: ChorusTestSupport.TestResponse) -> String {
        guard let range = response.text.range(of: #"role="alert">[^<]*<"#, options: .regularExpression) else {
            return "\(response.status) \(response.text)"
        }
        return "\(response.status) \(response.text[range])"
    }

    // MARK: Tests

    @Test func theWebSignInForm() async throws {
        let fixture = try await fixture()
        try await TestAPI(fixture).run { client in
            for language in ["en", "zh-CN"] {
                let deactivated = try await client.submit("/login", form: ["username": "alice", "password": TestFixture.password],
                                                          headers: [.acceptLanguage: language])
                let wrong = try await client.submit("/login", form: ["username": "bob", "password": "not the password"],
                                                    headers: [.acceptLanguage: language])
                #expect(deactivated.status == 401 && answer(deactivated) == answer(wrong))
                #expect(deactivated.headers[.setCookie]?.hasPrefix("chorus_session") != true)
            }
        }
    }

    @Test func theOAuthPasswordGrant() async throws {
        let fixture = try await fixture()
        let registered = try await fixture.services.oauth.registerApp(name: "Client", redirectURIs: [OAuthService.outOfBand], scopes: "read", website: nil)
        try await TestAPI(fixture).run { client in
            func grant(_ username: String, _ password: String) async throws -> ChorusTestSupport.TestResponse {
                try await client.call(.post, "/oauth/token", form: [
                    "grant_type": "password", "client_id": registered.app.clientId, "client_secret": registered.clientSecret,
                    "username": username, "password": password,
                ])
            }
            let deactivated = try await grant("alice", TestFixture.password)
            let wrong = try await grant("bob", "not the password")
            #expect(deactivated.status == 401 && answer(deactivated) == answer(wrong))
        }
    }

    @Test func theOAuthAuthorizeForm() async throws {
        let fixture = try await fixture()
        let redirect = "https://app.example/callback"
        let registered = try await fixture.services.oauth.registerApp(name: "Client", redirectURIs: [redirect], scopes: "read", website: nil)
        let page = "/oauth/authorize?response_type=code&client_id=\(registered.app.clientId)&redirect_uri=\(redirect)&scope=read"
        try await TestAPI(fixture).run { client in
            for language in ["en", "zh-TW"] {
                func authorize(_ username: String, _ password: String) async throws -> ChorusTestSupport.TestResponse {
                    try await client.submit(page, to: "/oauth/authorize", form: [
                        "client_id": registered.app.clientId, "redirect_uri": redirect, "scope": "read", "username": username, "password": password,
                    ], headers: [.acceptLanguage: language])
                }
                let deactivated = try await authorize("alice", TestFixture.password)
                let wrong = try await authorize("bob", "not the password")
                #expect(deactivated.status == 401 && answer(deactivated) == answer(wrong))
                #expect(deactivated.headers[.location] == nil)
            }
        }
    }
}
