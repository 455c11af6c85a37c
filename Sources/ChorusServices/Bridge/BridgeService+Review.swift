import ChorusCore
import ChorusStore
import Foundation

/// Review: editors approve, reject, retract and try failed exports again.
extension BridgeService {
    /// Approves: one export per channel, written with the approval. Refused
    /// for one's own post or nomination, and whenever a channel's text is
    /// too long or matches the leak guard (the reason names the rule), or a
    /// channel is disabled (the reason names it).
    public func approve(id: Int64, publishAt: Date?, by actor: AccountRecord) async throws -> NominationView {
        try requireEditor(actor)
        let view = try await nomination(id: id, by: actor)
        guard view.nomination.state == .pending else { throw ChorusError.conflict("This nomination is no longer pending") }
        guard view.nomination.authorId != actor.id else { throw ChorusError.forbidden("You cannot approve your own post") }
        guard view.nomination.nominatedBy != actor.id else { throw ChorusError.forbidden("You cannot approve your own nomination") }
        guard try await database.statusRecord(id: view.nomination.statusId) != nil else {
            throw ChorusError.conflict("The post was deleted")
        }
        let previews = try await preview(view)
        if let blocked = previews.first(where: { $0.problem != nil }), let problem = blocked.problem {
            throw ChorusError.unprocessable(problem)
        }
        let now = clock.now()
        let when = publishAt.flatMap { $0 > now ? $0 : nil }
        let exports = previews.map { preview in
            NewExport(channelID: preview.channel.id!, text: preview.text, idempotencyPrefix: "chorus-\(config.domain)-export-")
        }
        return try await database.approve(nominationID: id, reviewerID: actor.id, exports: exports, publishAt: when)
    }

    public func reject(id: Int64, reason: String, by actor: AccountRecord) async throws -> NominationView {
        try requireEditor(actor)
        let view = try await nomination(id: id, by: actor)
        guard view.nomination.authorId != actor.id, view.nomination.nominatedBy != actor.id else {
            throw ChorusError.forbidden("Another editor reviews your own post or nomination")
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else { throw ChorusError.unprocessable("Validation failed: give a reason (at most 500 characters)") }
        return try await database.reject(nominationID: id, reviewerID: actor.id, reason: reason)
    }

    /// Takes an approved (or pending) nomination back: the external copies are deleted.
    public func retract(id: Int64, reason: String, by actor: AccountRecord) async throws -> NominationView {
        try requireEditor(actor)
        return try await database.retractNomination(id: id, actorID: actor.id, reason: reason.isEmpty ? "Retracted by an editor" : reason)
    }

    public func retryExport(id: Int64, by actor: AccountRecord) async throws -> ExportRecord {
        try requireEditor(actor)
        return try await database.retryExport(id: id, actorID: actor.id)
    }

    public func audit(by actor: AccountRecord, page: Page) async throws -> [AuditRecord] {
        try requireAdmin(actor)
        return try await database.bridgeAudit(page: page)
    }
}
