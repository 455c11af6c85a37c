import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

/// Web sessions: the tokens of kind `session` behind browsers' cookies.
extension PostgresDatabase {
    /// The web sessions of an account, most recently used first.
    public func sessions(accountID: Int64) async throws -> [AccessTokenRecord] {
        try await read { connection in
            try await connection.records(AccessTokenRecord.self, """
                SELECT * FROM access_tokens WHERE account_id = \(accountID) AND kind = 'session'
                ORDER BY coalesce(last_used_at, created_at) DESC, id DESC
                """)
        }
    }

    /// Writes down a use of a session (when, from where, with what), unless
    /// one was written after `notBefore`: of requests arriving together, one
    /// writes. A missing address or browser keeps the last known one.
    public func recordSessionUse(tokenID: Int64, at now: Date, notBefore: Date, address: String?, userAgent: String?) async throws {
        try await write { connection in
            _ = try await connection.run("""
                UPDATE access_tokens SET last_used_at = \(now), ip = coalesce(\(address), ip), user_agent = coalesce(\(userAgent), user_agent)
                WHERE id = \(tokenID) AND (last_used_at IS NULL OR last_used_at <= \(notBefore))
                """)
        }
    }

    /// Deletes the web sessions that are past their time: they stopped
    /// working already, and their browser and address need not be kept.
    /// Returns how many went.
    @discardableResult
    public func pruneExpiredSessions(idleTimeout: TimeInterval, lifetime: TimeInterval) async throws -> Int {
        let now = now()
        let createdBefore = now.addingTimeInterval(-lifetime)
        let idleBefore = now.addingTimeInterval(-idleTimeout)
        return try await write { connection in
            let ids = try await connection.column(Int64.self, """
                DELETE FROM access_tokens
                WHERE kind = 'session' AND (created_at <= \(createdBefore) OR coalesce(last_used_at, created_at) <= \(idleBefore))
                RETURNING id
                """)
            return try await self.announceRevokedTokens(connection, ids: ids).count
        }
    }

    /// Ends one web session of an account; false when the account has no
    /// session with this id (someone else's included), and nothing changes.
    public func revokeSession(id: Int64, accountID: Int64, actorIP: String?) async throws -> Bool {
        try await write { connection in
            let ids = try await connection.column(Int64.self, """
                DELETE FROM access_tokens WHERE id = \(id) AND account_id = \(accountID) AND kind = 'session' RETURNING id
                """)
            guard try await !self.announceRevokedTokens(connection, ids: ids).isEmpty else { return false }
            try await self.appendAudit(connection, actorID: accountID, action: "session.signed_out", subject: "session:\(id)", ip: actorIP)
            return true
        }
    }
}
