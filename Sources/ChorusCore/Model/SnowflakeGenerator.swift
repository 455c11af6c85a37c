import Foundation
import Synchronization

/// Makes time-ordered 64-bit ids: milliseconds since 1970 in the high bits,
/// a per-millisecond sequence in the low 16. Sorting by id sorts by time, so
/// Mastodon's `max_id`/`since_id` pagination is a range scan.
public final class SnowflakeGenerator: Sendable {
    private let state = Mutex<(millis: Int64, sequence: Int64)>((0, 0))
    private let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }

    /// The next id; strictly greater than every id this generator made before.
    public func next() -> Int64 {
        let millis = Int64(now().timeIntervalSince1970 * 1000)
        return state.withLock { state in
            if millis > state.millis {
                state = (millis, 0)
            } else {
                state.sequence += 1
                if state.sequence > 0xFFFF { state = (state.millis + 1, 0) }
            }
            return state.millis << 16 | state.sequence
        }
    }

    /// The smallest id that could be made at `date` (for time-based cursors).
    public static func lowestID(at date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970 * 1000) << 16
    }
}
