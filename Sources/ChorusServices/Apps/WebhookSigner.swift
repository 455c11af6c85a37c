import ChorusCore
import Crypto
import Foundation

/// Signs webhook deliveries per the Standard Webhooks specification:
/// `webhook-signature` is `v1,` + base64(HMAC-SHA256(key, "id.timestamp.body"))
/// where the key is the base64 part of a `whsec_…` secret. During a secret
/// rotation a delivery carries one signature per secret, space-separated, so
/// receivers holding either secret accept it.
public enum WebhookSigner {
    public static let secretPrefix = "whsec_"

    /// A new secret: `whsec_` + base64 of 32 random bytes.
    public static func newSecret() -> String {
        secretPrefix + Data(SecretGenerator.randomBytes(32)).base64EncodedString()
    }

    /// The signing key of a `whsec_…` secret; nil if it is malformed.
    static func key(_ secret: String) -> SymmetricKey? {
        guard secret.hasPrefix(secretPrefix), let data = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))), !data.isEmpty else {
            return nil
        }
        return SymmetricKey(data: data)
    }

    /// The `webhook-signature` value for a message, signed with every secret given.
    public static func signature(id: String, timestamp: Int, body: Data, secrets: [String]) -> String {
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        return secrets.compactMap(key).map { key in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).base64EncodedString()
        }.joined(separator: " ")
    }

    /// The three headers of a delivery.
    public static func headers(id: String, timestamp: Int, body: Data, secrets: [String]) -> [(name: String, value: String)] {
        [("webhook-id", id), ("webhook-timestamp", String(timestamp)),
         ("webhook-signature", signature(id: id, timestamp: timestamp, body: body, secrets: secrets))]
    }

    /// Whether any signature in `header` is valid for the message under
    /// `secret`, and the timestamp within `tolerance` seconds of `now`
    /// (what receivers check; Chorus uses it for answers to commands).
    public static func verify(id: String, timestamp: Int, body: Data, header: String, secret: String,
                              now: Date = Date(), tolerance: TimeInterval = 300) -> Bool {
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = signature(id: id, timestamp: timestamp, body: body, secrets: [secret])
        guard !expected.isEmpty else { return false }
        return header.split(separator: " ").contains { SecretGenerator.constantTimeEquals(String($0), expected) }
    }
}
