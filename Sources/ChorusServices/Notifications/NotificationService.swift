import ChorusCore
import ChorusStore

/// A person's notifications: mention, favourite, reblog, follow, quote.
public struct NotificationService: Sendable {
    let database: any ChorusDatabase

    /// `status` is a team announcement (Mastodon's "someone posted" notification).
    public static let types: Set<String> = ["mention", "favourite", "reblog", "follow", "quote", "status"]

    public init(database: any ChorusDatabase) { self.database = database }

    public func list(viewer: AccountRecord, page: Page, types: [String], excludeTypes: [String]) async throws -> [HydratedNotification] {
        try await database.notifications(viewerID: viewer.id, page: page, types: types, excludeTypes: excludeTypes)
    }

    public func get(_ id: Int64, viewer: AccountRecord) async throws -> HydratedNotification {
        guard let notification = try await database.notification(id: id, viewerID: viewer.id) else { throw ChorusError.notFound() }
        return notification
    }

    public func dismiss(_ id: Int64, viewer: AccountRecord) async throws {
        guard try await database.dismissNotification(id: id, viewerID: viewer.id) else { throw ChorusError.notFound() }
    }

    public func clear(viewer: AccountRecord) async throws {
        try await database.clearNotifications(viewerID: viewer.id)
    }

    public func markAllRead(viewer: AccountRecord) async throws {
        try await database.markNotificationsRead(viewerID: viewer.id)
    }

    public func unreadCount(viewer: AccountRecord) async throws -> Int {
        try await database.unreadNotificationCount(viewerID: viewer.id)
    }
}
