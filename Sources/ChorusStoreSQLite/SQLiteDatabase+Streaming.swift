import ChorusCore
import ChorusStore
import GRDB

extension SQLiteDatabase {
    /// Routing facts for a status, or nil if it is gone already.
    public func statusRouting(id: Int64) async throws -> StatusRouting? {
        try await read { db in
            guard let status = try StatusRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM statuses WHERE id = ?"), arguments: [id]) else { return nil }
            let tagSource = status.reblogOfId ?? id
            let tags = try String.fetchAll(db, sql: "SELECT tag FROM status_tags WHERE status_id = ?", arguments: [tagSource])
            return StatusRouting(status: status, tags: tags, homeRecipients: try self.homeRecipients(db, status: status, tags: tags))
        }
    }

    /// The readers of the status's sources that `HomeTimelineRule` lets it
    /// in for: the same rule the home merge applies, from the other side.
    func homeRecipients(_ db: Database, status: StatusRecord, tags: [String]) throws -> Set<Int64> {
        let originalAuthor = try status.reblogOfId.flatMap { originalID in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT account_id FROM statuses WHERE id = ?"), arguments: [originalID])
        }
        let entry = FeedEntry(id: status.id, replyTo: status.inReplyToAccountId, reblogOf: status.reblogOfId,
                              reblogOfAuthor: originalAuthor, visibility: status.visibility)
        let sources = try HomeTimelineRule.sources(ofPostBy: status.accountId, visibility: status.visibility, teamID: status.teamId,
                                                   isReply: status.inReplyToId != nil, isReblog: status.reblogOfId != nil, tags: tags) {
            try Int64.fetchAll(db.cachedStatement(sql: "SELECT account_id FROM mentions WHERE status_id = ?"), arguments: [status.id])
        }
        var recipients = Set<Int64>()
        for source in sources {
            for reader in try source.readers(of: entry, db)
            where HomeTimelineRule.admits(entry, from: source, reader: reader.id, followsRepliedTo: reader.followsRepliedTo,
                                          followsOriginalAuthor: reader.followsOriginalAuthor) {
                recipients.insert(reader.id)
            }
        }
        return recipients
    }
}
