import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    public func createApp(_ app: OAuthAppRecord) async throws -> OAuthAppRecord {
        try await write { db in
            var app = app
            try app.insert(db)
            return app
        }
    }

    public func app(clientID: String) async throws -> OAuthAppRecord? {
        try await read { db in try OAuthAppRecord.filter(Column("client_id") == clientID).fetchOne(db) }
    }

    public func app(id: Int64) async throws -> OAuthAppRecord? {
        try await read { db in try OAuthAppRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM oauth_apps WHERE id = ?"), arguments: [id]) }
    }

    public func createCode(_ code: OAuthCodeRecord) async throws {
        try await write { db in try code.insert(db) }
    }

    /// Takes a code out of the store (codes work once); nil if unknown or expired.
    /// Uses up an authorization code, once: nil when unknown or expired (an
    /// expired one is deleted). `check` runs first, in the same transaction;
    /// if it throws, the code is left as it was, so a request from the wrong
    /// client, or with the wrong redirect or verifier, cannot burn it.
    public func consumeCode(hash: String, check: @escaping @Sendable (OAuthCodeRecord) throws -> Void) async throws -> OAuthCodeRecord? {
        let now = now()
        return try await write { db in
            guard let code = try OAuthCodeRecord.fetchOne(db, key: hash) else { return nil }
            guard code.expiresAt > now else {
                try code.delete(db)
                return nil
            }
            try check(code)
            try code.delete(db)
            return code
        }
    }

    public func createToken(_ token: AccessTokenRecord) async throws -> AccessTokenRecord {
        try await write { db in
            var token = token
            try token.insert(db)
            return token
        }
    }

    /// The token with this hash and its account; nil if unknown, or if its
    /// account is deactivated.
    public func token(hash: String) async throws -> (AccessTokenRecord, AccountRecord?)? {
        try await read { db in
            guard let token = try AccessTokenRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM access_tokens WHERE token_hash = ?"),
                                                             arguments: [hash]) else { return nil }
            guard let accountID = token.accountId else { return (token, nil) }
            guard let account = try AccountRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM accounts WHERE id = ?"), arguments: [accountID]),
                  account.isActive else { return nil }
            return (token, account)
        }
    }

    /// Ends every web session of an account but one ("sign out other
    /// sessions"). Returns the ids of those that ended.
    public func revokeOtherSessions(accountID: Int64, keepTokenID: Int64, actorIP: String?) async throws -> [Int64] {
        try await write { db in
            let ended = try self.revokeTokens(db, accountID: accountID, keeping: keepTokenID, sessionsOnly: true)
            try self.appendAudit(db, actorID: accountID, action: "session.signed_out_elsewhere", subject: "account:\(accountID)",
                                 detail: ["sessions": ended.count], ip: actorIP)
            return ended
        }
    }

    /// Whether a token still exists (it was not revoked or expired meanwhile).
    public func tokenExists(id: Int64) async throws -> Bool {
        try await read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM access_tokens WHERE id = ?)", arguments: [id]) ?? false }
    }

    /// Deletes one token; returns its id if it existed.
    @discardableResult
    public func revokeToken(hash: String) async throws -> Int64? {
        try await write { db in try self.deleteTokens(db, where: "token_hash = ?", arguments: [hash]).first }
    }

    /// Deletes the tokens of an account (only its web sessions with
    /// `sessionsOnly`) but `keepTokenID`, and tells every node. Returns the
    /// ids of those that ended.
    func revokeTokens(_ db: Database, accountID: Int64, keeping keepTokenID: Int64?, sessionsOnly: Bool) throws -> [Int64] {
        try deleteTokens(db, where: "account_id = ? AND id IS NOT ?" + (sessionsOnly ? " AND kind = 'session'" : ""),
                         arguments: [accountID, keepTokenID])
    }

    /// Deletes the tokens `condition` selects and tells every node that they
    /// are gone, so that the streams they opened end there too
    /// (`StreamHub`). Returns their ids. (Selected, then deleted by id:
    /// `DELETE … RETURNING` needs SQLite 3.35.)
    func deleteTokens(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [Int64] {
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM access_tokens WHERE " + condition, arguments: arguments)
        for id in ids { try db.run("DELETE FROM access_tokens WHERE id = ?", arguments: [id]) }
        if !ids.isEmpty { try appendEvent(db, type: "tokens.revoked", payload: ["token_ids": ids]) }
        return ids
    }
}
