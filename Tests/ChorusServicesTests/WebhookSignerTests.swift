import ChorusServices
import Foundation
import Testing

@Suite("Standard Webhooks signatures")
struct WebhookSignerTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let body = Data(#"{"test": 2432232314}"#.utf8)

    // MARK: Tests

    @Test func matchesTheSpecificationsExample() {
        // The example of the Standard Webhooks specification (also what its reference library computes).
        #expect(WebhookSigner.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Self.body, secrets: [Self.secret])
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func signsWithEverySecretDuringARotation() {
        let newer = WebhookSigner.newSecret()
        #expect(newer.hasPrefix("whsec_") && Data(base64Encoded: String(newer.dropFirst(6)))?.count == 32)
        let header = WebhookSigner.signature(id: "msg_1", timestamp: 1_700_000_000, body: Self.body, secrets: [newer, Self.secret])
        #expect(header.split(separator: " ").count == 2)
        let now = Date(timeIntervalSince1970: 1_700_000_010)
        for secret in [newer, Self.secret] {
            #expect(WebhookSigner.verify(id: "msg_1", timestamp: 1_700_000_000, body: Self.body, header: header, secret: secret, now: now))
        }
        #expect(!WebhookSigner.verify(id: "msg_1", timestamp: 1_700_000_000, body: Data("tampered".utf8), header: header, secret: newer, now: now))
        #expect(!WebhookSigner.verify(id: "msg_2", timestamp: 1_700_000_000, body: Self.body, header: header, secret: newer, now: now))
        // Too old or from the future: refused even when the signature is right.
        #expect(!WebhookSigner.verify(id: "msg_1", timestamp: 1_700_000_000, body: Self.body, header: header, secret: newer,
                                      now: Date(timeIntervalSince1970: 1_700_001_000)))
        // A malformed secret signs nothing.
        #expect(WebhookSigner.signature(id: "x", timestamp: 1, body: Self.body, secrets: ["not-a-secret"]).isEmpty)
        let headers = WebhookSigner.headers(id: "msg_1", timestamp: 1_700_000_000, body: Self.body, secrets: [newer])
        #expect(headers.map(\.name) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
    }
}
