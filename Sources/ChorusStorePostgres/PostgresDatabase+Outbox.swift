import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// Outbox events after position `id`, oldest first. Committed events
    /// get their positions first (see the outbox table in
    /// `Migrations/postgres/0001_schema.sql`).
    public func events(after id: Int64, limit: Int) async throws -> [OutboxEvent] {
        try await placeCommittedEvents()
        return try await read { connection in
            try await connection.records(OutboxEvent.self, """
                SELECT id, type, payload, created_at FROM outbox WHERE id > \(id) ORDER BY id LIMIT \(limit)
                """)
        }
    }

    /// The position of the newest placed event (0 when none).
    public func latestEventID() async throws -> Int64 {
        try await placeCommittedEvents()
        return try await read { try await $0.scalar(Int64.self, "SELECT position FROM outbox_head") ?? 0 }
    }

    /// Deletes placed outbox events older than `age` seconds, but never one
    /// a durable consumer (`outbox_cursors`) has not read yet.
    public func pruneEvents(olderThan age: TimeInterval) async throws {
        let cutoff = now().addingTimeInterval(-age)
        try await write { connection in
            _ = try await connection.run("""
                DELETE FROM outbox WHERE created_at < \(cutoff) AND id IS NOT NULL
                  AND id <= coalesce((SELECT min(event_id) FROM outbox_cursors), 9223372036854775807)
                """)
        }
    }

    /// Gives the next positions to the committed events that have none, in
    /// the order they were inserted. One placer at a time (an advisory lock;
    /// a reader that finds it taken reads what is placed), outside
    /// SERIALIZABLE, so its statement sees every transaction that committed
    /// before it and the positions of the placer before it.
    func placeCommittedEvents() async throws {
        try await PostgresSetup.translatingErrors {
            try await client.withConnection { connection in
                try await self.enterSchema(connection)
                try await connection.query("BEGIN", logger: logger)
                do {
                    let key = PostgresSetup.lockKey(schema: schema) &+ 1
                    if try await connection.scalar(Bool.self, "SELECT pg_try_advisory_xact_lock(\(key))") == true {
                        try await connection.run("""
                            WITH committed AS (
                                SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM outbox
                                WHERE id IS NULL ORDER BY seq LIMIT 10000
                            ), head AS (
                                UPDATE outbox_head SET position = position + (SELECT count(*) FROM committed)
                                RETURNING position - (SELECT count(*) FROM committed) AS base
                            )
                            UPDATE outbox o SET id = head.base + committed.n FROM committed, head WHERE o.seq = committed.seq
                            """)
                    }
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    await connection.always("ROLLBACK")
                    throw error
                }
            }
        }
    }
}
