import ChorusCore
import ChorusStore

/// Who is calling: the token and, unless it is an app-only token, the account.
public struct Principal: Sendable {
    public var tokenID: Int64
    public var account: AccountRecord?
    public var scopes: ScopeSet
    public var appID: Int64?
    /// A team install's bot token acts only within this team.
    public var teamID: Int64?

    public init(tokenID: Int64, account: AccountRecord?, scopes: ScopeSet, appID: Int64?, teamID: Int64? = nil) {
        self.tokenID = tokenID
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
