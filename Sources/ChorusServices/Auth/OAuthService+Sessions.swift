import ChorusCore
import ChorusStore
import Foundation

/// Where a browser signs in or uses its session from.
public struct SessionClient: Sendable, Equatable {
    public var address: String?
    /// The User-Agent header, cut to a sane length.
    public var userAgent: String?

    public init(address: String?, userAgent: String?) {
        self.address = address
        self.userAgent = userAgent.map { String($0.prefix(512)) }
    }
}

/// One of a person's web sessions, as their settings list it.
public struct SessionSummary: Sendable, Equatable {
    public var id: Int64
    public var signedInAt: Date
    public var lastUsedAt: Date
    public var expiresAt: Date
    public var address: String?
    public var userAgent: String?
    /// The session asking (the browser looking at the list).
    public var isCurrent: Bool
}

/// Web sessions: the token behind a browser's cookie, how long it lasts,
/// and the person's own list of them.
extension OAuthService {
    static let sessionScopes = ScopeSet(["read", "write", "follow", "push"])

    /// Signs a person in on the web pages: checks the password (rate-limited),
    /// issues the session and records the sign-in in the audit log.
    public func signIn(login: String, password: String, client: SessionClient) async throws -> IssuedToken {
        let account = try await accounts.authenticate(login: login, password: password, address: client.address)
        let issued = try await issueSession(accountID: account.id, client: client)
        try await database.recordAudit(actorID: account.id, action: "session.signed_in", subject: nil, detail: ["via": "web"], ip: client.address)
        return issued
    }

    /// Issues a web-session token for a signed-in person (all user scopes).
    public func issueSession(accountID: Int64, client: SessionClient) async throws -> IssuedToken {
        try await issue(appID: nil, accountID: accountID, scopes: Self.sessionScopes, kind: .session, client: client)
    }

    /// Resolves a browser's session cookie: only a live token of kind
    /// `session` of an active person is one. An app's or a bot's token is
    /// not, whatever its scopes: the pages would otherwise ignore its scopes
    /// and team. Records the use, at most once a minute.
    public func authenticateSession(token: String, client: SessionClient) async throws -> Principal {
        let (record, principal) = try await resolve(token)
        guard principal.kind == .session, principal.account?.isActive == true else { throw ChorusError.unauthorized() }
        let now = clock.now()
        if sessionPolicy.shouldRecordUse(lastUsed: record.lastUsedAt, now: now) {
            // A use that could not be written must not sign the person out.
            try? await database.recordSessionUse(tokenID: principal.tokenID, at: now, notBefore: now.addingTimeInterval(-SessionPolicy.touchInterval),
                                                 address: client.address, userAgent: client.userAgent)
        }
        return principal
    }

    /// The live web sessions of the person behind `principal`, most recently used first.
    public func sessions(of principal: Principal) async throws -> [SessionSummary] {
        guard let account = principal.account else { throw ChorusError.forbidden() }
        let now = clock.now()
        return try await database.sessions(accountID: account.id).compactMap { record in
            let lastUsed = record.lastUsedAt ?? record.createdAt
            guard let id = record.id, sessionPolicy.isLive(signedIn: record.createdAt, lastUsed: lastUsed, now: now) else { return nil }
            return SessionSummary(id: id, signedInAt: record.createdAt, lastUsedAt: lastUsed,
                                  expiresAt: sessionPolicy.expiry(signedIn: record.createdAt, lastUsed: lastUsed),
                                  address: record.ip, userAgent: record.userAgent, isCurrent: id == principal.tokenID)
        }
    }

    /// Ends one of the person's own web sessions; another person's, or one
    /// that does not exist, is a 404.
    public func endSession(id: Int64, by principal: Principal, address: String?) async throws {
        guard let account = principal.account, try await database.revokeSession(id: id, accountID: account.id, actorIP: address) else {
            throw ChorusError.notFound("No such session")
        }
        streams.close(tokenIDs: [id])
    }

    /// Ends the web session with this token (signing out).
    public func endSession(token: String) async throws {
        try await revoke(token: token)
    }

    /// Ends every other web session of the person behind `principal`.
    public func endOtherSessions(_ principal: Principal, address: String?) async throws -> Int {
        guard let account = principal.account else { throw ChorusError.forbidden() }
        let ended = try await database.revokeOtherSessions(accountID: account.id, keepTokenID: principal.tokenID, actorIP: address)
        streams.close(tokenIDs: ended)
        return ended.count
    }
}
