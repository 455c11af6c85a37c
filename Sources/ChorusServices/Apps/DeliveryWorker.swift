import ChorusCore
import ChorusStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Wakes a sleeping worker early: a signal while nobody waits is kept
/// for the next wait.
public actor Wakeup {
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var generation = 0

    public init() {}

    public func signal() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            pending = true
        }
    }

    /// Returns at the next signal, or after `timeout`.
    public func wait(timeout: Duration) async {
        if pending {
            pending = false
            return
        }
        generation += 1
        let mine = generation
        await withCheckedContinuation { continuation in
            waiter = continuation
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(mine)
            }
        }
    }

    private func expire(_ generation: Int) {
        guard generation == self.generation, let waiter else { return }
        self.waiter = nil
        waiter.resume()
    }
}

/// Sends queued deliveries to the apps' receivers, following the Standard
/// Webhooks rules: signed, the same `webhook-id` on every attempt, a 2xx
/// means delivered, anything else is tried again on the retry schedule
/// (with `Retry-After` honoured on 429 and 503), 410 disables the endpoint.
///
/// Each receiver gets at most `perApp` requests at a time, and the worker
/// at most `concurrency` in all, so a slow or dead receiver only ever holds
/// its own slots: others are not delayed. Deliveries are leased while in
/// flight; one left by a worker that died is taken again when its lease
/// runs out, and one that is due later simply waits in the database.
public struct DeliveryWorker: Service {
    let database: any ChorusDatabase
    let transport: any WebhookTransport
    let schedule: RetrySchedule
    let timeout: Duration
    let wakeup: Wakeup
    let logger: Logger
    let concurrency: Int
    let perApp: Int
    let idle: Duration
    let clock: any ChorusClock

    public init(database: any ChorusDatabase, transport: any WebhookTransport, schedule: RetrySchedule, timeout: Duration = .seconds(10),
                wakeup: Wakeup, logger: Logger, concurrency: Int = 32, perApp: Int = 4, idle: Duration = .milliseconds(250),
                clock: any ChorusClock = SystemClock()) {
        self.clock = clock
        self.database = database
        self.transport = transport
        self.schedule = schedule
        self.timeout = timeout
        self.wakeup = wakeup
        self.logger = logger
        self.concurrency = concurrency
        self.perApp = perApp
        self.idle = idle
    }

    /// The lease outlives the request's timeout by a margin.
    var lease: TimeInterval { Double(timeout.components.seconds) + 5 }

    public func run() async throws {
        let inFlight = InFlight()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let claimed: [ClaimedDelivery]
                do {
                    let (busy, total) = inFlight.counts.withLock { counts in
                        (Set(counts.filter { $0.value >= perApp }.keys), counts.values.reduce(0, +))
                    }
                    let room = concurrency - total
                    claimed = room > 0 ? try await claim(limit: room, busy: busy, inFlight: inFlight) : []
                } catch {
                    logger.error("claiming deliveries failed", metadata: ["error": "\(error)"])
                    claimed = []
                }
                for item in claimed {
                    group.addTask {
                        await attempt(item)
                        inFlight.counts.withLock { counts in
                            counts[item.delivery.appId, default: 1] -= 1
                            if counts[item.delivery.appId] == 0 { counts[item.delivery.appId] = nil }
                        }
                        await wakeup.signal()
                    }
                }
                if claimed.isEmpty { await wakeup.wait(timeout: idle) }
            }
        }
    }

    /// Claims due deliveries within each app's free slots.
    func claim(limit: Int, busy: Set<Int64>, inFlight: InFlight) async throws -> [ClaimedDelivery] {
        let candidates = try await database.claimDueDeliveries(limit: limit, busyApps: busy,
                                                               leaseUntil: clock.now().addingTimeInterval(lease))
        var taken: [ClaimedDelivery] = []
        var released: [Int64] = []
        inFlight.counts.withLock { counts in
            for item in candidates {
                if counts[item.delivery.appId, default: 0] < perApp {
                    counts[item.delivery.appId, default: 0] += 1
                    taken.append(item)
                } else {
                    released.append(item.delivery.id!)
                }
            }
        }
        if !released.isEmpty { try await database.releaseLeases(deliveryIDs: released) }
        return taken
    }

    /// Requests in flight per app.
    final class InFlight: Sendable {
        let counts = Mutex<[Int64: Int]>([:])
    }

    /// Sends everything due now, one after the other in queue order, and
    /// waits for the answers (tests drive the worker this way).
    public func sendDue() async throws {
        let claimed = try await database.claimDueDeliveries(limit: 1000, busyApps: [], leaseUntil: clock.now().addingTimeInterval(lease))
        for item in claimed { await attempt(item) }
    }

    /// One attempt: sign, send, record (or record why it is withheld).
    func attempt(_ item: ClaimedDelivery) async {
        let delivery = item.delivery
        // Checked with the claim: the bot may no longer see what it is about.
        if let reason = item.withheldReason {
            logger.info("webhook delivery withheld", metadata: [
                "app": "\(delivery.appId)", "delivery": "\(delivery.id ?? 0)", "reason": "\(reason)",
            ])
            do {
                try await database.recordAttempt(deliveryID: delivery.id!, outcome: .withheld(reason: reason))
            } catch {
                logger.error("recording a withheld delivery failed", metadata: ["delivery": "\(delivery.id ?? 0)", "error": "\(error)"])
            }
            return
        }
        let body = Data(delivery.body.utf8)
        let headers = WebhookSigner.headers(id: delivery.messageId, timestamp: Int(clock.now().timeIntervalSince1970), body: body, secrets: item.secrets)
            + [("content-type", "application/json"), ("user-agent", "Chorus-Webhooks/1")]
        let outcome: DeliveryOutcome
        do {
            let response = try await transport.post(url: item.url, headers: headers, body: body, timeout: timeout)
            outcome = Self.outcome(of: response, attempts: delivery.attempts + 1, schedule: schedule, now: clock.now())
        } catch {
            outcome = .failed(status: nil, error: error.message, retryAt: retryAt(attempts: delivery.attempts + 1, retryAfter: nil))
        }
        do {
            try await database.recordAttempt(deliveryID: delivery.id!, outcome: outcome)
        } catch {
            logger.error("recording a delivery attempt failed", metadata: ["delivery": "\(delivery.id ?? 0)", "error": "\(error)"])
        }
        if case .failed(let status, let error, let retryAt) = outcome {
            logger.info("webhook delivery failed", metadata: [
                "app": "\(delivery.appId)", "delivery": "\(delivery.id ?? 0)", "status": "\(status.map(String.init) ?? "-")",
                "error": "\(error)", "retry": "\(retryAt.map { "\($0)" } ?? "gave up")",
            ])
        }
    }

    func retryAt(attempts: Int, retryAfter: TimeInterval?) -> Date? {
        schedule.delay(afterAttempts: attempts, retryAfter: retryAfter).map { clock.now().addingTimeInterval($0) }
    }

    /// What an answer means for the delivery.
    public static func outcome(of response: WebhookResponse, attempts: Int, schedule: RetrySchedule, now: Date) -> DeliveryOutcome {
        switch response.status {
        case 200..<300:
            return .delivered(status: response.status)
        case 410:
            return .gone
        default:
            var retryAfter: TimeInterval?
            if response.status == 429 || response.status == 503, let header = response.retryAfter {
                retryAfter = parseRetryAfter(header, now: now)
            }
            let delay = schedule.delay(afterAttempts: attempts, retryAfter: retryAfter)
            let reason = (300..<400).contains(response.status) ? "The receiver answered \(response.status) (redirects are not followed)"
                : "The receiver answered \(response.status)"
            return .failed(status: response.status, error: reason, retryAt: delay.map { now.addingTimeInterval($0) })
        }
    }

    /// `Retry-After` as seconds or an HTTP date.
    static func parseRetryAfter(_ header: String, now: Date) -> TimeInterval? {
        let value = header.trimmingCharacters(in: .whitespaces)
        if let seconds = TimeInterval(value), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSince(now)) }
    }
}
