import ChorusCore
import ChorusStore
import Foundation
import Synchronization

/// What came back from one outbound POST.
public struct WebhookResponse: Sendable {
    public var status: Int
    /// The `Retry-After` header, if any.
    public var retryAfter: String?
    /// At most `maxResponseBytes` of the body.
    public var body: [UInt8]
    /// True when the body was longer and the rest was not read.
    public var truncated: Bool

    public init(status: Int, retryAfter: String? = nil, body: [UInt8] = [], truncated: Bool = false) {
        self.status = status
        self.retryAfter = retryAfter
        self.body = body
        self.truncated = truncated
    }
}

/// Why an outbound POST got no answer. Messages are safe to show to the
/// app's owner: they never contain the secret, the signature or the body.
public enum WebhookTransportError: Error, Sendable, Equatable {
    /// The target is not allowed by the outbound policy.
    case refused(String)
    /// No answer in time.
    case timedOut(seconds: Int)
    /// Could not connect, or the connection broke.
    case unreachable(String)
    /// The answer was larger than the limit.
    case tooLarge

    public var message: String {
        switch self {
        case .refused(let reason): reason
        case .timedOut(let seconds): "No answer within \(seconds) s"
        case .unreachable(let reason): "Could not reach the receiver: \(reason)"
        case .tooLarge: "The answer was larger than 64 KiB"
        }
    }
}

/// Sends app webhooks. The HTTP implementation lives in `ChorusHooks`;
/// tests use an in-memory one.
public protocol WebhookTransport: Sendable {
    /// Sends one request (`POST`, `DELETE` …) with `headers` and `body`; never follows redirects.
    func send(_ method: String, url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) async throws(WebhookTransportError) -> WebhookResponse

    /// Throws `.refused` if `url` may not be called under the current policy.
    func check(url: String) async throws(WebhookTransportError)
}

extension WebhookTransport {
    /// The largest answer read from a receiver.
    public static var maxResponseBytes: Int { 64 * 1024 }

    /// POSTs `body` (JSON, for webhooks) with `headers`.
    public func post(url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) async throws(WebhookTransportError) -> WebhookResponse {
        try await send("POST", url: url, headers: headers, body: body, timeout: timeout)
    }
}

/// The rules for outbound calls that do not need the network: only http(s),
/// a host, no credentials in the URL; and the administrator's allowlist,
/// current for every call (changing it takes effect at once).
public final class OutboundPolicy: Sendable {
    public static let settingKey = "hooks.allowlist"
    private let current = Mutex(HostAllowlist.empty)

    public init(allowlist: HostAllowlist = .empty) {
        current.withLock { $0 = allowlist }
    }

    public var allowlist: HostAllowlist {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }

    /// The host of a URL an app may be given, or a reason it may not.
    public static func host(of url: String) throws(WebhookTransportError) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https" else {
            throw .refused("Only http and https URLs are allowed")
        }
        guard let host = components.host, !host.isEmpty else { throw .refused("The URL has no host") }
        guard components.user == nil, components.password == nil else { throw .refused("The URL may not carry a user name or password") }
        // An escaped or non-ASCII host could be read one way here and another
        // way by the connection; international names are written in punycode.
        guard let written = components.percentEncodedHost, !written.contains("%"), host.allSatisfy(\.isASCII) else {
            throw .refused("The host must be written in plain ASCII (punycode for international names)")
        }
        guard !IPAddress.isNumericLookalike(host) else {
            throw .refused("The host \(host) would be read as an IP address: write an IPv4 address as four decimal numbers without leading zeros")
        }
        return host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// Whether `host`, resolved to `addresses`, is allowed.
    public func allows(host: String, addresses: [IPAddress]) -> Bool {
        allowlist.allows(host: host, addresses: addresses)
    }

    /// The reason shown when a host is refused.
    public static func refusal(host: String) -> WebhookTransportError {
        .refused("The host \(host) is not allowed for webhooks: an administrator can add it to the allowlist")
    }
}

/// The transport of a build without outbound HTTP: refuses every call.
public struct UnconfiguredTransport: WebhookTransport {
    public init() {}

    public func send(_ method: String, url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) async throws(WebhookTransportError) -> WebhookResponse {
        throw .refused("Outbound calls are not configured on this server")
    }

    public func check(url: String) async throws(WebhookTransportError) {
        _ = try OutboundPolicy.host(of: url)
    }
}
