import Foundation
import Synchronization

/// Makes time-ordered 64-bit ids: milliseconds since 1970 in the high bits,
/// then the number of the node that made the id (6 bits), then a
/// per-millisecond sequence (10 bits). Sorting by id sorts by time, so
/// Mastodon's `max_id`/`since_id` pagination is a range scan; two nodes
/// (processes sharing one PostgreSQL database) never make the same id as
/// long as their node numbers differ.
public final class SnowflakeGenerator: Sendable {
    /// Node numbers run from 0 to `maxNode`.
    public static let maxNode = 63
    static let sequenceBits: Int64 = 10
    static let maxSequence: Int64 = (1 << sequenceBits) - 1

    private let state: Mutex<(millis: Int64, sequence: Int64, node: Int64)>
    private let now: @Sendable () -> Date

    /// `node` is this process's number (0 for a single process); ids start
    /// no earlier than `notBefore` milliseconds, so a node that takes over a
    /// number never repeats an id its previous holder made ahead of this clock.
    public init(node: Int = 0, notBefore: Int64 = 0, now: @escaping @Sendable () -> Date = { Date() }) {
        precondition((0...Self.maxNode).contains(node), "node numbers run from 0 to \(Self.maxNode)")
        self.now = now
        self.state = Mutex((notBefore, -1, Int64(node)))
    }

    /// Moves this generator to another node number (its previous one was
    /// taken over), making ids after `notBefore` milliseconds from now on.
    public func reassign(node: Int, notBefore: Int64) {
        precondition((0...Self.maxNode).contains(node), "node numbers run from 0 to \(Self.maxNode)")
        state.withLock { state in state = (max(state.millis, notBefore), Self.maxSequence, Int64(node)) }
    }

    /// The node number in the ids made now.
    public var node: Int { state.withLock { Int($0.node) } }

    /// The next id; strictly greater than every id this generator made before.
    public func next() -> Int64 {
        let millis = Int64(now().timeIntervalSince1970 * 1000)
        return state.withLock { state in
            if millis > state.millis {
                state.millis = millis
                state.sequence = 0
            } else {
                state.sequence += 1
                if state.sequence > Self.maxSequence {
                    state.millis += 1
                    state.sequence = 0
                }
            }
            return state.millis << 16 | state.node << Self.sequenceBits | state.sequence
        }
    }

    /// The millisecond of the newest id made so far.
    public var lastMillis: Int64 { state.withLock { $0.millis } }

    /// The smallest id that could be made at `date` (for time-based cursors).
    public static func lowestID(at date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970 * 1000) << 16
    }
}
