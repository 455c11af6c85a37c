import ChorusCore
import Foundation

/// Signed-in sessions (the tokens of people, as they see them in settings).
public protocol SessionStore: Sendable {
    /// The web sessions of an account, most recently used first.
    func sessions(accountID: Int64) async throws -> [AccessTokenRecord]

    /// Writes down a use of a session (when, from where, with what), unless
    /// one was written after `notBefore`: of requests arriving together, one
    /// writes. A missing address or browser keeps the last known one.
    func recordSessionUse(tokenID: Int64, at now: Date, notBefore: Date, address: String?, userAgent: String?) async throws

    @discardableResult
    func pruneExpiredSessions(idleTimeout: TimeInterval, lifetime: TimeInterval) async throws -> Int

    /// Ends one web session of an account; false when the account has no
    /// session with this id (someone else's included), and nothing changes.
    func revokeSession(id: Int64, accountID: Int64, actorIP: String?) async throws -> Bool
}
