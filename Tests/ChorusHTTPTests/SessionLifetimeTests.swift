import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Web sessions: how long they last, the list of them, a password change")
struct SessionLifetimeTests {
    static let safariOnMac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
    static let firefoxOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0"

    /// The id of the token behind a session cookie ("chorus_session=…") or a bearer token.
    func tokenID(_ cookieOrToken: String, _ fixture: TestFixture) async throws -> Int64 {
        let token = cookieOrToken.hasPrefix("chorus_session=") ? String(cookieOrToken.dropFirst("chorus_session=".count)) : cookieOrToken
        return try await fixture.services.oauth.authenticate(bearer: token).tokenID
    }

    // MARK: Tests

    @Test func sessionsEndAfterTwoWeeksUnusedAndNinetyDaysInAll() async throws {
        let clock = TestClock()
        let fixture = try await TestFixture(clock: clock)
        _ = try await fixture.user("alice")
        try await TestAPI(fixture).run { client in
            let idle = try await client.signIn("alice")
            clock.advance(days: 13)
            #expect(try await client.call(.get, "/", headers: [.cookie: idle]).status == 200)
            // Thirteen more days: counted from the last use, so still signed in.
            clock.advance(days: 13)
            #expect(try await client.call(.get, "/", headers: [.cookie: idle]).status == 200)
            clock.advance(days: 14.01)
            #expect((try await client.call(.get, "/", headers: [.cookie: idle])).sendsToSignIn)

            // Used every ten days, a session still ends ninety days after signing in.
            let busy = try await client.signIn("alice")
            for _ in 0..<8 {
                clock.advance(days: 10)
                #expect(try await client.call(.get, "/", headers: [.cookie: busy]).status == 200)
            }
            clock.advance(days: 10)
            #expect((try await client.call(.get, "/settings", headers: [.cookie: busy])).sendsToSignIn)
        }
    }

    @Test func expiredSessionsArePrunedWithTheirBrowserAndAddress() async throws {
        let clock = TestClock()
        let fixture = try await TestFixture(clock: clock)
        let alice = try await fixture.user("alice")
        let client = SessionClient(address: "10.0.0.7", userAgent: Self.firefoxOnWindows)
        _ = try await fixture.services.oauth.issueSession(accountID: alice.id, client: client)
        clock.advance(days: 10)
        let recent = try await fixture.services.oauth.issueSession(accountID: alice.id, client: client)
        let appToken = try await fixture.token(for: alice)
        clock.advance(days: 5)
        let policy = fixture.services.config.sessionPolicy
        #expect(try await fixture.database.pruneExpiredSessions(idleTimeout: policy.idleTimeout, lifetime: policy.lifetime) == 1)
        let left = try await fixture.database.sessions(accountID: alice.id)
        #expect(try await left.map(\.id) == [tokenID(recent.token, fixture)])
        // App tokens are not sessions: they stay.
        #expect(try await fixture.services.oauth.authenticate(bearer: appToken).kind == .oauth)
    }

    @Test func lastUseIsWrittenAtMostOnceAMinute() async throws {
        let clock = TestClock()
        let fixture = try await TestFixture(clock: clock)
        let alice = try await fixture.user("alice")
        let signedIn = clock.now()
        try await TestAPI(fixture).run { client in
            let cookie = try await client.signIn("alice", headers: [.userAgent: Self.safariOnMac])
            let id = try await tokenID(cookie, fixture)
            func stored() async throws -> AccessTokenRecord? {
                try await fixture.database.sessions(accountID: alice.id).first { $0.id == id }
            }
            #expect(try await stored()?.userAgent == Self.safariOnMac)
            clock.advance(by: 30)
            _ = try await client.call(.get, "/", headers: [.cookie: cookie, .userAgent: Self.firefoxOnWindows])
            #expect(try await stored()?.lastUsedAt == signedIn)
            clock.advance(by: 31)
            _ = try await client.call(.get, "/", headers: [.cookie: cookie, .userAgent: Self.firefoxOnWindows])
            #expect(try await stored()?.lastUsedAt == clock.now())
            #expect(try await stored()?.userAgent == Self.firefoxOnWindows)
        }
    }

    @Test func settingsListOnesOwnSessionsAndEndThemOneByOne() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        _ = try await fixture.user("bob")
        let desk = try await fixture.services.oauth.issueSession(accountID: alice.id, client: SessionClient(address: "10.0.0.7", userAgent: Self.firefoxOnWindows))
        let deskID = try await tokenID(desk.token, fixture)
        try await TestAPI(fixture).run { client in
            let here = try await client.signIn("alice", headers: [.userAgent: Self.safariOnMac])
            let bob = try await client.signIn("bob")
            let page = try await client.call(.get, "/settings", headers: [.cookie: here, .acceptLanguage: "en"])
            #expect(page.status == 200)
            #expect(page.text.contains("Safari on macOS") && page.text.contains("This session"))
            #expect(page.text.contains("Firefox on Windows") && page.text.contains("10.0.0.7"))
            #expect(page.text.contains("action=\"/settings/sessions/\(deskID)/end\""))
            #expect(!page.text.contains("action=\"/settings/sessions/\(try await tokenID(bob, fixture))/end\""))
            let chinese = try await client.call(.get, "/settings", headers: [.cookie: here, .acceptLanguage: "zh-TW"])
            #expect(chinese.text.contains("目前的登入"))
            let csrf = try #require(page.csrf)

            let forged = try await client.call(.post, "/settings/sessions/\(deskID)/end", form: [:], headers: [.cookie: here])
            #expect(forged.status == 403)
            // Another person's session, or one that does not exist: not found, and nothing ends.
            let bobsID = try await tokenID(bob, fixture)
            let others = try await client.call(.post, "/settings/sessions/\(bobsID)/end", form: ["csrf": csrf], headers: [.cookie: here, .accept: "text/html"])
            #expect(others.status == 404)
            #expect(try await client.call(.get, "/", headers: [.cookie: bob]).status == 200)
            let missing = try await client.call(.post, "/settings/sessions/999999/end", form: ["csrf": csrf], headers: [.cookie: here, .accept: "text/html"])
            #expect(missing.status == 404)

            let ended = try await client.call(.post, "/settings/sessions/\(deskID)/end", form: ["csrf": csrf], headers: [.cookie: here])
            #expect(ended.status == 303 && ended.headers[.location] == "/settings?done=settings_session_ended")
            await #expect(throws: ChorusError.self) { try await fixture.services.oauth.authenticate(bearer: desk.token) }
            let after = try await client.call(.get, "/settings?done=settings_session_ended", headers: [.cookie: here, .acceptLanguage: "en"])
            #expect(after.status == 200 && !after.text.contains("Firefox on Windows") && after.text.contains("That session was signed out."))

            // Ending this session is signing out here.
            let hereID = try await tokenID(here, fixture)
            let out = try await client.call(.post, "/settings/sessions/\(hereID)/end", form: ["csrf": csrf], headers: [.cookie: here])
            #expect(out.sendsToSignIn)
            #expect((try await client.call(.get, "/", headers: [.cookie: here])).sendsToSignIn)
        }
    }

    @Test func changingThePasswordEndsEveryOtherSessionAndToken() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let appToken = try await fixture.token(for: alice)
        let bobsToken = try await fixture.token(for: bob)
        try await TestAPI(fixture).run { client in
            let here = try await client.signIn("alice")
            let elsewhere = try await client.signIn("alice")
            let hereLive = client.openStream("/live", cookie: here)
            let elsewhereLive = client.openStream("/live", cookie: elsewhere)
            #expect(await waitUntil { fixture.services.streams.count == 2 })
            let csrf = try #require(try await client.call(.get, "/settings", headers: [.cookie: here]).csrf)
            let changed = try await client.call(.post, "/settings/password", form: [
                "csrf": csrf, "current_password": TestFixture.password, "new_password": "a brand new password",
            ], headers: [.cookie: here])
            #expect(changed.status == 303 && changed.headers[.location] == "/settings?done=settings_password_changed")
            let notice = try await client.call(.get, "/settings?done=settings_password_changed", headers: [.cookie: here, .acceptLanguage: "en"])
            #expect(notice.text.contains("Your other sessions and apps were signed out."))
            #expect(try await client.call(.get, "/", headers: [.cookie: here]).status == 200)
            #expect((try await client.call(.get, "/", headers: [.cookie: elsewhere])).sendsToSignIn)
            #expect(try await client.call(.get, "/api/v1/accounts/verify_credentials", token: appToken).status == 401)
            // Nobody else's tokens end.
            #expect(try await client.call(.get, "/api/v1/accounts/verify_credentials", token: bobsToken).status == 200)
            // The other session's live updates end; this one's go on.
            #expect(await waitUntil { elsewhereLive.ended.isSet })
            #expect(!hereLive.ended.isSet)
            _ = try await client.signIn("alice", password: "a brand new password")
            for stream in [hereLive, elsewhereLive] { stream.task.cancel() }
        }
    }
}
