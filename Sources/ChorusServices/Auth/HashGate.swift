import ChorusCore
import Foundation
import Synchronization

/// Bounds the password hashes computed at once. An argon2id hash takes tens
/// of milliseconds of a core and about 19 MiB: `concurrent` run, up to
/// `queued` more wait their turn, and past that a sign-in is refused with
/// 429 and `Retry-After` instead of piling work onto the machine.
public final class HashGate: Sendable {
    let concurrent: Int
    let queued: Int
    private let state = Mutex<(running: Int, waiting: [CheckedContinuation<Void, Never>])>((0, []))

    public init(concurrent: Int = max(1, ProcessInfo.processInfo.activeProcessorCount), queued: Int = 64) {
        self.concurrent = max(1, concurrent)
        self.queued = max(0, queued)
    }

    /// Runs `work` off the calling task's executor once a slot is free.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await Task.detached(priority: .userInitiated) { try work() }.value
    }

    private func acquire() async throws {
        enum Admission { case now, wait, refuse }
        let admission = state.withLock { state -> Admission in
            if state.running < concurrent {
                state.running += 1
                return .now
            }
            return state.waiting.count < queued ? .wait : .refuse
        }
        switch admission {
        case .now:
            return
        case .refuse:
            throw ChorusError.tooManyRequests("The server is busy checking passwords; try again in a moment", retryAfter: 2)
        case .wait:
            // The slot is handed over by `release`, which resumes the waiter.
            await withCheckedContinuation { continuation in
                let admitted = state.withLock { state -> Bool in
                    if state.running < concurrent {
                        state.running += 1
                        return true
                    }
                    state.waiting.append(continuation)
                    return false
                }
                if admitted { continuation.resume() }
            }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()  // the slot passes to it
        }
        next?.resume()
    }
}
