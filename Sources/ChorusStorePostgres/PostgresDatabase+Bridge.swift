import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    // MARK: Channels

    public func createChannel(_ channel: BrandChannelRecord, actorID: Int64) async throws -> BrandChannelRecord {
        try await write { connection in
            var channel = channel
            if try await connection.count("SELECT count(*) FROM brand_channels WHERE lower(slug) = lower(\(channel.slug))") > 0 {
                throw ChorusError.conflict("A channel with the address \(channel.slug) exists already")
            }
            channel.id = try await connection.scalar(Int64.self, """
                INSERT INTO brand_channels (name, slug, kind, max_characters, mentions_as_names, base_url, access_token, url, secret,
                                            created_at, updated_at, disabled_at)
                VALUES (\(channel.name), \(channel.slug), \(channel.kind.rawValue), \(channel.maxCharacters), \(channel.mentionsAsNames),
                        \(channel.baseUrl), \(channel.accessToken), \(channel.url), \(channel.secret), \(channel.createdAt),
                        \(channel.updatedAt), \(channel.disabledAt))
                RETURNING id
                """)
            try await self.appendAudit(connection, actorID: actorID, action: "bridge.channel_created", subject: "channel:\(channel.id ?? 0)",
                                       detail: ["name": channel.name, "kind": channel.kind.rawValue])
            return channel
        }
    }

    public func updateChannel(_ channel: BrandChannelRecord, actorID: Int64) async throws -> BrandChannelRecord {
        let now = now()
        return try await write { connection in
            var channel = channel
            channel.updatedAt = now
            // Disabling is an action of its own: an edit keeps what it finds,
            // even if the channel was disabled or enabled since it was read.
            channel.disabledAt = try await connection.scalar(Date?.self, "SELECT disabled_at FROM brand_channels WHERE id = \(channel.id)") ?? nil
            try await self.saveChannel(connection, channel)
            try await self.appendAudit(connection, actorID: actorID, action: "bridge.channel_updated", subject: "channel:\(channel.id ?? 0)",
                                       detail: ["name": channel.name])
            return channel
        }
    }

    /// Disables a channel (from now) or enables it again, with an audit
    /// entry. Doing what is done already changes nothing and records nothing.
    public func setChannelDisabled(id: Int64, _ disabled: Bool, actorID: Int64) async throws -> BrandChannelRecord {
        let now = now()
        return try await write { connection in
            guard var channel = try await connection.record(BrandChannelRecord.self, "SELECT * FROM brand_channels WHERE id = \(id)") else {
                throw ChorusError.notFound("Channel not found")
            }
            guard channel.isDisabled != disabled else { return channel }
            channel.disabledAt = disabled ? now : nil
            channel.updatedAt = now
            try await self.saveChannel(connection, channel)
            try await self.appendAudit(connection, actorID: actorID, action: disabled ? "bridge.channel_disabled" : "bridge.channel_enabled",
                                       subject: "channel:\(id)", detail: ["name": channel.name])
            return channel
        }
    }

    /// Writes every column of a channel that exists.
    private func saveChannel(_ connection: PostgresConnection, _ channel: BrandChannelRecord) async throws {
        let saved = try await connection.run("""
            UPDATE brand_channels SET name = \(channel.name), slug = \(channel.slug), kind = \(channel.kind.rawValue),
                   max_characters = \(channel.maxCharacters), mentions_as_names = \(channel.mentionsAsNames), base_url = \(channel.baseUrl),
                   access_token = \(channel.accessToken), url = \(channel.url), secret = \(channel.secret),
                   created_at = \(channel.createdAt), updated_at = \(channel.updatedAt), disabled_at = \(channel.disabledAt)
            WHERE id = \(channel.id) RETURNING id
            """)
        guard saved == 1 else { throw ChorusError.notFound("Channel not found") }
    }

    public func channels() async throws -> [BrandChannelRecord] {
        try await read { try await $0.records(BrandChannelRecord.self, "SELECT * FROM brand_channels ORDER BY id") }
    }

    public func channel(id: Int64) async throws -> BrandChannelRecord? {
        try await read { try await $0.record(BrandChannelRecord.self, "SELECT * FROM brand_channels WHERE id = \(id)") }
    }

    public func channel(slug: String) async throws -> BrandChannelRecord? {
        try await read { try await $0.record(BrandChannelRecord.self, "SELECT * FROM brand_channels WHERE lower(slug) = lower(\(slug))") }
    }

    // MARK: Leak guard

    public func leakRules() async throws -> [LeakRuleRecord] {
        try await read { try await $0.records(LeakRuleRecord.self, "SELECT * FROM leak_rules ORDER BY id") }
    }

    public func addLeakRule(_ rule: LeakRuleRecord) async throws -> LeakRuleRecord {
        try await write { connection in
            var rule = rule
            if try await connection.count("SELECT count(*) FROM leak_rules WHERE kind = \(rule.kind) AND value = \(rule.value)") > 0 {
                throw ChorusError.conflict("That rule exists already")
            }
            rule.id = try await connection.scalar(Int64.self, """
                INSERT INTO leak_rules (kind, value, note, created_by, created_at)
                VALUES (\(rule.kind), \(rule.value), \(rule.note), \(rule.createdBy), \(rule.createdAt))
                RETURNING id
                """)
            try await self.appendAudit(connection, actorID: rule.createdBy, action: "bridge.leak_rule_added", subject: "leak_rule:\(rule.id ?? 0)",
                                       detail: ["kind": rule.kind, "value": rule.value])
            return rule
        }
    }

    public func deleteLeakRule(id: Int64, actorID: Int64) async throws {
        try await write { connection in
            guard let rule = try await connection.record(LeakRuleRecord.self, "DELETE FROM leak_rules WHERE id = \(id) RETURNING *") else {
                throw ChorusError.notFound("Rule not found")
            }
            try await self.appendAudit(connection, actorID: actorID, action: "bridge.leak_rule_removed", subject: "leak_rule:\(id)",
                                       detail: ["kind": rule.kind, "value": rule.value])
        }
    }

    // MARK: Nominations

    public func createNomination(_ nomination: NominationRecord, channelIDs: [Int64]) async throws -> NominationView {
        try await write { connection in
            var nomination = nomination
            nomination.id = try await connection.scalar(Int64.self, """
                INSERT INTO brand_nominations (status_id, author_id, nominated_by, note, text, state, reviewed_by, review_reason,
                                               reviewed_at, publish_at, created_at)
                VALUES (\(nomination.statusId), \(nomination.authorId), \(nomination.nominatedBy), \(nomination.note), \(nomination.text),
                        \(nomination.state.rawValue), \(nomination.reviewedBy), \(nomination.reviewReason), \(nomination.reviewedAt),
                        \(nomination.publishAt), \(nomination.createdAt))
                RETURNING id
                """)
            for channelID in channelIDs {
                try await connection.run("""
                    INSERT INTO brand_nomination_channels (nomination_id, channel_id) VALUES (\(nomination.id), \(channelID))
                    """)
            }
            try await self.appendAudit(connection, actorID: nomination.nominatedBy, action: "bridge.nominated",
                                       subject: "nomination:\(nomination.id ?? 0)",
                                       detail: ["status_id": nomination.statusId, "text": nomination.text, "channels": channelIDs,
                                                "note": nomination.note])
            return NominationView(nomination: nomination, channelIDs: channelIDs, exports: [])
        }
    }

    public func nominations(state: NominationRecord.State?, page: Page) async throws -> [NominationView] {
        let query = PageQuery(page, column: "id")
        return try await read { connection in
            let records = try await connection.records(NominationRecord.self, """
                SELECT * FROM brand_nominations WHERE (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue))\
                \(unescaped: query.andConditions)\(unescaped: query.tail)
                """)
            var views: [NominationView] = []
            for record in query.ordered(records) { views.append(try await self.view(connection, record)) }
            return views
        }
    }

    public func nomination(id: Int64) async throws -> NominationView? {
        try await read { connection in
            guard let record = try await connection.record(NominationRecord.self, "SELECT * FROM brand_nominations WHERE id = \(id)") else {
                return nil
            }
            return try await self.view(connection, record)
        }
    }

    /// Nominations of one post still in play (pending or approved).
    public func openNominations(statusID: Int64) async throws -> [NominationView] {
        try await read { connection in
            let records = try await connection.records(NominationRecord.self, """
                SELECT * FROM brand_nominations WHERE status_id = \(statusID) AND state IN ('pending', 'approved') ORDER BY id
                """)
            var views: [NominationView] = []
            for record in records { views.append(try await self.view(connection, record)) }
            return views
        }
    }

    private func view(_ connection: PostgresConnection, _ nomination: NominationRecord) async throws -> NominationView {
        let channels = try await connection.column(Int64.self, """
            SELECT channel_id FROM brand_nomination_channels WHERE nomination_id = \(nomination.id) ORDER BY channel_id
            """)
        let exports = try await connection.records(ExportRecord.self, """
            SELECT * FROM brand_exports WHERE nomination_id = \(nomination.id) ORDER BY channel_id
            """)
        return NominationView(nomination: nomination, channelIDs: channels, exports: exports)
    }

    private func nominationView(_ connection: PostgresConnection, id: Int64) async throws -> NominationView {
        guard let record = try await connection.record(NominationRecord.self, "SELECT * FROM brand_nominations WHERE id = \(id)") else {
            throw ChorusError.notFound("Nomination not found")
        }
        return try await view(connection, record)
    }

    /// Approves a pending nomination and writes one export per channel, in
    /// one transaction: an approval without its exports cannot exist.
    public func approve(nominationID: Int64, reviewerID: Int64, exports: [NewExport], publishAt: Date?) async throws -> NominationView {
        let now = now()
        return try await write { connection in
            let approved = try await connection.run("""
                UPDATE brand_nominations SET state = 'approved', reviewed_by = \(reviewerID), reviewed_at = \(now), publish_at = \(publishAt)
                WHERE id = \(nominationID) AND state = 'pending' RETURNING id
                """)
            guard approved == 1 else { throw ChorusError.conflict("This nomination is no longer pending") }
            for export in exports {
                // The key is the prefix and the export's own id, known once the row exists.
                let temporaryKey = "\(export.idempotencyPrefix)n\(nominationID)c\(export.channelID)"
                let exportID = try await connection.scalar(Int64.self, """
                    INSERT INTO brand_exports (nomination_id, channel_id, text, idempotency_key, next_attempt_at, created_at)
                    VALUES (\(nominationID), \(export.channelID), \(export.text), \(temporaryKey), \(publishAt ?? now), \(now))
                    RETURNING id
                    """)
                try await connection.run("""
                    UPDATE brand_exports SET idempotency_key = \(export.idempotencyPrefix)::text || id WHERE id = \(exportID)
                    """)
                try await self.appendAudit(connection, actorID: reviewerID, action: "bridge.approved", subject: "nomination:\(nominationID)",
                                           detail: ["channel_id": export.channelID, "text": export.text,
                                                    "publish_at": publishAt.map { "\($0.timeIntervalSince1970)" } ?? "now"])
            }
            return try await self.nominationView(connection, id: nominationID)
        }
    }

    public func reject(nominationID: Int64, reviewerID: Int64, reason: String) async throws -> NominationView {
        let now = now()
        return try await write { connection in
            let rejected = try await connection.run("""
                UPDATE brand_nominations SET state = 'rejected', reviewed_by = \(reviewerID), reviewed_at = \(now), review_reason = \(reason)
                WHERE id = \(nominationID) AND state = 'pending' RETURNING id
                """)
            guard rejected == 1 else { throw ChorusError.conflict("This nomination is no longer pending") }
            try await self.appendAudit(connection, actorID: reviewerID, action: "bridge.rejected", subject: "nomination:\(nominationID)",
                                       detail: ["reason": reason])
            return try await self.nominationView(connection, id: nominationID)
        }
    }

    /// Retracts a nomination: nothing more goes out, and what went out is
    /// deleted by the worker (exports move to `retracting`).
    public func retractNomination(id: Int64, actorID: Int64, reason: String) async throws -> NominationView {
        try await write { connection in
            guard let nomination = try await connection.record(NominationRecord.self, "SELECT * FROM brand_nominations WHERE id = \(id)") else {
                throw ChorusError.notFound("Nomination not found")
            }
            guard nomination.state == .pending || nomination.state == .approved else {
                throw ChorusError.conflict("Only pending or approved nominations can be retracted")
            }
            try await self.retract(connection, nominationIDs: [id], actorID: actorID, reason: reason)
            return try await self.nominationView(connection, id: id)
        }
    }

    /// Inside a transaction: marks nominations retracted; pending and failed
    /// exports are cancelled (nothing is out there), published ones move to
    /// `retracting` for the worker.
    func retract(_ connection: PostgresConnection, nominationIDs: [Int64], actorID: Int64?, reason: String) async throws {
        let now = now()
        for id in nominationIDs {
            try await connection.run("UPDATE brand_nominations SET state = 'retracted' WHERE id = \(id)")
            // Never tried: nothing can be out there. Tried without a known
            // answer (a timeout, say): the worker finds out and deletes.
            try await connection.run("""
                UPDATE brand_exports SET state = 'cancelled', lease_until = NULL
                WHERE nomination_id = \(id) AND state IN ('pending', 'failed') AND external_id IS NULL AND attempts = 0
                """)
            try await connection.run("""
                UPDATE brand_exports SET state = 'retracting', attempts = 0, next_attempt_at = \(now), last_error = NULL
                WHERE nomination_id = \(id) AND state IN ('published', 'failed', 'pending')
                """)
            try await appendAudit(connection, actorID: actorID, action: "bridge.retracted", subject: "nomination:\(id)", detail: ["reason": reason])
        }
    }

    /// Retracts the open nominations of a post (it was deleted), inside the
    /// deletion's transaction.
    func retractNominations(_ connection: PostgresConnection, statusID: Int64, actorID: Int64) async throws {
        let open = try await connection.column(Int64.self, """
            SELECT id FROM brand_nominations WHERE status_id = \(statusID) AND state IN ('pending', 'approved') ORDER BY id
            """)
        if !open.isEmpty { try await retract(connection, nominationIDs: open, actorID: actorID, reason: "The post was deleted") }
    }

    // MARK: Exports

    /// Takes due exports (to publish or to retract) under a lease: due, not
    /// leased, and not held (a disabled channel holds its publications; its
    /// retractions still run, since taking a post back must never wait). The rows
    /// are locked with `FOR UPDATE SKIP LOCKED`, so a second node claiming at
    /// the same time passes over them and takes others (or none).
    public func claimDueExports(limit: Int, leaseUntil: Date) async throws -> [ClaimedExport] {
        let now = now()
        // Most polls find nothing: look first without a transaction.
        let due = try await read { connection in
            try await connection.scalar(Bool.self, """
                SELECT EXISTS (SELECT 1 FROM brand_exports
                    WHERE state IN ('pending', 'retracting') AND next_attempt_at <= \(now) AND (lease_until IS NULL OR lease_until <= \(now))
                      AND (state = 'retracting' OR channel_id NOT IN (SELECT id FROM brand_channels WHERE disabled_at IS NOT NULL)))
                """) ?? false
        }
        guard due else { return [] }
        return try await write { connection in
            let exports = try await connection.records(ExportRecord.self, """
                SELECT * FROM brand_exports
                WHERE state IN ('pending', 'retracting') AND next_attempt_at <= \(now) AND (lease_until IS NULL OR lease_until <= \(now))
                  AND (state = 'retracting' OR channel_id NOT IN (SELECT id FROM brand_channels WHERE disabled_at IS NOT NULL))
                ORDER BY next_attempt_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
                """)
            guard !exports.isEmpty else { return [] }
            let channels = try await connection.records(BrandChannelRecord.self, """
                SELECT * FROM brand_channels WHERE id = ANY(\(exports.map(\.channelId)))
                """)
            var claimed: [ClaimedExport] = []
            for export in exports {
                guard let channel = channels.first(where: { $0.id == export.channelId }) else { continue }
                try await connection.run("UPDATE brand_exports SET lease_until = \(leaseUntil) WHERE id = \(export.id)")
                claimed.append(ClaimedExport(export: export, channel: channel))
            }
            return claimed
        }
    }

    /// Records what an attempt came to, with an audit entry. Recording
    /// checks the state it started from, so a retraction that arrived while
    /// a publish was in flight is not overwritten. The row is locked first,
    /// so a concurrent retraction waits for this record (or this one for it).
    public func recordExport(id: Int64, from state: ExportRecord.State, outcome: ExportOutcome) async throws {
        let now = now()
        try await write { connection in
            guard let export = try await connection.record(ExportRecord.self, "SELECT * FROM brand_exports WHERE id = \(id) FOR UPDATE") else {
                return
            }
            var detail: [String: any Sendable] = ["export_id": id, "channel_id": export.channelId, "attempt": export.attempts + 1]
            switch outcome {
            case .published(let externalID, let url):
                if export.state == .pending {
                    try await connection.run("""
                        UPDATE brand_exports SET state = 'published', attempts = attempts + 1, last_error = NULL, lease_until = NULL,
                               external_id = \(externalID), external_url = \(url), published_at = \(now) WHERE id = \(id)
                        """)
                } else {
                    // Retracted while in flight: keep what came back, and delete it next.
                    try await connection.run("""
                        UPDATE brand_exports SET state = 'retracting', attempts = 0, external_id = \(externalID), external_url = \(url),
                               published_at = \(now), lease_until = NULL, next_attempt_at = \(now) WHERE id = \(id)
                        """)
                }
                detail["result"] = "published"
                detail["external_id"] = externalID ?? ""
            case .retracted:
                try await connection.run("""
                    UPDATE brand_exports SET state = 'retracted', attempts = attempts + 1, last_error = NULL, lease_until = NULL,
                           retracted_at = \(now) WHERE id = \(id)
                    """)
                detail["result"] = "retracted"
            case .retry(let error, let at):
                try await connection.run("""
                    UPDATE brand_exports SET attempts = attempts + 1, last_error = \(error), next_attempt_at = \(at), lease_until = NULL
                    WHERE id = \(id)
                    """)
                detail["result"] = "retry"
                detail["error"] = error
            case .failed(let error):
                let target = state == .retracting ? "retracting" : "failed"
                try await connection.run("""
                    UPDATE brand_exports SET state = CASE WHEN state = 'pending' THEN \(target)::text ELSE state END, attempts = attempts + 1,
                           last_error = \(error), lease_until = NULL, next_attempt_at = \(now.addingTimeInterval(365 * 86400)) WHERE id = \(id)
                    """)
                detail["result"] = "failed"
                detail["error"] = error
                // Editors and administrators hear of it.
                if let nomination = try await connection.record(NominationRecord.self, """
                    SELECT * FROM brand_nominations WHERE id = \(export.nominationId)
                    """) {
                    let statusID = try await connection.scalar(Int64.self, "SELECT id FROM statuses WHERE id = \(nomination.statusId)")
                    let editors = try await connection.column(Int64.self, """
                        SELECT id FROM accounts WHERE role IN ('editor', 'admin') AND is_active
                        """)
                    for editor in editors {
                        try await self.notifyExportFailed(connection, accountID: editor, from: nomination.nominatedBy, statusID: statusID)
                    }
                }
            }
            try await self.appendAudit(connection, actorID: nil, action: state == .retracting ? "bridge.retract_attempt" : "bridge.export_attempt",
                                       subject: "nomination:\(export.nominationId)", detail: detail)
        }
    }

    /// The `chorus.export_failed` notification, written as SQLite's
    /// `notify` writes every notification (row and outbox event).
    private func notifyExportFailed(_ connection: PostgresConnection, accountID: Int64, from: Int64, statusID: Int64?) async throws {
        let id = ids.next()
        try await connection.run("""
            INSERT INTO notifications (id, account_id, type, from_account_id, status_id, created_at)
            VALUES (\(id), \(accountID), 'chorus.export_failed', \(from), \(statusID), \(now()))
            """)
        try await appendEvent(connection, type: "notification.created", payload: ["notification_id": id, "account_id": accountID])
    }

    /// An editor's "try again" for a failed export.
    public func retryExport(id: Int64, actorID: Int64) async throws -> ExportRecord {
        let now = now()
        return try await write { connection in
            // A failed publication starts again; a retraction that gave up is tried again.
            let updated = try await connection.records(ExportRecord.self, """
                UPDATE brand_exports SET state = CASE WHEN state = 'failed' THEN 'pending' ELSE state END, next_attempt_at = \(now),
                       lease_until = NULL, last_error = NULL
                WHERE id = \(id) AND (state = 'failed' OR (state = 'retracting' AND last_error IS NOT NULL))
                RETURNING *
                """)
            guard updated.count == 1, let export = updated.first else {
                throw ChorusError.conflict("Only a failed export can be tried again")
            }
            try await self.appendAudit(connection, actorID: actorID, action: "bridge.export_retried", subject: "nomination:\(export.nominationId)",
                                       detail: ["export_id": id])
            return export
        }
    }

    /// What a channel has published and not retracted, newest first.
    public func publishedExports(channelID: Int64, limit: Int) async throws -> [ExportRecord] {
        try await read { connection in
            try await connection.records(ExportRecord.self, """
                SELECT * FROM brand_exports WHERE channel_id = \(channelID) AND state = 'published'
                ORDER BY published_at DESC, id DESC LIMIT \(limit)
                """)
        }
    }
}
