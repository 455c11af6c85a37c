import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// The viewer's notifications, newest first. Notifications about posts the
    /// viewer can no longer see are left out.
    public func notifications(viewerID: Int64, page: Page, types: [String], excludeTypes: [String]) async throws -> [HydratedNotification] {
        let query = PageQuery(page, column: "n.id")
        return try await read { connection in
            let records = try await connection.records(NotificationRecord.self, """
                SELECT n.* FROM notifications n LEFT JOIN statuses s ON s.id = n.status_id
                WHERE n.account_id = \(viewerID) AND (n.status_id IS NULL OR \(unescaped: visibleToViewerSQL("s", viewerID: viewerID)))
                  AND (cardinality(\(types)::text[]) = 0 OR n.type = ANY(\(types)::text[]))
                  AND n.type <> ALL(\(excludeTypes)::text[])\(unescaped: query.andConditions)\(unescaped: query.tail)
                """)
            return try await self.hydrate(connection, notifications: query.ordered(records), viewerID: viewerID)
        }
    }

    /// One notification of the viewer's, if it exists and its post is visible.
    public func notification(id: Int64, viewerID: Int64) async throws -> HydratedNotification? {
        try await read { connection in
            guard let record = try await connection.record(NotificationRecord.self, """
                SELECT * FROM notifications WHERE id = \(id) AND account_id = \(viewerID)
                """) else { return nil }
            return try await self.hydrate(connection, notifications: [record], viewerID: viewerID).first
        }
    }

    func hydrate(_ connection: PostgresConnection, notifications records: [NotificationRecord], viewerID: Int64) async throws -> [HydratedNotification] {
        guard !records.isEmpty else { return [] }
        let fromIDs = Array(Set(records.map(\.fromAccountId)))
        let accounts = Dictionary(try await connection.records(AccountRecord.self, "SELECT * FROM accounts WHERE id = ANY(\(fromIDs))")
            .map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let statuses = try await hydrate(connection, ids: Array(Set(records.compactMap(\.statusId))), viewerID: viewerID)
        let statusByID = Dictionary(statuses.map { ($0.status.id, $0) }, uniquingKeysWith: { first, _ in first })
        return records.compactMap { record in
            guard let from = accounts[record.fromAccountId] else { return nil }
            let status = record.statusId.flatMap { statusByID[$0] }
            if record.statusId != nil, status == nil { return nil }
            return HydratedNotification(notification: record, from: from, status: status)
        }
    }

    /// Deletes one notification of the viewer's; false if there was none.
    @discardableResult
    public func dismissNotification(id: Int64, viewerID: Int64) async throws -> Bool {
        try await write { connection in
            try await connection.run("DELETE FROM notifications WHERE id = \(id) AND account_id = \(viewerID) RETURNING id") > 0
        }
    }

    /// Deletes all of the viewer's notifications.
    public func clearNotifications(viewerID: Int64) async throws {
        try await write { connection in try await connection.run("DELETE FROM notifications WHERE account_id = \(viewerID)") }
    }

    /// Marks every notification of the viewer read (they opened the list).
    public func markNotificationsRead(viewerID: Int64) async throws {
        let now = now()
        try await write { connection in
            try await connection.run("UPDATE notifications SET read_at = \(now) WHERE account_id = \(viewerID) AND read_at IS NULL")
        }
    }

    /// How many notifications the viewer has not read.
    public func unreadNotificationCount(viewerID: Int64) async throws -> Int {
        try await read { connection in
            try await connection.count("SELECT count(*) FROM notifications WHERE account_id = \(viewerID) AND read_at IS NULL")
        }
    }

    /// Writes a notification and its `notification.created` event inside the
    /// transaction of the change it reports (see "Notifications" in
    /// docs/ARCHITECTURE.md for why it is not an outbox consumer).
    func notify(_ connection: PostgresConnection, accountID: Int64, type: String, from: Int64, statusID: Int64?) async throws {
        let id = ids.next()
        try await connection.run("""
            INSERT INTO notifications (id, account_id, type, from_account_id, status_id, created_at)
            VALUES (\(id), \(accountID), \(type), \(from), \(statusID), \(now()))
            """)
        try await appendEvent(connection, type: "notification.created", payload: ["notification_id": id, "account_id": accountID])
    }
}
