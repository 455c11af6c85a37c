import Foundation

/// How long a web session lives: it ends after `idleTimeout` without use,
/// and `lifetime` after signing in however much it is used.
public struct SessionPolicy: Sendable, Equatable {
    public var idleTimeout: TimeInterval
    public var lifetime: TimeInterval
    /// Last use is written at most this often per session, so that reading
    /// pages does not turn every request into a write.
    public static let touchInterval: TimeInterval = 60

    public init(idleTimeout: TimeInterval = 14 * 86_400, lifetime: TimeInterval = 90 * 86_400) {
        self.idleTimeout = idleTimeout
        self.lifetime = lifetime
    }

    /// When a session signed in at `signedIn` and last used at `lastUsed` ends.
    public func expiry(signedIn: Date, lastUsed: Date?) -> Date {
        min(signedIn.addingTimeInterval(lifetime), (lastUsed ?? signedIn).addingTimeInterval(idleTimeout))
    }

    /// Whether the session still works at `now`.
    public func isLive(signedIn: Date, lastUsed: Date?, now: Date) -> Bool {
        now < expiry(signedIn: signedIn, lastUsed: lastUsed)
    }

    /// Whether a use at `now` should be written down.
    public func shouldRecordUse(lastUsed: Date?, now: Date) -> Bool {
        guard let lastUsed else { return true }
        return now.timeIntervalSince(lastUsed) >= Self.touchInterval
    }
}
