@testable import ChorusHTTP
import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import HTTPTypes
import Testing

/// A post holds at most 4,096 bytes whatever way it arrives (API, compose
/// page, incoming hook), and the refusal says why in the reader's language.
@Suite("Post byte cap over HTTP and on the compose page")
struct PostLimitsHTTPTests {
    static let message = "Validation failed: Text is too long (at most 4096 bytes)"
    /// Counts as one link (23 characters) but is over 5 KB.
    static let longLink = "https://example.com/" + String(repeating: "a", count: 5_000)

    // MARK: Tests

    @Test func aPostOverFourKilobytesIsRefusedWith422() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let token = try await fixture.token(for: alice)
        try await TestAPI(fixture).run { client in
            let refused = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": "look " + Self.longLink])
            #expect(refused.status == 422 && refused.object?["error"] as? String == Self.message, "\(refused.status) \(refused.text)")
            let json = try await client.call(.post, "/api/v1/statuses", token: token, json: #"{"status": "\#(Self.longLink)"}"#)
            #expect(json.status == 422 && json.object?["error"] as? String == Self.message)
        }
        #expect(try await fixture.services.timelines.home(viewer: alice, page: Page()).isEmpty)
    }

    @Test func anIncomingHookPostOverFourKilobytesIsRefusedWith422() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("admin", role: .admin)
        let adminToken = try await fixture.token(for: admin)
        try await TestAPI(fixture).run { client in
            let created = try await client.call(.post, "/api/v1/chorus/apps", token: adminToken, json: #"{"name": "CI", "incoming": true}"#)
            let hook = try #require((created.object?["incoming_url"] as? String)?.replacingOccurrences(of: TestFixture.baseURL, with: ""))
            let refused = try await client.call(.post, hook, json: #"{"text": "\#(Self.longLink)"}"#)
            #expect(refused.status == 422 && refused.object?["error"] as? String == Self.message, "\(refused.status) \(refused.text)")
        }
    }

    @Test func theComposePageShowsTheByteCapInTheReadersLanguage() async throws {
        let fixture = try await TestFixture()
        let bob = try await fixture.user("bob")
        let cookie = try await fixture.sessionCookie(for: bob)
        try await TestAPI(fixture).run { client in
            let home = try await client.call(.get, "/", headers: [.cookie: cookie, .acceptLanguage: "zh-CN"])
            let range = try #require(home.text.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression))
            let csrf = String(home.text[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
            let refused = try await client.call(.post, "/statuses", form: ["status": Self.longLink, "csrf": csrf],
                                                headers: [.cookie: cookie, .acceptLanguage: "zh-CN"])
            #expect(refused.status == 422 && refused.text.contains("role=\"alert\""))
            #expect(refused.text.contains("动态太长：包括链接在内最多 4096 字节。"), "\(refused.text.prefix(3000))")
        }
        #expect(try await fixture.services.timelines.home(viewer: bob, page: Page()).isEmpty)
    }

    @Test func theByteCapMessageIsTranslatedInEveryLanguage() {
        let localizer = Localizer()
        for code in Localizer.supported where code != "en" {
            #expect(localizer.error(Self.message, code) != Self.message, "\(code) lacks the byte cap message")
        }
        #expect(!localizer.error(Self.message, "en").isEmpty)
    }
}
