import ChorusCore
import Foundation

/// Settings the services need, read once at start-up.
public struct ChorusConfig: Sendable {
    /// The public URL of this Chorus, without a trailing slash (links, OAuth, invites).
    public var baseURL: String
    /// Instance title shown to clients.
    public var title: String
    /// Hours an invitation link stays valid.
    public var inviteLifetime: TimeInterval
    /// When failed app webhook deliveries are tried again.
    public var hookRetrySchedule: RetrySchedule
    /// Seconds between attempts of a brand export (nil: the standard ones).
    public var bridgeRetryDelays: [TimeInterval]?
    /// A test aid: the export worker exits right after an external call
    /// succeeded and before recording it, to prove that nothing is posted twice.
    public var bridgeCrashAfterExternalCall = false
    /// How many posts one account may make in a sliding window.
    public var postLimit = RateLimit(count: 300, window: 300)
    /// How many live streams (server-sent events or WebSockets) one account may hold open at once.
    public var streamsPerAccount = 16
    /// How many streams one WebSocket may subscribe to.
    public var subscriptionsPerSocket = 16
    /// Seconds a web session may go unused before it ends.
    public var sessionIdleTimeout: TimeInterval = 14 * 86_400
    /// Seconds after signing in that a web session ends, however much it is used.
    public var sessionLifetime: TimeInterval = 90 * 86_400

    public init(baseURL: String, title: String = "Chorus", inviteLifetime: TimeInterval = 7 * 24 * 3600,
                hookRetrySchedule: RetrySchedule = .standard) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.title = title
        self.inviteLifetime = inviteLifetime
        self.hookRetrySchedule = hookRetrySchedule
    }

    /// The rule the two session settings make.
    public var sessionPolicy: SessionPolicy { SessionPolicy(idleTimeout: sessionIdleTimeout, lifetime: sessionLifetime) }

    /// The host name part of the base URL (Mastodon's `uri`/`domain`).
    public var domain: String {
        URLComponents(string: baseURL)?.host.map { host in
            URLComponents(string: baseURL)?.port.map { "\(host):\($0)" } ?? host
        } ?? "localhost"
    }
}

/// At most `count` events in any `window` seconds.
public struct RateLimit: Sendable, Equatable {
    public var count: Int
    public var window: TimeInterval

    public init(count: Int, window: TimeInterval) {
        self.count = count
        self.window = window
    }

    /// `count/seconds`, as in `300/300` (the `CHORUS_POST_RATE_LIMIT` setting).
    public init?(parsing text: String) {
        let parts = text.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let count = Int(parts[0]), count > 0, let window = TimeInterval(parts[1]), window > 0 else { return nil }
        self.init(count: count, window: window)
    }
}
