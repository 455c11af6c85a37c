import ChorusCore
import ChorusStore
import PostgresNIO

extension PostgresDatabase {
    /// Routing facts for a status, or nil if it is gone already.
    public func statusRouting(id: Int64) async throws -> StatusRouting? {
        try await read { connection in
            guard let status = try await connection.record(StatusRecord.self, "SELECT * FROM statuses WHERE id = \(id)") else { return nil }
            let tagSource = status.reblogOfId ?? id
            let tags = try await connection.column(String.self, "SELECT tag FROM status_tags WHERE status_id = \(tagSource) ORDER BY tag")
            return StatusRouting(status: status, tags: tags, homeRecipients: try await self.homeRecipients(connection, status: status, tags: tags))
        }
    }

    /// The readers of the status's sources that `HomeTimelineRule` lets it
    /// in for: the same rule the home merge applies, from the other side.
    func homeRecipients(_ connection: PostgresConnection, status: StatusRecord, tags: [String]) async throws -> Set<Int64> {
        var originalAuthor: Int64?
        if let originalID = status.reblogOfId {
            originalAuthor = try await connection.scalar(Int64.self, "SELECT account_id FROM statuses WHERE id = \(originalID)")
        }
        let entry = FeedEntry(id: status.id, replyTo: status.inReplyToAccountId, reblogOf: status.reblogOfId,
                              reblogOfAuthor: originalAuthor, visibility: status.visibility)
        // The rule asks for the mentioned people of a direct post only.
        let mentionIDs = try await status.visibility == .direct && status.teamId == nil
            ? connection.column(Int64.self, "SELECT account_id FROM mentions WHERE status_id = \(status.id) ORDER BY account_id")
            : []
        let sources = HomeTimelineRule.sources(ofPostBy: status.accountId, visibility: status.visibility, teamID: status.teamId,
                                               isReply: status.inReplyToId != nil, isReblog: status.reblogOfId != nil, tags: tags) {
            mentionIDs
        }
        var recipients = Set<Int64>()
        for source in sources {
            for reader in try await PostgresFeedSources.readers(of: source, entry: entry, connection)
            where HomeTimelineRule.admits(entry, from: source, reader: reader.id, followsRepliedTo: reader.followsRepliedTo,
                                          followsOriginalAuthor: reader.followsOriginalAuthor) {
                recipients.insert(reader.id)
            }
        }
        return recipients
    }
}
