import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    /// What a new post refers to, as its transaction read and checked it.
    struct ResolvedPost {
        var placement: PostPlacement
        var parent: StatusRecord?
        var quotedAccountID: Int64?
        /// The mentioned active accounts, in the order of the text.
        var mentionIDs: [Int64]
        /// The mentioned accounts that may read the post, and so are notified.
        var notifiedIDs: [Int64]
        var contentHTML: String
    }

    /// Checks and stores a post with its mentions, tags, search terms,
    /// notifications and outbox events, in one transaction, then adds it to
    /// the cached home-feed sources. The parent, the team and the author's
    /// role, the quoted post and the mentioned people are read in that
    /// transaction, so a change committed before it (someone leaving the
    /// team, a parent deleted) is always seen. With an idempotency key seen
    /// in the last hour, returns the earlier status id.
    public func createStatus(_ new: NewStatus) async throws -> Int64 {
        let id = ids.next()
        let now = now()
        let stored = try await batchedWrite { db -> (id: Int64, post: ResolvedPost?) in
            let post = try self.resolve(db, new)
            if let key = new.idempotencyKey,
               let existing = try Int64.fetchOne(db.cachedStatement(sql: """
                   SELECT status_id FROM idempotency_keys WHERE account_id = ? AND key = ? AND created_at > ?
                   """), arguments: [new.accountID, key, now.addingTimeInterval(-3600)]) {
                return (existing, nil)
            }
            try self.insert(db, new, post, id: id, at: now)
            return (id, post)
        }
        if let post = stored.post {
            feeds.didPost(id: id, authorID: new.accountID, replyToAuthorID: post.parent?.accountId, visibility: post.placement.visibility,
                          teamID: post.placement.teamID, tags: new.tags.map(\.name), mentionIDs: post.mentionIDs)
        }
        return stored.id
    }

    /// Reads what the post refers to and runs the placement rules on it, in
    /// the order a person would fix them: the parent, the team, the quote.
    func resolve(_ db: Database, _ new: NewStatus) throws -> ResolvedPost {
        var placement = PostPlacement(visibility: new.visibility, teamID: new.teamID)
        var parent: StatusRecord?
        if let parentID = new.inReplyToID {
            parent = try visibleStatusCached(db, id: parentID, viewerID: new.accountID)
            try placement.reply(to: parent.map(Self.ruleFacts), tokenTeamID: new.tokenTeamID)
        }
        var teamIsPublic = true
        if let teamID = placement.teamID {
            let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT t.privacy, t.join_policy, t.archived_at IS NOT NULL AS archived, m.role
                FROM teams t LEFT JOIN team_members m ON m.team_id = t.id AND m.account_id = ?
                WHERE t.id = ?
                """), arguments: [new.accountID, teamID])
            let role = (row?["role"] as String?).flatMap(TeamRole.init(rawValue:))
            teamIsPublic = (row?["privacy"] as String?) == TeamPrivacy.public.rawValue
            // A private team is not there for someone outside it. Whether the
            // author asked to join does not bear on posting, so it is not read.
            let team = row.flatMap { row in
                teamIsPublic || role != nil
                    ? TeamRules.Facts(joinPolicy: TeamJoinPolicy(rawValue: row["join_policy"]) ?? .invite, isArchived: row["archived"],
                                      role: role, requested: false)
                    : nil
            }
            try placement.enter(team, kind: new.kind)
        } else {
            try placement.enter(nil, kind: new.kind)
        }
        var quotedAccountID: Int64?
        if let quotedID = new.quoteOfID {
            let quoted = try visibleStatusCached(db, id: quotedID, viewerID: new.accountID)
            try PostPlacement.checkQuote(quoted.map(Self.ruleFacts))
            quotedAccountID = quoted?.accountId
        }
        var post = ResolvedPost(placement: placement, parent: parent, quotedAccountID: quotedAccountID, mentionIDs: [], notifiedIDs: [],
                                contentHTML: new.contentHTML)
        guard !new.mentionedUsernames.isEmpty else { return post }
        // Every mentioned name in one query, with whether each is in the post's team.
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT a.id, a.username, EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = ? AND m.account_id = a.id) AS in_team
            FROM json_each(?) j JOIN accounts a ON a.username = j.value COLLATE NOCASE
            WHERE a.is_active
            ORDER BY j.key
            """), arguments: [placement.teamID, jsonList(new.mentionedUsernames)])
        post.mentionIDs = rows.map { $0["id"] }
        let facts = StatusAccess.Facts(authorID: new.accountID, visibility: placement.visibility, mentionedIDs: Set(post.mentionIDs))
        // Only people who may read the post hear about it (a mentioned outsider of a private team does not).
        post.notifiedIDs = rows.filter { row in
            StatusAccess.canSee(viewerID: row["id"], post: facts, viewerFollowsAuthor: false, viewerIsTeamMember: row["in_team"],
                                teamIsPublic: teamIsPublic)
        }.map { $0["id"] }
        if rows.count < new.mentionedUsernames.count, let render = new.renderHTML {
            post.contentHTML = render(Set(rows.map { ($0["username"] as String).lowercased() }))
        }
        return post
    }

    /// A post as `PostRules` sees it (the neighbours' facts are not needed here).
    static func ruleFacts(_ status: StatusRecord) -> PostRules.Facts {
        PostRules.Facts(authorID: status.accountId, visibility: status.visibility, kind: status.kind, teamID: status.teamId,
                        isRepost: status.reblogOfId != nil, isReply: status.inReplyToId != nil)
    }

    /// `visibleStatus(_:id:viewerID:)` with a statement compiled once (the posting path).
    func visibleStatusCached(_ db: Database, id: Int64, viewerID: Int64) throws -> StatusRecord? {
        try StatusRecord.fetchOne(db.cachedStatement(sql: """
            SELECT s.* FROM statuses s WHERE s.id = :id AND \(visibleToViewerSQL("s", viewer: ":viewer"))
            """), arguments: ["id": id, "viewer": viewerID])
    }

    /// Writes a checked post and everything that hangs on it.
    private func insert(_ db: Database, _ new: NewStatus, _ post: ResolvedPost, id: Int64, at now: Date) throws {
        let placement = post.placement
        let status = StatusRecord(id: id, accountId: new.accountID, text: new.text, contentHtml: post.contentHTML,
                                  visibility: placement.visibility, spoilerText: new.spoilerText, sensitive: new.sensitive,
                                  language: new.language, inReplyToId: post.parent?.id,
                                  inReplyToAccountId: post.parent?.accountId, quoteOfId: new.quoteOfID,
                                  applicationName: new.applicationName, teamId: placement.teamID, kind: new.kind, createdAt: now)
        try status.insertCached(db)

        for mentioned in post.mentionIDs {
            try db.run("INSERT OR IGNORE INTO mentions (status_id, account_id, direct) VALUES (?, ?, ?)",
                       arguments: [id, mentioned, placement.visibility == .direct])
        }
        for tag in new.tags {
            try db.run("""
                INSERT INTO tags (name, display_name, created_at, last_used_at, uses_count) VALUES (?, ?, ?, ?, 1)
                ON CONFLICT (name) DO UPDATE SET last_used_at = excluded.last_used_at, uses_count = uses_count + 1
                """, arguments: [tag.name, tag.display, now, now])
            try db.run("INSERT OR IGNORE INTO status_tags (tag, status_id) VALUES (?, ?)", arguments: [tag.name, id])
        }
        try db.run("INSERT INTO status_search (rowid, terms) VALUES (?, ?)",
                   arguments: [id, SearchTokens.indexTerms(new.text + " " + new.spoilerText)])

        try db.run("UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = ? WHERE id = ?",
                   arguments: [now, new.accountID])
        if let parent = post.parent {
            try db.run("UPDATE statuses SET replies_count = replies_count + 1 WHERE id = ?", arguments: [parent.id])
        }
        if let quoted = new.quoteOfID {
            try db.run("UPDATE statuses SET quotes_count = quotes_count + 1 WHERE id = ?", arguments: [quoted])
        }

        // Notifications are part of the post's transaction (see `notify`).
        for mentioned in post.notifiedIDs where mentioned != new.accountID {
            try notify(db, accountID: mentioned, type: "mention", from: new.accountID, statusID: id)
        }
        if let quotedAccount = post.quotedAccountID, quotedAccount != new.accountID, !post.notifiedIDs.contains(quotedAccount) {
            try notify(db, accountID: quotedAccount, type: "quote", from: new.accountID, statusID: id)
        }
        if new.kind == .announcement, let teamID = placement.teamID {
            // Announcements reach every member (Mastodon's `status` notification).
            let members = try Int64.fetchAll(db.cachedStatement(sql: "SELECT account_id FROM team_members WHERE team_id = ? AND account_id <> ?"),
                                             arguments: [teamID, new.accountID])
            for member in members where !post.notifiedIDs.contains(member) {
                try notify(db, accountID: member, type: "status", from: new.accountID, statusID: id)
            }
        }
        if let key = new.idempotencyKey {
            try db.run("INSERT OR REPLACE INTO idempotency_keys (account_id, key, status_id, created_at) VALUES (?, ?, ?, ?)",
                       arguments: [new.accountID, key, id, now])
        }
        try appendEvent(db, type: "status.created", payload: ["status_id": id, "account_id": new.accountID])
    }
}
