import ChorusCore
import ChorusStore
import Foundation
import GRDB

/// Web sessions: the tokens of kind `session` behind browsers' cookies.
extension SQLiteDatabase {
    /// The web sessions of an account, most recently used first.
    public func sessions(accountID: Int64) async throws -> [AccessTokenRecord] {
        try await read { db in
            try AccessTokenRecord.fetchAll(db, sql: """
                SELECT * FROM access_tokens WHERE account_id = ? AND kind = 'session'
                ORDER BY coalesce(last_used_at, created_at) DESC, id DESC
                """, arguments: [accountID])
        }
    }

    /// Writes down a use of a session (when, from where, with what), unless
    /// one was written after `notBefore`: of requests arriving together, one
    /// writes. A missing address or browser keeps the last known one.
    public func recordSessionUse(tokenID: Int64, at now: Date, notBefore: Date, address: String?, userAgent: String?) async throws {
        try await write { db in
            try db.run("""
                UPDATE access_tokens SET last_used_at = ?, ip = coalesce(?, ip), user_agent = coalesce(?, user_agent)
                WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)
                """, arguments: [now, address, userAgent, tokenID, notBefore])
        }
    }

    /// Deletes the web sessions that are past their time: they stopped
    /// working already, and their browser and address need not be kept.
    /// Returns how many went.
    @discardableResult
    public func pruneExpiredSessions(idleTimeout: TimeInterval, lifetime: TimeInterval) async throws -> Int {
        let now = now()
        return try await write { db in
            try self.deleteTokens(db, where: "kind = 'session' AND (created_at <= ? OR coalesce(last_used_at, created_at) <= ?)",
                                  arguments: [now.addingTimeInterval(-lifetime), now.addingTimeInterval(-idleTimeout)]).count
        }
    }

    /// Ends one web session of an account; false when the account has no
    /// session with this id (someone else's included), and nothing changes.
    public func revokeSession(id: Int64, accountID: Int64, actorIP: String?) async throws -> Bool {
        try await write { db in
            guard try !self.deleteTokens(db, where: "id = ? AND account_id = ? AND kind = 'session'", arguments: [id, accountID]).isEmpty else {
                return false
            }
            try self.appendAudit(db, actorID: accountID, action: "session.signed_out", subject: "session:\(id)", ip: actorIP)
            return true
        }
    }
}
