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
    // MARK: Tests

    @Test func changingThePasswordEndsEveryOtherSessionAndToken() async throws {
        let fixture = try TestFixture()
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
