import ChorusCore
import ChorusHTTP
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import WSClient

/// A token that is revoked (or a session that is signed out) stops
/// receiving at once: its open streams end, whichever way they were opened.
/// The time limit only stops a hang: with every fixture on PostgreSQL, the
/// whole suite starting at once on two cores makes even a short test here
/// take close to a minute (every wait inside is bounded on its own).
@Suite("Streaming: revoking a token ends its open streams", .timeLimit(.minutes(3)))
struct RevokedStreamTests {
    /// A registered client app and a password-grant token from it.
    struct ClientToken {
        var clientID: String
        var clientSecret: String
        var token: String
    }

    func clientToken(_ fixture: TestFixture, for account: AccountRecord) async throws -> ClientToken {
        let registered = try await fixture.services.oauth.registerApp(name: "Client", redirectURIs: [OAuthService.outOfBand],
                                                                      scopes: "read write", website: nil)
        var request = OAuthService.TokenRequest(grantType: "password", clientID: registered.app.clientId, clientSecret: registered.clientSecret)
        request.username = account.username
        request.password = TestFixture.password
        let issued = try await fixture.services.oauth.issueToken(request, address: nil)
        return ClientToken(clientID: registered.app.clientId, clientSecret: registered.clientSecret, token: issued.token)
    }

    func streams(_ fixture: TestFixture, reach count: Int) async -> Bool {
        await waitUntil { fixture.services.streams.count == count }
    }

    // MARK: Tests

    @Test func revokingATokenEndsItsServerSentEventStreams() async throws {
        let fixture = try await TestFixture()
        let bob = try await fixture.user("bob")
        let revoked = try await clientToken(fixture, for: bob)
        let kept = try await clientToken(fixture, for: bob)
        try await TestAPI(fixture).run { client in
            let user = client.openStream("/api/v1/streaming/user", token: revoked.token)
            let company = client.openStream("/api/v1/streaming/public", token: revoked.token)
            let other = client.openStream("/api/v1/streaming/user", token: kept.token)
            #expect(await streams(fixture, reach: 3))
            let answer = try await client.call(.post, "/oauth/revoke", form: ["client_id": revoked.clientID, "client_secret": revoked.clientSecret,
                                                                            "token": revoked.token])
            #expect(answer.status == 200)
            #expect(await waitUntil { user.ended.isSet && company.ended.isSet })
            // The same person's other token keeps its stream.
            #expect(!other.ended.isSet && fixture.services.streams.count == 1)
            _ = try await client.call(.post, "/oauth/revoke", form: ["client_id": kept.clientID, "client_secret": kept.clientSecret, "token": kept.token])
            #expect(await waitUntil { other.ended.isSet })
            for stream in [user, company, other] { stream.task.cancel() }
        }
    }

    @Test func signingOutEndsThatBrowsersLiveUpdatesOnly() async throws {
        let fixture = try await TestFixture()
        _ = try await fixture.user("alice")
        try await TestAPI(fixture).run { client in
            let here = try await client.signIn("alice")
            let elsewhere = try await client.signIn("alice")
            let third = try await client.signIn("alice")
            let hereLive = client.openStream("/live", cookie: here)
            let elsewhereLive = client.openStream("/live", cookie: elsewhere)
            let thirdLive = client.openStream("/live", cookie: third)
            #expect(await streams(fixture, reach: 3))
            // Signing out the other sessions ends theirs, not this one's.
            let csrf = try #require(try await client.call(.get, "/settings", headers: [.cookie: here]).csrf)
            #expect(try await client.call(.post, "/settings/sessions", form: ["csrf": csrf], headers: [.cookie: here]).status == 303)
            #expect(await waitUntil { elsewhereLive.ended.isSet && thirdLive.ended.isSet })
            #expect(!hereLive.ended.isSet)
            #expect(try await client.call(.post, "/logout", form: ["csrf": csrf], headers: [.cookie: here]).status == 303)
            #expect(await waitUntil { hereLive.ended.isSet })
            for stream in [hereLive, elsewhereLive, thirdLive] { stream.task.cancel() }
        }
    }

    @Test func deactivationEndsEveryStreamAtOnce() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let token = try await clientToken(fixture, for: alice)
        try await TestAPI(fixture).run { client in
            let cookie = try await client.signIn("alice")
            let api = client.openStream("/api/v1/streaming/user", token: token.token)
            let live = client.openStream("/live", cookie: cookie)
            #expect(await streams(fixture, reach: 2))
            // No outbox relay runs here: the streams end without waiting for it.
            _ = try await fixture.services.accounts.deactivate(accountID: alice.id, actor: nil)
            #expect(await waitUntil { api.ended.isSet && live.ended.isSet })
            for stream in [api, live] { stream.task.cancel() }
        }
    }

    @Test func revokingATokenClosesItsWebSocket() async throws {
        let fixture = try await TestFixture()
        let bob = try await fixture.user("bob")
        let streaming = try await clientToken(fixture, for: bob)
        let idle = try await clientToken(fixture, for: bob)
        let app = buildApplication(services: fixture.services, settings: ServerSettings(host: "127.0.0.1", port: 0))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            for (token, initial) in [(streaming, "?stream=user&"), (idle, "?")] {
                let closed = Flag()
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/streaming\(initial)access_token=\(token.token)",
                                                  logger: Logger(label: "test")) { inbound, outbound, _ in
                    let reading = Task {
                        for try await _ in inbound.messages(maxSize: 1 << 20) {}
                        closed.set()
                    }
                    if initial == "?stream=user&" { _ = await streams(fixture, reach: 1) }
                    try await fixture.services.oauth.revoke(token: token.token, clientID: token.clientID, clientSecret: token.clientSecret)
                    // A socket without a stream yet cannot subscribe once its token is revoked.
                    try? await outbound.write(.text(#"{"type": "subscribe", "stream": "public"}"#))
                    let ended = await waitUntil { closed.isSet }
                    #expect(ended, "\(initial)")
                    if !ended { try await outbound.close(.normalClosure, reason: nil) }
                    _ = try? await reading.value
                }
                #expect(await streams(fixture, reach: 0))
            }
        }
    }

    @Test func aRevocationOnAnotherNodeEndsTheStreamsHere() async throws {
        let fixture = try await TestFixture()
        let bob = try await fixture.user("bob")
        let token = try await clientToken(fixture, for: bob)
        let tokenID = try await fixture.services.oauth.authenticate(bearer: token.token).tokenID
        // This node's hub and relay; the revocation happens through the services of another.
        let hub = StreamHub()
        let relay = OutboxRelay(database: fixture.database, hub: hub, logger: Logger(label: "test"))
        let cursor = try await fixture.database.latestEventID()
        let revoked = try hub.subscribe(accountID: bob.id, tokenID: tokenID, kind: .user)
        let kept = try hub.subscribe(accountID: bob.id, tokenID: tokenID + 1, kind: .company)
        try await fixture.services.oauth.revoke(token: token.token, clientID: token.clientID, clientSecret: token.clientSecret)
        #expect(hub.count == 2)
        _ = try await relay.drain(after: cursor)
        #expect(hub.count == 1)
        if hub.count == 1 {
            var iterator = revoked.makeAsyncIterator()
            #expect(await iterator.next() == nil)
        }
        withExtendedLifetime(kept) {}
    }
}
