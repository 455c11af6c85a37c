import ChorusCore
import ChorusStore
import Foundation

/// The public Atom feeds of `atom` channels.
extension BridgeService {
    /// An enabled Atom channel and what it has published; 404 for anything
    /// else (a disabled channel's feed is gone until it is enabled again).
    public func feed(slug: String) async throws -> (channel: BrandChannelRecord, entries: [ExportRecord]) {
        guard let channel = try await database.channel(slug: slug), channel.kind == .atom, !channel.isDisabled, let id = channel.id else {
            throw ChorusError.notFound("Feed not found")
        }
        return (channel, try await database.publishedExports(channelID: id, limit: 50))
    }
}
