import ChorusCore
import Foundation
import GRDB

/// What live streams need to know about a new status to route it.
public struct StatusRouting: Sendable {
    public var status: StatusRecord
    public var tags: [String]
    /// Accounts whose home timeline holds the status (the rules of `HomeMerge`).
    public var homeRecipients: Set<Int64>
}

extension AppDatabase {
    /// Routing facts for a status, or nil if it is gone already.
    public func statusRouting(id: Int64) async throws -> StatusRouting? {
        try await read { db in
            guard let status = try StatusRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM statuses WHERE id = ?"), arguments: [id]) else { return nil }
            let tagSource = status.reblogOfId ?? id
            let tags = try String.fetchAll(db, sql: "SELECT tag FROM status_tags WHERE status_id = ?", arguments: [tagSource])
            return StatusRouting(status: status, tags: tags, homeRecipients: try self.homeRecipients(db, status: status, tags: tags))
        }
    }

    func homeRecipients(_ db: Database, status: StatusRecord, tags: [String]) throws -> Set<Int64> {
        if let teamID = status.teamId {
            return Set(try Int64.fetchAll(db, sql: "SELECT account_id FROM team_members WHERE team_id = ?", arguments: [teamID]))
        }
        let author = status.accountId
        var recipients: Set<Int64> = [author]
        if let originalID = status.reblogOfId {
            // Followers of the reblogger who don't follow the original's author already.
            recipients.formUnion(try Int64.fetchAll(db, sql: """
                SELECT f.account_id FROM follows f JOIN statuses o ON o.id = ?
                WHERE f.target_account_id = ? AND f.account_id <> o.account_id
                AND NOT EXISTS (SELECT 1 FROM follows g WHERE g.account_id = f.account_id AND g.target_account_id = o.account_id)
                """, arguments: [originalID, author]))
            return recipients
        }
        switch status.visibility {
        case .company, .followers:
            var sql = "SELECT f.account_id FROM follows f WHERE f.target_account_id = ?"
            var arguments: StatementArguments = [author]
            if let repliedTo = status.inReplyToAccountId, repliedTo != author {
                sql += " AND (f.account_id = ? OR EXISTS (SELECT 1 FROM follows g WHERE g.account_id = f.account_id AND g.target_account_id = ?))"
                arguments += [repliedTo, repliedTo]
            }
            recipients.formUnion(try Int64.fetchAll(db, sql: sql, arguments: arguments))
            if status.visibility == .company, status.inReplyToId == nil, !tags.isEmpty {
                recipients.formUnion(try Int64.fetchAll(db, sql: "SELECT account_id FROM tag_follows WHERE tag IN (SELECT value FROM json_each(?))",
                                                        arguments: [jsonStrings(tags)]))
            }
        case .direct:
            recipients.formUnion(try Int64.fetchAll(db, sql: "SELECT account_id FROM mentions WHERE status_id = ?", arguments: [status.id]))
        case .team:
            break
        }
        return recipients
    }
}

/// A JSON array of strings, bound as one parameter.
func jsonStrings(_ values: [String]) -> String {
    let data = try? JSONSerialization.data(withJSONObject: values)
    return data.map { String(decoding: $0, as: UTF8.self) } ?? "[]"
}
