import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func createApp(_ app: OAuthAppRecord) async throws -> OAuthAppRecord {
        throw PostgresDatabase.notYet
    }

    public func app(clientID: String) async throws -> OAuthAppRecord? {
        throw PostgresDatabase.notYet
    }

    public func app(id: Int64) async throws -> OAuthAppRecord? {
        throw PostgresDatabase.notYet
    }

    public func createCode(_ code: OAuthCodeRecord) async throws {
        throw PostgresDatabase.notYet
    }

    public func consumeCode(hash: String, check: @escaping @Sendable (OAuthCodeRecord) throws -> Void) async throws -> OAuthCodeRecord? {
        throw PostgresDatabase.notYet
    }

    public func createToken(_ token: AccessTokenRecord) async throws -> AccessTokenRecord {
        throw PostgresDatabase.notYet
    }

    public func token(hash: String) async throws -> (AccessTokenRecord, AccountRecord?)? {
        throw PostgresDatabase.notYet
    }

    public func revokeOtherSessions(accountID: Int64, keepTokenID: Int64, actorIP: String?) async throws -> [Int64] {
        throw PostgresDatabase.notYet
    }

    public func tokenExists(id: Int64) async throws -> Bool {
        throw PostgresDatabase.notYet
    }

    @discardableResult
    public func revokeToken(hash: String) async throws -> Int64? {
        throw PostgresDatabase.notYet
    }
}
