import ChorusStore

/// One kind of brand channel: how an approved export goes out there, and
/// how it is taken back. Each kind (`BrandChannelRecord.Kind`) has one
/// adapter in this folder; `BrandChannelAdapters` picks it. A new kind is a
/// new case there, a new adapter file, and its settings in `BridgeService`.
///
/// An adapter makes one attempt and says what it came to; the worker owns
/// the lease and records the outcome. An attempt that cannot reach the
/// channel throws, and the worker schedules the next one.
protocol BrandChannelAdapter: Sendable {
    /// Publishes the export's text on its channel.
    func publish(_ item: ClaimedExport) async throws(WebhookTransportError) -> ExportOutcome

    /// Deletes what the export put on its channel (or makes sure nothing is
    /// there). It never publishes.
    func retract(_ item: ClaimedExport) async throws(WebhookTransportError) -> ExportOutcome
}

/// The adapter of every kind, made once per worker.
struct BrandChannelAdapters: Sendable {
    let mastodon: MastodonChannel
    let webhook: WebhookChannel
    let atom: AtomChannel

    init(delivery: ChannelDelivery, baseURL: String) {
        mastodon = MastodonChannel(delivery: delivery)
        webhook = WebhookChannel(delivery: delivery)
        atom = AtomChannel(baseURL: baseURL)
    }

    /// The one place a channel's kind decides how it is reached.
    func adapter(for kind: BrandChannelRecord.Kind) -> any BrandChannelAdapter {
        switch kind {
        case .mastodon: mastodon
        case .webhook: webhook
        case .atom: atom
        }
    }
}
