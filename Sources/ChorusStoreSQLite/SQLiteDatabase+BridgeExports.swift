import ChorusCore
import ChorusStore
import Foundation
import GRDB

/// Exports: what the worker claims, what each attempt came to, an editor's
/// "try again", what a feed lists, and the bridge's audit log.
extension SQLiteDatabase {
    /// Which exports the worker may take now: due, not leased, and not
    /// held. A disabled channel holds its publications (they wait, neither
    /// attempted nor failed); its retractions still run, since taking a post
    /// back must never wait.
    static let claimableExportsSQL = """
        state IN ('pending', 'retracting') AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
          AND (state = 'retracting' OR channel_id NOT IN (SELECT id FROM brand_channels WHERE disabled_at IS NOT NULL))
        """

    /// Takes due exports (to publish or to retract) under a lease.
    public func claimDueExports(limit: Int, leaseUntil: Date) async throws -> [ClaimedExport] {
        let now = now()
        // Most polls find nothing: look first without taking the write lock.
        let due = try await read { db in
            try Int.fetchOne(db, sql: "SELECT 1 FROM brand_exports WHERE \(Self.claimableExportsSQL) LIMIT 1", arguments: [now, now]) != nil
        }
        guard due else { return [] }
        return try await write { db in
            let exports = try ExportRecord.fetchAll(db, sql: """
                SELECT * FROM brand_exports WHERE \(Self.claimableExportsSQL) ORDER BY next_attempt_at, id LIMIT ?
                """, arguments: [now, now, limit])
            var claimed: [ClaimedExport] = []
            for export in exports {
                guard let channel = try BrandChannelRecord.fetchOne(db, key: export.channelId) else { continue }
                try db.execute(sql: "UPDATE brand_exports SET lease_until = ? WHERE id = ?", arguments: [leaseUntil, export.id])
                claimed.append(ClaimedExport(export: export, channel: channel))
            }
            return claimed
        }
    }

    /// Records what an attempt came to, with an audit entry. Recording
    /// checks the state it started from, so a retraction that arrived while
    /// a publish was in flight is not overwritten.
    public func recordExport(id: Int64, from state: ExportRecord.State, outcome: ExportOutcome) async throws {
        let now = now()
        try await write { db in
            guard let export = try ExportRecord.fetchOne(db, key: id) else { return }
            var detail: [String: any Sendable] = ["export_id": id, "channel_id": export.channelId, "attempt": export.attempts + 1]
            switch outcome {
            case .published(let externalID, let url):
                if export.state == .pending {
                    try db.execute(sql: """
                        UPDATE brand_exports SET state = 'published', attempts = attempts + 1, last_error = NULL, lease_until = NULL,
                               external_id = ?, external_url = ?, published_at = ? WHERE id = ?
                        """, arguments: [externalID, url, now, id])
                } else {
                    // Retracted while in flight: keep what came back, and delete it next.
                    try db.execute(sql: """
                        UPDATE brand_exports SET state = 'retracting', attempts = 0, external_id = ?, external_url = ?, published_at = ?,
                               lease_until = NULL, next_attempt_at = ? WHERE id = ?
                        """, arguments: [externalID, url, now, now, id])
                }
                detail["result"] = "published"
                detail["external_id"] = externalID ?? ""
            case .retracted:
                try db.execute(sql: """
                    UPDATE brand_exports SET state = 'retracted', attempts = attempts + 1, last_error = NULL, lease_until = NULL, retracted_at = ? WHERE id = ?
                    """, arguments: [now, id])
                detail["result"] = "retracted"
            case .retry(let error, let at):
                try db.execute(sql: """
                    UPDATE brand_exports SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_until = NULL WHERE id = ?
                    """, arguments: [error, at, id])
                detail["result"] = "retry"
                detail["error"] = error
            case .failed(let error):
                let target = state == .retracting ? "retracting" : "failed"
                try db.execute(sql: """
                    UPDATE brand_exports SET state = CASE WHEN state = 'pending' THEN ? ELSE state END, attempts = attempts + 1, last_error = ?,
                           lease_until = NULL, next_attempt_at = ? WHERE id = ?
                    """, arguments: [target, error, now.addingTimeInterval(365 * 86400), id])
                detail["result"] = "failed"
                detail["error"] = error
                // Editors and administrators hear of it.
                if let nomination = try NominationRecord.fetchOne(db, key: export.nominationId) {
                    let statusID = try Int64.fetchOne(db, sql: "SELECT id FROM statuses WHERE id = ?", arguments: [nomination.statusId])
                    for editor in try Int64.fetchAll(db, sql: "SELECT id FROM accounts WHERE role IN ('editor', 'admin') AND is_active = 1") {
                        try self.notify(db, accountID: editor, type: "chorus.export_failed", from: nomination.nominatedBy, statusID: statusID)
                    }
                }
            }
            try self.appendAudit(db, actorID: nil, action: state == .retracting ? "bridge.retract_attempt" : "bridge.export_attempt",
                                 subject: "nomination:\(export.nominationId)", detail: detail)
        }
    }

    /// An editor's "try again" for a failed export.
    public func retryExport(id: Int64, actorID: Int64) async throws -> ExportRecord {
        let now = now()
        return try await write { db in
            // A failed publication starts again; a retraction that gave up is tried again.
            try db.execute(sql: """
                UPDATE brand_exports SET state = CASE WHEN state = 'failed' THEN 'pending' ELSE state END, next_attempt_at = ?, lease_until = NULL,
                       last_error = NULL WHERE id = ? AND (state = 'failed' OR (state = 'retracting' AND last_error IS NOT NULL))
                """, arguments: [now, id])
            guard db.changesCount == 1, let export = try ExportRecord.fetchOne(db, key: id) else {
                throw ChorusError.conflict("Only a failed export can be tried again")
            }
            try self.appendAudit(db, actorID: actorID, action: "bridge.export_retried", subject: "nomination:\(export.nominationId)",
                                 detail: ["export_id": id])
            return export
        }
    }

    /// What a channel has published and not retracted, newest first.
    public func publishedExports(channelID: Int64, limit: Int) async throws -> [ExportRecord] {
        try await read { db in
            try ExportRecord.fetchAll(db, sql: """
                SELECT * FROM brand_exports WHERE channel_id = ? AND state = 'published' ORDER BY published_at DESC, id DESC LIMIT ?
                """, arguments: [channelID, limit])
        }
    }

    /// The bridge's audit log (nominations, reviews, exports, retractions), newest first.
    public func bridgeAudit(page: Page) async throws -> [AuditRecord] {
        try await read { db in
            let query = PageQuery(page, column: "id")
            return query.ordered(try AuditRecord.fetchAll(db, sql: "SELECT * FROM audit_log WHERE action LIKE 'bridge.%'" + query.andConditions + query.tail,
                                                          arguments: query.arguments))
        }
    }
}
