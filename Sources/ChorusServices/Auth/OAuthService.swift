import ChorusCore
import ChorusStore
import Crypto
import Foundation

/// OAuth 2 as Mastodon clients use it: app registration, authorization
/// codes (with PKCE), the `authorization_code`, `password` and
/// `client_credentials` grants, revocation, and bearer-token checks.
public struct OAuthService: Sendable {
    let database: any ChorusDatabase
    let accounts: AccountService
    let clock: any ChorusClock
    /// A revoked token's open streams end here at once; other nodes end
    /// theirs from the `tokens.revoked` outbox event.
    let streams: StreamHub
    /// How long web sessions last.
    let sessionPolicy: SessionPolicy

    public init(database: any ChorusDatabase, accounts: AccountService, clock: any ChorusClock, streams: StreamHub, sessionPolicy: SessionPolicy) {
        self.database = database
        self.accounts = accounts
        self.clock = clock
        self.streams = streams
        self.sessionPolicy = sessionPolicy
    }

    public static let outOfBand = "urn:ietf:wg:oauth:2.0:oob"

    /// A registered app with its secret, shown once.
    public struct RegisteredApp: Sendable {
        public var app: OAuthAppRecord
        public var clientSecret: String
    }

    /// Registers a client app (`POST /api/v1/apps`).
    public func registerApp(name: String, redirectURIs: [String], scopes: String?, website: String?) async throws -> RegisteredApp {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 100 else { throw ChorusError.unprocessable("Validation failed: Application name must be 1 to 100 characters") }
        let uris = redirectURIs.flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        guard !uris.isEmpty else { throw ChorusError.unprocessable("Validation failed: Redirect URI can't be blank") }
        for uri in uris where uri != Self.outOfBand {
            guard let components = URLComponents(string: uri), let scheme = components.scheme, !scheme.isEmpty, components.fragment == nil else {
                throw ChorusError.unprocessable("Validation failed: Redirect URI must be an absolute URI")
            }
        }
        let scopeSet = try ScopeSet(parsing: scopes)
        let secret = SecretGenerator.token()
        let app = try await database.createApp(OAuthAppRecord(
            name: trimmed, website: website, redirectUris: uris.joined(separator: "\n"), scopes: scopeSet.description,
            clientId: SecretGenerator.token(), clientSecretHash: SecretGenerator.sha256Hex(secret), createdAt: clock.now()))
        return RegisteredApp(app: app, clientSecret: secret)
    }

    /// Checks an authorization request before showing the sign-in page.
    public func validateAuthorization(clientID: String, redirectURI: String, scope: String?) async throws -> (OAuthAppRecord, ScopeSet) {
        guard let app = try await database.app(clientID: clientID) else { throw ChorusError.badRequest("Unknown client_id") }
        guard app.redirectURIList.contains(redirectURI) else { throw ChorusError.badRequest("The redirect_uri is not registered for this app") }
        let requested = try ScopeSet(parsing: scope, default: app.scopes)
        guard requested.isSubset(of: try ScopeSet(parsing: app.scopes)) else { throw ChorusError.badRequest("The requested scope is broader than the app's") }
        return (app, requested)
    }

    /// Signs the person in and issues a ten-minute authorization code.
    public func authorize(clientID: String, redirectURI: String, scope: String?, login: String, password: String,
                          codeChallenge: String?, codeChallengeMethod: String?, address: String?) async throws -> String {
        let (app, scopes) = try await validateAuthorization(clientID: clientID, redirectURI: redirectURI, scope: scope)
        if let method = codeChallengeMethod, method != "S256" { throw ChorusError.badRequest("Only the S256 code_challenge_method is supported") }
        let account = try await accounts.authenticate(login: login, password: password, address: address)
        let code = SecretGenerator.token()
        try await database.createCode(OAuthCodeRecord(
            codeHash: SecretGenerator.sha256Hex(code), appId: app.id!, accountId: account.id, scopes: scopes.description,
            redirectUri: redirectURI, codeChallenge: codeChallenge, expiresAt: clock.now().addingTimeInterval(600)))
        try await database.recordAudit(actorID: account.id, action: "session.signed_in", subject: "app:\(app.id!)", detail: ["via": "oauth"], ip: address)
        return code
    }

    /// What `POST /oauth/token` receives.
    public struct TokenRequest: Sendable {
        public var grantType: String
        public var clientID: String?
        public var clientSecret: String?
        public var code: String?
        public var redirectURI: String?
        public var codeVerifier: String?
        public var username: String?
        public var password: String?
        public var scope: String?

        public init(grantType: String, clientID: String?, clientSecret: String?) {
            self.grantType = grantType
            self.clientID = clientID
            self.clientSecret = clientSecret
        }
    }

    /// A freshly issued token (the only time its value is known).
    public struct IssuedToken: Sendable {
        public var token: String
        public var scopes: ScopeSet
        public var createdAt: Date
    }

    /// Exchanges a grant for an access token.
    public func issueToken(_ request: TokenRequest, address: String?) async throws -> IssuedToken {
        guard let clientID = request.clientID, let app = try await database.app(clientID: clientID),
              let secret = request.clientSecret,
              SecretGenerator.constantTimeEquals(SecretGenerator.sha256Hex(secret), app.clientSecretHash) else {
            throw ChorusError.unauthorized("Client authentication failed")
        }
        let appScopes = try ScopeSet(parsing: app.scopes)
        switch request.grantType {
        case "authorization_code":
            // RFC 6749 §4.1.3: the code was issued to this (authenticated)
            // client, and redirect_uri is present and identical to the one
            // of the authorization request (which always names one here).
            // All is checked before the code is used up.
            let invalid = ChorusError.badRequest("The authorization code is invalid or expired")
            guard let code = request.code, !code.isEmpty else { throw invalid }
            guard let redirect = request.redirectURI else { throw ChorusError.badRequest("The redirect_uri is missing") }
            let appID = app.id
            let verifier = request.codeVerifier
            guard let stored = try await database.consumeCode(hash: SecretGenerator.sha256Hex(code), check: { stored in
                guard stored.appId == appID else { throw invalid }
                guard redirect == stored.redirectUri else {
                    throw ChorusError.badRequest("The redirect_uri does not match the authorization request")
                }
                if let challenge = stored.codeChallenge {
                    guard let verifier, Self.s256(verifier) == challenge else {
                        throw ChorusError.badRequest("The code_verifier does not match the code_challenge")
                    }
                }
            }) else { throw invalid }
            return try await issue(appID: app.id!, accountID: stored.accountId, scopes: try ScopeSet(parsing: stored.scopes))
        case "password":
            guard let login = request.username, let password = request.password else {
                throw ChorusError.badRequest("The password grant needs username and password")
            }
            let scopes = try ScopeSet(parsing: request.scope, default: app.scopes)
            guard scopes.isSubset(of: appScopes) else { throw ChorusError.badRequest("The requested scope is broader than the app's") }
            let account = try await accounts.authenticate(login: login, password: password, address: address)
            try await database.recordAudit(actorID: account.id, action: "session.signed_in", subject: "app:\(app.id!)", detail: ["via": "password"], ip: address)
            return try await issue(appID: app.id!, accountID: account.id, scopes: scopes)
        case "client_credentials":
            let scopes = try ScopeSet(parsing: request.scope, default: app.scopes)
            guard scopes.isSubset(of: appScopes) else { throw ChorusError.badRequest("The requested scope is broader than the app's") }
            return try await issue(appID: app.id!, accountID: nil, scopes: scopes)
        default:
            throw ChorusError.badRequest("Unsupported grant_type")
        }
    }

    /// Issues a token; a web session's also records its browser (`client`).
    func issue(appID: Int64?, accountID: Int64?, scopes: ScopeSet, kind: TokenKind = .oauth, client: SessionClient? = nil) async throws -> IssuedToken {
        let token = SecretGenerator.token()
        let now = clock.now()
        var record = AccessTokenRecord(tokenHash: SecretGenerator.sha256Hex(token), kind: kind.rawValue, appId: appID, accountId: accountID,
                                       scopes: scopes.description, createdAt: now)
        if let client {
            record.lastUsedAt = now
            record.userAgent = client.userAgent
            record.ip = client.address
        }
        _ = try await database.createToken(record)
        return IssuedToken(token: token, scopes: scopes, createdAt: now)
    }

    /// Revokes a token (`POST /oauth/revoke`); unknown tokens are not an error (RFC 7009).
    public func revoke(token: String, clientID: String?, clientSecret: String?) async throws {
        guard let clientID, let app = try await database.app(clientID: clientID), let clientSecret,
              SecretGenerator.constantTimeEquals(SecretGenerator.sha256Hex(clientSecret), app.clientSecretHash) else {
            throw ChorusError.forbidden("Client authentication failed")
        }
        try await revoke(token: token)
    }

    /// Deletes a token and ends the streams it opened.
    func revoke(token: String) async throws {
        if let id = try await database.revokeToken(hash: SecretGenerator.sha256Hex(token)) {
            streams.close(tokenIDs: [id])
        }
    }

    /// Resolves a bearer token; 401 when unknown, revoked, its account
    /// deactivated, or a web session past its time.
    public func authenticate(bearer token: String) async throws -> Principal {
        try await resolve(token).principal
    }

    /// A token's record and principal. A web session that has expired is
    /// deleted on the way (and its streams end).
    func resolve(_ token: String) async throws -> (record: AccessTokenRecord, principal: Principal) {
        guard let (record, account) = try await database.token(hash: SecretGenerator.sha256Hex(token)) else {
            throw ChorusError.unauthorized()
        }
        let kind = TokenKind(rawValue: record.kind) ?? .oauth
        if kind == .session, !sessionPolicy.isLive(signedIn: record.createdAt, lastUsed: record.lastUsedAt, now: clock.now()) {
            try await revoke(token: token)
            throw ChorusError.unauthorized()
        }
        let principal = Principal(tokenID: record.id!, account: account, scopes: ScopeSet(record.scopes.split(separator: " ").map(String.init)),
                                  appID: record.appId, teamID: record.teamId, kind: kind)
        return (record, principal)
    }

    /// The app behind a token.
    public func app(id: Int64) async throws -> OAuthAppRecord? { try await database.app(id: id) }

    static func s256(_ verifier: String) -> String {
        SecretGenerator.base64URL(SHA256.hash(data: Data(verifier.utf8)))
    }
}
