import ChorusCore
import Foundation
import Synchronization

/// Counts events per key in a sliding window and refuses past a limit.
public final class SlidingWindowLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let hits = Mutex<[String: [Date]]>([:])

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Counts one event for `key`; past the limit throws 429 with `message`
    /// and the seconds until the oldest counted event leaves the window.
    public func take(_ key: String, message: String, now: Date = Date()) throws {
        let wait = hits.withLock { table -> TimeInterval? in
            var recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
            guard recent.count < limit else {
                table[key] = recent
                return recent.first.map { window - now.timeIntervalSince($0) } ?? window
            }
            recent.append(now)
            table[key] = recent
            if table.count > 10_000 { table = table.filter { $0.value.last.map { now.timeIntervalSince($0) < window } ?? false } }
            return nil
        }
        if let wait { throw ChorusError.tooManyRequests(message, retryAfter: Int(wait.rounded(.up))) }
    }
}
