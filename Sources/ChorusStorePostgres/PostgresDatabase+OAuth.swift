import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func createApp(_ app: OAuthAppRecord) async throws -> OAuthAppRecord {
        try await write { connection in
            var app = app
            app.id = try await connection.scalar(Int64.self, """
                INSERT INTO oauth_apps (name, website, redirect_uris, scopes, client_id, client_secret_hash, owner_account_id, created_at)
                VALUES (\(app.name), \(app.website), \(app.redirectUris), \(app.scopes), \(app.clientId), \(app.clientSecretHash),
                        \(app.ownerAccountId), \(app.createdAt))
                RETURNING id
                """)
            return app
        }
    }

    public func app(clientID: String) async throws -> OAuthAppRecord? {
        try await read { try await $0.record(OAuthAppRecord.self, "SELECT * FROM oauth_apps WHERE client_id = \(clientID)") }
    }

    public func app(id: Int64) async throws -> OAuthAppRecord? {
        try await read { try await $0.record(OAuthAppRecord.self, "SELECT * FROM oauth_apps WHERE id = \(id)") }
    }

    public func createCode(_ code: OAuthCodeRecord) async throws {
        try await write { connection in
            _ = try await connection.run("""
                INSERT INTO oauth_codes (code_hash, app_id, account_id, scopes, redirect_uri, code_challenge, expires_at)
                VALUES (\(code.codeHash), \(code.appId), \(code.accountId), \(code.scopes), \(code.redirectUri),
                        \(code.codeChallenge), \(code.expiresAt))
                """)
        }
    }

    /// Uses up an authorization code, once: nil when unknown or expired (an
    /// expired one is deleted). The code is deleted first and `check` runs
    /// after, in the same transaction: if it throws, the transaction rolls
    /// back and the code is left as it was, so a request from the wrong
    /// client, or with the wrong redirect or verifier, cannot burn it. Two
    /// racing requests cannot both get it: the second deletes nothing.
    public func consumeCode(hash: String, check: @escaping @Sendable (OAuthCodeRecord) throws -> Void) async throws -> OAuthCodeRecord? {
        let now = now()
        return try await write { connection in
            guard let code = try await connection.record(OAuthCodeRecord.self, "DELETE FROM oauth_codes WHERE code_hash = \(hash) RETURNING *") else {
                return nil
            }
            guard code.expiresAt > now else { return nil }
            try check(code)
            return code
        }
    }

    public func createToken(_ token: AccessTokenRecord) async throws -> AccessTokenRecord {
        try await write { connection in
            var token = token
            token.id = try await self.insertToken(connection, token)
            return token
        }
    }

    /// Inserts a token with every column; returns its new id.
    func insertToken(_ connection: PostgresConnection, _ token: AccessTokenRecord) async throws -> Int64? {
        try await connection.scalar(Int64.self, """
            INSERT INTO access_tokens (token_hash, kind, app_id, account_id, scopes, created_at, last_used_at, team_id, user_agent, ip)
            VALUES (\(token.tokenHash), \(token.kind), \(token.appId), \(token.accountId), \(token.scopes), \(token.createdAt),
                    \(token.lastUsedAt), \(token.teamId), \(token.userAgent), \(token.ip))
            RETURNING id
            """)
    }

    /// The token with this hash and its account; nil if unknown, or if its
    /// account is deactivated.
    public func token(hash: String) async throws -> (AccessTokenRecord, AccountRecord?)? {
        try await read { connection in
            guard let token = try await connection.record(AccessTokenRecord.self, "SELECT * FROM access_tokens WHERE token_hash = \(hash)") else {
                return nil
            }
            guard let accountID = token.accountId else { return (token, nil) }
            guard let account = try await connection.record(AccountRecord.self, "SELECT * FROM accounts WHERE id = \(accountID)"),
                  account.isActive else { return nil }
            return (token, account)
        }
    }

    /// Ends every web session of an account but one ("sign out other
    /// sessions"). Returns the ids of those that ended.
    public func revokeOtherSessions(accountID: Int64, keepTokenID: Int64, actorIP: String?) async throws -> [Int64] {
        try await write { connection in
            let ended = try await self.revokeTokens(connection, accountID: accountID, keeping: keepTokenID, sessionsOnly: true)
            try await self.appendAudit(connection, actorID: accountID, action: "session.signed_out_elsewhere", subject: "account:\(accountID)",
                                       detail: ["sessions": ended.count], ip: actorIP)
            return ended
        }
    }

    /// Whether a token still exists (it was not revoked or expired meanwhile).
    public func tokenExists(id: Int64) async throws -> Bool {
        try await read { try await $0.scalar(Bool.self, "SELECT EXISTS (SELECT 1 FROM access_tokens WHERE id = \(id))") ?? false }
    }

    /// Deletes one token; returns its id if it existed.
    @discardableResult
    public func revokeToken(hash: String) async throws -> Int64? {
        try await write { connection in
            let ids = try await connection.column(Int64.self, "DELETE FROM access_tokens WHERE token_hash = \(hash) RETURNING id")
            return try await self.announceRevokedTokens(connection, ids: ids).first
        }
    }

    /// Tells every node that the tokens `ids` (just deleted) are gone, so
    /// the streams they opened end there too; returns the ids in order.
    func announceRevokedTokens(_ connection: PostgresConnection, ids: [Int64]) async throws -> [Int64] {
        let ids = ids.sorted()
        if !ids.isEmpty { try await appendEvent(connection, type: "tokens.revoked", payload: ["token_ids": ids]) }
        return ids
    }
}
