import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    // MARK: Channels

    public func createChannel(_ channel: BrandChannelRecord, actorID: Int64) async throws -> BrandChannelRecord {
        try await write { db in
            var channel = channel
            if try Int.fetchOne(db, sql: "SELECT 1 FROM brand_channels WHERE slug = ? COLLATE NOCASE", arguments: [channel.slug]) != nil {
                throw ChorusError.conflict("A channel with the address \(channel.slug) exists already")
            }
            try channel.insert(db)
            try self.appendAudit(db, actorID: actorID, action: "bridge.channel_created", subject: "channel:\(channel.id ?? 0)",
                                 detail: ["name": channel.name, "kind": channel.kind.rawValue])
            return channel
        }
    }

    public func updateChannel(_ channel: BrandChannelRecord, actorID: Int64) async throws -> BrandChannelRecord {
        let now = now()
        return try await write { db in
            var channel = channel
            channel.updatedAt = now
            // Disabling is an action of its own: an edit keeps what it finds,
            // even if the channel was disabled or enabled since it was read.
            channel.disabledAt = try Date.fetchOne(db, sql: "SELECT disabled_at FROM brand_channels WHERE id = ?", arguments: [channel.id])
            try channel.update(db)
            try self.appendAudit(db, actorID: actorID, action: "bridge.channel_updated", subject: "channel:\(channel.id ?? 0)",
                                 detail: ["name": channel.name])
            return channel
        }
    }

    /// Disables a channel (from now) or enables it again, with an audit
    /// entry. Doing what is done already changes nothing and records nothing.
    public func setChannelDisabled(id: Int64, _ disabled: Bool, actorID: Int64) async throws -> BrandChannelRecord {
        let now = now()
        return try await write { db in
            guard var channel = try BrandChannelRecord.fetchOne(db, key: id) else { throw ChorusError.notFound("Channel not found") }
            guard channel.isDisabled != disabled else { return channel }
            channel.disabledAt = disabled ? now : nil
            channel.updatedAt = now
            try channel.update(db)
            try self.appendAudit(db, actorID: actorID, action: disabled ? "bridge.channel_disabled" : "bridge.channel_enabled",
                                 subject: "channel:\(id)", detail: ["name": channel.name])
            return channel
        }
    }

    public func channels() async throws -> [BrandChannelRecord] {
        try await read { db in try BrandChannelRecord.fetchAll(db, sql: "SELECT * FROM brand_channels ORDER BY id") }
    }

    public func channel(id: Int64) async throws -> BrandChannelRecord? {
        try await read { db in try BrandChannelRecord.fetchOne(db, key: id) }
    }

    public func channel(slug: String) async throws -> BrandChannelRecord? {
        try await read { db in try BrandChannelRecord.fetchOne(db, sql: "SELECT * FROM brand_channels WHERE slug = ? COLLATE NOCASE", arguments: [slug]) }
    }

    // MARK: Leak guard

    public func leakRules() async throws -> [LeakRuleRecord] {
        try await read { db in try LeakRuleRecord.fetchAll(db, sql: "SELECT * FROM leak_rules ORDER BY id") }
    }

    public func addLeakRule(_ rule: LeakRuleRecord) async throws -> LeakRuleRecord {
        try await write { db in
            var rule = rule
            if try Int.fetchOne(db, sql: "SELECT 1 FROM leak_rules WHERE kind = ? AND value = ?", arguments: [rule.kind, rule.value]) != nil {
                throw ChorusError.conflict("That rule exists already")
            }
            try rule.insert(db)
            try self.appendAudit(db, actorID: rule.createdBy, action: "bridge.leak_rule_added", subject: "leak_rule:\(rule.id ?? 0)",
                                 detail: ["kind": rule.kind, "value": rule.value])
            return rule
        }
    }

    public func deleteLeakRule(id: Int64, actorID: Int64) async throws {
        try await write { db in
            guard let rule = try LeakRuleRecord.fetchOne(db, key: id) else { throw ChorusError.notFound("Rule not found") }
            _ = try rule.delete(db)
            try self.appendAudit(db, actorID: actorID, action: "bridge.leak_rule_removed", subject: "leak_rule:\(id)",
                                 detail: ["kind": rule.kind, "value": rule.value])
        }
    }

    // MARK: Nominations

    public func createNomination(_ nomination: NominationRecord, channelIDs: [Int64]) async throws -> NominationView {
        try await write { db in
            var nomination = nomination
            try nomination.insert(db)
            for channelID in channelIDs {
                try db.execute(sql: "INSERT INTO brand_nomination_channels (nomination_id, channel_id) VALUES (?, ?)", arguments: [nomination.id, channelID])
            }
            try self.appendAudit(db, actorID: nomination.nominatedBy, action: "bridge.nominated", subject: "nomination:\(nomination.id ?? 0)",
                                 detail: ["status_id": nomination.statusId, "text": nomination.text, "channels": channelIDs, "note": nomination.note])
            return NominationView(nomination: nomination, channelIDs: channelIDs, exports: [])
        }
    }

    public func nominations(state: NominationRecord.State?, page: Page) async throws -> [NominationView] {
        try await read { db in
            let query = PageQuery(page, column: "id")
            var sql = "SELECT * FROM brand_nominations WHERE 1"
            var arguments: StatementArguments = []
            if let state {
                sql += " AND state = ?"
                arguments += [state.rawValue]
            }
            let records = try NominationRecord.fetchAll(db, sql: sql + query.andConditions + query.tail, arguments: arguments + query.arguments)
            return try query.ordered(records).map { try self.view(db, $0) }
        }
    }

    public func nomination(id: Int64) async throws -> NominationView? {
        try await read { db in try NominationRecord.fetchOne(db, key: id).map { try self.view(db, $0) } }
    }

    /// Nominations of one post still in play (pending or approved).
    public func openNominations(statusID: Int64) async throws -> [NominationView] {
        try await read { db in
            try NominationRecord.fetchAll(db, sql: "SELECT * FROM brand_nominations WHERE status_id = ? AND state IN ('pending', 'approved')",
                                          arguments: [statusID]).map { try self.view(db, $0) }
        }
    }

    private func view(_ db: Database, _ nomination: NominationRecord) throws -> NominationView {
        let channels = try Int64.fetchAll(db, sql: "SELECT channel_id FROM brand_nomination_channels WHERE nomination_id = ? ORDER BY channel_id",
                                          arguments: [nomination.id])
        let exports = try ExportRecord.fetchAll(db, sql: "SELECT * FROM brand_exports WHERE nomination_id = ? ORDER BY channel_id",
                                                arguments: [nomination.id])
        return NominationView(nomination: nomination, channelIDs: channels, exports: exports)
    }

    /// Approves a pending nomination and writes one export per channel, in
    /// one transaction: an approval without its exports cannot exist.
    public func approve(nominationID: Int64, reviewerID: Int64, exports: [NewExport], publishAt: Date?) async throws -> NominationView {
        let now = now()
        return try await write { db in
            try db.execute(sql: """
                UPDATE brand_nominations SET state = 'approved', reviewed_by = ?, reviewed_at = ?, publish_at = ? WHERE id = ? AND state = 'pending'
                """, arguments: [reviewerID, now, publishAt, nominationID])
            guard db.changesCount == 1 else { throw ChorusError.conflict("This nomination is no longer pending") }
            for export in exports {
                // The key is the prefix and the export's own id, known once the row exists.
                try db.execute(sql: """
                    INSERT INTO brand_exports (nomination_id, channel_id, text, idempotency_key, next_attempt_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [nominationID, export.channelID, export.text, "\(export.idempotencyPrefix)n\(nominationID)c\(export.channelID)",
                                     publishAt ?? now, now])
                try db.execute(sql: "UPDATE brand_exports SET idempotency_key = ? || id WHERE id = ?",
                               arguments: [export.idempotencyPrefix, db.lastInsertedRowID])
                try self.appendAudit(db, actorID: reviewerID, action: "bridge.approved", subject: "nomination:\(nominationID)",
                                     detail: ["channel_id": export.channelID, "text": export.text,
                                              "publish_at": publishAt.map { "\($0.timeIntervalSince1970)" } ?? "now"])
            }
            return try self.view(db, try NominationRecord.fetchOne(db, key: nominationID)!)
        }
    }

    public func reject(nominationID: Int64, reviewerID: Int64, reason: String) async throws -> NominationView {
        let now = now()
        return try await write { db in
            try db.execute(sql: """
                UPDATE brand_nominations SET state = 'rejected', reviewed_by = ?, reviewed_at = ?, review_reason = ? WHERE id = ? AND state = 'pending'
                """, arguments: [reviewerID, now, reason, nominationID])
            guard db.changesCount == 1 else { throw ChorusError.conflict("This nomination is no longer pending") }
            try self.appendAudit(db, actorID: reviewerID, action: "bridge.rejected", subject: "nomination:\(nominationID)", detail: ["reason": reason])
            return try self.view(db, try NominationRecord.fetchOne(db, key: nominationID)!)
        }
    }

    /// Retracts a nomination: nothing more goes out, and what went out is
    /// deleted by the worker (exports move to `retracting`).
    public func retractNomination(id: Int64, actorID: Int64, reason: String) async throws -> NominationView {
        try await write { db in
            guard let nomination = try NominationRecord.fetchOne(db, key: id) else { throw ChorusError.notFound("Nomination not found") }
            guard nomination.state == .pending || nomination.state == .approved else {
                throw ChorusError.conflict("Only pending or approved nominations can be retracted")
            }
            try self.retract(db, nominationIDs: [id], actorID: actorID, reason: reason)
            return try self.view(db, try NominationRecord.fetchOne(db, key: id)!)
        }
    }

    /// Inside a transaction: marks nominations retracted; pending and failed
    /// exports are cancelled (nothing is out there), published ones move to
    /// `retracting` for the worker.
    func retract(_ db: Database, nominationIDs: [Int64], actorID: Int64?, reason: String) throws {
        let now = now()
        for id in nominationIDs {
            try db.execute(sql: "UPDATE brand_nominations SET state = 'retracted' WHERE id = ?", arguments: [id])
            // Never tried: nothing can be out there. Tried without a known
            // answer (a timeout, say): the worker finds out and deletes.
            try db.execute(sql: """
                UPDATE brand_exports SET state = 'cancelled', lease_until = NULL
                WHERE nomination_id = ? AND state IN ('pending', 'failed') AND external_id IS NULL AND attempts = 0
                """, arguments: [id])
            try db.execute(sql: """
                UPDATE brand_exports SET state = 'retracting', attempts = 0, next_attempt_at = ?, last_error = NULL
                WHERE nomination_id = ? AND state IN ('published', 'failed', 'pending')
                """, arguments: [now, id])
            try self.appendAudit(db, actorID: actorID, action: "bridge.retracted", subject: "nomination:\(id)", detail: ["reason": reason])
        }
    }

    /// Retracts the open nominations of a post (it was deleted), inside the
    /// deletion's transaction.
    func retractNominations(_ db: Database, statusID: Int64, actorID: Int64) throws {
        let open = try Int64.fetchAll(db, sql: "SELECT id FROM brand_nominations WHERE status_id = ? AND state IN ('pending', 'approved')",
                                      arguments: [statusID])
        if !open.isEmpty { try retract(db, nominationIDs: open, actorID: actorID, reason: "The post was deleted") }
    }
}

extension SQLiteDatabase {
    /// A status regardless of who asks (for rules about posts, never shown as is).
    public func statusRecord(id: Int64) async throws -> StatusRecord? {
        try await read { db in try StatusRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM statuses WHERE id = ?"), arguments: [id]) }
    }
}
