import ChorusCore
import ChorusStore

/// The follow graph. Following is immediate inside the company.
public struct FollowService: Sendable {
    let database: any ChorusDatabase

    public init(database: any ChorusDatabase) { self.database = database }

    public func follow(_ targetID: Int64, by viewer: AccountRecord) async throws -> RelationshipRecord {
        guard targetID != viewer.id else { throw ChorusError.forbidden("You cannot follow yourself") }
        guard let target = try await database.account(id: targetID), target.isActive else { throw ChorusError.notFound() }
        return try await database.follow(accountID: viewer.id, targetID: target.id)
    }

    public func unfollow(_ targetID: Int64, by viewer: AccountRecord) async throws -> RelationshipRecord {
        guard try await database.account(id: targetID) != nil else { throw ChorusError.notFound() }
        return try await database.unfollow(accountID: viewer.id, targetID: targetID)
    }

    public func relationships(_ ids: [Int64], viewer: AccountRecord) async throws -> [RelationshipRecord] {
        try await database.relationships(viewerID: viewer.id, ids: Array(ids.prefix(80)))
    }

    public func followers(of accountID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        guard try await database.account(id: accountID) != nil else { throw ChorusError.notFound() }
        return try await database.followers(of: accountID, page: page)
    }

    public func following(of accountID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        guard try await database.account(id: accountID) != nil else { throw ChorusError.notFound() }
        return try await database.following(of: accountID, page: page)
    }
}
