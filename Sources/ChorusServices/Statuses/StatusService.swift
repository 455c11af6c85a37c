import ChorusCore
import ChorusStore
import Foundation

/// Posting, deleting, favouriting, reblogging and reading threads.
public struct StatusService: Sendable {
    let database: AppDatabase
    let config: ChorusConfig
    /// Posts per account in a sliding window (a runaway script or bot).
    let postLimiter: SlidingWindowLimiter

    public init(database: AppDatabase, config: ChorusConfig) {
        self.database = database
        self.config = config
        self.postLimiter = SlidingWindowLimiter(limit: config.postLimit.count, window: config.postLimit.window)
    }

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

    /// Validates, renders and stores a post. A reply is never more visible
    /// than its parent; a quote may only quote a company post.
    public func createStatus(by author: AccountRecord, _ draft: Draft) async throws -> HydratedStatus {
        try postLimiter.take("account:\(author.id)", message: "You are posting too fast; try again in a few minutes")
        let parsed = try PostText.validate(draft.text)
        let spoiler = draft.spoilerText?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard TextLimit.fits(spoiler, characters: 140) else { throw ChorusError.unprocessable("Validation failed: Content warning is too long") }
        if let key = draft.idempotencyKey, key.utf8.count > 200 { throw ChorusError.unprocessable("Idempotency-Key is too long") }
        var visibility = draft.visibility ?? .company
        var teamID = draft.teamID
        if visibility == .team, teamID == nil, draft.inReplyToID == nil { throw ChorusError.unprocessable("Team posts need a team (chorus_team_id)") }

        var parent: StatusRecord?
        if let parentID = draft.inReplyToID {
            guard let found = try await database.visibleStatus(id: parentID, viewerID: author.id), found.reblogOfId == nil else {
                throw ChorusError.notFound("The post you reply to does not exist")
            }
            parent = found
            // A reply stays where its parent is: in the same team, or out of teams.
            if let draftTeam = teamID, draftTeam != found.teamId {
                throw ChorusError.unprocessable("A reply stays in its parent's team")
            }
            teamID = found.teamId
            visibility = teamID == nil ? visibility.narrowed(toParent: found.visibility) : .team
        }
        var team: TeamRecord?
        if let teamID {
            guard let view = try await database.teamView(id: teamID, viewerID: author.id) else { throw ChorusError.notFound("Team not found") }
            guard !view.team.isArchived else { throw ChorusError.unprocessable("This team is archived: it takes no new posts") }
            guard let role = view.role else { throw ChorusError.forbidden("Join the team to post in it") }
            if draft.kind == .announcement, !role.canManage {
                throw ChorusError.forbidden("Only the team's owners and admins can post announcements")
            }
            team = view.team
            visibility = .team
        } else if draft.kind == .announcement {
            throw ChorusError.unprocessable("Announcements are posted in a team")
        }
        var quotedAccountID: Int64?
        if let quotedID = draft.quotedStatusID {
            guard let quoted = try await database.visibleStatus(id: quotedID, viewerID: author.id) else {
                throw ChorusError.notFound("The post you quote does not exist")
            }
            guard quoted.reblogOfId == nil, quoted.visibility == .company else {
                throw ChorusError.unprocessable("Only company-visible posts can be quoted")
            }
            quotedAccountID = quoted.accountId
        }

        var mentioned: [AccountRecord] = []
        for username in parsed.mentionedUsernames {
            if let account = try await database.account(username: username), account.isActive { mentioned.append(account) }
        }
        let renderer = HTMLRenderer(baseURL: config.baseURL)
        let html = renderer.render(parsed.segments, knownUsernames: Set(mentioned.map { $0.username.lowercased() }))
        var new = AppDatabase.NewStatus(accountID: author.id, text: parsed.text, contentHTML: html, visibility: visibility,
                                        mentionIDs: mentioned.map(\.id), tags: parsed.hashtags)
        new.teamID = team?.id
        new.kind = draft.kind
        // Only people who may read the post hear about it.
        if let team, team.privacy == .private {
            let members = try await database.teamMemberIDs(teamID: team.id)
            new.notifiedMentionIDs = mentioned.map(\.id).filter(members.contains)
        }
        new.spoilerText = spoiler
        new.sensitive = draft.sensitive || !spoiler.isEmpty
        new.language = draft.language
        new.inReplyTo = parent
        new.quoteOfID = draft.quotedStatusID
        new.quotedAccountID = quotedAccountID
        new.applicationName = draft.applicationName
        new.idempotencyKey = draft.idempotencyKey
        let id = try await database.createStatus(new)
        return try await status(id: id, viewer: author)
    }

    /// A status the viewer may see; 404 otherwise.
    public func status(id: Int64, viewer: AccountRecord) async throws -> HydratedStatus {
        guard let status = try await database.hydrate(ids: [id], viewerID: viewer.id).first else { throw ChorusError.notFound() }
        return status
    }

    /// Deletes the viewer's own status; returns it as it was (for "delete and redraft").
    public func deleteStatus(id: Int64, by viewer: AccountRecord) async throws -> HydratedStatus {
        let status = try await status(id: id, viewer: viewer)
        guard status.status.accountId == viewer.id else { throw ChorusError.forbidden("You can only delete your own posts") }
        try await database.deleteStatus(id: id, actorID: viewer.id)
        return status
    }

    public func favourite(id: Int64, by viewer: AccountRecord) async throws -> HydratedStatus {
        let target = try await status(id: id, viewer: viewer)
        try await database.favourite(statusID: target.status.reblogOfId ?? id, accountID: viewer.id)
        return try await status(id: target.status.reblogOfId ?? id, viewer: viewer)
    }

    public func unfavourite(id: Int64, by viewer: AccountRecord) async throws -> HydratedStatus {
        let target = try await status(id: id, viewer: viewer)
        try await database.unfavourite(statusID: target.status.reblogOfId ?? id, accountID: viewer.id)
        return try await status(id: target.status.reblogOfId ?? id, viewer: viewer)
    }

    /// Reblogs a company post; returns the reblog (wrapping the original).
    public func reblog(id: Int64, by viewer: AccountRecord) async throws -> HydratedStatus {
        let target = try await status(id: id, viewer: viewer)
        let original = target.reblog?.status ?? target.status
        guard original.visibility == .company else {
            throw ChorusError.unprocessable("Only company-visible posts can be reposted")
        }
        let reblogID = try await database.reblog(original: original, accountID: viewer.id)
        return try await status(id: reblogID, viewer: viewer)
    }

    /// Removes the viewer's reblog; returns the original.
    public func unreblog(id: Int64, by viewer: AccountRecord) async throws -> HydratedStatus {
        let target = try await status(id: id, viewer: viewer)
        let originalID = target.status.reblogOfId ?? id
        if let reblogID = try await database.reblogID(originalID: originalID, accountID: viewer.id) {
            try await database.deleteStatus(id: reblogID, actorID: viewer.id)
        }
        return try await status(id: originalID, viewer: viewer)
    }

    /// The visible thread around a status.
    public func context(id: Int64, viewer: AccountRecord) async throws -> (ancestors: [HydratedStatus], descendants: [HydratedStatus]) {
        _ = try await status(id: id, viewer: viewer)
        return try await database.context(statusID: id, viewerID: viewer.id)
    }

    public func favouritedBy(id: Int64, viewer: AccountRecord, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        _ = try await status(id: id, viewer: viewer)
        return try await database.favouritedBy(statusID: id, page: page)
    }

    public func rebloggedBy(id: Int64, viewer: AccountRecord, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        _ = try await status(id: id, viewer: viewer)
        return try await database.rebloggedBy(statusID: id, page: page)
    }
}
