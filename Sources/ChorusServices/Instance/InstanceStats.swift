import ChorusStore
import Foundation
import Synchronization

/// The counts of the signed-in instance document. Counting a million posts
/// takes most of a second, and clients ask for the instance at every start:
/// the counts are made at most once a minute, in the background, and the
/// last ones answered meanwhile.
public final class InstanceStats: Sendable {
    private let database: any ChorusDatabase
    private let state = Mutex<(value: (users: Int, statuses: Int)?, made: ContinuousClock.Instant, refreshing: Bool)>((nil, .now, false))
    static let maxAge: Duration = .seconds(60)

    public init(database: any ChorusDatabase) { self.database = database }

    /// The active people and the posts, at most a minute old.
    public func current() async throws -> (users: Int, statuses: Int) {
        let (cached, refresh) = state.withLock { state -> ((users: Int, statuses: Int)?, Bool) in
            let stale = state.value == nil || ContinuousClock.now - state.made > InstanceStats.maxAge
            guard stale, !state.refreshing else { return (state.value, false) }
            state.refreshing = true
            return (state.value, true)
        }
        if let cached {
            if refresh { Task { try? await self.refresh() } }
            return cached
        }
        // The first request of a run waits for the counts (or for the refresh under way).
        if refresh { return try await self.refresh() }
        for _ in 0..<200 {
            try await Task.sleep(for: .milliseconds(25))
            if let value = state.withLock({ $0.value }) { return value }
        }
        return try await database.instanceStats()
    }

    @discardableResult
    private func refresh() async throws -> (users: Int, statuses: Int) {
        do {
            let value = try await database.instanceStats()
            state.withLock { $0 = (value, .now, false) }
            return value
        } catch {
            state.withLock { $0.refreshing = false }
            throw error
        }
    }
}
