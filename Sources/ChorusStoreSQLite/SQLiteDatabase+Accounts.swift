import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    /// Creates an account; a taken username or e-mail is a 409.
    /// With `onlyIfEmpty`, refuses (409) unless the database has no accounts
    /// yet, in the same transaction (first-run setup).
    public func createAccount(_ new: NewAccount, actorID: Int64? = nil, inviteHash: String? = nil, onlyIfEmpty: Bool = false) async throws -> AccountRecord {
        let id = ids.next()
        let now = now()
        return try await write { db in
            if onlyIfEmpty, try AccountRecord.fetchCount(db) > 0 {
                throw ChorusError.conflict("Chorus is already set up")
            }
            if try AccountRecord.filter(AccountRecord.Columns.username.collating(.nocase) == new.username).fetchCount(db) > 0 {
                throw ChorusError.conflict("The username \(new.username) is taken")
            }
            if let email = new.email, try AccountRecord.filter(AccountRecord.Columns.email.collating(.nocase) == email).fetchCount(db) > 0 {
                throw ChorusError.conflict("That e-mail address is already in use")
            }
            let account = AccountRecord(id: id, username: new.username, displayName: new.displayName, email: new.email,
                                        role: new.role, passwordHash: new.passwordHash, isBot: new.isBot, createdAt: now)
            try account.insert(db)
            if let inviteHash {
                try db.execute(literal: """
                    UPDATE invites SET used_at = \(now), used_by = \(id)
                    WHERE token_hash = \(inviteHash) AND used_at IS NULL AND expires_at > \(now)
                    """)
                guard db.changesCount == 1 else { throw ChorusError.notFound("This invitation is invalid, used or expired") }
            }
            try self.appendAudit(db, actorID: actorID ?? id, action: "account.created", subject: "account:\(id)",
                                 detail: ["username": new.username, "role": new.role.rawValue])
            return account
        }
    }

    public func account(id: Int64) async throws -> AccountRecord? {
        try await read { db in try AccountRecord.fetchOne(db, key: id) }
    }

    /// Finds an account by username (case-insensitive).
    public func account(username: String) async throws -> AccountRecord? {
        try await read { db in
            try AccountRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM accounts WHERE username = ? COLLATE NOCASE"), arguments: [username])
        }
    }

    /// Finds an account by username or e-mail (what sign-in forms accept).
    public func account(login: String) async throws -> AccountRecord? {
        try await read { db in
            try AccountRecord
                .filter(AccountRecord.Columns.username.collating(.nocase) == login || AccountRecord.Columns.email.collating(.nocase) == login)
                .fetchOne(db)
        }
    }

    public func accounts(ids: [Int64]) async throws -> [AccountRecord] {
        try await read { db in try AccountRecord.fetchAll(db, keys: ids) }
    }

    /// Every account, by username.
    public func listAccounts() async throws -> [AccountRecord] {
        try await read { db in try AccountRecord.order(AccountRecord.Columns.username.collating(.nocase)).fetchAll(db) }
    }

    public func accountCount() async throws -> Int {
        try await read { db in try AccountRecord.fetchCount(db) }
    }

    /// Changes the profile fields that are given.
    public func updateProfile(accountID: Int64, displayName: String?, note: String?, locale: String?) async throws -> AccountRecord {
        try await write { db in
            guard var account = try AccountRecord.fetchOne(db, key: accountID) else { throw ChorusError.notFound() }
            if let displayName { account.displayName = displayName }
            if let note { account.note = note }
            if let locale { account.locale = locale }
            try account.update(db)
            return account
        }
    }

    /// Sets a new password and, in the same transaction, ends every token
    /// and session of the account but `keepTokenID` (the one that changed
    /// it), as whoever knew the old password may hold them. Returns the ids
    /// of the tokens that ended.
    public func setPasswordHash(accountID: Int64, hash: String, keepTokenID: Int64?, actorIP: String?) async throws -> [Int64] {
        try await write { db in
            try db.execute(sql: "UPDATE accounts SET password_hash = ? WHERE id = ?", arguments: [hash, accountID])
            let ended = try self.revokeTokens(db, accountID: accountID, keeping: keepTokenID, sessionsOnly: false)
            try self.appendAudit(db, actorID: accountID, action: "account.password_changed", subject: "account:\(accountID)",
                                 detail: ["tokens_ended": ended.count], ip: actorIP)
            return ended
        }
    }

    /// Sets an account's role and records who did it.
    public func setRole(accountID: Int64, role: Role, actorID: Int64?) async throws -> AccountRecord {
        try await write { db in
            guard var account = try AccountRecord.fetchOne(db, key: accountID) else { throw ChorusError.notFound() }
            let old = account.role
            account.role = role
            try account.update(db)
            try self.appendAudit(db, actorID: actorID, action: "account.role_changed", subject: "account:\(accountID)",
                                 detail: ["from": old.rawValue, "to": role.rawValue])
            return account
        }
    }

    /// Deactivates (or reactivates) an account. Deactivation deletes every
    /// token and session in the same transaction, so access ends at once.
    public func setActive(accountID: Int64, active: Bool, actorID: Int64?) async throws -> AccountRecord {
        try await write { db in
            guard var account = try AccountRecord.fetchOne(db, key: accountID) else { throw ChorusError.notFound() }
            account.isActive = active
            try account.update(db)
            if !active {
                try db.execute(sql: "DELETE FROM access_tokens WHERE account_id = ?", arguments: [accountID])
            }
            try self.appendAudit(db, actorID: actorID, action: active ? "account.reactivated" : "account.deactivated",
                                 subject: "account:\(accountID)", detail: ["username": account.username])
            try self.appendEvent(db, type: "account.sessions_revoked", payload: ["account_id": accountID])
            return account
        }
    }

    // MARK: Invites

    public func createInvite(_ invite: InviteRecord) async throws -> InviteRecord {
        try await write { db in
            var invite = invite
            try invite.insert(db)
            try self.appendAudit(db, actorID: invite.createdBy, action: "invite.created", subject: "invite:\(invite.id ?? 0)",
                                 detail: ["role": invite.role])
            return invite
        }
    }

    /// An unused, unexpired invite with this token hash.
    public func openInvite(tokenHash: String) async throws -> InviteRecord? {
        let now = now()
        return try await read { db in
            try InviteRecord.filter(sql: "token_hash = ? AND used_at IS NULL AND expires_at > ?", arguments: [tokenHash, now]).fetchOne(db)
        }
    }

    // MARK: Audit

    /// The audit log, newest first. With `readerID`, entries about a private
    /// team the reader is not in (the team's own entries, and those of its
    /// apps) are left out: an administrator reads the log, but has no more
    /// sight of a private team than anyone else outside it.
    public func auditLog(page: Page, readerID: Int64? = nil) async throws -> [AuditRecord] {
        try await read { db in
            let query = PageQuery(page, column: "id")
            var sql = "SELECT * FROM audit_log a WHERE 1"
            var arguments = StatementArguments()
            if let readerID {
                sql += """
                     AND NOT EXISTS (
                        SELECT 1 FROM teams t
                        WHERE t.privacy <> 'public'
                          AND t.id = CASE
                              WHEN a.subject LIKE 'team:%' THEN CAST(substr(a.subject, 6) AS INTEGER)
                              WHEN a.action LIKE 'app.%' AND a.subject LIKE 'app:%'
                                  THEN (SELECT team_id FROM apps WHERE id = CAST(substr(a.subject, 5) AS INTEGER))
                          END
                          AND NOT EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.account_id = ?))
                    """
                arguments += [readerID]
            }
            let rows = try AuditRecord.fetchAll(db, sql: sql + query.andConditions + query.tail, arguments: arguments + query.arguments)
            return query.ordered(rows)
        }
    }

    /// Records a security-relevant event that has no other write (a sign-in).
    public func recordAudit(actorID: Int64?, action: String, subject: String?, detail: [String: String] = [:], ip: String? = nil) async throws {
        try await write { db in try self.appendAudit(db, actorID: actorID, action: action, subject: subject, detail: detail, ip: ip) }
    }
}
