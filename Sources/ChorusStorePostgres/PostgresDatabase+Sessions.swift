import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func sessions(accountID: Int64) async throws -> [AccessTokenRecord] {
        throw PostgresDatabase.notYet
    }

    public func recordSessionUse(tokenID: Int64, at now: Date, notBefore: Date, address: String?, userAgent: String?) async throws {
        throw PostgresDatabase.notYet
    }

    @discardableResult
    public func pruneExpiredSessions(idleTimeout: TimeInterval, lifetime: TimeInterval) async throws -> Int {
        throw PostgresDatabase.notYet
    }

    public func revokeSession(id: Int64, accountID: Int64, actorIP: String?) async throws -> Bool {
        throw PostgresDatabase.notYet
    }
}
