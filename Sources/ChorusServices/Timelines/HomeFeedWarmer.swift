import ChorusStore
import Foundation
import Logging
import ServiceLifecycle

/// Loads the newest posts of the most recently active people into the
/// home-feed cache right after start, in the background, so the first home
/// timelines after a restart are merges of cached sources like all later
/// ones instead of each loading a few hundred sources from disk. Requests
/// are answered meanwhile (a source not loaded yet is loaded on demand).
public struct HomeFeedWarmer: Service {
    let database: any ChorusDatabase
    let logger: Logger

    public func run() async throws {
        let started = ContinuousClock.now
        do {
            let loaded = try await database.warmHomeFeeds()
            logger.info("home feeds warmed", metadata: ["authors": "\(loaded)", "seconds": "\((ContinuousClock.now - started).components.seconds)"])
        } catch is CancellationError {
            return
        } catch {
            logger.error("warming home feeds failed", metadata: ["error": "\(error)"])
        }
        // A service that returns would stop the server: wait for shutdown.
        try? await gracefulShutdown()
    }
}
