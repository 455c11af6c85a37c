import ChorusCore
import ChorusStore

/// What a token was issued for (`access_tokens.kind`).
public enum TokenKind: String, Sendable {
    /// An OAuth token of a client app or an installed app's bot.
    case oauth
    /// A browser's sign-in: the only kind the web pages accept as their cookie.
    case session
}

/// Who is calling: the token and, unless it is an app-only token, the account.
public struct Principal: Sendable {
    public var tokenID: Int64
    public var kind: TokenKind
    public var account: AccountRecord?
    public var scopes: ScopeSet
    public var appID: Int64?
    /// A team install's bot token acts only within this team.
    public var teamID: Int64?

    public init(tokenID: Int64, account: AccountRecord?, scopes: ScopeSet, appID: Int64?, teamID: Int64? = nil, kind: TokenKind = .oauth) {
        self.tokenID = tokenID
        self.kind = kind
        self.account = account
        self.scopes = scopes
        self.appID = appID
        self.teamID = teamID
    }

    /// Throws 403 unless the token grants `scope`.
    public func require(_ scope: String) throws {
        guard scopes.allows(scope) else { throw ChorusError.forbidden("This action is outside the authorized scopes (needs \(scope))") }
    }

    /// The signed-in account; 422 for an app-only token, as Mastodon answers.
    public func user() throws -> AccountRecord {
        guard let account else { throw ChorusError.unprocessable("This method requires an authenticated user") }
        return account
    }
}
