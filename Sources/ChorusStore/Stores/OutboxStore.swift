import ChorusCore
import Foundation

/// The outbox: domain events, in commit order, for the consumers that
/// drain it (live streams, app deliveries, caches).
public protocol OutboxStore: Sendable {
    /// Outbox events after `id`, oldest first.
    func events(after id: Int64, limit: Int) async throws -> [OutboxEvent]

    /// The id of the newest outbox event (0 when empty).
    func latestEventID() async throws -> Int64

    /// Deletes outbox events older than `age` seconds, but never one a
    /// durable consumer (`outbox_cursors`) has not read yet: a consumer that
    /// was stopped for longer still finds every event it missed.
    func pruneEvents(olderThan age: TimeInterval) async throws
}
