import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// Outbox events after `id`, oldest first (plain id order, as on SQLite;
    /// ids of concurrent writers can commit out of order, which a later
    /// change deals with).
    public func events(after id: Int64, limit: Int) async throws -> [OutboxEvent] {
        try await read { try await $0.records(OutboxEvent.self, "SELECT * FROM outbox WHERE id > \(id) ORDER BY id LIMIT \(limit)") }
    }

    /// The id of the newest outbox event (0 when empty).
    public func latestEventID() async throws -> Int64 {
        try await read { try await $0.scalar(Int64.self, "SELECT coalesce(max(id), 0) FROM outbox") ?? 0 }
    }

    /// Deletes outbox events older than `age` seconds, but never one a
    /// durable consumer (`outbox_cursors`) has not read yet: a consumer that
    /// was stopped for longer still finds every event it missed.
    public func pruneEvents(olderThan age: TimeInterval) async throws {
        let cutoff = now().addingTimeInterval(-age)
        try await write { connection in
            _ = try await connection.run("""
                DELETE FROM outbox WHERE created_at < \(cutoff)
                  AND id <= coalesce((SELECT min(event_id) FROM outbox_cursors), 9223372036854775807)
                """)
        }
    }
}
