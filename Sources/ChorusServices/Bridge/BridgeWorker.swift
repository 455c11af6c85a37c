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
/// own posts (`BridgeWorker+Retract.swift`).
public struct BridgeWorker: Service {
    let database: AppDatabase
    let transport: any WebhookTransport
    let config: ChorusConfig
    let clock: any ChorusClock
    let logger: Logger
    let timeout: Duration
    let idle: Duration
    /// For the crash test only: exit right after an external call succeeded,
    /// before recording it.
    let crashAfterExternalCall: Bool

    public init(database: AppDatabase, transport: any WebhookTransport, config: ChorusConfig, clock: any ChorusClock = SystemClock(),
                logger: Logger, timeout: Duration = .seconds(10), idle: Duration = .milliseconds(250), crashAfterExternalCall: Bool = false) {
        self.database = database
        self.transport = transport
        self.config = config
        self.clock = clock
        self.logger = logger
        self.timeout = timeout
        self.idle = idle
        self.crashAfterExternalCall = crashAfterExternalCall
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
        let outcome: ExportOutcome
        do throws(WebhookTransportError) {
            outcome = export.state == .retracting ? try await retract(item) : try await publish(item)
        } catch {
            outcome = retryOrFail(error.message, attempts: export.attempts + 1)
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

    func retryOrFail(_ error: String, attempts: Int) -> ExportOutcome {
        let delays = config.bridgeRetryDelays ?? Self.delays
        guard attempts <= delays.count else { return .failed(error: error) }
        return .retry(error: error, at: clock.now().addingTimeInterval(delays[attempts - 1]))
    }

    // MARK: Publish

    func publish(_ item: ClaimedExport) async throws(WebhookTransportError) -> ExportOutcome {
        let export = item.export
        let channel = item.channel
        switch channel.kind {
        case .atom:
            return .published(externalID: "\(channel.slug)/\(export.id ?? 0)", url: "\(config.baseURL)/brand/\(channel.slug)/feed.atom")
        case .webhook:
            return try await webhook(item, type: "brand.post.published")
        case .mastodon:
            guard let base = channel.baseUrl, let token = channel.accessToken else { return .failed(error: "The channel has no server or token") }
            let body = Data(formEncode(["status": export.text, "visibility": "public"]).utf8)
            let response = try await mastodon("POST", base + "/api/v1/statuses", token: token, headers: [
                ("idempotency-key", export.idempotencyKey), ("content-type", "application/x-www-form-urlencoded"),
            ], body: body)
            switch response.status {
            case 200..<300:
                let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
                guard let id = object?["id"] as? String else { return retryOrFail("The server's answer had no post id", attempts: export.attempts + 1) }
                return .published(externalID: id, url: object?["url"] as? String)
            default:
                return answerFailure(response, attempts: export.attempts + 1)
            }
        }
    }

    // MARK: Helpers

    /// A signed brand event; its `webhook-id` is derived from the export and the event.
    func webhook(_ item: ClaimedExport, type: String) async throws(WebhookTransportError) -> ExportOutcome {
        let export = item.export
        guard let url = item.channel.url, let secret = item.channel.secret else { return .failed(error: "The channel has no URL") }
        let now = clock.now()
        let messageID = "brand_\(export.id ?? 0)_\(type == "brand.post.published" ? "published" : "retracted")"
        let data = """
            {"export_id":"\(export.id ?? 0)","nomination_id":"\(export.nominationId)","channel":\(AppEventBody.string(item.channel.slug)),\
            "text":\(AppEventBody.string(export.text))}
            """
        let body = Data(AppEventBody.make(type: type, at: now, data: data).utf8)
        let headers = WebhookSigner.headers(id: messageID, timestamp: Int(now.timeIntervalSince1970), body: body, secrets: [secret])
            + [("content-type", "application/json"), ("user-agent", "Chorus-Bridge/1")]
        let response = try await transport.send("POST", url: url, headers: headers, body: body, timeout: timeout)
        if (200..<300).contains(response.status) { return .published(externalID: messageID, url: nil) }
        if response.status == 410 { return .failed(error: "The receiver answered 410 Gone") }
        return answerFailure(response, attempts: export.attempts + 1)
    }

    /// Client errors other than 408, 409 and 429 will not get better by
    /// trying again (a revoked token, a refused text): give up at once.
    func answerFailure(_ response: WebhookResponse, attempts: Int) -> ExportOutcome {
        let error = "The channel answered \(response.status)"
        if (400..<500).contains(response.status), ![408, 409, 429].contains(response.status) { return .failed(error: error) }
        // A Retry-After on 429 or 503 is honoured, within the idempotency window.
        if response.status == 429 || response.status == 503, let header = response.retryAfter,
           let wait = DeliveryWorker.parseRetryAfter(header, now: clock.now()), attempts <= (config.bridgeRetryDelays ?? Self.delays).count {
            return .retry(error: error, at: clock.now().addingTimeInterval(min(wait, 1800)))
        }
        return retryOrFail(error, attempts: attempts)
    }

    func formEncode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}
