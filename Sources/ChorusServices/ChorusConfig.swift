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
