import ChorusCore
import Foundation
import GRDB

extension AppDatabase {
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
    /// sessions"); their open streams close. Returns how many ended.
    public func revokeOtherSessions(accountID: Int64, keepTokenID: Int64, actorIP: String?) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM access_tokens WHERE account_id = ? AND kind = 'session' AND id <> ?", arguments: [accountID, keepTokenID])
            let ended = db.changesCount
            try self.appendAudit(db, actorID: accountID, action: "session.signed_out_elsewhere", subject: "account:\(accountID)",
                                 detail: ["sessions": ended], ip: actorIP)
            try self.appendEvent(db, type: "account.sessions_revoked", payload: ["account_id": accountID])
            return ended
        }
    }

    /// Deletes one token; true if it existed.
    @discardableResult
    public func revokeToken(hash: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM access_tokens WHERE token_hash = ?", arguments: [hash])
            return db.changesCount > 0
        }
    }
}
