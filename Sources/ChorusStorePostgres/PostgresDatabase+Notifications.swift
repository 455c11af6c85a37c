import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func notifications(viewerID: Int64, page: Page, types: [String], excludeTypes: [String]) async throws -> [HydratedNotification] {
        throw PostgresDatabase.notYet
    }

    public func notification(id: Int64, viewerID: Int64) async throws -> HydratedNotification? {
        throw PostgresDatabase.notYet
    }

    @discardableResult
    public func dismissNotification(id: Int64, viewerID: Int64) async throws -> Bool {
        throw PostgresDatabase.notYet
    }

    public func clearNotifications(viewerID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func markNotificationsRead(viewerID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func unreadNotificationCount(viewerID: Int64) async throws -> Int {
        throw PostgresDatabase.notYet
    }
}
