import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func createAccount(_ new: NewAccount, actorID: Int64?, inviteHash: String?, onlyIfEmpty: Bool) async throws -> AccountRecord {
        let id = ids.next()
        let now = now()
        return try await write { connection in
            if onlyIfEmpty, try await connection.count("SELECT count(*) FROM accounts") > 0 {
                throw ChorusError.conflict("Chorus is already set up")
            }
            if try await connection.count("SELECT count(*) FROM accounts WHERE lower(username) = lower(\(new.username))") > 0 {
                throw ChorusError.conflict("The username \(new.username) is taken")
            }
            if let email = new.email, try await connection.count("SELECT count(*) FROM accounts WHERE lower(email) = lower(\(email))") > 0 {
                throw ChorusError.conflict("That e-mail address is already in use")
            }
            let account = AccountRecord(id: id, username: new.username, displayName: new.displayName, email: new.email,
                                        role: new.role, passwordHash: new.passwordHash, isBot: new.isBot, createdAt: now)
            try await connection.run("""
                INSERT INTO accounts (id, username, display_name, email, note, role, password_hash, is_bot, is_active, locale, created_at)
                VALUES (\(account.id), \(account.username), \(account.displayName), \(account.email), \(account.note),
                        \(account.role.rawValue), \(account.passwordHash), \(account.isBot), \(account.isActive), \(account.locale),
                        \(account.createdAt))
                """)
            if let inviteHash {
                let used = try await connection.run("""
                    UPDATE invites SET used_at = \(now), used_by = \(id)
                    WHERE token_hash = \(inviteHash) AND used_at IS NULL AND expires_at > \(now) RETURNING id
                    """)
                guard used == 1 else { throw ChorusError.notFound("This invitation is invalid, used or expired") }
            }
            try await self.appendAudit(connection, actorID: actorID ?? id, action: "account.created", subject: "account:\(id)",
                                       detail: ["username": new.username, "role": new.role.rawValue])
            return account
        }
    }

    public func account(id: Int64) async throws -> AccountRecord? {
        try await read { try await $0.record(AccountRecord.self, "SELECT * FROM accounts WHERE id = \(id)") }
    }

    public func account(username: String) async throws -> AccountRecord? {
        try await read { try await $0.record(AccountRecord.self, "SELECT * FROM accounts WHERE lower(username) = lower(\(username))") }
    }

    public func account(login: String) async throws -> AccountRecord? {
        try await read { connection in
            try await connection.record(AccountRecord.self, """
                SELECT * FROM accounts WHERE lower(username) = lower(\(login)) OR lower(email) = lower(\(login)) LIMIT 1
                """)
        }
    }

    public func accounts(ids: [Int64]) async throws -> [AccountRecord] {
        try await read { try await $0.records(AccountRecord.self, "SELECT * FROM accounts WHERE id = ANY(\(ids))") }
    }

    public func listAccounts() async throws -> [AccountRecord] {
        try await read { try await $0.records(AccountRecord.self, "SELECT * FROM accounts ORDER BY lower(username)") }
    }

    public func accountCount() async throws -> Int {
        try await read { try await $0.count("SELECT count(*) FROM accounts") }
    }

    public func updateProfile(accountID: Int64, displayName: String?, note: String?, locale: String?) async throws -> AccountRecord {
        try await write { connection in
            guard let account = try await connection.record(AccountRecord.self, """
                UPDATE accounts SET display_name = COALESCE(\(displayName), display_name), note = COALESCE(\(note), note),
                                    locale = COALESCE(\(locale), locale)
                WHERE id = \(accountID) RETURNING *
                """) else { throw ChorusError.notFound() }
            return account
        }
    }

    public func setPasswordHash(accountID: Int64, hash: String, keepTokenID: Int64?, actorIP: String?) async throws -> [Int64] {
        try await write { connection in
            try await connection.run("UPDATE accounts SET password_hash = \(hash) WHERE id = \(accountID)")
            let ended = try await self.revokeTokens(connection, accountID: accountID, keeping: keepTokenID, sessionsOnly: false)
            try await self.appendAudit(connection, actorID: accountID, action: "account.password_changed", subject: "account:\(accountID)",
                                       detail: ["tokens_ended": ended.count], ip: actorIP)
            return ended
        }
    }

    public func setRole(accountID: Int64, role: Role, actorID: Int64?) async throws -> AccountRecord {
        try await write { connection in
            guard let old = try await connection.scalar(String.self, "SELECT role FROM accounts WHERE id = \(accountID) FOR UPDATE"),
                  let account = try await connection.record(AccountRecord.self, """
                      UPDATE accounts SET role = \(role.rawValue) WHERE id = \(accountID) RETURNING *
                      """) else { throw ChorusError.notFound() }
            try await self.appendAudit(connection, actorID: actorID, action: "account.role_changed", subject: "account:\(accountID)",
                                       detail: ["from": old, "to": role.rawValue])
            return account
        }
    }

    public func setActive(accountID: Int64, active: Bool, actorID: Int64?) async throws -> AccountRecord {
        try await write { connection in
            guard let account = try await connection.record(AccountRecord.self, """
                UPDATE accounts SET is_active = \(active) WHERE id = \(accountID) RETURNING *
                """) else { throw ChorusError.notFound() }
            if !active {
                try await connection.run("DELETE FROM access_tokens WHERE account_id = \(accountID)")
            }
            try await self.appendAudit(connection, actorID: actorID, action: active ? "account.reactivated" : "account.deactivated",
                                       subject: "account:\(accountID)", detail: ["username": account.username])
            try await self.appendEvent(connection, type: "account.sessions_revoked", payload: ["account_id": accountID])
            return account
        }
    }

    public func createInvite(_ invite: InviteRecord) async throws -> InviteRecord {
        try await write { connection in
            var invite = invite
            invite.id = try await connection.scalar(Int64.self, """
                INSERT INTO invites (token_hash, role, email, created_by, created_at, expires_at, used_at, used_by)
                VALUES (\(invite.tokenHash), \(invite.role), \(invite.email), \(invite.createdBy), \(invite.createdAt),
                        \(invite.expiresAt), \(invite.usedAt), \(invite.usedBy))
                RETURNING id
                """)
            try await self.appendAudit(connection, actorID: invite.createdBy, action: "invite.created", subject: "invite:\(invite.id ?? 0)",
                                       detail: ["role": invite.role])
            return invite
        }
    }

    public func openInvite(tokenHash: String) async throws -> InviteRecord? {
        let now = now()
        return try await read { connection in
            try await connection.record(InviteRecord.self, """
                SELECT * FROM invites WHERE token_hash = \(tokenHash) AND used_at IS NULL AND expires_at > \(now)
                """)
        }
    }

    /// Deletes the account's tokens (all but `keepTokenID`; only sessions
    /// with `sessionsOnly`) and tells every node they are gone, so the
    /// streams they opened end there too. Returns their ids.
    func revokeTokens(_ connection: PostgresConnection, accountID: Int64, keeping keepTokenID: Int64?, sessionsOnly: Bool) async throws -> [Int64] {
        let ids = try await connection.column(Int64.self, """
            DELETE FROM access_tokens
            WHERE account_id = \(accountID) AND id IS DISTINCT FROM \(keepTokenID) AND (NOT \(sessionsOnly) OR kind = 'session')
            RETURNING id
            """)
        if !ids.isEmpty { try await appendEvent(connection, type: "tokens.revoked", payload: ["token_ids": ids.sorted()]) }
        return ids.sorted()
    }
}
