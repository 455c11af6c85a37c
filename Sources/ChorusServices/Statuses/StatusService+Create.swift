import ChorusCore
import ChorusStore
import Foundation

extension StatusService {
    /// What a person asks to post.
    public struct Draft: Sendable {
        public var text: String
        public var visibility: Visibility?
        public var inReplyToID: Int64?
        public var quotedStatusID: Int64?
        public var spoilerText: String?
        public var sensitive: Bool
        public var language: String?
        public var idempotencyKey: String?
        public var applicationName: String?
        /// Post into this team's feed (visibility `team`).
        public var teamID: Int64?
        public var kind: PostKind = .status

        public init(text: String, visibility: Visibility? = nil, inReplyToID: Int64? = nil, quotedStatusID: Int64? = nil) {
            self.text = text
            self.visibility = visibility
            self.inReplyToID = inReplyToID
            self.quotedStatusID = quotedStatusID
            self.sensitive = false
        }
    }

    /// Validates and renders a post, then stores it in one transaction that
    /// also reads and checks what it refers to: a reply is never more
    /// visible than its parent and stays in its team; a team post needs a
    /// member (an announcement an owner or admin); a quote may only quote a
    /// company post (`PostPlacement`). `restrictedTo` is the team of a
    /// team-scoped token, which posts only in that team.
    public func createStatus(by author: AccountRecord, _ draft: Draft, restrictedTo tokenTeamID: Int64? = nil) async throws -> HydratedStatus {
        try postLimiter.take("account:\(author.id)", message: "You are posting too fast; try again in a few minutes")
        let parsed = try PostText.validate(draft.text)
        let spoiler = draft.spoilerText?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard TextLimit.fits(spoiler, characters: 140) else { throw ChorusError.unprocessable("Validation failed: Content warning is too long") }
        if let key = draft.idempotencyKey, key.utf8.count > 200 { throw ChorusError.unprocessable("Idempotency-Key is too long") }
        let visibility = draft.visibility ?? .company
        if visibility == .team, draft.teamID == nil, draft.inReplyToID == nil { throw ChorusError.unprocessable("Team posts need a team (chorus_team_id)") }

        // Rendering is CPU work, done before the transaction as if every
        // mention resolves; the store renders again only if one does not.
        let renderer = HTMLRenderer(baseURL: config.baseURL)
        let segments = parsed.segments
        let mentioned = parsed.mentionedUsernames
        var new = NewStatus(accountID: author.id, text: parsed.text,
                                        contentHTML: renderer.render(segments, knownUsernames: Set(mentioned)),
                                        visibility: visibility, mentionedUsernames: mentioned, tags: parsed.hashtags)
        new.renderHTML = { known in renderer.render(segments, knownUsernames: known) }
        new.teamID = draft.teamID
        new.tokenTeamID = tokenTeamID
        new.kind = draft.kind
        new.spoilerText = spoiler
        new.sensitive = draft.sensitive || !spoiler.isEmpty
        new.language = draft.language
        new.inReplyToID = draft.inReplyToID
        new.quoteOfID = draft.quotedStatusID
        new.applicationName = draft.applicationName
        new.idempotencyKey = draft.idempotencyKey
        let id = try await database.createStatus(new)
        return try await status(id: id, viewer: author)
    }
}
