import Foundation

/// A registered OAuth client application.
public struct OAuthAppRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var name: String
    public var website: String?
    /// Newline-separated redirect URIs.
    public var redirectUris: String
    public var scopes: String
    public var clientId: String
    public var clientSecretHash: String
    public var ownerAccountId: Int64?
    public var createdAt: Date

    /// Every stored field, as a backend reads them back.
    public init(id: Int64?, name: String, website: String?, redirectUris: String, scopes: String, clientId: String,
                clientSecretHash: String, ownerAccountId: Int64?, createdAt: Date) {
        self.id = id
        self.name = name
        self.website = website
        self.redirectUris = redirectUris
        self.scopes = scopes
        self.clientId = clientId
        self.clientSecretHash = clientSecretHash
        self.ownerAccountId = ownerAccountId
        self.createdAt = createdAt
    }

    public init(name: String, website: String?, redirectUris: String, scopes: String, clientId: String,
                clientSecretHash: String, ownerAccountId: Int64? = nil, createdAt: Date) {
        self.init(id: nil, name: name, website: website, redirectUris: redirectUris, scopes: scopes, clientId: clientId,
                  clientSecretHash: clientSecretHash, ownerAccountId: ownerAccountId, createdAt: createdAt)
    }

    public var redirectURIList: [String] { redirectUris.split(separator: "\n").map(String.init) }

}

/// A one-time authorization code (stored as a hash).
public struct OAuthCodeRecord: Codable, Sendable {
    public var codeHash: String
    public var appId: Int64
    public var accountId: Int64
    public var scopes: String
    public var redirectUri: String
    public var codeChallenge: String?
    public var expiresAt: Date

    public init(codeHash: String, appId: Int64, accountId: Int64, scopes: String, redirectUri: String, codeChallenge: String?,
                expiresAt: Date) {
        self.codeHash = codeHash
        self.appId = appId
        self.accountId = accountId
        self.scopes = scopes
        self.redirectUri = redirectUri
        self.codeChallenge = codeChallenge
        self.expiresAt = expiresAt
    }
}

/// A bearer token or web session (stored as a hash).
public struct AccessTokenRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var tokenHash: String
    public var kind: String
    public var appId: Int64?
    public var accountId: Int64?
    public var scopes: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    /// Set for a team install's bot token: it acts only within this team.
    public var teamId: Int64?
    /// A web session's browser (the User-Agent header), as last seen.
    public var userAgent: String?
    /// A web session's client address, as last seen.
    public var ip: String?

    /// Every stored field, as a backend reads them back.
    public init(id: Int64?, tokenHash: String, kind: String, appId: Int64?, accountId: Int64?, scopes: String, createdAt: Date,
                lastUsedAt: Date?, teamId: Int64?, userAgent: String?, ip: String?) {
        self.id = id
        self.tokenHash = tokenHash
        self.kind = kind
        self.appId = appId
        self.accountId = accountId
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.teamId = teamId
        self.userAgent = userAgent
        self.ip = ip
    }

    public init(tokenHash: String, kind: String = "oauth", appId: Int64?, accountId: Int64?, scopes: String, createdAt: Date,
                teamId: Int64? = nil) {
        self.init(id: nil, tokenHash: tokenHash, kind: kind, appId: appId, accountId: accountId, scopes: scopes,
                  createdAt: createdAt, lastUsedAt: nil, teamId: teamId, userAgent: nil, ip: nil)
    }

}

/// A one-time invitation to join the company network.
public struct InviteRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var tokenHash: String
    public var role: String
    public var email: String?
    public var createdBy: Int64
    public var createdAt: Date
    public var expiresAt: Date
    public var usedAt: Date?
    public var usedBy: Int64?

    /// Every stored field, as a backend reads them back.
    public init(id: Int64?, tokenHash: String, role: String, email: String?, createdBy: Int64, createdAt: Date, expiresAt: Date,
                usedAt: Date?, usedBy: Int64?) {
        self.id = id
        self.tokenHash = tokenHash
        self.role = role
        self.email = email
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.usedBy = usedBy
    }

    public init(tokenHash: String, role: String, email: String?, createdBy: Int64, createdAt: Date, expiresAt: Date) {
        self.init(id: nil, tokenHash: tokenHash, role: role, email: email, createdBy: createdBy, createdAt: createdAt,
                  expiresAt: expiresAt, usedAt: nil, usedBy: nil)
    }

}
