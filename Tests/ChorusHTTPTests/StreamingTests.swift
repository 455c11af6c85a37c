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

@Suite("Streaming: WebSocket events follow visibility")
struct StreamingTests {
    /// Collects the frames a WebSocket receives, so a test can wait for one
    /// whatever order events arrive in.
    struct Frame: Sendable {
        var event: String
        var payload: String
        var stream: [String]
    }

    actor Inbox {
        private var frames: [Frame] = []

        func add(_ frame: Frame) { frames.append(frame) }

        /// The first frame with this event name (and payload check), waiting at most five seconds.
        func wait(for event: String, where accepts: @Sendable (String) -> Bool = { _ in true }) async throws -> Frame {
            for _ in 0..<250 {
                if let frame = frames.first(where: { $0.event == event && accepts($0.payload) }) {
                    return frame
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            throw ChorusError.notFound("no \(event) event arrived")
        }

        var all: [Frame] { frames }
    }

    /// Reads frames into `inbox` until the socket closes.
    static func collect(_ inbound: WebSocketInboundStream, into inbox: Inbox) async throws {
        for try await message in inbound.messages(maxSize: 1 << 20) {
            guard case .text(let text) = message,
                  let frame = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
            await inbox.add(Frame(event: frame["event"] as? String ?? "", payload: frame["payload"] as? String ?? "",
                                  stream: frame["stream"] as? [String] ?? []))
        }
    }

    /// Opens `stream` for `token` on 127.0.0.1, gives the subscription a
    /// moment to register, runs `body` with the frames arriving in an inbox,
    /// then closes the socket.
    static func withStream(port: Int, token: String, stream: String, _ body: @escaping @Sendable (Inbox) async throws -> Void) async throws {
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/streaming?stream=\(stream)&access_token=\(token)",
                                          logger: Logger(label: "test")) { inbound, outbound, _ in
            let inbox = Inbox()
            async let reading: Void = collect(inbound, into: inbox)
            try await Task.sleep(for: .milliseconds(200))
            try await body(inbox)
            try await outbound.close(.normalClosure, reason: nil)
            try await reading
        }
    }

    // MARK: Tests

    @Test func userStreamDeliversFollowedPostsAndNotificationsOnly() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let carol = try await fixture.user("carol")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        let token = try await fixture.token(for: bob)
        let app = buildApplication(services: fixture.services, settings: ServerSettings(host: "127.0.0.1", port: 0))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await StreamingTests.withStream(port: port, token: token, stream: "user") { inbox in
                let secret = try await fixture.post(carol, "carol's secret for followers", visibility: .followers)
                let post = try await fixture.post(alice, "直播测试 hello @bob")
                let update = try await inbox.wait(for: "update")
                let payload = try JSONSerialization.jsonObject(with: Data(update.payload.utf8)) as? [String: Any]
                #expect(payload?["id"] as? String == String(post.status.id))
                #expect(update.stream == ["user"])
                let notification = try await inbox.wait(for: "notification")
                #expect(notification.payload.contains("\"mention\""))
                let postID = String(post.status.id)
                _ = try await fixture.services.statuses.deleteStatus(id: post.status.id, by: alice)
                _ = try await inbox.wait(for: "delete") { $0 == postID }
                #expect(!(await inbox.all).contains { $0.payload.contains(String(secret.status.id)) })
            }
        }
    }

    @Test func publicStreamNeverCarriesLimitedPosts() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let token = try await fixture.token(for: bob)
        let app = buildApplication(services: fixture.services, settings: ServerSettings(host: "127.0.0.1", port: 0))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await StreamingTests.withStream(port: port, token: token, stream: "public") { inbox in
                let hidden = try await fixture.post(alice, "followers only", visibility: .followers)
                let open = try await fixture.post(alice, "for the company")
                let openID = String(open.status.id)
                _ = try await inbox.wait(for: "update") { $0.contains(openID) }
                #expect(!(await inbox.all).contains { $0.payload.contains(String(hidden.status.id)) })
            }
        }
    }

    @Test func refusesAnUpgradeWithoutAValidToken() async throws {
        let fixture = try await TestFixture()
        let app = buildApplication(services: fixture.services, settings: ServerSettings(host: "127.0.0.1", port: 0))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            await #expect(throws: (any Error).self) {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/streaming?stream=user&access_token=bogus",
                                                  logger: Logger(label: "test")) { _, _, _ in }
            }
        }
    }
}
