import ChorusCore
import ChorusStore
import Foundation

/// Posting (`StatusService+Create.swift`), deleting, favouriting,
/// reblogging and reading threads.
public struct StatusService: Sendable {
    let database: any ChorusDatabase
    let config: ChorusConfig
    /// Posts per account in a sliding window (a runaway script or bot).
    let postLimiter: SlidingWindowLimiter

    public init(database: any ChorusDatabase, config: ChorusConfig) {
        self.database = database
        self.config = config
        self.postLimiter = SlidingWindowLimiter(limit: config.postLimit.count, window: config.postLimit.window)
    }

    /// A status the viewer may see; 404 otherwise.
    public func status(id: Int64, viewer: AccountRecord) async throws -> HydratedStatus {
        guard let status = try await database.hydrate(ids: [id], viewerID: viewer.id).first else { throw ChorusError.notFound() }
        return status
    }

    /// Deletes the viewer's own status; returns it as it was (for "delete and redraft").
    public func deleteStatus(id: Int64, by viewer: AccountRecord) async throws -> HydratedStatus {
        let status = try await status(id: id, viewer: viewer)
        if let refusal = PostRules.delete(status.status.ruleFacts(), by: PostRules.Actor(id: viewer.id)) { throw refusal }
        try await database.deleteStatus(id: id, actorID: viewer.id)
        return status
    }

    public func favourite(id: Int64, by viewer: AccountRecord) async throws -> HydratedStatus {
        let target = try await status(id: id, viewer: viewer)
        try await database.favourite(statusID: target.status.reblogOfId ?? id, accountID: viewer.id)
        return try await status(id: target.status.reblogOfId ?? id, viewer: viewer)
    }

    public func unfavourite(id: Int64, by viewer: AccountRecord) async throws -> HydratedStatus {
        let target = try await status(id: id, viewer: viewer)
        try await database.unfavourite(statusID: target.status.reblogOfId ?? id, accountID: viewer.id)
        return try await status(id: target.status.reblogOfId ?? id, viewer: viewer)
    }

    /// Reblogs a company post; returns the reblog (wrapping the original).
    public func reblog(id: Int64, by viewer: AccountRecord) async throws -> HydratedStatus {
        let target = try await status(id: id, viewer: viewer)
        let original = target.reblog?.status ?? target.status
        if let refusal = PostRules.reblog(original.ruleFacts()) { throw refusal }
        let reblogID = try await database.reblog(original: original, accountID: viewer.id)
        return try await status(id: reblogID, viewer: viewer)
    }

    /// Removes the viewer's reblog; returns the original.
    public func unreblog(id: Int64, by viewer: AccountRecord) async throws -> HydratedStatus {
        let target = try await status(id: id, viewer: viewer)
        let originalID = target.status.reblogOfId ?? id
        if let reblogID = try await database.reblogID(originalID: originalID, accountID: viewer.id) {
            try await database.deleteStatus(id: reblogID, actorID: viewer.id)
        }
        return try await status(id: originalID, viewer: viewer)
    }

    /// The visible thread around a status.
    public func context(id: Int64, viewer: AccountRecord) async throws -> (ancestors: [HydratedStatus], descendants: [HydratedStatus]) {
        _ = try await status(id: id, viewer: viewer)
        return try await database.context(statusID: id, viewerID: viewer.id)
    }

    public func favouritedBy(id: Int64, viewer: AccountRecord, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        _ = try await status(id: id, viewer: viewer)
        return try await database.favouritedBy(statusID: id, page: page)
    }

    public func rebloggedBy(id: Int64, viewer: AccountRecord, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        _ = try await status(id: id, viewer: viewer)
        return try await database.rebloggedBy(statusID: id, page: page)
    }
}
