import ChorusCore
import ChorusStore
import Foundation
import Logging
import ServiceLifecycle

/// Sends approved posts to their channels, and deletes them again on
/// retraction, exactly once.
///
/// Exactly once rests on three things. Each export is one row written with
/// the approval, taken under a lease, so two workers never hold it at once.
/// A Mastodon channel is called with an `Idempotency-Key` derived from the
/// export, so an attempt repeated after a crash between the external call
/// and recording its answer returns the post made the first time; retries
/// stay within the hour Mastodon servers keep those keys. A webhook channel
/// gets a `webhook-id` derived from the export, the same on every attempt,
/// for the receiver to deduplicate on. A retraction never publishes: a post
/// an unanswered attempt may have made is looked up among the account's
/// own posts. How each kind of channel is called lives in its adapter
/// (`Channels/`); the worker only claims, attempts and records.
public struct BridgeWorker: Service {
    let database: any ChorusDatabase
    let clock: any ChorusClock
    let logger: Logger
    let timeout: Duration
    let idle: Duration
    /// For the crash test only: exit right after an external call succeeded,
    /// before recording it.
    let crashAfterExternalCall: Bool
    /// How failed attempts are tried again, shared with the adapters.
    let delivery: ChannelDelivery
    let adapters: BrandChannelAdapters

    public init(database: any ChorusDatabase, transport: any WebhookTransport, config: ChorusConfig, clock: any ChorusClock = SystemClock(),
                logger: Logger, timeout: Duration = .seconds(10), idle: Duration = .milliseconds(250), crashAfterExternalCall: Bool = false) {
        self.database = database
        self.clock = clock
        self.logger = logger
        self.timeout = timeout
        self.idle = idle
        self.crashAfterExternalCall = crashAfterExternalCall
        self.delivery = ChannelDelivery(transport: transport, clock: clock, timeout: timeout, delays: config.bridgeRetryDelays ?? Self.delays)
        self.adapters = BrandChannelAdapters(delivery: delivery, baseURL: config.baseURL)
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if try await sendDue() == 0 { try? await Task.sleep(for: idle) }
            } catch {
                logger.error("brand export worker failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Sends what is due now; returns how many it tried.
    @discardableResult
    public func sendDue() async throws -> Int {
        let lease = clock.now().addingTimeInterval(Double(timeout.components.seconds) + 5)
        let claimed = try await database.claimDueExports(limit: 16, leaseUntil: lease)
        await withDiscardingTaskGroup { group in
            for item in claimed { group.addTask { await attempt(item) } }
        }
        return claimed.count
    }

    func attempt(_ item: ClaimedExport) async {
        let export = item.export
        let adapter = adapters.adapter(for: item.channel.kind)
        let outcome: ExportOutcome
        do throws(WebhookTransportError) {
            outcome = export.state == .retracting ? try await adapter.retract(item) : try await adapter.publish(item)
        } catch {
            outcome = delivery.retryOrFail(error.message, attempts: export.attempts + 1)
        }
        if crashAfterExternalCall, case .published = outcome {
            logger.critical("failpoint: exiting after the external call, before recording it")
            exit(70)
        }
        do {
            try await database.recordExport(id: export.id!, from: export.state, outcome: outcome)
        } catch {
            logger.error("recording a brand export failed", metadata: ["export": "\(export.id ?? 0)", "error": "\(error)"])
        }
        if case .retry(let error, _) = outcome {
            logger.info("brand export attempt failed", metadata: ["export": "\(export.id ?? 0)", "channel": "\(item.channel.slug)", "error": "\(error)"])
        } else if case .failed(let error) = outcome {
            logger.warning("brand export gave up", metadata: ["export": "\(export.id ?? 0)", "channel": "\(item.channel.slug)", "error": "\(error)"])
        }
    }

    /// Delays between attempts: all within the hour an idempotency key lives.
    static let delays: [TimeInterval] = [5, 30, 120, 600, 1500]
}
