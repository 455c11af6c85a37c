import Foundation
import GRDB
import Synchronization

/// Group commit: writes that arrive while a transaction is being committed
/// wait, and then all run in the next transaction, each in its own savepoint
/// (one failing rolls back only itself). Each caller is answered only after
/// the commit that holds its write returned, so what is acknowledged is on
/// disk, and one fsync serves a whole batch instead of one per post.
final class WriteBatcher: Sendable {
    /// One caller's write.
    struct Job: Sendable {
        /// Runs the write in the open transaction; returns how to answer the
        /// caller once the transaction committed.
        let run: @Sendable (Database) -> @Sendable () -> Void
        /// Answers the caller when the transaction as a whole failed.
        let fail: @Sendable (any Error) -> Void
    }

    private let writer: any DatabaseWriter
    private let state = Mutex<(pending: [Job], draining: Bool)>(([], false))
    /// At most this many writes share one transaction.
    private let maxBatch: Int

    init(writer: any DatabaseWriter, maxBatch: Int = 256) {
        self.writer = writer
        self.maxBatch = maxBatch
    }

    /// True from the moment a write is queued until the batches have all
    /// committed (tests use it to change data while a post waits its turn).
    var isBusy: Bool { state.withLock { $0.draining } }

    /// Runs `body` in a batched transaction and returns its value once committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(run: { db in
                let outcome: Result<T, any Error>
                do {
                    var value: T?
                    try db.inSavepoint {
                        value = try body(db)
                        return .commit
                    }
                    outcome = .success(value!)
                } catch {
                    outcome = .failure(error)
                }
                return { continuation.resume(with: outcome) }
            }, fail: { error in
                continuation.resume(throwing: error)
            })
            let startDrain = state.withLock { state -> Bool in
                state.pending.append(job)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let jobs = state.withLock { state -> [Job] in
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !jobs.isEmpty else { return }
            do {
                let finishers = try await writer.write { db in jobs.map { $0.run(db) } }
                for finish in finishers { finish() }
            } catch {
                // The transaction failed as a whole (the commit itself): nothing in it was kept.
                for job in jobs { job.fail(error) }
            }
        }
    }
}
