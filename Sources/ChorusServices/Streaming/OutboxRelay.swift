import ChorusStore
import Foundation
import Logging
import ServiceLifecycle

/// Drains the outbox into in-process consumers (live streams), polling a
/// few times a second. Streams do not replay, so the relay starts at the
/// newest event; durable consumers keep their own cursors. It also does the
/// housekeeping: pruning old events, idempotency keys and expired sessions.
public struct OutboxRelay: Service {
    let database: any ChorusDatabase
    let hub: StreamHub
    let logger: Logger
    let interval: Duration
    let sessionPolicy: SessionPolicy

    public init(database: any ChorusDatabase, hub: StreamHub, logger: Logger, interval: Duration = .milliseconds(100),
                sessionPolicy: SessionPolicy = SessionPolicy()) {
        self.database = database
        self.hub = hub
        self.logger = logger
        self.interval = interval
        self.sessionPolicy = sessionPolicy
    }

    public func run() async throws {
        var cursor = try await database.latestEventID()
        var lastPrune = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                cursor = try await drain(after: cursor)
                if ContinuousClock.now - lastPrune > .seconds(3600) {
                    try await database.pruneEvents(olderThan: 7 * 24 * 3600)
                    try await database.pruneIdempotencyKeys()
                    try await database.pruneExpiredSessions(idleTimeout: sessionPolicy.idleTimeout, lifetime: sessionPolicy.lifetime)
                    lastPrune = ContinuousClock.now
                }
            } catch {
                logger.error("outbox relay failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Routes every event after `cursor`; returns the new cursor.
    public func drain(after cursor: Int64) async throws -> Int64 {
        var cursor = cursor
        for _ in 0..<100 {
            let events = try await database.events(after: cursor, limit: 500)
            guard !events.isEmpty else { break }
            for event in events {
                try await hub.route(event, database: database)
                cursor = event.id ?? cursor
            }
        }
        return cursor
    }
}
