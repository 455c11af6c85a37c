import ChorusCore
import Foundation
import GRDB

/// What live streams need to know about a new status to route it.
public struct StatusRouting: Sendable {
    public var status: StatusRecord
    public var tags: [String]
    /// Accounts whose home feed holds the status.
    public var homeRecipients: Set<Int64>
}

extension AppDatabase {
    /// Routing facts for a status, or nil if it is gone already.
    public func statusRouting(id: Int64) async throws -> StatusRouting? {
        try await read { db in
            guard let status = try StatusRecord.fetchOne(db, key: id) else { return nil }
            let tagSource = status.reblogOfId ?? id
            let tags = try String.fetchAll(db, sql: "SELECT tag FROM status_tags WHERE status_id = ?", arguments: [tagSource])
            let recipients = Set(try Int64.fetchAll(db, sql: "SELECT account_id FROM home_feed WHERE status_id = ?", arguments: [id]))
            return StatusRouting(status: status, tags: tags, homeRecipients: recipients)
        }
    }
}
