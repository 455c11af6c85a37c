import Foundation

/// The time source, so tests can fix "now".
public protocol ChorusClock: Sendable {
    func now() -> Date
}

/// The system clock.
public struct SystemClock: ChorusClock {
    public init() {}
    public func now() -> Date { Date() }
}
