import ChorusCore
import ChorusStore
import Foundation

/// A signed `POST` to a URL the company runs (Standard Webhooks):
/// `brand.post.published`, then `brand.post.retracted`. The `webhook-id`
/// is derived from the export and the event, the same on every attempt,
/// for the receiver to deduplicate on.
struct WebhookChannel: BrandChannelAdapter {
    let delivery: ChannelDelivery

    func publish(_ item: ClaimedExport) async throws(WebhookTransportError) -> ExportOutcome {
        try await webhook(item, type: "brand.post.published")
    }

    func retract(_ item: ClaimedExport) async throws(WebhookTransportError) -> ExportOutcome {
        let outcome = try await webhook(item, type: "brand.post.retracted")
        if case .published = outcome { return .retracted }
        return outcome
    }

    /// A signed brand event; its `webhook-id` is derived from the export and the event.
    func webhook(_ item: ClaimedExport, type: String) async throws(WebhookTransportError) -> ExportOutcome {
        let export = item.export
        guard let url = item.channel.url, let secret = item.channel.secret else { return .failed(error: "The channel has no URL") }
        let now = delivery.clock.now()
        let messageID = "brand_\(export.id ?? 0)_\(type == "brand.post.published" ? "published" : "retracted")"
        let data = """
            {"export_id":"\(export.id ?? 0)","nomination_id":"\(export.nominationId)","channel":\(AppEventBody.string(item.channel.slug)),\
            "text":\(AppEventBody.string(export.text))}
            """
        let body = Data(AppEventBody.make(type: type, at: now, data: data).utf8)
        let headers = WebhookSigner.headers(id: messageID, timestamp: Int(now.timeIntervalSince1970), body: body, secrets: [secret])
            + [("content-type", "application/json"), ("user-agent", "Chorus-Bridge/1")]
        let response = try await delivery.transport.send("POST", url: url, headers: headers, body: body, timeout: delivery.timeout)
        if (200..<300).contains(response.status) { return .published(externalID: messageID, url: nil) }
        if response.status == 410 { return .failed(error: "The receiver answered 410 Gone") }
        return delivery.answerFailure(response, attempts: export.attempts + 1)
    }
}
