import ChorusCore
import Foundation

/// What is needed to create an account.
public struct NewAccount: Sendable {
    public var username: String
    public var displayName: String
    public var email: String?
    public var role: Role
    public var passwordHash: String?
    public var isBot: Bool

    public init(username: String, displayName: String, email: String?, role: Role, passwordHash: String?, isBot: Bool = false) {
        self.username = username
        self.displayName = displayName
        self.email = email
        self.role = role
        self.passwordHash = passwordHash
        self.isBot = isBot
    }
}

/// People and bots: accounts, profiles, passwords, roles, invites.
public protocol AccountStore: Sendable {
    /// Creates an account; a taken username or e-mail is a 409.
    /// With `onlyIfEmpty`, refuses (409) unless the database has no accounts
    /// yet, in the same transaction (first-run setup).
    func createAccount(_ new: NewAccount, actorID: Int64?, inviteHash: String?, onlyIfEmpty: Bool) async throws -> AccountRecord

    func account(id: Int64) async throws -> AccountRecord?

    /// Finds an account by username (case-insensitive).
    func account(username: String) async throws -> AccountRecord?

    /// Finds an account by username or e-mail (what sign-in forms accept).
    func account(login: String) async throws -> AccountRecord?

    func accounts(ids: [Int64]) async throws -> [AccountRecord]

    /// Every account, by username.
    func listAccounts() async throws -> [AccountRecord]

    func accountCount() async throws -> Int

    /// Changes the profile fields that are given.
    func updateProfile(accountID: Int64, displayName: String?, note: String?, locale: String?) async throws -> AccountRecord

    /// Sets a new password and, in the same transaction, ends every token
    /// and session of the account but `keepTokenID` (the one that changed
    /// it), as whoever knew the old password may hold them. Returns the ids
    /// of the tokens that ended.
    func setPasswordHash(accountID: Int64, hash: String, keepTokenID: Int64?, actorIP: String?) async throws -> [Int64]

    /// Sets an account's role and records who did it.
    func setRole(accountID: Int64, role: Role, actorID: Int64?) async throws -> AccountRecord

    /// Deactivates (or reactivates) an account. Deactivation deletes every
    /// token and session in the same transaction, so access ends at once.
    func setActive(accountID: Int64, active: Bool, actorID: Int64?) async throws -> AccountRecord

    func createInvite(_ invite: InviteRecord) async throws -> InviteRecord

    /// An unused, unexpired invite with this token hash.
    func openInvite(tokenHash: String) async throws -> InviteRecord?
}
