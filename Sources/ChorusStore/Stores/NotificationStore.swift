import ChorusCore
import Foundation

/// A notification with the account that caused it and the status it is about.
public struct HydratedNotification: Sendable {
    public var notification: NotificationRecord
    public var from: AccountRecord
    public var status: HydratedStatus?

    public init(notification: NotificationRecord, from: AccountRecord, status: HydratedStatus?) {
        self.notification = notification
        self.from = from
        self.status = status
    }
}

/// A person's notifications.
public protocol NotificationStore: Sendable {
    /// The viewer's notifications, newest first. Notifications about posts the
    /// viewer can no longer see are left out.
    func notifications(viewerID: Int64, page: Page, types: [String], excludeTypes: [String]) async throws -> [HydratedNotification]

    /// One notification of the viewer's, if it exists and its post is visible.
    func notification(id: Int64, viewerID: Int64) async throws -> HydratedNotification?

    @discardableResult
    func dismissNotification(id: Int64, viewerID: Int64) async throws -> Bool

    /// Deletes all of the viewer's notifications.
    func clearNotifications(viewerID: Int64) async throws

    /// Marks every notification of the viewer read (they opened the list).
    func markNotificationsRead(viewerID: Int64) async throws

    /// How many notifications the viewer has not read.
    func unreadNotificationCount(viewerID: Int64) async throws -> Int
}
