import ChorusCore
import ChorusStore
import Foundation

/// People: creating, finding, signing in, roles, deactivation and invites.
public struct AccountService: Sendable {
    let database: any ChorusDatabase
    let hasher: any PasswordHasher
    let limiter: LoginRateLimiter
    let hashGate: HashGate
    let config: ChorusConfig
    let clock: any ChorusClock
    /// Streams end here when their tokens do.
    let streams: StreamHub

    public init(database: any ChorusDatabase, hasher: any PasswordHasher, limiter: LoginRateLimiter, hashGate: HashGate = HashGate(),
                config: ChorusConfig, clock: any ChorusClock, streams: StreamHub) {
        self.database = database
        self.hasher = hasher
        self.limiter = limiter
        self.hashGate = hashGate
        self.config = config
        self.clock = clock
        self.streams = streams
    }

    static let minimumPasswordLength = 8

    /// What an administrator (or the command line) supplies to create a person.
    public struct NewUser: Sendable {
        public var username: String
        public var password: String?
        public var displayName: String?
        public var email: String?
        public var role: Role
        public var isBot: Bool

        public init(username: String, password: String?, displayName: String? = nil, email: String? = nil, role: Role = .member, isBot: Bool = false) {
            self.username = username
            self.password = password
            self.displayName = displayName
            self.email = email
            self.role = role
            self.isBot = isBot
        }
    }

    /// Creates an account after checking the username, e-mail and password rules.
    public func createUser(_ user: NewUser, actorID: Int64? = nil, inviteToken: String? = nil, onlyIfEmpty: Bool = false) async throws -> AccountRecord {
        try Self.validateUsername(user.username)
        if let email = user.email, !Self.looksLikeEmail(email) {
            throw ChorusError.unprocessable("Validation failed: E-mail address is invalid")
        }
        var hash: String?
        if let password = user.password {
            try Self.validatePassword(password)
            hash = try await hashOffLoop(password)
        }
        let displayName = (user.displayName?.trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0.isEmpty ? nil : $0 } ?? user.username
        guard TextLimit.fits(displayName, characters: 30) else { throw ChorusError.unprocessable("Validation failed: Display name is too long (at most 30 characters)") }
        return try await database.createAccount(
            .init(username: user.username, displayName: displayName, email: user.email, role: user.role, passwordHash: hash, isBot: user.isBot),
            actorID: actorID, inviteHash: inviteToken.map(SecretGenerator.sha256Hex), onlyIfEmpty: onlyIfEmpty)
    }

    /// Whether nobody has an account yet (the web pages then offer first-run setup).
    public func needsSetup() async throws -> Bool { try await database.accountCount() == 0 }

    /// First-run setup: the first person becomes an administrator; refused
    /// once anyone exists (checked in the same transaction as the insert).
    public func createFirstAdministrator(username: String, password: String, displayName: String?, email: String?) async throws -> AccountRecord {
        try await createUser(.init(username: username, password: password, displayName: displayName, email: email, role: .admin), onlyIfEmpty: true)
    }

    /// Checks a username and password (or e-mail and password), rate-limited
    /// per account and per client address. Returns the active account.
    public func authenticate(login: String, password: String, address: String?) async throws -> AccountRecord {
        let attempt = try limiter.reserve(login: login, address: address)
        let account = try await database.account(login: login)
        let encoded = account?.passwordHash ?? Self.dummyHash
        let matches = try await verifyOffLoop(password, encoded: encoded)
        // A deactivated account fails exactly like a wrong password (same
        // answer, same count, the hash spent above), or the answer would
        // confirm that the password was right.
        guard let account, matches, account.passwordHash != nil, account.isActive else {
            throw ChorusError.unauthorized("Invalid username or password")
        }
        limiter.succeeded(attempt)
        return account
    }

    /// Changes a password after checking the current one, and ends every
    /// other session and app token of the person (as Mastodon does): only
    /// the token that made the change (`keeping`) still works.
    public func changePassword(accountID: Int64, current: String, new: String, keeping tokenID: Int64?, address: String?) async throws {
        guard let account = try await database.account(id: accountID), let hash = account.passwordHash else { throw ChorusError.notFound() }
        guard try await verifyOffLoop(current, encoded: hash) else { throw ChorusError.unprocessable("The current password is wrong") }
        try Self.validatePassword(new)
        let ended = try await database.setPasswordHash(accountID: accountID, hash: try await hashOffLoop(new), keepTokenID: tokenID, actorIP: address)
        streams.close(tokenIDs: ended)
    }

    /// People by id (those that exist), in one read.
    public func accounts(ids: [Int64]) async throws -> [AccountRecord] { try await database.accounts(ids: ids) }

    public func account(id: Int64) async throws -> AccountRecord {
        guard let account = try await database.account(id: id) else { throw ChorusError.notFound() }
        return account
    }

    public func account(username: String) async throws -> AccountRecord {
        let name = username.hasPrefix("@") ? String(username.dropFirst()) : username
        let local = name.split(separator: "@").first.map(String.init) ?? name
        guard let account = try await database.account(username: local) else { throw ChorusError.notFound("No account named @\(local)") }
        return account
    }

    /// Everyone, for an administrator (`actor` nil: the command line, run by whoever runs the server).
    public func listAccounts(by actor: AccountRecord?) async throws -> [AccountRecord] {
        if let actor { try Self.requireAdmin(actor) }
        return try await database.listAccounts()
    }

    /// Updates display name and bio.
    public func updateProfile(accountID: Int64, displayName: String?, note: String?, locale: String?) async throws -> AccountRecord {
        if let displayName {
            let trimmed = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, TextLimit.fits(trimmed, characters: 30) else { throw ChorusError.unprocessable("Validation failed: Display name must be 1 to 30 characters") }
        }
        if let note, !TextLimit.fits(note, characters: 500) { throw ChorusError.unprocessable("Validation failed: Bio is too long (at most 500 characters)") }
        return try await database.updateProfile(accountID: accountID, displayName: displayName?.trimmingCharacters(in: .whitespacesAndNewlines),
                                                note: note, locale: locale)
    }

    /// Changes a role (administrators only).
    public func setRole(accountID: Int64, role: Role, actor: AccountRecord?) async throws -> AccountRecord {
        if let actor { try Self.requireAdmin(actor) }
        return try await database.setRole(accountID: accountID, role: role, actorID: actor?.id)
    }

    /// Deactivates an account, revoking every token and session at once.
    public func deactivate(accountID: Int64, actor: AccountRecord?) async throws -> AccountRecord {
        if let actor {
            try Self.requireAdmin(actor)
            guard actor.id != accountID else { throw ChorusError.unprocessable("You cannot deactivate your own account") }
        }
        let account = try await database.setActive(accountID: accountID, active: false, actorID: actor?.id)
        // At once on this node; other nodes close theirs from the outbox event.
        streams.close(accountID: accountID)
        return account
    }

    /// Reactivates an account (its old sessions stay revoked).
    public func reactivate(accountID: Int64, actor: AccountRecord?) async throws -> AccountRecord {
        if let actor { try Self.requireAdmin(actor) }
        return try await database.setActive(accountID: accountID, active: true, actorID: actor?.id)
    }

    // MARK: Invites

    /// A created invitation: the one-time URL is shown once.
    public struct CreatedInvite: Sendable {
        public var invite: InviteRecord
        public var url: String
    }

    /// Creates a one-time invitation link (administrators only).
    public func createInvite(by actor: AccountRecord, role: Role, email: String?) async throws -> CreatedInvite {
        try Self.requireAdmin(actor)
        let token = SecretGenerator.token()
        let now = clock.now()
        let invite = try await database.createInvite(InviteRecord(
            tokenHash: SecretGenerator.sha256Hex(token), role: role.rawValue, email: email,
            createdBy: actor.id, createdAt: now, expiresAt: now.addingTimeInterval(config.inviteLifetime)))
        return CreatedInvite(invite: invite, url: "\(config.baseURL)/invite/\(token)")
    }

    /// The invitation behind a token, if it can still be used.
    public func openInvite(token: String) async throws -> InviteRecord {
        guard let invite = try await database.openInvite(tokenHash: SecretGenerator.sha256Hex(token)) else {
            throw ChorusError.notFound("This invitation is invalid, used or expired")
        }
        return invite
    }

    /// Creates the invitee's account and uses up the invitation, atomically.
    public func acceptInvite(token: String, username: String, password: String, displayName: String?) async throws -> AccountRecord {
        let invite = try await openInvite(token: token)
        return try await createUser(.init(username: username, password: password, displayName: displayName, email: invite.email,
                                          role: Role(rawValue: invite.role) ?? .member),
                                    actorID: invite.createdBy, inviteToken: token)
    }

    public func auditLog(actor: AccountRecord, page: Page) async throws -> [AuditRecord] {
        try Self.requireAdmin(actor)
        return try await database.auditLog(page: page, readerID: actor.id)
    }

    // MARK: Rules

    static func requireAdmin(_ actor: AccountRecord) throws {
        guard actor.role == .admin else { throw ChorusError.forbidden("Only administrators can do this") }
    }

    /// Usernames: 1–30 ASCII letters, digits or underscores.
    public static func validateUsername(_ username: String) throws {
        guard (1...30).contains(username.count), username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw ChorusError.unprocessable("Validation failed: Username must be 1 to 30 letters, digits or underscores")
        }
    }

    static func validatePassword(_ password: String) throws {
        guard password.count >= minimumPasswordLength else {
            throw ChorusError.unprocessable("Validation failed: Password is too short (at least \(minimumPasswordLength) characters)")
        }
        guard password.utf8.count <= 1024 else { throw ChorusError.unprocessable("Validation failed: Password is too long") }
    }

    static func looksLikeEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@")
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !email.contains(" ")
    }

    /// Verified against when the account does not exist, so a wrong username
    /// takes as long as a wrong password.
    static let dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J7Tq1mVDbVcvmyKQ6+2QhbCCF3cZb3x3Xr7ZxN6eH9Y"

    /// Hashes off the event loop, within the gate's bound of hashes at once.
    func hashOffLoop(_ password: String) async throws -> String {
        let hasher = hasher
        return try await hashGate.run { try hasher.hash(password) }
    }

    func verifyOffLoop(_ password: String, encoded: String) async throws -> Bool {
        let hasher = hasher
        return try await hashGate.run { hasher.verify(password, encoded: encoded) }
    }
}
