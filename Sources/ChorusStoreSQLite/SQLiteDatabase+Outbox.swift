import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    /// Outbox events after `id`, oldest first.
    public func events(after id: Int64, limit: Int) async throws -> [OutboxEvent] {
        try await read { db in
            try OutboxEvent.fetchAll(db, sql: "SELECT * FROM outbox WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, limit])
        }
    }

    /// The id of the newest outbox event (0 when empty).
    public func latestEventID() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM outbox") ?? 0 }
    }

    /// Deletes outbox events older than `age` seconds, but never one a
    /// durable consumer (`outbox_cursors`) has not read yet: a consumer that
    /// was stopped for longer still finds every event it missed.
    public func pruneEvents(olderThan age: TimeInterval) async throws {
        let cutoff = now().addingTimeInterval(-age)
        try await write { db in
            try db.execute(sql: """
                DELETE FROM outbox WHERE created_at < ?
                  AND id <= coalesce((SELECT min(event_id) FROM outbox_cursors), 9223372036854775807)
                """, arguments: [cutoff])
        }
    }

    /// Counts shown on the instance page.
    public func instanceStats() async throws -> (users: Int, statuses: Int) {
        try await read { db in
            let users = try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts WHERE is_active = 1 AND is_bot = 0") ?? 0
            let statuses = try Int.fetchOne(db, sql: "SELECT count(*) FROM statuses WHERE reblog_of_id IS NULL") ?? 0
            return (users, statuses)
        }
    }
}
