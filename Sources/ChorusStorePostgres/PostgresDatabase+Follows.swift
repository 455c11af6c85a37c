import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func follow(accountID: Int64, targetID: Int64) async throws -> RelationshipRecord {
        throw PostgresDatabase.notYet
    }

    public func unfollow(accountID: Int64, targetID: Int64) async throws -> RelationshipRecord {
        throw PostgresDatabase.notYet
    }

    public func relationships(viewerID: Int64, ids: [Int64]) async throws -> [RelationshipRecord] {
        throw PostgresDatabase.notYet
    }

    public func followers(of accountID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        throw PostgresDatabase.notYet
    }

    public func following(of accountID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        throw PostgresDatabase.notYet
    }

    public func followerIDs(of accountID: Int64) async throws -> Set<Int64> {
        throw PostgresDatabase.notYet
    }
}
