import ChorusCore
import Foundation
import Synchronization

/// A clock that stands still until a test moves it, to prove what happens
/// after days or months without waiting for them.
public final class TestClock: ChorusClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_750_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by interval: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(interval) }
    }

    /// Moves the clock forward by whole days.
    public func advance(days: Double) { advance(by: days * 86_400) }
}
