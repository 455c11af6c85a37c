import ChorusCore
import ChorusStore
import Foundation

/// What the adapters that call out share: the transport, its timeout, and
/// when a failed attempt is tried again.
struct ChannelDelivery: Sendable {
    let transport: any WebhookTransport
    let clock: any ChorusClock
    let timeout: Duration
    /// Delays between attempts (`BridgeWorker.delays`, unless the configuration sets them).
    let delays: [TimeInterval]

    func retryOrFail(_ error: String, attempts: Int) -> ExportOutcome {
        guard attempts <= delays.count else { return .failed(error: error) }
        return .retry(error: error, at: clock.now().addingTimeInterval(delays[attempts - 1]))
    }

    /// Client errors other than 408, 409 and 429 will not get better by
    /// trying again (a revoked token, a refused text): give up at once.
    func answerFailure(_ response: WebhookResponse, attempts: Int) -> ExportOutcome {
        let error = "The channel answered \(response.status)"
        if (400..<500).contains(response.status), ![408, 409, 429].contains(response.status) { return .failed(error: error) }
        // A Retry-After on 429 or 503 is honoured, within the idempotency window.
        if response.status == 429 || response.status == 503, let header = response.retryAfter,
           let wait = DeliveryWorker.parseRetryAfter(header, now: clock.now()), attempts <= delays.count {
            return .retry(error: error, at: clock.now().addingTimeInterval(min(wait, 1800)))
        }
        return retryOrFail(error, attempts: attempts)
    }
}
