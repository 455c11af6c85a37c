import ChorusCore
import Foundation

/// OAuth client apps, authorization codes and access tokens.
public protocol OAuthStore: Sendable {
    func createApp(_ app: OAuthAppRecord) async throws -> OAuthAppRecord

    func app(clientID: String) async throws -> OAuthAppRecord?

    func app(id: Int64) async throws -> OAuthAppRecord?

    func createCode(_ code: OAuthCodeRecord) async throws

    /// Takes a code out of the store (codes work once); nil if unknown or expired.
    /// Uses up an authorization code, once: nil when unknown or expired (an
    /// expired one is deleted). `check` runs first, in the same transaction;
    /// if it throws, the code is left as it was, so a request from the wrong
    /// client, or with the wrong redirect or verifier, cannot burn it.
    func consumeCode(hash: String, check: @escaping @Sendable (OAuthCodeRecord) throws -> Void) async throws -> OAuthCodeRecord?

    func createToken(_ token: AccessTokenRecord) async throws -> AccessTokenRecord

    /// The token with this hash and its account; nil if unknown, or if its
    /// account is deactivated.
    func token(hash: String) async throws -> (AccessTokenRecord, AccountRecord?)?

    /// Ends every web session of an account but one ("sign out other
    /// sessions"). Returns the ids of those that ended.
    func revokeOtherSessions(accountID: Int64, keepTokenID: Int64, actorIP: String?) async throws -> [Int64]

    /// Whether a token still exists (it was not revoked or expired meanwhile).
    func tokenExists(id: Int64) async throws -> Bool

    @discardableResult
    func revokeToken(hash: String) async throws -> Int64?
}
