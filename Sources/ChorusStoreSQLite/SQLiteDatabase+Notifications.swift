import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    /// The viewer's notifications, newest first. Notifications about posts the
    /// viewer can no longer see are left out.
    public func notifications(viewerID: Int64, page: Page, types: [String], excludeTypes: [String]) async throws -> [HydratedNotification] {
        try await read { db in
            let query = PageQuery(page, column: "n.id")
            var sql = """
                SELECT n.* FROM notifications n LEFT JOIN statuses s ON s.id = n.status_id
                WHERE n.account_id = ? AND (n.status_id IS NULL OR \(visibleToViewerSQL("s", viewerID: viewerID)))
                """
            var arguments: StatementArguments = [viewerID]
            if !types.isEmpty {
                sql += " AND n.type IN (\(databaseQuestionMarks(count: types.count)))"
                arguments += StatementArguments(types)
            }
            if !excludeTypes.isEmpty {
                sql += " AND n.type NOT IN (\(databaseQuestionMarks(count: excludeTypes.count)))"
                arguments += StatementArguments(excludeTypes)
            }
            let records = query.ordered(try NotificationRecord.fetchAll(db, sql: sql + query.andConditions + query.tail, arguments: arguments + query.arguments))
            return try self.hydrate(db, notifications: records, viewerID: viewerID)
        }
    }

    /// One notification of the viewer's, if it exists and its post is visible.
    public func notification(id: Int64, viewerID: Int64) async throws -> HydratedNotification? {
        try await read { db in
            guard let record = try NotificationRecord.filter(Column("id") == id && Column("account_id") == viewerID).fetchOne(db) else { return nil }
            return try self.hydrate(db, notifications: [record], viewerID: viewerID).first
        }
    }

    func hydrate(_ db: Database, notifications records: [NotificationRecord], viewerID: Int64) throws -> [HydratedNotification] {
        let accounts = Dictionary(uniqueKeysWithValues: try AccountRecord.fetchAll(db, keys: Set(records.map(\.fromAccountId))).map { ($0.id, $0) })
        let statuses = try hydrate(db, ids: Array(Set(records.compactMap(\.statusId))), viewerID: viewerID)
        let statusByID = Dictionary(uniqueKeysWithValues: statuses.map { ($0.status.id, $0) })
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
        try await write { db in
            try db.execute(sql: "DELETE FROM notifications WHERE id = ? AND account_id = ?", arguments: [id, viewerID])
            return db.changesCount > 0
        }
    }

    /// Deletes all of the viewer's notifications.
    public func clearNotifications(viewerID: Int64) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM notifications WHERE account_id = ?", arguments: [viewerID]) }
    }

    /// Marks every notification of the viewer read (they opened the list).
    public func markNotificationsRead(viewerID: Int64) async throws {
        let now = now()
        try await write { db in
            try db.execute(sql: "UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL", arguments: [now, viewerID])
        }
    }

    /// How many notifications the viewer has not read.
    public func unreadNotificationCount(viewerID: Int64) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM notifications WHERE account_id = ? AND read_at IS NULL", arguments: [viewerID]) ?? 0
        }
    }

    /// Writes a notification and its `notification.created` event inside the
    /// transaction of the change it reports (see "Notifications" in
    /// docs/ARCHITECTURE.md for why it is not an outbox consumer).
    func notify(_ db: Database, accountID: Int64, type: String, from: Int64, statusID: Int64?) throws {
        let id = ids.next()
        try db.run("INSERT INTO notifications (id, account_id, type, from_account_id, status_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                   arguments: [id, accountID, type, from, statusID, now()])
        try appendEvent(db, type: "notification.created", payload: ["notification_id": id, "account_id": accountID])
    }
}
