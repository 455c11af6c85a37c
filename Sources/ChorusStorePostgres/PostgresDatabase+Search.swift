import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func searchAccounts(_ query: String, limit: Int, offset: Int) async throws -> [AccountRecord] {
        throw PostgresDatabase.notYet
    }

    public func searchTags(_ query: String, viewerID: Int64, limit: Int, offset: Int) async throws -> [TagRecord] {
        throw PostgresDatabase.notYet
    }

    public func tag(name: String, viewerID: Int64) async throws -> TagRecord? {
        throw PostgresDatabase.notYet
    }

    public func tagSummary(name: String, viewerID: Int64, maxCounted: Int) async throws -> TagSummary {
        throw PostgresDatabase.notYet
    }

    public func searchStatuses(_ query: String, viewerID: Int64, accountID: Int64?, limit: Int, offset: Int, maxID: Int64?) async throws -> [HydratedStatus] {
        throw PostgresDatabase.notYet
    }

    public func followTag(accountID: Int64, name: String, display: String) async throws -> TagRecord {
        throw PostgresDatabase.notYet
    }

    public func unfollowTag(accountID: Int64, name: String) async throws {
        throw PostgresDatabase.notYet
    }

    public func followedTags(accountID: Int64) async throws -> [TagRecord] {
        throw PostgresDatabase.notYet
    }

    public func isFollowingTag(accountID: Int64, name: String) async throws -> Bool {
        throw PostgresDatabase.notYet
    }
}
