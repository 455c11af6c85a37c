import ChorusStore

/// The public feed `/brand/<slug>/feed.atom`. Publishing needs no outside
/// call: the feed lists the channel's published exports, so recording the
/// outcome is the publication, and recording a retraction removes the entry.
struct AtomChannel: BrandChannelAdapter {
    /// This Chorus's address, where the feed is served.
    let baseURL: String

    func publish(_ item: ClaimedExport) async throws(WebhookTransportError) -> ExportOutcome {
        .published(externalID: "\(item.channel.slug)/\(item.export.id ?? 0)", url: "\(baseURL)/brand/\(item.channel.slug)/feed.atom")
    }

    func retract(_ item: ClaimedExport) async throws(WebhookTransportError) -> ExportOutcome {
        .retracted
    }
}
