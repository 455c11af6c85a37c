import Foundation
import Synchronization

/// Checks `condition` every 20 ms until it holds or `timeout` passes;
/// returns whether it held (every wait in a test is bounded).
public func waitUntil(timeout: Duration = .seconds(5), _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// A one-way switch a background task sets when it is done.
public final class Flag: Sendable {
    private let state = Mutex(false)

    public init() {}

    public var isSet: Bool { state.withLock { $0 } }

    public func set() { state.withLock { $0 = true } }
}
