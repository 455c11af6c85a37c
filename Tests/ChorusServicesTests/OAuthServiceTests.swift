import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Crypto
import Foundation
import Testing

@Suite("OAuth: apps, grants, PKCE, revocation, scopes")
struct OAuthServiceTests {
    func app(_ fixture: TestFixture, scopes: String = "read write follow") async throws -> OAuthService.RegisteredApp {
        try await fixture.services.oauth.registerApp(name: "Client", redirectURIs: ["https://app.example/cb", OAuthService.outOfBand], scopes: scopes, website: nil)
    }

    // MARK: Tests

    @Test func storesOnlyHashesOfTokens() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let token = try await fixture.token(for: alice)
        #expect(token.count >= 43)
        let principal = try await fixture.services.oauth.authenticate(bearer: token)
        #expect(principal.account?.id == alice.id)
        #expect(try await fixture.database.token(hash: token) == nil)
    }

    @Test func authorizationCodeWithPKCE() async throws {
        let fixture = try await TestFixture()
        try await fixture.user("alice")
        let registered = try await app(fixture)
        let verifier = "a-very-long-code-verifier-with-enough-entropy-1234567890"
        let challenge = Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let code = try await fixture.services.oauth.authorize(
            clientID: registered.app.clientId, redirectURI: "https://app.example/cb", scope: "read", login: "alice",
            password: TestFixture.password, codeChallenge: challenge, codeChallengeMethod: "S256", address: nil)
        var request = OAuthService.TokenRequest(grantType: "authorization_code", clientID: registered.app.clientId, clientSecret: registered.clientSecret)
        request.code = code
        request.redirectURI = "https://app.example/cb"
        request.codeVerifier = "wrong-verifier"
        await #expect(throws: ChorusError.self) { try await fixture.services.oauth.issueToken(request, address: nil) }

        let code2 = try await fixture.services.oauth.authorize(
            clientID: registered.app.clientId, redirectURI: "https://app.example/cb", scope: "read", login: "alice",
            password: TestFixture.password, codeChallenge: challenge, codeChallengeMethod: "S256", address: nil)
        request.code = code2
        request.codeVerifier = verifier
        let issued = try await fixture.services.oauth.issueToken(request, address: nil)
        #expect(issued.scopes.description == "read")
        // A code works once.
        await #expect(throws: ChorusError.self) { try await fixture.services.oauth.issueToken(request, address: nil) }
    }

    @Test func refusesUnregisteredRedirectsAndBroaderScopes() async throws {
        let fixture = try await TestFixture()
        let registered = try await app(fixture, scopes: "read")
        await #expect(throws: ChorusError.self) {
            try await fixture.services.oauth.validateAuthorization(clientID: registered.app.clientId, redirectURI: "https://evil.example/", scope: "read")
        }
        await #expect(throws: ChorusError.self) {
            try await fixture.services.oauth.validateAuthorization(clientID: registered.app.clientId, redirectURI: "https://app.example/cb", scope: "read write")
        }
    }

    @Test func clientCredentialsHaveNoUser() async throws {
        let fixture = try await TestFixture()
        let registered = try await app(fixture)
        let request = OAuthService.TokenRequest(grantType: "client_credentials", clientID: registered.app.clientId, clientSecret: registered.clientSecret)
        let issued = try await fixture.services.oauth.issueToken(request, address: nil)
        let principal = try await fixture.services.oauth.authenticate(bearer: issued.token)
        #expect(principal.account == nil)
        #expect(throws: ChorusError.self) { try principal.user() }
    }

    @Test func wrongClientSecretIsRefused() async throws {
        let fixture = try await TestFixture()
        let registered = try await app(fixture)
        let request = OAuthService.TokenRequest(grantType: "client_credentials", clientID: registered.app.clientId, clientSecret: "nope")
        await #expect(throws: ChorusError.unauthorized("Client authentication failed")) { try await fixture.services.oauth.issueToken(request, address: nil) }
    }

    @Test func revokedTokensStopWorking() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let registered = try await app(fixture)
        var request = OAuthService.TokenRequest(grantType: "password", clientID: registered.app.clientId, clientSecret: registered.clientSecret)
        request.username = "alice"
        request.password = TestFixture.password
        let issued = try await fixture.services.oauth.issueToken(request, address: nil)
        #expect(try await fixture.services.oauth.authenticate(bearer: issued.token).account?.id == alice.id)
        try await fixture.services.oauth.revoke(token: issued.token, clientID: registered.app.clientId, clientSecret: registered.clientSecret)
        await #expect(throws: ChorusError.self) { try await fixture.services.oauth.authenticate(bearer: issued.token) }
    }
}
